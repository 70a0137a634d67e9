"""/embed inside course pages served from another origin: driven, sized, sandboxed, refused where it must be."""

import json
import re
from collections.abc import Iterator
from html import escape

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.wrappers import Request, Response

from tests.e2e import CHART_TIMEOUT_MS, number_re, serving
from webapp import create_app

# A course page records every message its frames post, so a test can see what arrived.
RECORD_MESSAGES = (
    "<script>window.received = []; addEventListener('message', (e) => window.received.push(e.data));</script>"
)


class CourseSite:
    """A course site on another origin (localhost, not the app's 127.0.0.1): pages are set by the test."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.origin = ""

    def __call__(self, environ, start_response):
        body = self.pages.get(Request(environ).path)
        response = Response(body, mimetype="text/html") if body else Response("no such page", 404)
        return response(environ, start_response)

    def page(self, path: str, body: str) -> str:
        self.pages[path] = (
            f"<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'></head><body>{RECORD_MESSAGES}{body}</body></html>"
        )
        return self.origin + path


@pytest.fixture(scope="module")
def course_site() -> Iterator[CourseSite]:
    site = CourseSite()
    with serving(site) as port:
        site.origin = f"http://localhost:{port}"
        yield site


def frame_of(page: Page, selector: str = "iframe"):
    return page.frame_locator(selector)


def test_an_embedded_visualizer_is_driven_and_sized_to_its_content(page: Page, base_url: str, course_site: CourseSite):
    src = escape(f"{base_url}/embed?view=graph,tables&animate=0")
    url = course_site.page(
        "/lesson",
        f'<h1>Lesson</h1><iframe id="viz" src="{src}" title="Backprop Visualizer" style="width:700px;border:0"></iframe>'
        f'<script src="{base_url}/embed.js" async></script>',
    )
    page.set_viewport_size({"width": 900, "height": 700})
    page.goto(url)
    viz = frame_of(page, "#viz")
    viz.get_by_role("button", name="Forward", exact=True).click()
    expect(viz.locator('#graph [data-node-id="J"] .node-value')).to_have_text(number_re("0.32"))
    page.wait_for_function(
        """() => {
            const types = new Set(window.received.map((m) => m.type || (typeof m === "string" && JSON.parse(m).subject)));
            return types.has("backprop-visualizer:resize") && types.has("lti.frameResize");
        }"""
    )
    lti = next(json.loads(m) for m in page.evaluate("window.received") if isinstance(m, str))
    assert lti["subject"] == "lti.frameResize" and lti["height"] > 300

    def content_height() -> float:
        return page.frame_locator("#viz").locator("html").evaluate("(root) => root.getBoundingClientRect().height")

    def frame_height() -> float:
        return page.locator("#viz").evaluate("(frame) => frame.getBoundingClientRect().height")

    # Sized from an iframe's default 150 px to its content, which is taller.
    page.wait_for_function("() => document.getElementById('viz').getBoundingClientRect().height > 300")
    assert abs(frame_height() - content_height()) <= 3
    # Narrower, the graph is drawn top to bottom and the page grows: the frame follows.
    before = frame_height()
    page.locator("#viz").evaluate("(frame) => { frame.style.width = '360px'; }")
    page.wait_for_function(f"() => document.getElementById('viz').getBoundingClientRect().height > {before + 50}")
    expect(viz.locator("#graph.graph-tall")).to_be_visible()
    assert abs(frame_height() - content_height()) <= 3


def test_the_host_script_ignores_other_frames_messages(page: Page, base_url: str, course_site: CourseSite):
    """The control for the test above: another frame's message, in our format, resizes nothing."""
    forged = escape("<script>parent.postMessage({type: 'backprop-visualizer:resize', height: 7}, '*')</script>")
    url = course_site.page(
        "/other",
        f'<script src="{base_url}/embed.js"></script>'
        f'<iframe id="viz" src="{escape(base_url)}/embed?view=graph" style="height:200px"></iframe>'
        f'<iframe id="stranger" srcdoc="{forged}" style="height:120px"></iframe>',
    )
    page.goto(url)
    page.wait_for_function("() => window.received.some((m) => m && m.height === 7)")
    page.wait_for_function("() => document.getElementById('viz').style.height !== '200px'")
    assert page.locator("#stranger").evaluate("(f) => f.style.height") == "120px"


