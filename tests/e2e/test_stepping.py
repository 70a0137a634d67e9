"""Stepping as a student does it: fast presses, back and forth, phase edges, the epoch scrubber, the
address that holds where the page is, and the page on a phone, a projector and at 200 % zoom."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e import CHART_TIMEOUT_MS, mentions_number_re, number_re
from tests.e2e import open_app as open_page

INSTANT = "?animate=0"
# The worksheet's epoch: 5 forward steps (z1 … J), 7 backward (J … w1), then the update.
FORWARD_END, BACKWARD_END, UPDATE_END = 5, 12, 13


def open_app(page: Page, query: str = "") -> Page:
    """The page, once its script has put it where the address says and its controls answer."""
    open_page(page, query)
    expect(page.locator("main[data-ready]")).to_be_attached(timeout=CHART_TIMEOUT_MS)
    return page


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def node_value(page: Page, node_id: str):
    return page.locator(f'svg.graph:visible [data-node-id="{node_id}"] .node-value')


def expect_at(page: Page, epoch: int, phase: str, timeout: float | None = None) -> None:
    expect(page.locator("#epoch-label")).to_have_text(f"Epoch {epoch}", timeout=timeout)
    expect(page.locator("#phase-label")).to_have_text(phase)


def expect_address(page: Page, **wanted: str | None) -> None:
    """The page's URL has each key with its value (None: without the key); waits for the throttled write."""
    page.wait_for_function(
        """wanted => { const q = new URLSearchParams(location.search);
            return Object.entries(wanted).every(([k, v]) => q.get(k) === v); }""",
        arg=wanted,
    )


def train(page: Page, epochs: int) -> None:
    page.get_by_label("Epochs to train", exact=True).fill(str(epochs))
    button(page, "Train").click()


# --- stepping that keeps up -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["button", "key"])
def test_fast_presses_each_move_exactly_one_node(page: Page, how: str):
    """Three presses during slow animations land three nodes (z1, a1, z2), not one restarted three times."""
    open_app(page)
    page.get_by_label("Speed").select_option("slow")
    page.locator("#graph-heading").click()  # focus off the select, whose arrows are its own
    expect(page.get_by_label("Speed")).not_to_be_focused()
    for _ in range(3):
        if how == "button":
            button(page, "Step").click()
        else:
            page.keyboard.press("ArrowRight")
    expect(node_value(page, "z1")).to_have_text(number_re("1.5"))
    expect(node_value(page, "a1")).to_have_text(number_re("1.5"))
    expect(node_value(page, "z2")).to_have_text(number_re("1.2"))
    expect(page.locator('#graph [data-node-id="z2"]')).to_have_class(re.compile(r"\bactive\b"))
    expect(node_value(page, "yhat")).to_have_text("")


def test_back_steps_one_node_across_phases_and_epochs(page: Page):
    """Back undoes one node; from epoch 2's first step it goes to epoch 1's "weights updated"; at the start it says so."""
    open_app(page, INSTANT)
    button(page, "Backward").click()
    expect_at(page, 1, "backward pass done")
    button(page, "Back").click()
    expect(page.locator('#graph [data-node-id="w1"] .node-grad')).to_have_text("")
    expect(page.locator('#graph [data-node-id="z1"] .node-grad')).to_have_text(number_re("-0.64"))
    expect_at(page, 1, "backward pass")
    button(page, "Update").click()
    button(page, "Step").click()
    expect_at(page, 2, "forward pass")
    expect(node_value(page, "z1")).to_have_text(number_re("2.076"))
    page.locator("body").press("ArrowLeft")
    expect_at(page, 2, "nothing computed yet")
    page.locator("body").press("ArrowLeft")
    expect_at(page, 1, "weights updated")
    expect(node_value(page, "w1")).to_have_text(re.compile(r"0\.692$"))
    button(page, "Reset").click()
    button(page, "Back").click()
    expect(page.locator("#announcer")).to_have_text(re.compile("Already at the start"))
    expect_at(page, 1, "nothing computed yet")


def test_home_and_end_jump_to_the_edges_of_the_phase(page: Page):
    """End completes the phase the next step is in; Home goes back to the start of the phase just done."""
    open_app(page, INSTANT)
    button(page, "Step").click()
    button(page, "Step").click()
    page.locator("body").press("End")
    expect_at(page, 1, "forward pass done")
    button(page, "End of phase").click()
    expect_at(page, 1, "backward pass done")
    button(page, "Start of phase").click()
    expect_at(page, 1, "forward pass done")
    page.locator("body").press("Home")
    expect_at(page, 1, "nothing computed yet")
    expect(node_value(page, "z1")).to_have_text("")


