"""The cost surface on the page: drawn for two parameters, the path one point per epoch reached, the marker
following the shown epoch, and a click starting a run from the point clicked."""

import re

from playwright.sync_api import Page, Route, expect

from tests.e2e import CHART_TIMEOUT_MS, loads_a_new_page, open_app


def surface_data(page: Page) -> dict:
    """What Plotly holds for the surface: the path's points and the shown epoch's ring."""
    return page.evaluate(
        """() => {
            const data = document.getElementById('landscape-chart').data;
            const ring = data.find(t => (t.name || '').startsWith('epoch'));
            const path = data.find(t => t.name === 'gradient descent');
            return {pathU: [...path.x], pathV: [...path.y], ring: ring ? [ring.x[0], ring.y[0]] : null};
        }"""
    )


def test_the_surface_shows_the_path_and_follows_the_shown_epoch(page: Page):
    open_app(page, "?animate=0")
    expect(page.locator("#landscape-chart.drawn")).to_be_attached(timeout=CHART_TIMEOUT_MS)
    page.get_by_label("Epochs to train", exact=True).fill("5")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator("#landscape-chart")).to_have_attribute("data-path-points", "6", timeout=CHART_TIMEOUT_MS)
    history = page.evaluate(
        "() => fetch('/api/train', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({epochs: 5})}).then(r => r.json())"
    )
    data = surface_data(page)
    # Hovers write numbers as the page does: ×10ⁿ and the true minus, never 1.2e-5.
    hovers = page.evaluate(
        "() => document.getElementById('landscape-chart').data.find(t => t.name === 'gradient descent').customdata"
    )
    assert len(hovers) == 6 and all(
        re.fullmatch(r"start of epoch \d<br>w₁ = [^<]+, w₂ = [^<]+<br>J = [^<]+", h) for h in hovers
    )
    assert not any(re.search(r"\de[-+]?\d|-", h) for h in hovers), hovers
    assert hovers[0] == "start of epoch 1<br>w₁ = 0.5, w₂ = 0.8<br>J = 0.32"  # ½ (2 − 0.8 · 0.5 · 3)²
    assert data["pathV"] == history["history"]["params"]["w2"]
    # The ring marks where the shown epoch (5) started: its weights before its update.
    fifth = history["epochs"][4]["values"]
    assert data["ring"] == [fifth["w1"], fifth["w2"]]


def test_clicking_the_surface_starts_from_that_point(page: Page):
    open_app(page, "?animate=0")
    chart = page.locator("#landscape-chart .nsewdrag").first
    expect(chart).to_be_visible(timeout=CHART_TIMEOUT_MS)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    with loads_a_new_page(page):
        page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    expect(page).to_have_url(re.compile(r"w1=[-\d.e]+.*w2=[-\d.e]+|w2=[-\d.e]+.*w1=[-\d.e]+"))
    w1 = float(re.search(r"w1=([-\d.e]+)", page.url).group(1))
    expect(page.locator("#param-w1")).to_have_value(re.compile(rf"^{re.escape(str(w1)).rstrip('0')}"))
    assert w1 != 0.5, "the click chose a new starting w1"


def test_the_gradient_check_puts_backpropagation_beside_finite_differences(page: Page):
    open_app(page, "?animate=0")
    page.get_by_role("button", name="Update", exact=True).click()
    page.get_by_role("button", name="Check the shown epoch's gradients").click()
    rows = page.locator("#gradient-check-table tbody tr")
    expect(rows).to_have_count(2)
    # Written as the page writes numbers (×10ⁿ), not 1.2e-10.
    difference = re.compile(r"^Epoch 1: the largest relative difference is (0|\d\.?\d*(×10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)\.$")
    expect(page.locator("#gradient-check-status")).to_have_text(difference)
    expect(rows.first.locator("td").nth(3)).to_have_text(re.compile(r"^(0|\d\.?\d*(×10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?) relative$"))
    expect(rows.first.locator("td").nth(1)).to_have_text("−1.92")
    expect(rows.first.locator("td").nth(2)).to_have_text(re.compile(r"^−1\.92"))


def test_the_gradient_check_says_when_backward_has_not_run_yet(page: Page):
    """Before Backward, the check's gradients are the ones Backward will give, and it says so; after, it does not."""
    open_app(page, "?animate=0")
    page.get_by_role("button", name="Check the shown epoch's gradients").click()
    status = page.locator("#gradient-check-status")
    expect(status).to_contain_text("backward pass has not been shown yet: these are the gradients Backward will give")
    page.get_by_role("button", name="Backward", exact=True).click()
    page.get_by_role("button", name="Check the shown epoch's gradients").click()
    expect(status).to_have_text(re.compile(r"^Epoch 1: the largest relative difference is [^:]+\.$"))


