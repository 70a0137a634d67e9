"""The cost chart: long runs stay smooth, a cost of 0 stays visible on a log scale, clicks move nothing
else, every mode-bar button works, and the weights panel says which parameters it shows."""

import re

from playwright.sync_api import Page, expect

from tests.e2e import CHART_TIMEOUT_MS
from tests.e2e import open_app as open_page
from webapp.presentation import notation

INSTANT = "?animate=0"
LAST_EPOCH_DRAWN = "() => document.getElementById('cost-chart')?.data?.[0]?.x?.at(-1) ?? 0"


def open_app(page: Page, query: str) -> None:
    """The page with its chart drawn."""
    open_page(page, query)
    expect(page.locator("main[data-ready]")).to_be_attached(timeout=CHART_TIMEOUT_MS)
    expect(page.locator("#cost-chart.drawn .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)


def train(page: Page, epochs: int) -> None:
    page.get_by_label("Epochs to train", exact=True).fill(str(epochs))
    page.get_by_role("button", name="Train", exact=True).click()


def train_and_wait_for_chart(page: Page, epochs: int, last_epoch: int) -> None:
    train(page, epochs)
    page.wait_for_function(f"() => ({LAST_EPOCH_DRAWN})() >= {last_epoch}", timeout=CHART_TIMEOUT_MS)
    # The chart is redrawn in the task that set its data; one more frame lets any layout after it finish.
    page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))")


def trace(page: Page, index: int) -> dict:
    return page.evaluate(
        """i => { const t = document.getElementById('cost-chart').data[i];
                  return {x: [...t.x], y: [...t.y], mode: t.mode, customdata: t.customdata && [...t.customdata]}; }""",
        index,
    )


def test_train_10000_draws_thinned_lines_of_real_epochs(page: Page):
    """Train 10 000 draws lines through at most 1 000 points, each a real epoch's cost (what keeps the redraw
    short; its longest task is a speed figure, measured by benchmarks/page_perf.py)."""
    open_app(page, INSTANT)
    train_and_wait_for_chart(page, 10_000, 10_000)
    cost = trace(page, 0)
    assert cost["mode"] == "lines"
    assert len(cost["x"]) <= 1000, len(cost["x"])
    assert cost["x"][0] == 1 and cost["x"][-1] == 10_000
    # Every point drawn is that epoch's own cost.
    costs = page.evaluate("() => fetch('/api/train', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                          " body: JSON.stringify({epochs: 10000})}).then(r => r.json()).then(run => run.epochs.map(e => e.cost))")  # fmt: skip
    assert all(costs[epoch - 1] == value for epoch, value in zip(cost["x"], cost["y"], strict=True))
    assert min(cost["y"]) == min(costs) and max(cost["y"]) == max(costs)
    expect(page.locator("#chart-note")).to_contain_text("lowest and highest point")


def test_a_cost_of_exactly_zero_stays_visible_on_the_log_scale(page: Page):
    """x = 3, y = 0, α = 1: one update kills the ReLU, ŷ = 0 = y, so J is exactly 0 from epoch 2 on."""
    open_app(page, f"{INSTANT}&x=3&y=0&lr=1")
    train_and_wait_for_chart(page, 5, 5)
    cost = trace(page, 0)
    assert cost["y"][0] > 0 and cost["y"][1:] == [0, 0, 0, 0]
    page.get_by_label("Log scale").check()
    page.wait_for_function("() => document.getElementById('cost-chart').layout.yaxis.type === 'log'")
    cost = trace(page, 0)
    assert all(y > 0 for y in cost["y"]), cost["y"]
    assert cost["y"][1] < cost["y"][0]
    # Hovers write the cost as the page does (notation.number, tested beside format.js).
    assert [row[0] for row in cost["customdata"]] == [notation.number(cost["y"][0]), "0", "0", "0", "0"]
    weight = trace(page, 1)
    assert [row[0] for row in weight["customdata"]] == [notation.number(w) for w in weight["y"]]
    assert "exactly" in cost["customdata"][1][1] and "log scale" in cost["customdata"][1][1]
    expect(page.locator("#chart-note")).to_contain_text("exactly 0")
    page.get_by_label("Log scale").uncheck()
    expect(page.locator("#chart-note")).to_have_text("")


def test_clicking_a_point_shifts_nothing_on_the_page(page: Page):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, INSTANT)
    train_and_wait_for_chart(page, 20, 20)
    page.locator("#cost-chart").scroll_into_view_if_needed()
    where = "() => [window.scrollY, ...['.graph-panel', '.chart-panel'].map(s => JSON.stringify(document.querySelector(s).getBoundingClientRect()))]"
    before = page.evaluate(where)
    page.locator("#cost-chart .subplot.xy .scatterlayer .trace:first-child .points path:nth-child(3)").click(force=True)
    expect(page.locator("#epoch-label")).to_have_text("Epoch 3")
    expect(page.locator("#announcer")).to_have_text(re.compile("^Showing epoch 3"))
    assert page.evaluate(where) == before