def test_the_cost_at_each_forward_pass_is_said_to_fall_rise_or_stay_as_the_costs_are(page: Page):
    """The narration compares J with the epoch before by the numbers themselves: the worksheet's cost
    falls at epoch 2, and reaches exactly 0 at epoch 26, where it stays."""
    open_app(page, INSTANT)
    costs = [e["cost"] for e in page.request.post("/api/train", data={"epochs": 27}).json()["epochs"]]
    assert costs[1] < costs[0] and costs[26] == costs[25], "the worksheet's costs as this test reads them"
    button(page, "Update").click()
    button(page, "Forward").click()
    expect_at(page, 2, "forward pass done")
    expect(page.locator("#announcer")).to_contain_text("the cost fell from")
    train(page, 25)  # from epoch 1, the last updated
    expect_at(page, 26, "weights updated")
    button(page, "Forward").click()
    expect_at(page, 27, "forward pass done")
    expect(page.locator("#announcer")).to_have_text(re.compile(r"J = 0: the cost is the same as at epoch 26$"))


def test_backward_first_says_it_ran_forward_first(page: Page):
    open_app(page, INSTANT)
    button(page, "Backward").click()
    expect(page.locator("#announcer")).to_have_text(re.compile("^Ran the forward pass first"))
    expect(page.locator("#announcer")).to_have_text(mentions_number_re("-1.92"))


def test_train_at_the_last_allowed_epoch_says_so(page: Page):
    open_app(page, INSTANT)
    most = int(page.get_by_label("Epochs to train", exact=True).get_attribute("max"))
    page.goto(f"/{INSTANT}&epoch={most}&step={UPDATE_END}")
    # Two runs of every allowed epoch (the costs, then the last one's detail) on a shared machine.
    expect_at(page, most, "weights updated", timeout=CHART_TIMEOUT_MS)
    train(page, 5)
    expect(page.locator("#announcer")).to_have_text(re.compile(f"Epoch {most} is the last"))
    expect_at(page, most, "weights updated")


