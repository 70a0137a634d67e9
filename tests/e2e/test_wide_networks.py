"""Wide networks in a browser: one graph drawn by the page as layout.py says, weights visible on their
edges, a tapped edge's numbers pinned, readable text, quick steps."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e import open_app
from webapp.presentation.layout import layout
from webapp.request.resolve import resolve

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Hidden layers 3 and 2, with biases: band nodes, curved and straight edges, weights on edges.
SMALL_WIDE = "?form=1&hidden=3,2&bias=on&seed=2&animate=0"


def press(page: Page, name: str) -> None:
    page.locator(".controls").get_by_role("button", name=name, exact=True).click()


def drawn_paths(page: Page) -> dict[str, str]:
    return page.locator("#graph .edge").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.edgeId, e.querySelector('.edge-line').getAttribute('d')]))"
    )


@pytest.mark.parametrize(("width", "orientation"), [(1280, "wide"), (390, "tall")])
def test_the_page_draws_every_edge_as_layout_py_does(page: Page, width: int, orientation: str):
    page.set_viewport_size({"width": width, "height": 800})
    open_app(page, SMALL_WIDE)
    expect(page.locator(f"#graph.graph-{orientation}")).to_be_visible()
    resolved = resolve({"layers": [1, 3, 2, 1], "bias": True, "seed": 2})
    expected = {e["id"]: e for e in layout(resolved.graph, orientation)["edges"]}
    drawn = drawn_paths(page)
    assert drawn.keys() == expected.keys()
    for edge_id, d in drawn.items():
        ours, theirs = NUMBER.findall(d), NUMBER.findall(expected[edge_id]["path"])
        assert len(ours) == len(theirs), edge_id
        assert all(abs(float(a) - float(b)) <= 0.11 for a, b in zip(ours, theirs, strict=True)), edge_id
    always = set(page.locator("#graph .edge.label-always").evaluate_all("els => els.map(e => e.dataset.edgeId)"))
    assert always == {i for i, e in expected.items() if e["always"] and e["labelled"]}


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
