"""Wide networks in a browser: every edge drawn between the boxes it joins, whatever the order of the
graph's edges; weights visible on their edges, a tapped edge's numbers pinned, readable text."""

import json
import random
import re

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e import open_app
from webapp.engine.graph import Kind
from webapp.request.resolve import resolve

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Hidden layers 3 and 2, with biases: band nodes, curved and straight edges, weights on edges.
SMALL_WIDE = "?form=1&hidden=3,2&bias=on&seed=2&animate=0"
STATE = '<script type="application/json" id="initial-state">'


def press(page: Page, name: str) -> None:
    page.locator(".controls").get_by_role("button", name=name, exact=True).click()


def drawn_edges(page: Page) -> dict[str, dict]:
    """Each drawn edge: its path, its classes, and the centres of the boxes it joins (as the page moved them)."""
    return page.locator("#graph .edge").evaluate_all(
        """els => Object.fromEntries(els.map((e) => [e.dataset.edgeId, {
          d: e.querySelector('.edge-line').getAttribute('d'), classes: e.getAttribute('class'),
          style: e.getAttribute('style')}]))"""
    )


def boxes(page: Page) -> dict[str, tuple[float, float, float, float]]:
    """Each drawn node's box on the drawing: centre x, y, width, height."""
    return page.locator("#graph .node").evaluate_all(
        """els => Object.fromEntries(els.map((g) => {
          const m = g.transform.baseVal.consolidate().matrix, r = g.querySelector('rect');
          return [g.dataset.nodeId, [m.e, m.f, r.width.baseVal.value, r.height.baseVal.value]];
        }))"""
    )