def test_a_sandboxed_embed_computes_the_worksheet(page: Page, base_url: str, course_site: CourseSite):
    url = course_site.page(
        "/sandboxed",
        f'<iframe id="viz" sandbox="allow-scripts" src="{escape(base_url)}/embed?view=graph,tables&animate=0" '
        'style="width:800px;height:900px"></iframe>',
    )
    page.goto(url)
    viz = frame_of(page, "#viz")
    viz.get_by_role("button", name="Forward", exact=True).click()
    expect(viz.locator("#announcer")).to_contain_text("J = ")
    expect(viz.locator('#graph [data-node-id="J"] .node-value')).to_have_text(number_re("0.32"))
    # A second epoch is fetched from the API: a cross-origin POST from the sandbox's null origin.
    viz.get_by_label("Epochs to train", exact=True).fill("3")
    viz.get_by_role("button", name="Train", exact=True).click()
    expect(viz.locator("#epoch-label")).to_have_text("Epoch 3")
    assert page.frames[1].evaluate("() => self.origin") == "null"


def refused_frame(browser: Browser, url: str) -> str:
    """Open a course page whose iframe must be refused, and return the URL the frame ends on (an error page)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        with page.expect_event("framenavigated", lambda frame: frame.url.startswith("chrome-error:")) as refused:
            page.goto(url)
        return refused.value.url
    finally:
        context.close()


def test_a_restricted_embed_origins_setting_refuses_a_foreign_course(browser: Browser, course_site: CourseSite):
    app = create_app({"EMBED_ORIGINS": "https://canvas.example.edu"})
    with serving(app) as port:
        url = course_site.page("/restricted", f'<iframe src="http://127.0.0.1:{port}/embed"></iframe>')
        assert refused_frame(browser, url).startswith("chrome-error:")
        # The control: the same app frames fine in a page of its own origin.
        allowed = browser.new_context()
        try:
            page = allowed.new_page()
            page.goto(f"http://127.0.0.1:{port}/healthz")
            page.set_content(f'<iframe src="http://127.0.0.1:{port}/embed"></iframe>')
            expect(page.frame_locator("iframe").locator("#graph [data-node-id]").first).to_be_attached()
        finally:
            allowed.close()


def test_the_main_page_refuses_to_be_framed_by_another_site(browser: Browser, base_url: str, course_site: CourseSite):
    url = course_site.page("/framing-main", f'<iframe src="{escape(base_url)}/"></iframe>')
    assert refused_frame(browser, url).startswith("chrome-error:")


def test_the_app_under_a_url_prefix_trains_and_draws_its_chart(page: Page):
    with serving(create_app({"URL_PREFIX": "/backprop"})) as port:
        page.goto(f"http://127.0.0.1:{port}/backprop/?animate=0")
        page.get_by_label("Epochs to train", exact=True).fill("5")
        page.get_by_role("button", name="Train", exact=True).click()
        expect(page.locator("#epoch-label")).to_have_text("Epoch 5")
        page.wait_for_function(
            "() => (document.getElementById('cost-chart')?.data?.[0]?.y?.length ?? 0) >= 5", timeout=CHART_TIMEOUT_MS
        )
        expect(page.locator("#cost-chart .main-svg .scatterlayer .trace").first).to_be_visible()


def test_the_oembed_answer_parses_and_its_iframe_loads(page: Page, base_url: str, course_site: CourseSite):
    answer = page.request.get(f"{base_url}/oembed", params={"url": f"{base_url}/?x=4&y=2", "format": "json"}).json()
    assert answer["type"] == "rich"
    page.goto(course_site.page("/oembedded", answer["html"]))
    viz = page.frame_locator("iframe")
    expect(viz.locator('#graph [data-node-id="x"] .node-value')).to_have_text(number_re("4"))


@pytest.mark.parametrize(("width", "height"), [(500, 300), (360, 640)])
def test_the_embed_never_scrolls_sideways(page: Page, base_url: str, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base_url}/embed?view=graph,tables,chart,settings&preset=xor")
    expect(page.locator("svg.graph:visible [data-node-id]").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # Taller than its box, it scrolls inside.
    assert page.evaluate("() => document.documentElement.scrollHeight > innerHeight")


def test_the_embed_dialog_copies_this_state(page: Page, base_url: str):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page.goto(f"{base_url}/?x=4&y=2&w1=0.5&w2=0.8&lr=0.2")
    page.get_by_role("button", name="Embed", exact=True).click()
    dialog = page.get_by_role("dialog", name="Share or embed this network")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Link", exact=True)).to_have_value(page.url)
    embed_src = f"{base_url}/embed?x=4&y=2&w1=0.5&w2=0.8&lr=0.2"
    html = dialog.get_by_label("HTML for a course page", exact=False)
    expect(html).to_have_value(re.compile("^" + re.escape(f'<iframe src="{escape(embed_src)}"')))
    expect(html).to_have_value(re.compile(re.escape(f'<script src="{base_url}/embed.js" async></script>') + "$"))
    expect(dialog.get_by_label("MyST or Jupyter Book")).to_have_value(
        f":::{{iframe}} {embed_src}\n:width: 100%\n:class: no-blend\n:::"
    )
    dialog.get_by_role("button", name="Copy HTML").click()
    expect(dialog.get_by_role("status")).to_have_text("Copied the HTML.")
    assert page.evaluate("() => navigator.clipboard.readText()") == html.input_value()


def test_controls_shows_only_the_controls_named_and_the_narration_speaks_of_those(
    page: Page, base_url: str, course_site: CourseSite
):
    src = escape(f"{base_url}/embed?view=graph,chart&animate=0&controls=forward,backward,update")
    page.goto(
        course_site.page("/three-buttons", f'<iframe id="viz" src="{src}" style="width:800px;height:900px"></iframe>')
    )
    viz = frame_of(page, "#viz")
    for name in ("Forward", "Backward", "Update"):
        expect(viz.get_by_role("button", name=name, exact=True)).to_be_visible()
    for name in ("Start of phase", "Back", "Step", "End of phase", "Play", "Reset", "Larger text", "Train"):
        expect(viz.get_by_role("button", name=name, exact=True)).to_have_count(0)
    for label in ("Speed", "Epoch shown", "Epochs to train", "Log scale"):
        expect(viz.get_by_label(label, exact=True)).to_be_hidden()
    narration = viz.locator("#announcer")
    expect(narration).to_have_text("Press Forward to compute the network.")
    viz.get_by_role("button", name="Forward", exact=True).click()
    viz.get_by_role("button", name="Forward", exact=True).click()
    expect(narration).to_have_text("The forward pass of epoch 1 is done: press Backward.")
    viz.get_by_role("button", name="Update", exact=True).click()
    viz.get_by_role("button", name="Update", exact=True).click()
    # No Step button here: the advice names Forward alone.
    expect(narration).to_have_text("Already updated, the epoch is done: press Forward.")


def test_controls_none_leaves_no_control_and_no_advice_to_press_one(page: Page, base_url: str, course_site: CourseSite):
    src = escape(f"{base_url}/embed?view=graph,chart&animate=0&controls=none")
    page.goto(
        course_site.page("/no-buttons", f'<iframe id="viz" src="{src}" style="width:800px;height:900px"></iframe>')
    )
    viz = frame_of(page, "#viz")
    expect(viz.locator("main[data-ready]")).to_be_attached()
    expect(viz.locator(".graph-panel").locator("button, select, input").filter(visible=True)).to_have_count(0)
    expect(viz.locator("#log-scale")).to_be_hidden()
    expect(viz.locator("#announcer")).to_have_text(
        "The network with its data and starting weights: nothing computed yet."
    )
    # Nor do the keys of the buttons that are not there step the graph.
    viz.locator("#graph-heading").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    expect(viz.locator("#phase-label")).to_have_text("nothing computed yet")


def test_a_locked_embed_cannot_be_escaped_through_the_cost_surface(page: Page, base_url: str, course_site: CourseSite):
    src = escape(f"{base_url}/embed?view=graph,chart,settings&animate=0&lock=1")
    page.goto(course_site.page("/locked", f'<iframe id="viz" src="{src}" style="width:800px;height:2400px"></iframe>'))
    viz = frame_of(page, "#viz")
    surface = viz.locator("#landscape-chart .nsewdrag").first
    expect(surface).to_be_visible(timeout=CHART_TIMEOUT_MS)
    surface.scroll_into_view_if_needed()
    box = surface.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    expect(viz.locator("#announcer")).to_have_text("The settings are fixed by the page this is part of.")
    frame = page.frames[1]
    assert "w1=" not in frame.url and frame.evaluate("() => document.getElementById('param-w1').value") == "0.5"