def test_every_mode_bar_button_does_something(page: Page):
    open_app(page, INSTANT)
    train_and_wait_for_chart(page, 20, 20)
    page.locator("#cost-chart").hover()
    titles = page.locator("#cost-chart .modebar-btn").evaluate_all("buttons => buttons.map(b => b.dataset.title)")
    assert titles == ["Download plot", "Zoom", "Pan", "Zoom in", "Zoom out", "Autoscale"], titles
    layout = (
        "() => { const l = document.getElementById('cost-chart')._fullLayout; return [l.dragmode, ...l.xaxis.range]; }"
    )

    def click(title: str) -> None:
        page.locator("#cost-chart").hover()
        page.locator(f'#cost-chart .modebar-btn[data-title="{title}"]').click()

    with page.expect_download() as download:
        click("Download plot")
    assert download.value.suggested_filename.endswith(".svg")
    assert "<svg" in download.value.path().read_text()[:2000]
    click("Pan")
    page.wait_for_function(f"() => ({layout})()[0] === 'pan'")
    click("Zoom")
    page.wait_for_function(f"() => ({layout})()[0] === 'zoom'")
    start = page.evaluate(layout)
    click("Zoom in")
    page.wait_for_function(f"start => ({layout})()[2] - ({layout})()[1] < start[2] - start[1]", arg=start)
    click("Zoom out")
    click("Zoom out")
    page.wait_for_function(f"start => ({layout})()[2] - ({layout})()[1] > start[2] - start[1]", arg=start)
    click("Autoscale")
    page.wait_for_function(f"start => ({layout})()[1] === start[1] && ({layout})()[2] === start[2]", arg=start)


def test_the_weights_panel_says_which_parameters_it_shows(page: Page):
    open_app(page, f"{INSTANT}&preset=xor")
    total = page.evaluate(
        "() => Object.keys(JSON.parse(document.getElementById('initial-state').textContent).run.history.params).length"
    )
    assert total > 8
    train_and_wait_for_chart(page, 5, 5)
    weights = page.evaluate("() => document.getElementById('cost-chart').data.slice(1).map(t => t.name)")
    expect(page.locator("#chart-note")).to_contain_text(f"{len(weights)} of {total} parameters ({', '.join(weights)})")
    expect(
        page.locator("#cost-chart .annotation-text", has_text=f"{len(weights)} of {total} parameters")
    ).to_be_visible()


def test_a_network_with_few_parameters_shows_them_all_without_a_note(page: Page):
    open_app(page, INSTANT)
    train_and_wait_for_chart(page, 5, 5)
    assert page.evaluate("() => document.getElementById('cost-chart').data.slice(1).map(t => t.name)") == ["w₁", "w₂"]
    expect(page.locator("#chart-note")).to_have_text("")


def test_each_column_pairs_an_epochs_cost_with_the_weights_it_was_computed_with(page: Page):
    """Epoch 1 is J = 0.32 with w₁ = 0.5 (its start), not with 0.692 (after its update); there is no epoch 0."""
    open_app(page, INSTANT)
    train_and_wait_for_chart(page, 5, 5)
    run = page.evaluate("() => fetch('/api/train', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                        " body: JSON.stringify({epochs: 5})}).then(r => r.json())")  # fmt: skip
    cost, w1, w2 = (trace(page, i) for i in range(3))
    assert cost["x"] == [1, 2, 3, 4, 5] and cost["y"] == [e["cost"] for e in run["epochs"]]
    for weight, pid in ((w1, "w1"), (w2, "w2")):
        for epoch, value in zip(weight["x"], weight["y"], strict=True):
            known = run["epochs"][epoch - 1]["values"][pid] if epoch <= 5 else run["history"]["params"][pid][5]
            assert value == known, (pid, epoch)
    assert w1["y"][0] == 0.5 and w1["x"][0] == 1
    layout = page.evaluate("() => document.getElementById('cost-chart')._fullLayout.xaxis2.range")
    assert layout[0] > 0, "no epoch 0 on the axis"
    expect(page.locator("#cost-chart .annotation-text", has_text="Weights at the start of each epoch")).to_be_visible()


def test_on_a_phone_forward_answers_before_plotly_arrives_and_the_chart_draws_after(page: Page):
    """At 390 × 844, with the chart in view but plotly.js's response held back, Forward shows J and
    no chart is drawn; once plotly.js arrives, the chart draws that epoch's cost."""
    held = []
    page.route("**/vendor/plotly-*.js", lambda route: held.append(route))
    page.set_viewport_size({"width": 390, "height": 844})
    with page.expect_request(re.compile(r"/vendor/plotly-[^/]*\.js$")):
        open_page(page, INSTANT)
    expect(page.locator("main[data-ready]")).to_be_attached()
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator('#graph [data-node-id="J"] .node-value')).to_have_text(re.compile(r"(^|[^0-9.])0\.32\s*$"))
    expect(page.locator("#cost-chart")).not_to_have_class(re.compile(r"\bdrawn\b"))
    assert page.evaluate("() => window.Plotly === undefined")
    assert held, "plotly.js was not requested"
    for route in held:  # the script, and the prefetch an idle page makes
        route.continue_()
    page.wait_for_function(f"() => ({LAST_EPOCH_DRAWN})() === 1", timeout=CHART_TIMEOUT_MS)