def on_border(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    (px, py), (x, y, w, h) = point, box
    inside = abs(px - x) <= w / 2 + 0.11 and abs(py - y) <= h / 2 + 0.11
    return inside and (abs(abs(px - x) - w / 2) <= 0.11 or abs(abs(py - y) - h / 2) <= 0.11)


@pytest.mark.parametrize(("width", "orientation"), [(1280, "wide"), (390, "tall")])
def test_the_page_draws_every_edge_between_the_boxes_it_joins(page: Page, width: int, orientation: str):
    page.set_viewport_size({"width": width, "height": 800})
    open_app(page, SMALL_WIDE)
    expect(page.locator(f"#graph.graph-{orientation}")).to_be_visible()
    graph = resolve({"layers": [1, 3, 2, 1], "bias": True, "seed": 2}).graph
    placed = boxes(page)
    drawn = drawn_edges(page)
    # Every edge between two drawn boxes, and every bias's, and no other: a weight not drawn rides on
    # its value edge, a bias not drawn comes in on an edge of its own.
    biases = {e.id for e in graph.edges if e.kind == Kind.BIAS and e.target in placed}
    assert drawn.keys() == {e.id for e in graph.edges if e.source in placed and e.target in placed} | biases
    for edge_id, shape in drawn.items():
        edge = graph.edge[edge_id]
        numbers = [float(v) for v in NUMBER.findall(shape["d"])]
        assert edge.source not in placed or on_border((numbers[0], numbers[1]), placed[edge.source]), edge_id
        assert on_border((numbers[-2], numbers[-1]), placed[edge.target]), edge_id


def test_the_drawing_does_not_depend_on_the_order_of_the_edges(page: Page):
    """The page's graph sent with its edges shuffled (partners renumbered) draws the same edges, each
    with its own weight: nothing relies on a weight's edge coming right before its value edge."""
    open_app(page, SMALL_WIDE)
    press(page, "Forward")
    before = drawn_edges(page)

    def shuffled(route: Route) -> None:
        response = route.fetch()
        head, rest = response.text().split(STATE, 1)
        state_text, tail = rest.split("</script>", 1)
        state = json.loads(state_text)
        fields, edges = state["graph"]["edgeFields"], state["graph"]["edges"]
        order = list(range(len(edges)))
        random.Random(5).shuffle(order)
        place = {old: new for new, old in enumerate(order)}
        partner = fields.index("partner")
        state["graph"]["edges"] = [
            [place[v] if i == partner and v is not None else v for i, v in enumerate(edges[old])] for old in order
        ]
        assert state["graph"]["edges"] != edges
        route.fulfill(response=response, body=head + STATE + json.dumps(state) + "</script>" + tail)

    page.route(re.compile(r".*/\?form=1&hidden=3,2.*"), shuffled)
    open_app(page, SMALL_WIDE)
    press(page, "Forward")
    assert drawn_edges(page) == before
    classes = [e["classes"] for e in before.values()]
    assert any("weight-negative" in c for c in classes) and any("weight-positive" in c for c in classes)


def weights_and_edges(page: Page) -> list[dict]:
    """Each edge drawn by its weight: whether it reads as negative, dashed, and its stroke width."""
    return page.evaluate(
        """() => [...document.querySelectorAll("#graph .edge.weight-positive, #graph .edge.weight-negative")].map((e) => {
          const line = getComputedStyle(e.querySelector(".edge-line"));
          return { id: e.dataset.edgeId, negative: e.classList.contains("weight-negative"),
                   width: parseFloat(line.strokeWidth), dashed: line.strokeDasharray !== "none" };
        })"""
    )


def test_edges_show_their_weights_sign_and_size(page: Page):
    open_app(page, SMALL_WIDE)
    press(page, "Forward")
    edges = weights_and_edges(page)
    resolved = resolve({"layers": [1, 3, 2, 1], "bias": True, "seed": 2})
    graph = resolved.graph
    carried = {}
    for edge in graph.edges:
        if edge.kind == "value":
            carried[edge.id] = graph.carried_weight(edge)
    theta = resolved.params.theta
    weight_of = {e["id"]: theta[graph.param_position[carried[e["id"]]]] for e in edges}
    # No layer here is one weight wide, so every weight rides on its value edge.
    assert {e["id"] for e in edges} == {e.id for e in graph.edges if e.kind == "value"}
    for edge in edges:
        assert edge["negative"] == (weight_of[edge["id"]] < 0), edge["id"]
        assert edge["dashed"] == edge["negative"]
    by_size = sorted(edges, key=lambda e: abs(weight_of[e["id"]]))
    assert [e["width"] for e in by_size] == sorted(e["width"] for e in by_size)
    assert by_size[-1]["width"] > by_size[0]["width"]


def midpoint(page: Page, edge_id: str) -> tuple[float, float]:
    """A point on the edge's line, on screen, scrolled into view."""
    page.locator(f'#graph [data-edge-id="{edge_id}"]').scroll_into_view_if_needed()
    return page.evaluate(
        """(id) => {
          const path = document.querySelector(`#graph [data-edge-id="${id}"] .edge-line`);
          const p = path.getPointAtLength(path.getTotalLength() / 2);
          const m = path.getScreenCTM();
          return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
        }""",
        edge_id,
    )


def test_a_tap_pins_an_edges_numbers_and_a_second_tap_or_escape_unpins(browser: Browser, base_url: str):
    context = browser.new_context(has_touch=True, viewport={"width": 1280, "height": 800}, base_url=base_url)
    page = context.new_page()
    try:
        open_app(page, SMALL_WIDE)
        press(page, "Forward")
        press(page, "Backward")
        expect(page.locator("#phase-label")).to_have_text(re.compile("backward"))
        x, y = midpoint(page, "a1_2-z2_1")
        tapped = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.edge').dataset.edgeId", [x, y])
        page.touchscreen.tap(x, y)
        pin = page.locator("#edge-pin")
        expect(pin).to_be_visible()
        expect(pin).to_have_attribute("data-edge-id", tapped)
        numbers = page.evaluate(
            """(id) => {
              const epoch = JSON.parse(document.getElementById("initial-state").textContent).run.epochs[0];
              return { local: epoch.local[id][0] };
            }""",
            tapped,
        )
        local = page.locator("#edge-pin .edge-pin-local")
        expect(local).to_have_text(re.compile(r"^= [−\d]"))
        shown = float(local.text_content()[2:].replace("−", "-").split("×")[0])
        assert shown == pytest.approx(numbers["local"], rel=1e-9)
        expect(page.locator("#edge-pin .edge-pin-symbol")).to_contain_text("∂")
        expect(page.locator("#edge-pin .edge-pin-grad")).to_contain_text("∂J/∂w")
        page.touchscreen.tap(x, y)
        expect(pin).to_be_hidden()
        page.touchscreen.tap(x, y)
        expect(pin).to_be_visible()
        page.keyboard.press("Escape")
        expect(pin).to_be_hidden()
    finally:
        context.close()


def test_a_wide_network_stays_readable_and_steps_quickly(page: Page):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, "?form=1&hidden=16,16,16,16&animate=0")
    press(page, "Forward")
    press(page, "Backward")
    expect(page.locator("#phase-label")).to_have_text(re.compile("backward"))
    smallest = page.evaluate(
        """() => {
          const svg = document.getElementById("graph");
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const texts = [...svg.querySelectorAll(".node-value, .node-grad, .edge-local, .edge-symbol")].filter((t) => t.textContent);
          return Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
        }"""
    )
    assert smallest >= 11 - 1e-6
    # A Step's script time is a speed figure: benchmarks/wide_page.py measures it, not this test.


