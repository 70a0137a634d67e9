"""Drawing coordinates for the computational graph: plain data the SVG template only has to print.

Nodes are placed once on an abstract grid: a *stage* along the forward pass (x, z1, a1, z2, ŷ, J)
and a *lane* across it (a layer's neurons, centred on a shared middle), or the *band* beside the
stages that holds a 1 × 1 weight and a 1-wide layer's bias (as in the worksheet's figure) and a
1-wide target y. Wider weight matrices are drawn on their edges instead, so a wide layer stays
readable. The grid is then drawn two ways: `wide`, stages left to right with the band above them,
and `tall`, stages top to bottom with the band on their left, for narrow screens. The page draws
the boxes; the browser draws the edges between them by the same rules (`_wide_edge` and `_tall_edge`,
ported to view.js and checked against these), and moves the boxes to the tall places on a narrow
screen, so a wide network's graph is sent once, as data.
"""

from collections import Counter
from dataclasses import dataclass

from webapp.engine.graph import Edge, Graph, Node

NODE_WIDTH = 112
NODE_HEIGHT = 66
MARGIN = 16
BAND_SHIFT = 0.5  # a weight and a bias share their stage's band, one to each side of it
# Distances between centres in each drawing: along the stages, across the lanes, and from the
# band to the first lane.
PITCHES = {
    "wide": {"stage": 156, "lane": 96, "band": 142},
    "tall": {"stage": 120, "lane": 132, "band": 168},
}


@dataclass
class NodeBox:
    id: str
    kind: str
    label: str
    x: float  # centre
    y: float
    width: float
    height: float
    band: bool  # in the band beside the stages (a drawn weight or bias, a 1-wide target)


@dataclass
class EdgePath:
    id: str
    kind: str
    source: str
    target: str
    symbol: str  # the local derivative's name, with ∂
    path: str
    label_x: float
    label_y: float
    label_anchor: str
    param: str | None  # the weight this edge carries when weights are not drawn as nodes
    labelled: bool  # whether a local derivative belongs on it (not on data edges)
    always: bool  # label always in view: straight edges in layers up to 3 wide; the rest show it on hover


@dataclass
class Place:
    """A node on the grid: its stage, and its lane (from the middle) or its side of the band."""

    stage: float
    lane: float | None  # None: in the band
    shift: float = 0.0  # along the stages, for a weight and a bias sharing the band


def _stage_of(node: Node, depth: int) -> int:
    kind, layer = node.kind, node.layer
    if kind == "input":
        return 0
    if kind in ("sum", "weight", "bias"):
        return 2 * layer - 1
    if kind == "activation":
        return 2 * layer
    return 2 * depth + 1  # target and cost


def _places(graph: Graph) -> tuple[dict[str, Place], int]:
    """Where each drawn node sits on the grid, and the widest stage's neuron count."""
    nodes = graph.nodes
    depth = graph.network.depth
    widths = Counter(_stage_of(n, depth) for n in nodes if n.kind in ("input", "sum", "activation"))
    outputs = sum(1 for n in nodes if n.kind == "target")
    z_per_layer = Counter(n.layer for n in nodes if n.kind == "sum")
    weights_per_layer = Counter(n.layer for n in nodes if n.kind == "weight")
    biased_layers = {n.layer for n in nodes if n.kind == "bias"}

    def lane(index: int, count: int) -> float:
        return index - (count - 1) / 2

    places: dict[str, Place] = {}
    for n in nodes:
        stage, kind, layer = _stage_of(n, depth), n.kind, n.layer
        if kind in ("input", "sum", "activation"):
            places[n.id] = Place(stage, lane(n.index, widths[stage]))
        elif kind == "weight" and weights_per_layer[layer] == 1:
            places[n.id] = Place(stage, None, -BAND_SHIFT if layer in biased_layers else 0.0)
        elif kind == "bias" and z_per_layer[layer] == 1:
            # Beside its weight when that is drawn too; alone above (or beside) its z otherwise.
            places[n.id] = Place(stage, None, BAND_SHIFT if weights_per_layer[layer] == 1 else 0.0)
        elif kind == "target":
            places[n.id] = Place(stage, None) if outputs == 1 else Place(stage, lane(n.index, outputs) + 0.5)
        elif kind == "cost":
            places[n.id] = Place(stage + (1 if outputs > 1 else 0), 0.0)
        # Other weights and biases are not drawn as nodes: they ride on their edges.
    return places, max(widths.values())


def _n(value: float) -> str:
    """A coordinate to 0.1 px, without a trailing .0: short, since a wide graph has a thousand paths."""
    return f"{value:.1f}".removesuffix(".0")


