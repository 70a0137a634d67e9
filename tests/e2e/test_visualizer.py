"""The page driven as a student would: every step checked against the worksheet's numbers, on the graph and in the tables."""

import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e import (
    CHART_TIMEOUT_MS,
    ON_SCREEN,
    loads_a_new_page,
    mentions_number_re,
    number_pattern,
    number_re,
    open_app,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
INSTANT = "?animate=0"

INPUTS_EPOCH_1 = {"x": "3", "y": "2", "w1": "0.5", "w2": "0.8"}
FORWARD_EPOCH_1 = {"z1": "1.5", "a1": "1.5", "z2": "1.2", "yhat": "1.2", "J": "0.32"}
FORWARD_EPOCH_2 = {"z1": "2.076", "a1": "2.076", "z2": "1.90992", "yhat": "1.90992", "J": "0.0040572032"}
GRADS_EPOCH_1 = {"J": "1", "yhat": "-0.8", "z2": "-0.8", "w2": "-1.2", "a1": "-0.64", "z1": "-0.64", "w1": "-1.92"}
LOCAL_EPOCH_1 = {"yhat-J": "-0.8", "z2-yhat": "1", "a1-z2": "0.8", "w2-z2": "1.5", "z1-a1": "1", "w1-z1": "3"}
WEIGHTS_AFTER_EPOCH_1 = {"w1": "0.692", "w2": "0.92"}
# The local derivative each backward step reveals, keyed by the node whose gradient it completes.
LOCAL_REVEALED_WITH = {"yhat": "yhat-J", "z2": "z2-yhat", "w2": "w2-z2", "a1": "a1-z2", "z1": "z1-a1", "w1": "w1-z1"}
CHAIN_FACTORS = {"w1": ("-0.8", "1", "0.8", "1", "3"), "w2": ("-0.8", "1", "1.5")}
HAS_CLASS = "(^|\\s){}(\\s|$)"


# --- locators -------------------------------------------------------------------------------


def button(page: Page, name: str) -> Locator:
    """The control button with exactly this accessible name."""
    return page.get_by_role("button", name=name, exact=True)


def graph_re(number: str) -> re.Pattern:
    """A number as the graph prints it: to 4 significant digits (the full number is on hover and focus)."""
    return number_re(f"{float(number):.4g}")


def graph_node(page: Page, node_id: str) -> Locator:
    """A node of the computational graph."""
    return page.locator(f'#graph [data-node-id="{node_id}"]')


def node_value(page: Page, node_id: str) -> Locator:
    """The forward value printed in a graph node."""
    return graph_node(page, node_id).locator(".node-value")


def node_grad(page: Page, node_id: str) -> Locator:
    """The gradient dJ/dnode printed in a graph node."""
    return graph_node(page, node_id).locator(".node-grad")


def edge_local(page: Page, edge_id: str) -> Locator:
    """The local derivative printed on a graph edge."""
    return page.locator(f'#graph [data-edge-id="{edge_id}"] .edge-local')


def settings_field(page: Page, label: str) -> Locator:
    """A field of the settings form, by its label."""
    return page.locator("#settings").get_by_label(label, exact=True)


def weight_field(page: Page, weight: str) -> Locator:
    """The settings input for one starting weight (labelled by the weight's name, id param-<weight>)."""
    return page.locator(f"#settings #param-{weight}")


def cost_marker(page: Page, epoch: int) -> Locator:
    """The marker of the cost trace (first trace of the first subplot) for this epoch."""
    return page.locator(f"#cost-chart .subplot.xy .scatterlayer .trace:first-child .points path:nth-child({epoch})")


def has_class(name: str) -> re.Pattern:
    """Matches a class attribute that contains the class `name`."""
    return re.compile(HAS_CLASS.format(re.escape(name)))


# --- actions and expectations ---------------------------------------------------------------


def press(page: Page, name: str) -> None:
    """Click the control button with this name."""
    button(page, name).click()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot, chart drawn, to artifacts/screenshots/<name>.png for a person to look at."""
    expect(page.locator("#cost-chart .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def expect_cells(page: Page, kind: str, numbers: dict[str, str], scope: str = "") -> None:
    """Every table cell `[data-fill="<kind>.<id>"]` (inside `scope`) shows its number; at least one such cell exists."""
    cells = page.locator(f'{scope} [data-fill^="{kind}."]')
    expect(cells.first).to_be_attached()
    for quantity, number in numbers.items():
        matching = page.locator(f'{scope} [data-fill="{kind}.{quantity}"]')
        for index in range(matching.count()):
            expect(matching.nth(index)).to_have_text(number_re(number))


def expect_forward(page: Page, numbers: dict[str, str]) -> None:
    """The forward values are on the graph nodes and in the forward table."""
    for node_id, number in numbers.items():
        expect(node_value(page, node_id)).to_have_text(graph_re(number))
        expect(graph_node(page, node_id)).to_have_attribute("aria-label", mentions_number_re(number))
        expect(page.locator(f'#forward-table [data-fill="values.{node_id}"]')).to_have_text(number_re(number))


def expect_nothing_computed(page: Page) -> None:
    """Epoch 1 before any pass: the inputs and weights are shown, nothing else is."""
    expect(page.locator("#epoch-label")).to_have_text("Epoch 1")
    for node_id, number in INPUTS_EPOCH_1.items():
        expect(node_value(page, node_id)).to_have_text(graph_re(number))
    for node_id in FORWARD_EPOCH_1:
        expect(node_value(page, node_id)).to_have_text("")
        expect(page.locator(f'#forward-table [data-fill="values.{node_id}"]')).to_have_text("?")
    for node_id in GRADS_EPOCH_1:
        expect(node_grad(page, node_id)).to_have_text("")
    for edge_id in LOCAL_EPOCH_1:
        expect(edge_local(page, edge_id)).to_have_text("")
        expect(page.locator(f'#local-table [data-fill="local.{edge_id}"]')).to_have_text("?")


def expect_backward(page: Page) -> None:
    """Every gradient and local derivative of epoch 1 is on the graph and in the tables, with the chain rule."""
    for node_id, number in GRADS_EPOCH_1.items():
        expect(node_grad(page, node_id)).to_have_text(graph_re(number))
    for edge_id, number in LOCAL_EPOCH_1.items():
        expect(edge_local(page, edge_id)).to_have_text(graph_re(number))
        expect(page.locator(f'#local-table [data-edge-id="{edge_id}"] [data-fill="local.{edge_id}"]')).to_have_text(
            number_re(number)
        )
    for node_id, number in GRADS_EPOCH_1.items():
        if node_id != "J":  # dJ/dJ = 1 is where the steps start, not one of them
            expect(page.locator(f'#chain-rule [data-accumulation="{node_id}"]')).to_have_text(number_re(number))
    for weight, factors in CHAIN_FACTORS.items():
        expect(page.locator(f'#chain-rule [data-chain="{weight}"]')).to_have_text(
            product_re(factors, GRADS_EPOCH_1[weight])
        )


def product_re(factors: tuple[str, ...], result: str) -> re.Pattern:
    """Text ending in "f1 · f2 · … = result" (factors may be parenthesised; · ⋅ × accepted)."""
    times = r"\s*[·⋅×*]\s*"
    product = times.join(rf"\(?\s*{number_pattern(factor)}\s*\)?" for factor in factors)
    return re.compile(rf"(^|[^0-9.\-−]){product}\s*=\s*{number_pattern(result)}\s*$")


def update_re(weight_before: str, rate: str, gradient: str, weight_after: str) -> re.Pattern:
    """Text ending in "w - α · (dJ/dw) = new w", e.g. "0.5 - 0.1 · (-1.92) = 0.692"."""
    return re.compile(
        rf"(^|[^0-9.\-−]){number_pattern(weight_before)}\s*[-−]\s*{number_pattern(rate)}\s*[·⋅×*]?\s*"
        rf"\(?\s*{number_pattern(gradient)}\s*\)?\s*=\s*{number_pattern(weight_after)}\s*$"
    )


def chart_trace(page: Page, trace_index: int = 0) -> dict:
    """The x and y data Plotly holds for one trace of the cost chart."""
    return page.evaluate(
        "i => { const t = document.getElementById('cost-chart').data[i]; return {x: [...t.x], y: [...t.y]}; }",
        trace_index,
    )


def wait_for_cost_points(page: Page, count: int) -> None:
    """Wait until the cost chart's first trace has at least `count` points."""
    page.wait_for_function("n => (document.getElementById('cost-chart')?.data?.[0]?.y?.length ?? 0) >= n", arg=count)


def train(page: Page, epochs: int) -> None:
    """Set "Epochs to train" and press Train."""
    page.get_by_label("Epochs to train", exact=True).fill(str(epochs))
    press(page, "Train")


def background_luminance(page: Page) -> float:
    """Relative luminance (0 black … 1 white) of the page background: the body's, else the root's, else white."""
    return page.evaluate(
        """() => {
            for (const element of [document.body, document.documentElement]) {
                const [r, g, b, a = 1] = getComputedStyle(element).backgroundColor.match(/[\\d.]+/g).map(Number);
                if (a === 0) continue;
                const linear = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
            }
            return 1;
        }"""
    )


def expect_no_horizontal_overflow(page: Page) -> None:
    """The document is no wider than the viewport (wide content scrolls inside its own container)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"document is {widths[0]} px wide in a {widths[1]} px viewport"


# --- the worksheet, pass by pass ------------------------------------------------------------


def test_forward_shows_worksheet_values_on_graph_and_forward_table(page: Page):
    """Forward fills z1, a1, z2, ŷ and J with the worksheet's epoch-1 numbers."""
    open_app(page, INSTANT)
    expect_nothing_computed(page)
    screenshot(page, "initial")
    press(page, "Forward")
    expect_forward(page, FORWARD_EPOCH_1)
    expect(page.locator("#forward-table math").first).to_be_attached()
    wait_for_cost_points(page, 1)
    assert chart_trace(page) == {"x": [1], "y": [pytest.approx(0.32)]}


def test_backward_shows_gradients_local_derivatives_and_chain_rule(page: Page):
    """Backward after Forward fills every gradient, every local derivative and the chain-rule products."""
    open_app(page, INSTANT)
    press(page, "Forward")
    expect_forward(page, FORWARD_EPOCH_1)
    press(page, "Backward")
    expect_backward(page)
    expect(page.locator("#local-table math").first).to_be_attached()
    expect(page.locator("#chain-rule math").first).to_be_attached()
    screenshot(page, "after-backward-light")


def test_backward_first_completes_the_forward_pass(page: Page):
    """Backward pressed first computes the forward values too."""
    open_app(page, INSTANT)
    press(page, "Backward")
    expect_forward(page, FORWARD_EPOCH_1)
    expect_backward(page)


def test_update_then_forward_runs_epoch_two(page: Page):
    """Update sets w1 = 0.692, w2 = 0.92 with its equations; Forward then gives the worksheet's epoch-2 numbers."""
    open_app(page, INSTANT)
    press(page, "Forward")
    press(page, "Backward")
    expect_backward(page)
    press(page, "Update")
    for weight, number in WEIGHTS_AFTER_EPOCH_1.items():
        expect(node_value(page, weight)).to_have_text(graph_re(number))
    expect(page.locator('#update-equations [data-update="w1"]')).to_have_text(update_re("0.5", "0.1", "-1.92", "0.692"))
    expect(page.locator('#update-equations [data-update="w2"]')).to_have_text(update_re("0.8", "0.1", "-1.2", "0.92"))
    expect(page.locator("#update-equations math").first).to_be_attached()
    press(page, "Forward")
    expect(page.locator("#epoch-label")).to_have_text("Epoch 2")
    expect_forward(page, FORWARD_EPOCH_2)


def test_update_first_completes_forward_and_backward(page: Page):
    """Update pressed first runs the whole epoch before changing the weights."""
    open_app(page, INSTANT)
    press(page, "Update")
    for weight, number in WEIGHTS_AFTER_EPOCH_1.items():
        expect(node_value(page, weight)).to_have_text(graph_re(number))
    expect(page.locator('#update-equations [data-update="w1"]')).to_have_text(update_re("0.5", "0.1", "-1.92", "0.692"))
    expect(page.locator('#chain-rule [data-chain="w1"]')).to_have_text(product_re(CHAIN_FACTORS["w1"], "-1.92"))


def test_reset_returns_to_epoch_one_with_nothing_computed(page: Page):
    """Reset after an update brings back the initial weights and empties every computed number."""
    open_app(page, INSTANT)
    press(page, "Update")
    expect(node_value(page, "w1")).to_have_text(graph_re("0.692"))
    press(page, "Reset")
    expect_nothing_computed(page)


def test_step_reveals_one_node_at_a_time_in_order(page: Page):
    """Step walks z1 … J forward, J … w1 backward (marking the node active, announcing it), then updates."""
    open_app(page, INSTANT)
    forward_order = list(FORWARD_EPOCH_1)
    for index, node_id in enumerate(forward_order):
        press(page, "Step")
        number = FORWARD_EPOCH_1[node_id]
        expect(node_value(page, node_id)).to_have_text(graph_re(number))
        expect_only_active(page, node_id)
        expect(page.locator("#announcer")).to_have_text(mentions_number_re(number))
        if index + 1 < len(forward_order):
            expect(node_value(page, forward_order[index + 1])).to_have_text("")
    backward_order = list(GRADS_EPOCH_1)
    for index, node_id in enumerate(backward_order):
        press(page, "Step")
        number = GRADS_EPOCH_1[node_id]
        expect(node_grad(page, node_id)).to_have_text(graph_re(number))
        if node_id in LOCAL_REVEALED_WITH:
            edge_id = LOCAL_REVEALED_WITH[node_id]
            expect(edge_local(page, edge_id)).to_have_text(graph_re(LOCAL_EPOCH_1[edge_id]))
        expect_only_active(page, node_id)
        expect(page.locator("#announcer")).to_have_text(mentions_number_re(number))
        if index + 1 < len(backward_order):
            expect(node_grad(page, backward_order[index + 1])).to_have_text("")
    expect(node_value(page, "w1")).to_have_text(graph_re("0.5"))
    press(page, "Step")
    for weight, number in WEIGHTS_AFTER_EPOCH_1.items():
        expect(node_value(page, weight)).to_have_text(graph_re(number))
    expect(page.locator("#announcer")).to_have_text(mentions_number_re("0.692"))


def expect_only_active(page: Page, node_id: str) -> None:
    """The graph node `node_id` is the one, and only, node marked active."""
    expect(graph_node(page, node_id)).to_have_class(has_class("active"))
    expect(page.locator("#graph [data-node-id].active")).to_have_count(1)


@pytest.mark.parametrize("how", ["animate=0", "reduced-motion"])
def test_play_runs_the_epoch_to_the_update(page: Page, how: str):
    """Play with instant animations (by ?animate=0 or prefers-reduced-motion) runs forward, backward and update."""
    if how == "reduced-motion":
        page.emulate_media(reduced_motion="reduce")
        open_app(page)
    else:
        open_app(page, INSTANT)
    press(page, "Play")
    for weight, number in WEIGHTS_AFTER_EPOCH_1.items():
        expect(node_value(page, weight)).to_have_text(graph_re(number))
    expect_forward(page, FORWARD_EPOCH_1)
    expect(button(page, "Play")).to_be_visible()


def test_reduced_motion_makes_forward_instant(page: Page):
    """With prefers-reduced-motion, a whole forward pass shows up at once (animated, it takes seconds)."""
    page.emulate_media(reduced_motion="reduce")
    open_app(page)
    press(page, "Forward")
    expect(node_value(page, "J")).to_have_text(graph_re("0.32"), timeout=2000)


def test_play_button_becomes_pause_while_playing(page: Page):
    """At normal speed, Play turns into Pause; pressing Pause stops and it reads Play again."""
    open_app(page)
    press(page, "Play")
    expect(button(page, "Pause")).to_be_visible()
    press(page, "Pause")
    expect(button(page, "Play")).to_be_visible()


# --- training and the chart -----------------------------------------------------------------


def test_train_twenty_epochs_draws_a_decreasing_cost_and_weight_traces(page: Page):
    """Train for 20 epochs: the cost chart has ≥ 20 decreasing points from 0.32, and w1, w2 have traces."""
    open_app(page, INSTANT)
    expect(page.get_by_label("Epochs to train", exact=True)).to_have_value("20")
    train(page, 20)
    wait_for_cost_points(page, 20)
    costs = chart_trace(page)["y"]
    assert costs[:2] == [pytest.approx(0.32), pytest.approx(0.0040572032)]
    assert all(later < earlier for earlier, later in pairwise(costs)), costs
    traces = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')]
               .flatMap(plot => plot.data).map(trace => [trace.name, [...trace.y]]))"""
    )
    assert {"w₁", "w₂"} <= traces.keys(), f"weight traces missing; traces are {sorted(traces)}"
    assert pytest.approx(0.692) in traces["w₁"]


def test_clicking_a_chart_point_shows_that_epoch(page: Page):
    """After training, clicking the epoch-2 marker of the cost chart shows epoch 2's values on the graph and table."""
    open_app(page, INSTANT)
    train(page, 20)
    wait_for_cost_points(page, 20)
    cost_marker(page, epoch=2).click(force=True)
    expect(page.locator("#epoch-label")).to_have_text("Epoch 2")
    expect_forward(page, FORWARD_EPOCH_2)


