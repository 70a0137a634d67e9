"""The graph's boxes: nothing overlaps, everything fits (tests/js/geometry.test.mjs checks the edges)."""

import itertools
import json
from pathlib import Path

import pytest

from webapp.engine import Graph, Network
from webapp.engine.expression import build
from webapp.presentation.layout import layout
from webapp.presentation.page import client_graph, graph_geometry
from webapp.request.expression import EXPRESSION_PRESETS, parse

NETWORKS = [
    Network((1, 1, 1), ("relu", "relu")),
    Network((1, 1, 1), ("relu", "relu"), bias=True),
    Network((1, 2, 1), ("relu", "relu"), bias=True),
    Network((1, 1, 1, 1), ("tanh", "tanh", "linear"), bias=True),
    Network((2, 3, 2), ("tanh", "sigmoid"), "bce", bias=True),
    Network((1, 3, 3, 1), ("relu", "relu", "relu")),
    Network((1, 4, 4, 1), ("relu", "relu", "linear"), bias=True),
    Network((16,) * 6, ("relu",) * 5, bias=True),
]


def overlaps(a, b, gap=0.0):
    return (
        abs(a["x"] - b["x"]) * 2 < a["width"] + b["width"] + 2 * gap
        and abs(a["y"] - b["y"]) * 2 < a["height"] + b["height"] + 2 * gap
    )


NAMES = ["-".join(map(str, n.layers)) + ("b" if n.bias else "") for n in NETWORKS]
ORIENTATIONS = ["wide", "tall"]


@pytest.mark.parametrize("orientation", ORIENTATIONS)
@pytest.mark.parametrize("network", NETWORKS, ids=NAMES)
def test_boxes_do_not_overlap_and_fit_the_canvas(network, orientation):
    drawn = layout(Graph(network), orientation)
    for a, b in itertools.combinations(drawn["nodes"], 2):
        assert not overlaps(a, b, gap=4), (a["id"], b["id"])
    for box in drawn["nodes"]:
        assert box["x"] - box["width"] / 2 >= 0 and box["x"] + box["width"] / 2 <= drawn["width"]
        assert box["y"] - box["height"] / 2 >= 0 and box["y"] + box["height"] / 2 <= drawn["height"]


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_expression_boxes_do_not_overlap_and_fit_the_canvas(orientation):
    for name, graph in _expressions().items():
        drawn = layout(graph, orientation)
        assert {b["id"] for b in drawn["nodes"]} == {n.id for n in graph.nodes}, name
        for a, b in itertools.combinations(drawn["nodes"], 2):
            assert not overlaps(a, b, gap=4), (name, a["id"], b["id"])
        for box in drawn["nodes"]:
            assert box["x"] - box["width"] / 2 >= 0 and box["x"] + box["width"] / 2 <= drawn["width"]
            assert box["y"] - box["height"] / 2 >= 0 and box["y"] + box["height"] / 2 <= drawn["height"]


def test_worksheet_draws_weights_as_nodes_and_wide_layers_put_them_on_edges():
    worksheet = layout(Graph(NETWORKS[0]))
    assert {b["id"] for b in worksheet["nodes"]} >= {"w1", "w2"}
    wide = layout(Graph(NETWORKS[2]))
    assert not {"w1_1_1", "w1_2_1", "w2_1_1", "w2_1_2"} & {b["id"] for b in wide["nodes"]}


def test_tall_drawing_of_the_worksheet_fits_a_phone():
    tall = layout(Graph(NETWORKS[0]), "tall")
    assert tall["width"] <= 328, "360 px less the page's padding"
    ys = {b["id"]: b["y"] for b in tall["nodes"]}
    assert ys["x"] < ys["z1"] < ys["a1"] < ys["z2"] < ys["yhat"] < ys["J"]
    assert ys["w1"] == ys["z1"] and ys["w2"] == ys["z2"]


# The drawings tests/js/geometry.test.mjs draws edges on: the page's graph and boxes for each network.
DRAWINGS = Path(__file__).parent / "js" / "drawings.json"


def _expressions() -> dict:
    """The example expressions' graphs (webapp/presets/expressions), staged and not."""
    graphs = {}
    for name, preset in EXPRESSION_PRESETS.items():
        for staged in (True, False):
            graphs[f"expression {name}{' staged' if staged else ''}"] = build(parse(preset["expression"]), staged)
    return graphs


def drawings() -> dict:
    graphs = {name: Graph(network) for name, network in zip(NAMES, NETWORKS, strict=True) if len(network.layers) < 6}
    graphs |= _expressions()
    return {name: {"graph": client_graph(g), "geometry": graph_geometry(g, layout(g))} for name, g in graphs.items()}


def test_the_drawings_the_js_tests_read_are_todays():
    stale = "tests/js/drawings.json is out of date: write it again with `python -m tests.test_layout`"
    assert json.loads(DRAWINGS.read_text()) == json.loads(json.dumps(drawings())), stale


if __name__ == "__main__":
    DRAWINGS.write_text(json.dumps(drawings(), ensure_ascii=False, separators=(",", ":")) + "\n")