def layout(graph: Graph, orientation: str = "wide", edges: bool = True) -> dict:
    """Boxes for drawn nodes, paths for edges (unless `edges` is false), the canvas size, in the
    `wide` or `tall` drawing."""
    pitch = PITCHES[orientation]
    places, tallest = _places(graph)
    tall = orientation == "tall"
    along, across = (NODE_HEIGHT, NODE_WIDTH) if tall else (NODE_WIDTH, NODE_HEIGHT)
    band = MARGIN + across / 2
    middle = band + pitch["band"] + (tallest - 1) * pitch["lane"] / 2
    labels = {n.id: (n.kind, n.label) for n in graph.nodes}

    boxes: dict[str, NodeBox] = {}
    for node_id, place in places.items():
        a = MARGIN + along / 2 + place.stage * pitch["stage"] + place.shift * (along + 12)
        b = band if place.lane is None else middle + place.lane * pitch["lane"]
        x, y = (b, a) if tall else (a, b)
        kind, label = labels[node_id]
        boxes[node_id] = NodeBox(node_id, kind, label, x, y, NODE_WIDTH, NODE_HEIGHT, place.lane is None)

    paths = []
    for e in graph.edges if edges else ():
        if e.kind in ("weight", "bias") and e.source not in boxes:
            continue  # a weight not drawn as a node rides on its value edge
        carried = graph.carried_weight(e)
        param = carried if carried and carried not in boxes else None
        source, target = boxes[e.source], boxes[e.target]
        from_band = places[e.source].lane is None
        draw = _tall_edge if tall else _wide_edge
        paths.append(draw(e, source, target, from_band, param, labels, tallest <= 3))
    width = max(b.x + b.width / 2 for b in boxes.values()) + MARGIN
    height = max(b.y + b.height / 2 for b in boxes.values()) + MARGIN + 24
    return {
        "orientation": orientation,
        "width": round(width),
        "height": round(height),
        "nodes": [dict(vars(b)) for b in boxes.values()],
        "edges": [dict(vars(e)) for e in paths],
        "label_width": pitch["stage"] - NODE_WIDTH / 2 - 12 if not tall else pitch["band"] - 24,
        "roomy": tallest <= 3,  # layers up to 3 wide: straight edges keep their label in view
    }


def _edge(edge: Edge, path: str, label: tuple, param, labels: dict, always: bool) -> EdgePath:
    labelled = labels[edge.source][0] not in ("input", "target")
    # The edge into J is the loss's own derivative, said so: the same number as ∂J/∂ŷ, but not a circle.
    symbol = f"{edge.symbol} (from the loss)" if edge.kind == "cost" else edge.symbol
    return EdgePath(edge.id, edge.kind, edge.source, edge.target, symbol, path, *label, param, labelled, always)


def _wide_edge(edge, source: NodeBox, target: NodeBox, from_band: bool, param, labels, roomy: bool) -> EdgePath:
    """Left to right; from the band above, down into the node."""
    if from_band and abs(source.x - target.x) < NODE_WIDTH:
        x1, y1 = source.x, source.y + source.height / 2
        x2 = source.x if abs(source.x - target.x) < 1 else target.x + (source.x - target.x) / 3
        y2 = target.y - target.height / 2
        path = f"M{_n(x1)},{_n(y1)} L{_n(x2)},{_n(y2)}"
        return _edge(edge, path, (x1 + 8, y1 + 16, "start"), param, labels, x1 == x2)
    x1, y1 = source.x + source.width / 2, source.y
    x2, y2 = target.x - target.width / 2, target.y
    if from_band:
        x1, y1 = source.x, source.y + source.height / 2  # a target y above J, further right
    bend = (x2 - x1) / 2
    path = f"M{_n(x1)},{_n(y1)} C{_n(x1 + bend)},{_n(y1)} {_n(x2 - bend)},{_n(y2)} {_n(x2)},{_n(y2)}"
    # Above the boxes' top edge, so a label never sits on a box whatever its width.
    label = ((x1 + x2) / 2, min(y1, y2) - NODE_HEIGHT / 2 - 18, "middle")
    return _edge(edge, path, label, param, labels, y1 == y2 and roomy)


def _tall_edge(edge, source: NodeBox, target: NodeBox, from_band: bool, param, labels, roomy: bool) -> EdgePath:
    """Top to bottom; from the band on the left, across into the node."""
    if from_band:
        x1, y1 = source.x + source.width / 2, source.y
        x2, y2 = target.x - target.width / 2, target.y + (source.y - target.y) / 3
        path = f"M{_n(x1)},{_n(y1)} L{_n(x2)},{_n(y2)}"
        # Above the band's box, ending at its edge: the labels of the edges between stages sit
        # further right, beside the lanes.
        label = (x1, min(source.y, target.y) - NODE_HEIGHT / 2 - 18, "end")
        return _edge(edge, path, label, param, labels, abs(y1 - y2) < 1 and roomy)
    x1, y1 = source.x, source.y + source.height / 2
    x2, y2 = target.x, target.y - target.height / 2
    bend = (y2 - y1) / 2
    path = f"M{_n(x1)},{_n(y1)} C{_n(x1)},{_n(y1 + bend)} {_n(x2)},{_n(y2 - bend)} {_n(x2)},{_n(y2)}"
    # Left of a straight edge, towards the band, where nothing else is drawn between two stages.
    label = ((x1 + x2) / 2 - 8, (y1 + y2) / 2 - 4, "end")
    return _edge(edge, path, label, param, labels, x1 == x2 and roomy)