def test_plotly_and_every_other_resource_come_from_the_app(page: Page, base_url: str):
    """No CDN: plotly.js and every other resource the page loads are served by the app itself."""
    open_app(page)
    expect(page.locator("#cost-chart .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)
    resources = page.evaluate("() => performance.getEntriesByType('resource').map(entry => entry.name)")
    assert any("plotly" in url for url in resources), resources
    foreign = [url for url in resources if not url.startswith(base_url + "/")]
    assert not foreign, f"resources from elsewhere: {foreign}"


def test_log_scale_checkbox_switches_the_cost_axis(page: Page):
    """The "Log scale" checkbox makes the chart's y axis logarithmic and back."""
    open_app(page, INSTANT)
    train(page, 20)
    wait_for_cost_points(page, 20)
    log_scale = page.get_by_label("Log scale", exact=True)
    axis_is_log = "want => (document.getElementById('cost-chart').layout?.yaxis?.type === 'log') === want"
    for want_log in (not log_scale.is_checked(), log_scale.is_checked()):
        log_scale.set_checked(want_log)
        page.wait_for_function(axis_is_log, arg=want_log)


# --- the settings form ----------------------------------------------------------------------


def test_apply_new_x_navigates_and_forward_uses_it(page: Page):
    """Setting x = 4 and pressing Apply reloads with x in the URL; Forward then gives z1 = 0.5 · 4 = 2."""
    open_app(page, INSTANT)
    settings_field(page, "x").fill("4")
    with loads_a_new_page(page):
        button(page, "Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]x=4(&|$)"))
    expect(node_value(page, "x")).to_have_text(graph_re("4"))
    press(page, "Forward")
    expect(node_value(page, "z1")).to_have_text(graph_re("2"))
    expect(page.locator('#forward-table [data-fill="values.z1"]')).to_have_text(number_re("2"))


def test_apply_keeps_the_epochs_to_train_in_the_permalink(page: Page):
    """The Train count travels with the settings, so a shared URL trains the same number of epochs."""
    open_app(page, INSTANT)
    page.get_by_label("Epochs to train").fill("5")
    settings_field(page, "Learning rate α").fill("0.2")
    with loads_a_new_page(page):
        button(page, "Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]train=5(&|$)"))
    expect(page.get_by_label("Epochs to train")).to_have_value("5")
    press(page, "Train")
    expect(page.locator("#epoch-label")).to_have_text("Epoch 5")