def test_every_export_downloads_and_parses(page: Page, tmp_path):
    import csv
    import json
    from xml.etree import ElementTree

    open_app(page, "?animate=0")
    expect(page.locator("#cost-chart .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)
    page.get_by_role("button", name="Update", exact=True).click()
    files = {}
    for name in ("Run as JSON", "Every epoch as CSV", "This epoch's tables as LaTeX", "Graph as SVG", "Chart as PNG"):
        with page.expect_download() as download:
            page.get_by_role("button", name=name, exact=True).click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        files[name] = path
    run = json.loads(files["Run as JSON"].read_text())
    assert run["epochs"][0]["after"]["w1"] == 0.692 or abs(run["epochs"][0]["after"]["w1"] - 0.692) < 1e-12
    rows = list(csv.DictReader(files["Every epoch as CSV"].read_text().splitlines()))
    assert float(rows[0]["dJ/dw1"]) == run["epochs"][0]["grads"]["w1"]
    assert r"\begin{tabular}" in files["This epoch's tables as LaTeX"].read_text()
    svg = ElementTree.fromstring(files["Graph as SVG"].read_text())
    assert svg.tag.endswith("svg") and len(svg.findall(".//{http://www.w3.org/2000/svg}rect")) >= 9
    assert files["Chart as PNG"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_second_check_cancels_the_first(page: Page):
    """A click that supersedes a request still on its way aborts it; only the newer answer is shown."""
    open_app(page, "?animate=0")
    button = page.get_by_role("button", name="Check the shown epoch's gradients")
    held = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # never answered: only the second click can end it, by cancelling it

    page.route("**/api/gradient-check", hold_the_first)
    with page.expect_request("**/api/gradient-check"):
        button.click()
    with page.expect_event("requestfailed") as failed:
        button.click()
    assert failed.value.url.endswith("/api/gradient-check") and held
    expect(page.locator("#gradient-check-status")).to_contain_text("Epoch 1: the largest relative difference is")
    expect(page.locator("#gradient-check-table tbody tr")).to_have_count(2)


def test_the_surface_has_a_colour_bar_and_a_grey_flat_region(page: Page):
    """The worksheet's w₁ ≤ 0 kills every ReLU: hatched in a neutral grey, no colour of the cost scale; the cost
    itself has a colour bar in decades of J."""
    open_app(page, "?animate=0")
    expect(page.locator("#landscape-chart.drawn")).to_be_attached(timeout=CHART_TIMEOUT_MS)
    drawn = page.evaluate(
        """() => { const chart = document.getElementById('landscape-chart');
                   const [cost, flat] = chart._fullData;
                   const hatch = chart._fullLayout.shapes.find(s => s.name === 'flat hatch');
                   return {scale: cost.showscale, ticks: cost.colorbar.ticktext, fill: flat.colorscale.at(-1)[1],
                           hatch: (hatch.path.match(/M/g) || []).length, strokes: (hatch.path.match(/L/g) || []).length,
                           drawn: chart.querySelectorAll('.shapelayer path').length,
                           flat: flat.z.flat().filter(Boolean).length}; }"""
    )
    assert drawn["scale"] and len(drawn["ticks"]) >= 3 and "1" in drawn["ticks"]
    red, green, blue = map(int, re.findall(r"\d+", drawn["fill"])[:3])
    assert max(red, green, blue) - min(red, green, blue) <= 8, drawn["fill"]
    # One stroke (a move and a line) across each flat cell, drawn as one shape.
    assert drawn["hatch"] == drawn["strokes"] == drawn["flat"] > 0 and drawn["drawn"] >= 1
    expect(page.locator("#landscape-hint")).to_contain_text("Hatched grey is not a cost")


def test_one_parameter_cannot_be_on_both_axes(page: Page):
    open_app(page, "?preset=two_hidden&animate=0")
    across, up = page.locator("#landscape-u"), page.locator("#landscape-v")
    first, second = across.input_value(), up.input_value()
    assert first != second
    expect(up.locator(f"option[value={first}]")).to_be_disabled()
    expect(across.locator(f"option[value={second}]")).to_be_disabled()
    across.select_option("b2")
    expect(up.locator("option[value=b2]")).to_be_disabled()
    expect(up.locator(f"option[value={first}]")).to_be_enabled()


def test_a_diverged_run_says_why_its_path_leaves_the_surface(page: Page):
    open_app(page, "?preset=diverging&animate=0")
    page.get_by_label("Epochs to train", exact=True).fill("20")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator("#landscape-status")).to_contain_text("past a float's range", timeout=CHART_TIMEOUT_MS)
    expect(page.locator("#landscape-chart .contour").first).to_be_attached()


def test_a_locked_embed_starts_nothing_from_a_click_on_the_surface(page: Page):
    page.goto("/embed?view=graph,chart,settings&lock=1&animate=0")
    chart = page.locator("#landscape-chart.drawn .nsewdrag").first
    expect(chart).to_be_visible(timeout=CHART_TIMEOUT_MS)
    expect(page.locator("#landscape-hint")).not_to_contain_text("Click the surface")
    page.evaluate("() => { window.stayed = true; }")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator("#graph [data-node-id=J] .node-value")).not_to_be_empty()
    assert page.evaluate("() => window.stayed") is True
    assert "w1=" not in page.url