def test_the_epoch_scrubber_shows_an_epoch_and_follows_chart_clicks(page: Page):
    """The labelled range moves by keyboard to any epoch reached (fetching its detail); a chart click moves it."""
    open_app(page, INSTANT)
    scrubber = page.get_by_label("Epoch shown")
    expect(scrubber).to_be_disabled()
    train(page, 20)
    expect_at(page, 20, "weights updated")
    expect(scrubber).to_have_attribute("max", "20")
    expect(scrubber).to_have_value("20")
    scrubber.focus()
    page.keyboard.press("Home")
    expect_at(page, 1, "weights updated")
    expect(node_value(page, "J")).to_have_text(number_re("0.32"))
    page.keyboard.press("ArrowRight")
    expect_at(page, 2, "weights updated")
    expect(page.locator('#forward-table [data-fill="values.J"]')).to_have_text(number_re("0.0040572032"))
    expect(scrubber).to_have_attribute("aria-valuetext", "Epoch 2 of 20")
    expect(page.locator("#cost-chart .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)
    page.wait_for_function("() => (document.getElementById('cost-chart')?.data?.[0]?.y?.length ?? 0) >= 20")
    page.locator("#cost-chart .subplot.xy .scatterlayer .trace:first-child .points path:nth-child(7)").click(force=True)
    expect_at(page, 7, "weights updated")
    expect(scrubber).to_have_value("7")


# --- the address holds the state ----------------------------------------------------------------


def test_the_address_follows_the_page_and_back_and_forward_restore_it(page: Page):
    open_app(page, INSTANT)
    for _ in range(3):
        button(page, "Step").click()
    expect_address(page, step="3", epoch=None)
    train(page, 4)
    expect_at(page, 4, "weights updated")
    expect_address(page, epoch="4", step=str(UPDATE_END))
    page.get_by_label("Log scale").check()
    expect_address(page, log="1")
    page.go_back()
    expect_at(page, 1, "forward pass")
    expect(node_value(page, "z2")).to_have_text(number_re("1.2"))
    expect(node_value(page, "yhat")).to_have_text("")
    page.go_forward()
    expect_at(page, 4, "weights updated")
    expect(page.get_by_label("Log scale")).to_be_checked()


def test_a_page_opened_from_an_address_starts_there(page: Page):
    open_app(page, f"{INSTANT}&x=3,1&y=2,2&epoch=2&step={FORWARD_END}&sample=2&log=1")
    expect_at(page, 2, "forward pass done")
    expect(page.locator("#sample-select")).to_have_value("1")
    expect(page.get_by_label("Log scale")).to_be_checked()
    # Sample 2 (x = 1) at epoch 2: its z1 is w1 after one update times 1, not sample 1's.
    z1 = page.evaluate(
        "() => JSON.parse(document.getElementById('initial-state').textContent).run.epochs[1].values.z1[1]"
    )
    expect(node_value(page, "z1")).to_have_text(number_re(f"{z1:.10g}"))


@pytest.mark.parametrize(
    "query, field", [("epoch=abc", "epoch"), ("text=huge", "text")]
)  # every field: tests/js/state.test.mjs
def test_a_bad_address_names_the_field_and_starts_at_the_beginning(page: Page, query: str, field: str):
    open_app(page, f"{INSTANT}&{query}")
    expect(page.locator("#announcer")).to_have_text(re.compile(rf"Ignored: {field} in the address"))
    expect_at(page, 1, "nothing computed yet")


# --- phone, projector, larger text, zoom -------------------------------------------------------

ON_SCREEN_SIZES = """() => [...document.querySelectorAll('svg.graph')].filter(s => s.getClientRects().length).flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll(SELECTOR)].filter(t => t.textContent && t.getClientRects().length)
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
})"""


def on_screen_sizes(page: Page, selector: str) -> list[float]:
    return page.evaluate(ON_SCREEN_SIZES.replace("SELECTOR", repr(selector)))


def test_on_a_projector_graph_numbers_are_at_least_12px(page: Page):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, INSTANT)
    button(page, "Backward").click()
    expect_at(page, 1, "backward pass done")
    sizes = on_screen_sizes(page, ".node-value, .node-grad, .edge-local")
    assert sizes and min(sizes) >= 12, sorted(sizes)[:5]


def test_larger_text_scales_text_and_graph_labels_and_is_remembered(page: Page):
    open_app(page, INSTANT)
    body_before = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    label_before = min(on_screen_sizes(page, ".node-label"))
    toggle = button(page, "Larger text")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-large\b"))
    expect_address(page, text="large")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 1.2 * body_before
    assert min(on_screen_sizes(page, ".node-label")) >= 1.2 * label_before
    page.reload()
    expect(page.locator("main[data-ready]")).to_be_attached()
    expect(button(page, "Larger text")).to_have_attribute("aria-pressed", "true")


def test_on_a_phone_the_controls_and_the_active_node_stay_on_screen(page: Page):
    """At 390×844, stepping through the forward pass keeps Step reachable and the active node above the controls."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, f"{INSTANT}&preset=two_hidden&text=large")
    step = button(page, "Step")
    for _ in range(6):
        step.click()
        active = page.locator("svg.graph-tall .node.active")
        expect(active).to_have_count(1)
        bar = page.locator(".step-controls").bounding_box()
        box = active.bounding_box()
        step_box = step.bounding_box()
        assert step_box["y"] >= 0 and step_box["y"] + step_box["height"] <= 844, step_box
        assert box["y"] >= 0 and box["y"] + box["height"] <= bar["y"] + 1, (box, bar)


def test_on_a_desktop_stepping_never_scrolls_the_page(page: Page):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, INSTANT)
    page.evaluate("() => window.scrollTo(0, 700)")
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 0
    for _ in range(4):
        page.locator("body").press("ArrowRight")
    expect(page.locator("#phase-label")).to_have_text("forward pass")
    expect(node_value(page, "yhat")).to_have_text(number_re("1.2"))
    assert page.evaluate("() => window.scrollY") == scrolled


def test_at_200_percent_zoom_nothing_is_clipped(browser: Browser, base_url: str):
    """A 1440×900 screen at 200 %: a 720 px wide page drawn at twice the pixels."""
    context = browser.new_context(viewport={"width": 720, "height": 450}, device_scale_factor=2, base_url=base_url)
    page = context.new_page()
    try:
        open_app(page, INSTANT)
        button(page, "Backward").click()
        expect_at(page, 1, "backward pass done")
        clipped = page.evaluate(
            """() => {
              const width = document.documentElement.clientWidth;
              const out = [];
              if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth}`);
              for (const el of document.querySelectorAll('.controls button, .controls select, .controls input, .controls label')) {
                const r = el.getBoundingClientRect();
                if (r.right > width + 0.5 || r.left < -0.5 || el.scrollWidth > el.clientWidth + 1) out.push(el.outerHTML.slice(0, 60));
              }
              return out;
            }"""
        )
        assert not clipped, clipped
    finally:
        context.close()
