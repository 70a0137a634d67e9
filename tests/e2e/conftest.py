"""Fixtures for the browser tests: the real app on a free port, system Chromium kept offline, no console errors."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, Route

from tests.e2e import chromium_launch_options, serving
from webapp import create_app


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 at a free port, for the whole session."""
    with serving(create_app()) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, browser_name: str) -> dict:
    """pytest-playwright's launch options plus, for Chromium, the system executable and offline flags."""
    if browser_name != "chromium":
        return browser_type_launch_args
    return chromium_launch_options(browser_type_launch_args, shell=True)


# plotly.js takes a second or more of a busy core to compile in every fresh page. A browser test that
# never looks at the chart (no `chart` marker: see tests/conftest.py) gets this instead: a script that
# runs without error but whose load event is stopped before it reaches the element, so whatever waits
# for plotly.js (an onload, a listener, eagerly or lazily) keeps waiting, and the chart is never drawn.
PLOTLY_WITHHELD = """(() => {
  const script = document.currentScript;
  document.addEventListener("load", (event) => {
    if (event.target === script) event.stopImmediatePropagation();
  }, true);
})();
"""


def withhold_plotly(context: BrowserContext) -> None:
    """Serve `context`'s pages the plotly.js stand-in that never finishes loading."""

    def stand_in(route: Route) -> None:
        route.fulfill(body=PLOTLY_WITHHELD, content_type="text/javascript; charset=utf-8")

    context.route("**/vendor/plotly-*.js", stand_in)


# plotly.js is evaluated only once the chart (or the cost surface) comes near the viewport
# (static/js/chart.js), as a student scrolls down to it. A test that looks at the chart does what that
# student does: each page it opens scrolls to the chart once the page's script has run.
SCROLL_TO_CHART = """addEventListener("DOMContentLoaded", () => {
  const chart = document.getElementById("cost-chart");
  if (chart && !chart.closest("[hidden]")) chart.scrollIntoView({ block: "center" });
});
"""


@pytest.fixture(autouse=True)
def plotly_only_for_chart_tests(request: pytest.FixtureRequest) -> None:
    """The real plotly.js, and the chart scrolled to, for tests marked `chart`; the stand-in for every
    other test's `page`."""
    if "page" not in request.fixturenames:
        return
    context = request.getfixturevalue("context")
    if request.node.get_closest_marker("chart"):
        context.add_init_script(SCROLL_TO_CHART)
    else:
        withhold_plotly(context)


@pytest.fixture(autouse=True)
def fail_on_page_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that uses `page` if the page logged a console error or threw an uncaught exception."""
    if "page" not in request.fixturenames:
        yield
        return
    page: Page = request.getfixturevalue("page")
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location
            problems.append(f"console.error: {message.text} ({location.get('url')}:{location.get('lineNumber')})")

    def on_page_error(error: Error) -> None:
        problems.append(f"uncaught {error.name}: {error.message}\n{error.stack or ''}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield
    page.remove_listener("console", on_console)
    page.remove_listener("pageerror", on_page_error)
    if problems:
        pytest.fail("The page reported errors:\n" + "\n".join(problems), pytrace=False)
