"""Drawing coordinates for the computational graph: plain data the SVG template only has to print.

Nodes are placed once on an abstract grid: a *stage* along the forward pass (x, z1, a1, z2, ŷ, J)
and a *lane* across it (a layer's neurons, centred on a shared middle), or the *band* beside the
stages that holds a 1 × 1 weight and a 1-wide layer's bias (as in the worksheet's figure) and a
1-wide target y. Wider weight matrices are drawn on their edges instead, so a wide layer stays
readable. The grid is then drawn two ways: `wide`, stages left to right with the band above them,
and `tall`, stages top to bottom with the band on their left, for narrow screens. The page draws
the boxes; the browser draws the edges between them (static/js/geometry.js), and moves the boxes to
the tall places on a narrow screen, so a wide network's graph is sent once, as data.
"""

from collections import Counter
from dataclasses import dataclass

from webapp.engine.graph import Graph, Kind, Node

NODE_WIDTH = 112
NODE_HEIGHT = 66
MARGIN = 16
LABEL_ROOM = 40  # above the top lane: an edge's label, two lines
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
class Place:
    """A node on the grid: its stage, and its lane (from the middle) or its side of the band."""

    stage: float
    lane: float | None  # None: in the band
    shift: float = 0.0  # along the stages, for a weight and a bias sharing the band


def _stage_of(node: Node, depth: int) -> int:
    kind, layer = node.kind, node.layer
    if kind == Kind.INPUT:
        return 0
    if kind in (Kind.SUM, Kind.WEIGHT, Kind.BIAS):
        return 2 * layer - 1
    if kind == Kind.ACTIVATION:
        return 2 * layer
    return 2 * depth + 1  # target and cost


def _places(graph: Graph) -> tuple[dict[str, Place], int]:
    """Where each drawn node sits on the grid, and the widest stage's neuron count."""
    nodes = graph.nodes
    depth = graph.network.depth
    widths = Counter(_stage_of(n, depth) for n in nodes if n.kind in (Kind.INPUT, Kind.SUM, Kind.ACTIVATION))
    outputs = sum(1 for n in nodes if n.kind == Kind.TARGET)
    z_per_layer = Counter(n.layer for n in nodes if n.kind == Kind.SUM)
    weights_per_layer = Counter(n.layer for n in nodes if n.kind == Kind.WEIGHT)
    biased_layers = {n.layer for n in nodes if n.kind == Kind.BIAS}

    def lane(index: int, count: int) -> float:
        return index - (count - 1) / 2

    places: dict[str, Place] = {}
    for n in nodes:
        stage, kind, layer = _stage_of(n, depth), n.kind, n.layer
        if kind in (Kind.INPUT, Kind.SUM, Kind.ACTIVATION):
            places[n.id] = Place(stage, lane(n.index, widths[stage]))
        elif kind == Kind.WEIGHT and weights_per_layer[layer] == 1:
            places[n.id] = Place(stage, None, -BAND_SHIFT if layer in biased_layers else 0.0)
        elif kind == Kind.BIAS and z_per_layer[layer] == 1:
            # Beside its weight when that is drawn too; alone above (or beside) its z otherwise.
            places[n.id] = Place(stage, None, BAND_SHIFT if weights_per_layer[layer] == 1 else 0.0)
        elif kind == Kind.TARGET:
            # Below the outputs, clear of their edges into J, which meet in the middle lane.
            places[n.id] = Place(stage, None) if outputs == 1 else Place(stage, (outputs + 1) / 2 + n.index)
        elif kind == Kind.COST:
            places[n.id] = Place(stage + (1 if outputs > 1 else 0), 0.0)
        # Other weights and biases are not drawn as nodes: they ride on their edges.
    return places, max(widths.values())


def _depth_places(graph) -> tuple[dict[str, Place], int]:
    """An expression's nodes: a stage per depth in the DAG (the node's `layer`), lanes across it.

    An edge that skips stages keeps a lane free in each stage it passes (a placeholder, as in a layered
    drawing), so no box sits in its way; within a stage, nodes and placeholders are ordered by the mean
    lane of what feeds them, which keeps edges from crossing where it can.
    """
    layer = {n.id: n.layer for n in graph.nodes}
    stages: dict[int, list[str]] = {}
    for n in graph.nodes:
        stages.setdefault(n.layer, []).append(n.id)
    feeds: dict[str, list[str]] = {}  # an occupant's predecessors: a node's sources, a placeholder's previous step
    for e in graph.edges:
        previous = e.source
        for stage in range(layer[e.source] + 1, layer[e.target]):
            slot = f"{e.id}@{stage}"
            stages[stage].append(slot)
            feeds[slot] = [previous]
            previous = slot
        feeds.setdefault(e.target, []).append(previous)
    lane: dict[str, float] = {}
    for stage in sorted(stages):
        occupants = stages[stage]
        if stage > min(stages):
            order = {o: i for i, o in enumerate(occupants)}
            mean = {o: sum(lane[f] for f in feeds[o]) / len(feeds[o]) if feeds.get(o) else 0.0 for o in occupants}
            occupants.sort(key=lambda o: (mean[o], order[o]))
        for i, occupant in enumerate(occupants):
            lane[occupant] = i - (len(occupants) - 1) / 2
    places = {n.id: Place(n.layer, lane[n.id]) for n in graph.nodes}
    return places, max(len(o) for o in stages.values())


def layout(graph: Graph, orientation: str = "wide") -> dict:
    """Boxes for drawn nodes and the canvas size, in the `wide` or `tall` drawing."""
    pitch = PITCHES[orientation]
    places, tallest = _places(graph) if isinstance(graph, Graph) else _depth_places(graph)
    tall = orientation == "tall"
    along, across = (NODE_HEIGHT, NODE_WIDTH) if tall else (NODE_WIDTH, NODE_HEIGHT)
    top = MARGIN + across / 2
    spread = (tallest - 1) * pitch["lane"] / 2  # from the middle lane to the outermost
    targets = {n.id for n in graph.nodes if n.kind == Kind.TARGET}
    if all(node_id in targets for node_id, place in places.items() if place.lane is None):
        # Only a target in the band: one lane beside J will do (J's stage holds J alone), so the band is
        # no taller than what it holds; the top lane keeps room above it for its edges' labels.
        middle = top + max(pitch["lane"], spread + LABEL_ROOM)
        band = middle - pitch["lane"]
    else:
        band, middle = top, top + pitch["band"] + spread
    labels = {n.id: (n.kind, n.label) for n in graph.nodes}

    boxes: dict[str, NodeBox] = {}
    for node_id, place in places.items():
        a = MARGIN + along / 2 + place.stage * pitch["stage"] + place.shift * (along + 12)
        b = band if place.lane is None else middle + place.lane * pitch["lane"]
        x, y = (b, a) if tall else (a, b)
        kind, label = labels[node_id]
        boxes[node_id] = NodeBox(node_id, kind, label, x, y, NODE_WIDTH, NODE_HEIGHT, place.lane is None)

    width = max(b.x + b.width / 2 for b in boxes.values()) + MARGIN
    height = max(b.y + b.height / 2 for b in boxes.values()) + MARGIN + 24
    return {
        "orientation": orientation,
        "width": round(width),
        "height": round(height),
        "nodes": [dict(vars(b)) for b in boxes.values()],
        "label_width": pitch["stage"] - NODE_WIDTH / 2 - 12 if not tall else pitch["band"] - 24,
        "roomy": tallest <= 3,  # layers up to 3 wide: straight edges keep their label in view
    }