def test_one_number_format_that_the_equation_checker_reads(page: Page):
    from tests.equations import NUMBER

    open_app(page, "?animate=0")
    shown = page.evaluate(
        """async () => {
          const { formatNumber } = await import("/static/js/format.js");
          const values = [-0.000009436, 0.0001234, 0.692, -1.92, 123456.7, 1.5e-9, 3e21];
          return values.map((v) => [v, formatNumber(v, { compact: true }), formatNumber(v)]);
        }"""
    )
    for value, compact, full in shown:
        for text, digits in ((compact, 4), (full, 10)):
            assert "e" not in text, text  # one exponent style: ×10ⁿ
            match = NUMBER.fullmatch(text.lstrip("−"))
            assert match, text
            mantissa = float((match["mantissa"] or match["plain"]).replace("−", "-"))
            power = int((match["power"] or "0").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")))
            parsed = (-1 if text.startswith("−") else 1) * mantissa * 10**power
            assert parsed == pytest.approx(value, rel=0.5 * 10 ** (1 - digits)), text
    assert dict((v, c) for v, c, _ in shown)[-0.000009436] == "−9.436×10⁻⁶"
    assert dict((v, c) for v, c, _ in shown)[0.692] == "0.692"


def test_the_first_backward_step_says_where_dj_dyhat_comes_from(page: Page):
    open_app(page, "?animate=0")
    press(page, "Forward")
    press(page, "Step")  # dJ/dJ = 1
    press(page, "Step")  # dJ/dŷ
    expect(page.locator("#announcer")).to_contain_text("∂J/∂ŷ (from the loss)")
    expect(page.locator('#graph [data-edge-id="yhat-J"] .edge-symbol')).to_have_text("∂J/∂ŷ (from the loss)")


# Whether any of the elements is drawn (a straight edge's box is a line: its width or height is 0).
LIT = "els => els.some((e) => { const r = e.getBoundingClientRect(); return e.checkVisibility() && r.width + r.height > 0; })"


@pytest.mark.parametrize(
    ("query", "layers"), [("?preset=two_hidden", [1, 2, 1]), ("?hidden=3,3&form=1&bias=on", [1, 3, 3, 1])]
)
def test_every_bias_has_a_place_and_every_step_lights_something(page: Page, query: str, layers: list[int]):
    """A bias is a box or an edge of its own with its name; each Step of a whole epoch marks a visible
    node or edge active: ∂J/∂b₁,₁ and ∂J/∂w₁,₁,₁ as much as z₁,₁."""
    open_app(page, f"{query}&animate=0")
    graph = resolve({"layers": layers, "bias": True}).graph
    for bias in (n for n in graph.nodes if n.kind == Kind.BIAS):
        (edge,) = graph.out_of(bias.id)
        drawn = page.locator(f'#graph [data-node-id="{bias.id}"], #graph [data-edge-id="{edge.id}"]')
        expect(drawn.first).to_be_visible()
        expect(drawn.first).to_contain_text(bias.label)
    announcer = page.locator("#announcer")
    page.evaluate("document.activeElement.blur()")
    for _ in range(200):
        before = announcer.text_content()
        page.keyboard.press("ArrowRight")
        expect(announcer).not_to_have_text(before)
        lit = page.locator("#graph .node.active, #graph .edge.active .edge-line").evaluate_all(LIT)
        assert lit, f"nothing lit at: {announcer.text_content()}"
        if page.locator("#phase-label").text_content() == "weights updated":
            break
    else:
        pytest.fail("200 steps did not reach the update")


def test_the_keyboard_reaches_an_edge_and_pins_its_numbers(page: Page):
    open_app(page, "?preset=two_hidden&animate=0")
    press(page, "Forward")
    press(page, "Backward")
    # Tab from the graph's heading goes to the first edge; it is a button named by its local derivative.
    page.locator("#graph-heading").click()
    focused = page.locator("#graph .edge:focus")
    for _ in range(3):  # the drawing itself may take the first press
        page.keyboard.press("Tab")
        if focused.count():
            break
    expect(focused).to_have_count(1)
    expect(page.locator("#edge-pin")).to_be_visible()  # focus shows the numbers, as hovering does
    edge = page.get_by_role("button", name="∂z₂/∂a₁,₁ = 0.8, carries w₂,₁,₁ = 0.8", exact=True)
    page.keyboard.press("Shift+Tab")
    edge.focus()
    page.keyboard.press("Enter")
    pin = page.locator("#edge-pin")
    expect(pin).to_be_visible()
    expect(pin).to_contain_text("∂z₂/∂a₁,₁")
    expect(pin).to_contain_text("w₂,₁,₁ = 0.8")
    page.keyboard.press("Space")
    expect(pin).to_be_hidden()


def test_hidden_3_3_fits_at_1440_with_no_empty_band_and_its_sums_in_view(page: Page):
    """ŷ and J in view without scrolling sideways; no empty band above the boxes; every worked sum
    wraps within its cell, none under the Value column."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, "?hidden=3,3&animate=0")
    press(page, "Forward")
    scroller = page.locator(".graph-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the graph scrolls sideways"
    for node in ("yhat", "J"):
        box = page.locator(f'#graph [data-node-id="{node}"]').bounding_box()
        assert box and box["x"] + box["width"] <= 1440, node
    # Above the highest box: room for a margin and one edge label (two lines), no more.
    gap = page.locator("#graph").evaluate(
        """svg => Math.min(...[...svg.querySelectorAll('.node rect')].map((r) => r.getBoundingClientRect().top))
                 - svg.getBoundingClientRect().top"""
    )
    assert gap < 80, f"{gap} px above the boxes"
    hidden = page.locator("#forward-table tbody tr").evaluate_all(
        """rows => rows.filter((row) => {
          const [formula, value] = row.cells, sum = formula.querySelector('.worked').getBoundingClientRect();
          return sum.right > value.getBoundingClientRect().left + 0.5 || sum.right > formula.getBoundingClientRect().right + 0.5;
        }).map((row) => row.dataset.nodeId)"""
    )
    assert hidden == []