def test_widest_layers_run_a_whole_epoch(page: Page):
    """Four hidden layers 16 wide: Forward, Backward and Update complete and the gradients reach the first weights."""
    open_app(page, "?hidden=16,16,16,16&seed=1&animate=0")
    press(page, "Update")
    expect(page.locator("#phase-label")).to_have_text("weights updated")
    expect(node_grad(page, "J")).to_have_text(graph_re("1"))
    expect(node_value(page, "J")).to_have_text(re.compile(r"^= \d"))
    expect(page.locator('#forward-table [data-fill="values.J"]')).to_have_text(re.compile(r"^\d"))
    expect(page.locator("[data-update-numbers]").first).to_have_text(re.compile(r" = [-−]?\d"))
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^Update: w₁,₁,₁ ≔ "))


def test_narrow_screens_get_the_graph_top_to_bottom(page: Page):
    """At 360 px the graph is redrawn top to bottom and shows the same numbers, with no sideways scroll."""
    page.set_viewport_size({"width": 360, "height": 800})
    open_app(page, INSTANT)
    tall = page.locator("#graph.graph-tall")
    expect(tall).to_be_visible()
    press(page, "Backward")
    expect(tall.locator('[data-node-id="J"] .node-value')).to_have_text(graph_re("0.32"))
    expect(tall.locator('[data-node-id="w1"] .node-grad')).to_have_text(graph_re("-1.92"))
    expect(tall.locator('[data-edge-id="a1-z2"] .edge-local')).to_have_text(graph_re("0.8"))
    x, j = (tall.locator(f'[data-node-id="{n}"]').bounding_box() for n in ("x", "J"))
    assert x["y"] < j["y"], "the forward pass runs down the page"
    scroller = page.locator(".graph-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    expect(page.locator("#scroll-hint")).to_be_hidden()


def test_query_string_sets_the_network(page: Page):
    """/?x=4&y=2&w1=0.5&w2=0.8&lr=0.1 fills the form and the graph with those numbers."""
    open_app(page, "?x=4&y=2&w1=0.5&w2=0.8&lr=0.1&animate=0")
    expect(settings_field(page, "x")).to_have_value(re.compile(r"^4(\.0*)?$"))
    press(page, "Forward")
    expect(node_value(page, "z1")).to_have_text(graph_re("2"))


@pytest.mark.parametrize(
    ("field_of", "bad_value"),
    [
        (lambda page: settings_field(page, "x"), "abc"),
        (lambda page: settings_field(page, "Learning rate α"), "-1"),
        (lambda page: weight_field(page, "w1"), "abc"),
    ],
    ids=["x-not-a-number", "negative-learning-rate", "weight-not-a-number"],
)
def test_invalid_setting_shows_inline_error_without_leaving(
    page: Page, field_of: Callable[[Page], Locator], bad_value: str
):
    """An invalid field gets aria-invalid and a message right after it; the page stays as it was."""
    open_app(page, INSTANT)
    url_before = page.url
    field = field_of(page)
    field.fill("")
    field.press_sequentially(bad_value)
    button(page, "Apply").click()
    expect(field).to_have_attribute("aria-invalid", "true")
    shown_errors = page.locator("#settings .field-error:visible").filter(has_text=re.compile(r"\S"))
    expect(shown_errors).to_have_count(1)
    next_error = field.locator(
        "xpath=following::*[contains(concat(' ', normalize-space(@class), ' '), ' field-error ')][1]"
    )
    expect(next_error).to_be_visible()
    expect(next_error).to_have_text(re.compile(r"\S"))
    expect(page).to_have_url(url_before)
    expect(graph_node(page, "J")).to_be_visible()


# --- presets that go wrong ------------------------------------------------------------------


def test_dead_relu_preset_reports_dead_neurons(page: Page):
    """Training /?preset=dead_relu says in words that ReLUs died and marks the dead nodes."""
    open_app(page, "?preset=dead_relu&animate=0")
    press(page, "Train")
    expect(page.locator("#run-status")).to_contain_text(re.compile("dead", re.IGNORECASE))
    expect(page.locator("#graph [data-node-id].dead").first).to_be_visible()


def test_diverging_preset_reports_divergence(page: Page):
    """Training /?preset=diverging for 10 epochs says the run diverged."""
    open_app(page, "?preset=diverging&animate=0")
    train(page, 10)
    expect(page.locator("#run-status")).to_contain_text(re.compile("diverged", re.IGNORECASE))


def test_two_hidden_preset_draws_both_hidden_neurons(page: Page):
    """/?preset=two_hidden draws z1_1 and z1_2; Forward gives 1.5 and 3 · (-0.3) + 0.1 = -0.8, and J = 0.32."""
    open_app(page, "?preset=two_hidden&animate=0")
    expect(graph_node(page, "z1_1")).to_be_visible()
    expect(graph_node(page, "z1_2")).to_be_visible()
    press(page, "Forward")
    expected = {"z1_1": "1.5", "z1_2": "-0.8", "a1_1": "1.5", "a1_2": "0", "z2": "1.2", "J": "0.32"}
    for node_id, number in expected.items():
        expect(node_value(page, node_id)).to_have_text(graph_re(number))
    screenshot(page, "two-hidden")


# --- keyboard, pointer, accessibility aids ----------------------------------------------------


def test_tab_reaches_forward_with_a_visible_focus_outline(page: Page):
    """Tabbing from the top reaches the Forward button, and the focused button shows an outline."""
    open_app(page, INSTANT)
    forward = button(page, "Forward")
    for _ in range(60):
        page.keyboard.press("Tab")
        if forward.evaluate("element => element === document.activeElement"):
            break
    expect(forward).to_be_focused()
    outline = forward.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "the focused Forward button has no outline"


def test_space_plays_and_pauses_outside_form_fields(page: Page):
    """Space with focus on no form field starts playing (button reads Pause) and pauses again."""
    open_app(page)
    page.evaluate("() => document.activeElement?.blur()")
    page.keyboard.press("Space")
    expect(button(page, "Pause")).to_be_visible()
    page.keyboard.press("Space")
    expect(button(page, "Play")).to_be_visible()


def test_space_in_a_form_field_does_not_play(page: Page):
    """Space typed into a settings field stays in the field."""
    open_app(page)
    settings_field(page, "Seed").focus()
    page.keyboard.press("Space")
    expect(button(page, "Play")).to_be_visible()
    expect(node_value(page, "z1")).to_have_text("")


def test_arrow_right_steps_one_node(page: Page):
    """ArrowRight reveals z1, then a1."""
    open_app(page, INSTANT)
    page.evaluate("() => document.activeElement?.blur()")
    page.keyboard.press("ArrowRight")
    expect(node_value(page, "z1")).to_have_text(graph_re("1.5"))
    expect(node_value(page, "a1")).to_have_text("")
    page.keyboard.press("ArrowRight")
    expect(node_value(page, "a1")).to_have_text(graph_re("1.5"))


def test_hovering_or_focusing_a_node_highlights_its_table_row_and_back(page: Page):
    """Hover z1 or focus a1 on the graph: their forward-table rows light up; hovering a row lights up its node."""
    open_app(page, INSTANT)
    highlight = has_class("highlight")
    graph_node(page, "z1").hover()
    expect(page.locator('#forward-table [data-node-id="z1"]')).to_have_class(highlight)
    graph_node(page, "a1").focus()
    expect(page.locator('#forward-table [data-node-id="a1"]')).to_have_class(highlight)
    page.locator('#forward-table [data-node-id="z2"]').hover()
    expect(graph_node(page, "z2")).to_have_class(highlight)


def test_graph_nodes_are_focusable(page: Page):
    """Every computed node of the graph can take keyboard focus."""
    open_app(page, INSTANT)
    for node_id in FORWARD_EPOCH_1:
        expect(graph_node(page, node_id)).to_have_attribute("tabindex", "0")


def test_what_is_backpropagated_is_answered(page: Page):
    """The page says plainly that what travels backward is the derivative (gradient) of the cost."""
    open_app(page)
    answer = page.locator("#what-is-backpropagated")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text(re.compile(r"derivative|gradient", re.IGNORECASE))
    expect(answer).to_contain_text(re.compile(r"cost", re.IGNORECASE))


# --- appearance -----------------------------------------------------------------------------


def test_light_and_dark_color_schemes(page: Page):
    """The background follows prefers-color-scheme: light by default, dark when the system is dark."""
    open_app(page, INSTANT)
    assert background_luminance(page) > 0.5
    page.emulate_media(color_scheme="dark")
    open_app(page, INSTANT)
    assert background_luminance(page) < 0.1
    press(page, "Backward")
    expect_backward(page)
    screenshot(page, "after-backward-dark")


@pytest.mark.parametrize("width", [360, 1440])
def test_layout_has_no_horizontal_overflow(page: Page, width: int):
    """At 360 px and 1440 px, with every number shown, the document does not scroll sideways."""
    page.set_viewport_size({"width": width, "height": 900})
    open_app(page, INSTANT)
    press(page, "Backward")
    expect_backward(page)
    expect_no_horizontal_overflow(page)
    screenshot(page, f"width-{width}")


def test_on_a_phone_the_narration_and_the_epoch_stay_on_screen_while_stepping(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, "?animate=0")
    step = page.get_by_role("button", name="Step", exact=True)
    narration = page.locator("#announcer")
    # The worksheet: z₁ = w₁x = 0.5 · 3, z₂ = w₂a₁ = 0.8 · 1.5, J = (2 − 1.2)²/2.
    said = {"z1": "z₁ = 0.5 · 3 = 1.5", "z2": "z₂ = 0.8 · 1.5 = 1.2", "J": mentions_number_re("0.32")}
    for node in ("z1", "a1", "z2", "yhat", "J"):
        step.click()
        if node in said:
            expect(narration).to_have_text(said[node])
        for selector in ("#announcer", "#epoch-label", "#phase-label"):
            page.wait_for_function(ON_SCREEN, arg=[selector, False])
        # The node being computed is not under the bar that carries the narration.
        page.wait_for_function(ON_SCREEN, arg=[f'svg.graph [data-node-id="{node}"]', True])
    expect(page.locator("#phase-label")).to_have_text("forward pass done")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('announcer')).fontSize)") >= 16
