"""Browser tests of the page; the Chromium launch options here are shared with benchmarks/page_perf.py."""

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

# plotly.js is 3.6 MB of script, loaded after the graph on purpose: on a busy 2-core machine it can
# take several seconds to parse, so waits for the drawn chart allow more than expect's default 5 s.
CHART_TIMEOUT_MS = 20_000
CHROMIUM_CANDIDATES = (os.environ.get("CHROMIUM_PATH", ""), "/usr/lib/chromium/chromium", "/usr/bin/chromium")
# The suite drives Debian's headless shell build of the same Chromium (package chromium-headless-shell:
# the same Blink and V8 without the desktop browser around them) when it is installed: each browser test
# then costs about 40 % less CPU. The benchmarks and screenshots use the browser students use.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
# Only the app's own server is reachable: any other host name fails to resolve, so a page that
# pulls a script from a CDN fails loudly instead of passing on a networked machine.
CHROMIUM_ARGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def system_chromium(shell: bool = False) -> str | None:
    """The first Chromium executable found on this machine (with `shell`, its headless shell first), or
    None to let Playwright use its own build. CHROMIUM_PATH, when set, comes before either."""
    first, *rest = CHROMIUM_CANDIDATES
    candidates = (first, HEADLESS_SHELL, *rest) if shell else CHROMIUM_CANDIDATES
    return next((path for path in candidates if path and Path(path).is_file()), None)


def chromium_launch_options(defaults: dict | None = None, shell: bool = False) -> dict:
    """Launch options for Chromium: `defaults` plus the system executable and the offline, quiet flags."""
    options = dict(defaults or {})
    options["args"] = [*options.get("args", []), *CHROMIUM_ARGS]
    executable = system_chromium(shell)
    if executable:
        options["executable_path"] = executable
    return options


def number_pattern(number: str) -> str:
    """`number` as a pattern: the page writes negatives with the true minus sign, tests with "-"."""
    return re.escape(number.lstrip("-")) if not number.startswith("-") else "[-−]" + re.escape(number[1:])


def number_re(number: str) -> re.Pattern:
    """Text ending in exactly `number` (after an optional prefix such as "= "), e.g. "dJ/dz₁ = −0.64"."""
    return re.compile(rf"(^|[^0-9.\-−]){number_pattern(number)}\s*$")


def mentions_number_re(number: str) -> re.Pattern:
    """Text containing `number` as a whole number, not as part of a longer one."""
    return re.compile(rf"(^|[^0-9.\-−]){number_pattern(number)}($|[^0-9])")


def open_app(page: Page, query: str = "") -> Page:
    """Open the page at `/` plus `query` (e.g. "?animate=0") and wait until the graph is drawn."""
    page.goto("/" + query)
    # The graph's boxes, and its edges, which the page's script draws.
    expect(page.locator("svg.graph [data-node-id]").first).to_be_visible()
    expect(page.locator("svg.graph .edge").first).to_be_attached()
    # The controls answer, and the page is where its address says (a click before this may be undone).
    expect(page.locator("main[data-ready]")).to_be_attached()
    return page


@contextmanager
def loads_a_new_page(page: Page) -> Iterator[None]:
    """The block's action loads a new document; after it, that document's script answers. (Playwright's
    expect_navigation also ends on a same-document change of the address, which the old page makes as it
    goes: a press right after it could land on the old page.)"""
    page.locator("main").evaluate("main => main.setAttribute('data-old', '')")
    yield
    expect(page.locator("main[data-ready]:not([data-old])")).to_be_attached()


@contextmanager
def serving(wsgi_app) -> Iterator[int]:
    """`wsgi_app` served by werkzeug on 127.0.0.1 at a free port while the block runs; yields the port."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# Whether the first shown element matching a selector lies on screen, and (with `aboveBar`) above the
# sticky step bar, as a node of the graph must while stepping on a phone: a wait_for_function argument.
ON_SCREEN = """([selector, aboveBar]) => {
    const el = [...document.querySelectorAll(selector)].find((e) => e.getClientRects().length);
    const box = el.getBoundingClientRect();
    const bottom = aboveBar ? document.querySelector('.step-bar').getBoundingClientRect().top : innerHeight;
    return box.top >= 0 && box.bottom <= bottom && box.left >= 0 && box.right <= innerWidth;
}"""
