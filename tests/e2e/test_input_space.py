"""What the network computes, on the page: the worksheet's ŷ(x) moving toward its target epoch by epoch, XOR's
boundary forming over the plane with a hidden neuron's own output beside its node, and a click adding a sample.
Every number the panel shares with /api/train is /api/train's."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import CHART_TIMEOUT_MS, loads_a_new_page, open_app

pytestmark = pytest.mark.chart

SIZES = [{"width": 1440, "height": 900}, {"width": 390, "height": 844}]
# Each size in one colour scheme: the laptop light, the phone dark.
VIEWS = [(SIZES[0], "light"), (SIZES[1], "dark")]


def luminance(colour: str) -> float:
    """Relative luminance of a CSS colour Plotly reports (#rrggbb or rgb(a)(r, g, b…))."""
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [float(c) for c in re.findall(r"[\d.]+", colour)[:3]]
    linear = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def assert_legible_in(page: Page, scheme: str) -> None:
    """The panel's text is drawn in the page's scheme: dark text on light paper, or light on dark."""
    paper, text = page.evaluate(
        "() => { const l = document.getElementById('input-space-chart')._fullLayout; return [l.paper_bgcolor, l.font.color]; }"
    )
    if paper.startswith("rgba") and paper.replace(" ", "").endswith(",0)"):
        paper = page.evaluate("() => getComputedStyle(document.querySelector('.input-space-panel')).backgroundColor")
    contrast = (max(luminance(paper), luminance(text)) + 0.05) / (min(luminance(paper), luminance(text)) + 0.05)
    assert contrast >= 4.5, (scheme, paper, text)
    assert (luminance(text) > luminance(paper)) == (scheme == "dark"), (scheme, paper, text)


XOR_2_2_1 = "?animate=0&preset=xor&hidden=2&x=0 0, 0 1, 1 0, 1 1&y=0, 1, 1, 0&act=tanh&act=sigmoid&seed=2"


def trained(page: Page, body: dict, epoch: int) -> dict:
    """/api/train's detail of `epoch` for `body`, asked from the page."""
    answer = page.evaluate(
        """([body, epoch]) => fetch('/api/train', {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({...body, epochs: epoch, detail_epochs: [epoch]})}).then(r => r.json())""",
        [body, epoch],
    )
    return next(e for e in answer["epochs"] if e["epoch"] == epoch)


def panel_at(page: Page, epoch: int) -> dict:
    """The plot's traces once it shows `epoch`, by name."""
    chart = page.locator("#input-space-chart")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_attribute("data-epoch", str(epoch), timeout=CHART_TIMEOUT_MS)
    traces = page.evaluate(
        "() => document.getElementById('input-space-chart').data.map(t => ({name: t.name, type: t.type, "
        "x: t.x && [...t.x], y: t.y && [...t.y], customdata: t.customdata && [...t.customdata]}))"
    )
    return {t["name"]: t for t in traces}


def train(page: Page, epochs: int) -> None:
    page.get_by_label("Epochs to train", exact=True).fill(str(epochs))
    page.get_by_role("button", name="Train", exact=True).click()


@pytest.mark.parametrize(("size", "scheme"), [(SIZES[1], "light"), (SIZES[0], "dark")], ids=["390-light", "1440-dark"])
def test_the_worksheets_curve_moves_toward_its_target(page: Page, size, scheme):
    page.set_viewport_size(size)
    page.emulate_media(color_scheme=scheme)
    open_app(page, "?animate=0")
    first = panel_at(page, 1)
    assert_legible_in(page, scheme)
    assert first["shown sample"]["x"] == [3] and first["targets 1"]["y"] == [2]
    assert first["shown sample"]["y"] == [trained(page, {}, 1)["values"]["yhat"][0]]
    assert min(first["ŷ"]["y"]) == 0, "ReLU(w₂·ReLU(w₁x)) is 0 left of the kink"
    train(page, 10)
    page.locator("#epoch-scrubber").fill("10")
    later = panel_at(page, 10)
    yhat = trained(page, {}, 10)["values"]["yhat"][0]
    assert later["shown sample"]["y"] == [yhat]
    assert abs(yhat - 2) < abs(first["shown sample"]["y"][0] - 2) / 2
    expect(page.locator("#input-space-caption")).to_contain_text("Epoch 10")


@pytest.mark.parametrize(("size", "scheme"), VIEWS, ids=["1440-light", "390-dark"])
def test_xor_on_two_hidden_neurons_shows_its_boundary_and_each_neurons_output(page: Page, size, scheme):
    page.set_viewport_size(size)
    page.emulate_media(color_scheme=scheme)
    open_app(page, XOR_2_2_1)
    start = panel_at(page, 1)
    assert_legible_in(page, scheme)
    assert start["boundary"]["type"] == "contour" and start["samples"]["x"] == [0, 0, 1, 1]
    train(page, 500)
    page.locator("#epoch-scrubber").fill("500")
    end = panel_at(page, 500)
    config = page.evaluate("() => JSON.parse(document.getElementById('initial-state').textContent).config")
    detail = trained(page, config, 500)
    yhats = page.evaluate(
        "() => document.getElementById('input-space-chart').data.find(t => t.name === 'samples').marker.color"
    )
    hovers = end["samples"]["customdata"]
    # The hovers write each sample's ŷ as the page writes numbers, from /api/train's own numbers.
    expected = page.evaluate(
        "async (values) => { const { formatNumber } = await import('/static/js/format.js'); return values.map((v) => formatNumber(v)); }",
        detail["values"]["yhat"],
    )
    assert [h.split("ŷ = ")[1] for h in hovers] == expected, hovers
    assert [float(h.split("target ")[1].split(",")[0]) for h in hovers] == yhats == [0, 1, 1, 0]
    assert [y > 0.5 for y in detail["values"]["yhat"]] == [False, True, True, False], "each sample on its side"
    assert not any(re.search(r"\de[-+]?\d|-", h) for h in hovers), hovers
    node = page.locator('svg.graph [data-node-id="a1_2"]').first
    node.scroll_into_view_if_needed()
    node.hover()
    thumbnail = page.locator("#neuron-thumbnail")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_contain_text("a₁,₂ over x₁, x₂")
    page.mouse.move(0, 0)
    expect(thumbnail).to_be_hidden()


def test_a_click_on_the_plane_adds_a_sample_to_the_url(page: Page):
    page.set_viewport_size(SIZES[0])
    open_app(page, "?animate=0&preset=circles&n=20")
    panel_at(page, 1)
    # Any of the 20 samples can be shown, one the page's first detail lacked too: the graph and the ring follow.
    expect(page.locator("#sample-select option")).to_have_count(20)
    x = page.evaluate("() => JSON.parse(document.getElementById('initial-state').textContent).config.x[14]")
    page.locator("#sample-select").select_option("14")
    expect(page.locator('#graph [data-node-id="x_1"] .node-value')).to_have_text(re.compile(r"^= [-−]?0\.\d+"))
    expect(page.locator("#input-space-chart")).to_have_attribute("data-sample", "14")
    ring = panel_at(page, 1)["shown sample"]
    assert [ring["x"][0], ring["y"][0]] == x
    expect(page.locator(".sample-hint")).to_contain_text("all 20 samples")
    expect(page).to_have_url(re.compile(r"sample=15"))
    page.reload()
    expect(page.locator("#sample-select")).to_have_value("14")
    expect(page.locator("#input-space-chart")).to_have_attribute("data-sample", "14", timeout=CHART_TIMEOUT_MS)
    page.locator("#input-space-target").select_option("0")
    area = page.locator("#input-space-chart .nsewdrag").first
    box = area.bounding_box()
    with loads_a_new_page(page):
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    expect(page).to_have_url(re.compile(r"add=[-\d.]+(\+|%20)[-\d.]+(\+|%20)0$"))
    expect(page.locator("#input-space-chart")).to_have_attribute("data-samples", "21", timeout=CHART_TIMEOUT_MS)
    expect(page.locator("#field-add")).to_have_value(re.compile(r"^[-\d.]+ [-\d.]+ 0$"))
    expect(page.locator("#field-n")).to_have_value("20")


def test_a_plane_with_two_outputs_shows_the_one_picked(page: Page):
    """Two outputs over two inputs: the picker chooses which ŷ the plane shows, and its numbers are the
    server's for that output, samples coloured by that output's targets."""
    page.set_viewport_size(SIZES[0])
    open_app(page, "?animate=0&x=0 0, 0 1, 1 0, 1 1&y=0 1, 1 0, 1 0, 0 1&hidden=3&act=tanh&act=sigmoid&loss=bce&seed=1")
    first = panel_at(page, 1)
    config = page.evaluate("() => JSON.parse(document.getElementById('initial-state').textContent).config")
    answer = page.evaluate(
        """(body) => fetch('/api/input-space', {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({...body, epoch: 1, inputs: ['x_1', 'x_2'], include_graph: false})}).then(r => r.json())""",
        {k: v for k, v in config.items() if k != "epochs"},
    )
    heatmap = "() => document.getElementById('input-space-chart').data.find(t => t.type === 'heatmap').z"
    assert page.evaluate(heatmap) == answer["outputs"][0]["values"]
    expect(page.locator("#input-space-caption")).to_contain_text(answer["outputs"][0]["label"] + " over")
    page.get_by_label("showing").select_option(label=answer["outputs"][1]["label"])
    expect(page.locator("#input-space-caption")).to_contain_text(answer["outputs"][1]["label"] + " over")
    assert page.evaluate(heatmap) == answer["outputs"][1]["values"]
    colours = page.evaluate(
        "() => document.getElementById('input-space-chart').data.find(t => t.name === 'samples').marker.color"
    )
    assert colours == [1, 0, 0, 1] and first["samples"]["x"] == [0, 0, 1, 1]
