"""Drawing coordinates for the computational graph: plain data the SVG template only has to print.

Columns follow the forward pass (x, z1, a1, z2, ŷ, J); each column's neurons are centred on a
shared middle line. A 1 × 1 weight (and a 1-wide layer's bias) sits in a band above its z node,
as in the worksheet's figure; wider weight matrices are drawn on their edges instead, so a wide
layer stays readable. A 1-wide target y sits above J.
"""

from collections import Counter
from dataclasses import asdict, dataclass

from webapp.engine.graph import weight_partners

NODE_WIDTH = 112
NODE_HEIGHT = 66
COLUMN_PITCH = 156
ROW_PITCH = 96
TOP_BAND = 58  # centre of the band of weights, biases and the target
MAIN_TOP = 200  # centre of the first row of the main band
MARGIN = 16


@dataclass
class NodeBox:
    id: str
    kind: str
    label: str
    x: float  # centre
    y: float
    width: float
    height: float


@dataclass
class EdgePath:
    id: str
    kind: str
    source: str
    target: str
    symbol: str
    path: str
    label_x: float
    label_y: float
    label_anchor: str
    param: str | None  # the weight this edge carries when weights are not drawn as nodes
    labelled: bool  # whether a local derivative belongs on it (not on data edges)
    always: bool  # label always in view: straight edges in layers up to 3 wide; the rest show it on hover


def _column_of(node: dict, depth: int) -> int:
    kind, layer = node["kind"], node["layer"]
    if kind == "input":
        return 0
    if kind in ("sum", "weight", "bias"):
        return 2 * layer - 1
    if kind == "activation":
        return 2 * layer
    return 2 * depth + 1  # target and cost


def layout(graph: dict) -> dict:
    """Boxes for drawn nodes, paths for edges, the canvas size."""
    nodes = graph["nodes"]
    by_id = {n["id"]: n for n in nodes}
    depth = max(n["layer"] for n in nodes if n["kind"] == "sum")
    widths: dict[int, int] = {}
    for n in nodes:
        if n["kind"] in ("input", "sum", "activation"):
            col = _column_of(n, depth)
            widths[col] = widths.get(col, 0) + 1
    tallest = max(widths.values())
    middle = MAIN_TOP + (tallest - 1) * ROW_PITCH / 2
    outputs = sum(1 for n in nodes if n["kind"] == "target")
    z_per_layer = Counter(n["layer"] for n in nodes if n["kind"] == "sum")
    weights_per_layer = Counter(n["layer"] for n in nodes if n["kind"] == "weight")
    biased_layers = {n["layer"] for n in nodes if n["kind"] == "bias"}

    def centre_x(col: int) -> float:
        return MARGIN + NODE_WIDTH / 2 + col * COLUMN_PITCH

    def row_y(index: int, count: int) -> float:
        return middle + (index - (count - 1) / 2) * ROW_PITCH

    boxes: dict[str, NodeBox] = {}
    for n in nodes:
        col = _column_of(n, depth)
        kind = n["kind"]
        x = centre_x(col)
        if kind in ("input", "sum", "activation"):
            y = row_y(n["index"], widths[col])
        elif kind == "weight":
            if weights_per_layer[n["layer"]] > 1:
                continue  # a matrix wider than 1 × 1 rides on its edges
            x, y = x - (NODE_WIDTH / 2 + 6 if n["layer"] in biased_layers else 0), TOP_BAND
        elif kind == "bias":
            if z_per_layer[n["layer"]] > 1:
                continue  # shown in the parameter table
            x, y = x + NODE_WIDTH / 2 + 6, TOP_BAND
        elif kind == "target":
            if outputs == 1:
                y = TOP_BAND
            else:
                x, y = centre_x(col), row_y(n["index"], outputs) + ROW_PITCH / 2
        else:  # cost
            x = centre_x(col + (1 if outputs > 1 else 0))
            y = middle
        boxes[n["id"]] = NodeBox(n["id"], kind, n["label"], x, y, NODE_WIDTH, NODE_HEIGHT)

    partners = weight_partners(graph)
    edges = []
    for e in graph["edges"]:
        if e["kind"] in ("weight", "bias") and e["source"] not in boxes:
            continue  # a weight not drawn as a node rides on its value edge
        partner = partners.get(e["id"]) if e["kind"] == "value" else None
        param = partner["source"] if partner and partner["source"] not in boxes else None
        edges.append(_edge_path(e, boxes[e["source"]], boxes[e["target"]], param, by_id, tallest <= 3))
    width = max(b.x + b.width / 2 for b in boxes.values()) + MARGIN
    height = max(b.y + b.height / 2 for b in boxes.values()) + MARGIN + 24
    return {
        "width": round(width),
        "height": round(height),
        "nodes": [asdict(b) for b in boxes.values()],
        "edges": [asdict(e) for e in edges],
        "label_width": COLUMN_PITCH - NODE_WIDTH / 2 - 12,
    }


def _edge_path(edge: dict, source: NodeBox, target: NodeBox, param: str | None, by_id: dict, roomy: bool) -> EdgePath:
    labelled = by_id[edge["source"]]["kind"] not in ("input", "target")
    symbol = f"d{target.label}/d{source.label}"
    if source.y < MAIN_TOP - NODE_HEIGHT and abs(source.x - target.x) < NODE_WIDTH:
        # From the band above straight down into the node below it.
        x1, y1 = source.x, source.y + source.height / 2
        x2, y2 = (
            source.x if abs(source.x - target.x) < 1 else target.x + (source.x - target.x) / 3,
            target.y - target.height / 2,
        )
        path = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
        return EdgePath(
            edge["id"], edge["kind"], edge["source"], edge["target"], symbol, path,
            x1 + 8, y1 + 16, "start", param, labelled, x1 == x2,
        )  # fmt: skip
    x1, y1 = source.x + source.width / 2, source.y
    x2, y2 = target.x - target.width / 2, target.y
    if source.y < MAIN_TOP - NODE_HEIGHT:
        # A parameter from the band above into a node further right: leave from its bottom.
        x1, y1 = source.x, source.y + source.height / 2
    bend = (x2 - x1) / 2
    path = f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    # Above the boxes' top edge, so a label never sits on a box whatever its width.
    return EdgePath(
        edge["id"], edge["kind"], edge["source"], edge["target"], symbol, path,
        (x1 + x2) / 2, min(y1, y2) - NODE_HEIGHT / 2 - 18, "middle", param, labelled, y1 == y2 and roomy,
    )  # fmt: skip
