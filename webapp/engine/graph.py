"""The computational graph: every node and edge with its id, its formula and its local derivative.

This is the one place that knows what an id means. The report, the tables, the layout and the
page all walk a `Graph` by id; none of them parses an id or knows where a parameter sits in θ.

Naming: a layer one neuron wide uses the worksheet's names (`x`, `z1`, `a1`, `z2`, `yhat`, `w1`,
`b1`, `y`). In a wider layer each name takes the neuron's 1-based index: `x_2`, `z1_2`, `a1_2`,
`yhat_2`, `b1_2`, `y_2`. A weight takes the indices of the neuron it feeds and the neuron it comes
from, as in the matrix `weights[l - 1][j - 1][i - 1]`: `w2_1_2` feeds z2 (neuron 1) from a1_2, and
keeps the bare name `w2` when its matrix is 1 × 1. The output layer's activation is `yhat`, the
cost `J`; an edge's id is `source-target`. Nothing outside this module reads an id: the page and the
API get each node's kind, layer and index, and each edge's source, target and partner, as fields.

Each node kind and edge kind below declares, side by side, its formula as TeX and the numpy
function that reads its numbers from a recorded pass (`training.Pass`), the way micrograd keeps
each operation's derivative beside its forward code. Numbers come in blocks, one per kind and
layer, whose columns follow `Graph.block_ids`.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network
from webapp.engine.training import Pass

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# A weight's id: `w2` (a 1 × 1 matrix) or `w2_1_3` (row 1, column 3); a bias's: `b1` or `b1_2` (row 2).
PARAM_ID = re.compile(
    r"w(?P<w>[1-9]\d*)(?:_(?P<row>[1-9]\d*)_(?P<col>[1-9]\d*))?|b(?P<b>[1-9]\d*)(?:_(?P<brow>[1-9]\d*))?"
)
# More terms than this in a weighted sum are written with an ellipsis.
MAX_SUM_TERMS = 3


class Kind(StrEnum):
    """The one spelling of each kind of node and edge. A node is any kind but VALUE; an edge is WEIGHT
    (w → z), VALUE (x or a → z), BIAS (b → z), ACTIVATION (z → a), COST (ŷ → J) or TARGET (y → J)."""

    INPUT = "input"
    TARGET = "target"
    WEIGHT = "weight"
    BIAS = "bias"
    SUM = "sum"
    ACTIVATION = "activation"
    COST = "cost"
    VALUE = "value"
    # An expression's nodes (webapp.engine.expression): a number in the formula, and an operation.
    CONSTANT = "constant"
    OPERATION = "operation"


@dataclass(frozen=True)
class Node:
    id: str
    kind: Kind
    layer: int  # 0 for inputs, 1 … depth for a layer's z, a, weights and biases, depth + 1 for y and J
    index: int  # the neuron (0-based); for a weight, its position in the matrix, row by row
    label: str  # the name as text, with subscripts: z₁, w₂,₁,₂, ŷ
    tex: str
    per_sample: bool  # one number per sample (x, y, z, a), or one for the batch (parameters, J)
    param: bool  # a weight or a bias: trained, and part of θ

    @property
    def gradient(self) -> str:
        """The name of the cost's derivative by this node, ∂J/∂z₁ (gradient_tex: as TeX)."""
        return partial("J", self.label)

    @property
    def gradient_tex(self) -> str:
        return partial_tex("J", self.tex)


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    kind: Kind
    layer: int
    symbol: str  # the local derivative's name as text: ∂z₁/∂w₁
    tex: str  # … and as TeX
    partner: str | None  # the other factor of a product w·a: a weight edge's value edge, and the reverse


def _index_suffix(index: int, width: int) -> str:
    return f"_{index + 1}" if width > 1 else ""


def _split(node_id: str) -> tuple[str, str, list[str]]:
    """An id's head as TeX and as text, and its indices: `w2_1_2` → (`w`, `w`, [2, 1, 2])."""
    base, _, rest = node_id.partition("_")
    if base.startswith("yhat"):
        tex, text, layer = r"\hat{y}", "ŷ", base[len("yhat") :]
    else:
        tex, text, layer = base[0], base[0], base[1:]
    return tex, text, [i for i in [layer, *rest.split("_")] if i]


def _edge_id(source: str, target: str) -> str:
    return f"{source}-{target}"


def label_of(node_id: str) -> str:
    _, head, indices = _split(node_id)
    return head + ",".join(indices).translate(SUBSCRIPTS)


def tex_of(node_id: str) -> str:
    head, _, indices = _split(node_id)
    return f"{head}_{{{','.join(indices)}}}" if indices else head


def is_param_id(text: str) -> bool:
    """Whether `text` has the form of a weight's or a bias's id (which network has it is another matter)."""
    return PARAM_ID.fullmatch(text) is not None


def param_place(text: str) -> tuple[Kind, int, int, int] | None:
    """A parameter id's (kind, 0-based layer, row, column), in any network, as `Graph.param_block`
    gives them; None if `text` is no parameter's id."""
    match = PARAM_ID.fullmatch(text)
    if not match:
        return None
    if match["w"]:
        return Kind.WEIGHT, int(match["w"]) - 1, int(match["row"] or 1) - 1, int(match["col"] or 1) - 1
    return Kind.BIAS, int(match["b"]) - 1, int(match["brow"] or 1) - 1, 0


def partial(top: str, bottom: str) -> str:
    """A derivative's name as text, ∂z₂/∂a₁: ∂ for every derivative (webapp.presentation.notation says why)."""
    return f"∂{top}/∂{bottom}"


def partial_tex(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


# --- Node kinds: the forward formula, and the numbers of a layer's nodes in a recorded pass ------


@dataclass(frozen=True)
class NodeKind:
    formula: Callable[["Graph", Node], str | None]  # TeX of the function the node computes
    values: Callable[[Pass, int], np.ndarray] | None  # samples × the layer's nodes (layer 0-based)
    grads: Callable[[Pass, int], np.ndarray] | None


def _sum_formula(graph: "Graph", node: Node) -> str:
    terms = [(graph.tex(e.source), graph.tex(graph.partner(e).source)) for e in graph.into(node.id, Kind.WEIGHT)]
    products = [f"{w} {a}" for w, a in terms]
    if len(products) > MAX_SUM_TERMS:
        products = [products[0], r"\dots", products[-1]]
    bias = [graph.tex(e.source) for e in graph.into(node.id, Kind.BIAS)]
    return f"{node.tex} = " + " + ".join(products + bias)


def _activation_formula(graph: "Graph", node: Node) -> str:
    (edge,) = graph.into(node.id, Kind.ACTIVATION)
    activation = ACTIVATIONS[graph.network.activations[node.layer - 1]]
    return f"{node.tex} = " + activation.tex.replace("{z}", graph.tex(edge.source))


def _cost_formula(graph: "Graph", node: Node) -> str:
    return LOSSES[graph.network.loss].tex


def _no_formula(graph: "Graph", node: Node) -> None:
    return None


NODE_KINDS: dict[str, NodeKind] = {
    Kind.INPUT: NodeKind(_no_formula, lambda p, k: p.x, None),
    Kind.TARGET: NodeKind(_no_formula, lambda p, k: p.y, None),
    Kind.SUM: NodeKind(_sum_formula, lambda p, k: p.z[k], lambda p, k: p.grad_z[k]),
    Kind.ACTIVATION: NodeKind(_activation_formula, lambda p, k: p.a[k], lambda p, k: p.grad_a[k]),
    # A parameter's and J's numbers are one per batch: read from θ, dJ/dθ and the cost directly.
    Kind.WEIGHT: NodeKind(_no_formula, None, None),
    Kind.BIAS: NodeKind(_no_formula, None, None),
    Kind.COST: NodeKind(_cost_formula, None, None),
}


def param_terms(p: Pass, kind: str, k: int) -> np.ndarray:
    """Each sample's share of dJ/dθ for layer k's weights (samples × rows × columns) or biases (samples × rows).

    dJ/dw_ji = Σ over samples of dJ/dz_j · a_i: the terms whose sum the batch gradient is.
    """
    if kind == Kind.WEIGHT:
        return p.grad_z[k][:, :, None] * p.inputs_of(k)[:, None, :]
    return p.grad_z[k]


# --- Edge kinds: the function the edge differentiates, its local derivative, and its numbers ----


@dataclass(frozen=True)
class EdgeKind:
    function: Callable[["Graph", Edge], str]  # TeX: the target as a function of the source
    derivative: Callable[["Graph", Edge], str]  # TeX: d(target)/d(source) = …
    local: Callable[[Pass, int], np.ndarray]  # samples × the layer's edges of this kind


def _more_terms(graph: "Graph", edge: Edge) -> str:
    return r" + \dots" if len(graph.into(edge.target)) > 2 else ""


def _weight_function(graph: "Graph", edge: Edge) -> str:
    a = graph.tex(graph.partner(edge).source)
    return (
        f"{graph.tex(edge.target)}({graph.tex(edge.source)}) = {graph.tex(edge.source)} {a}{_more_terms(graph, edge)}"
    )


def _value_function(graph: "Graph", edge: Edge) -> str:
    w = graph.tex(graph.partner(edge).source)
    return (
        f"{graph.tex(edge.target)}({graph.tex(edge.source)}) = {w} {graph.tex(edge.source)}{_more_terms(graph, edge)}"
    )


def _bias_function(graph: "Graph", edge: Edge) -> str:
    return rf"{graph.tex(edge.target)}({graph.tex(edge.source)}) = \dots + {graph.tex(edge.source)}"


def _activation_function(graph: "Graph", edge: Edge) -> str:
    activation = ACTIVATIONS[graph.network.activations[edge.layer - 1]]
    return f"{graph.tex(edge.target)}({graph.tex(edge.source)}) = " + activation.tex.replace(
        "{z}", graph.tex(edge.source)
    )


def _loss_tex(template: str, graph: "Graph", yhat: str) -> str:
    """A per-sample loss formula for the output `yhat`, with its own target and logit."""
    node = graph.node[yhat]
    y = graph.ids(Kind.TARGET, graph.network.depth + 1)[node.index]
    z = graph.ids(Kind.SUM, node.layer)[node.index]
    names = {"yhat": graph.tex(yhat), "y": graph.tex(y), "z": graph.tex(z)}
    # One pass: a name put in (\hat{y}) must not be taken for a placeholder ({y}) in turn.
    return re.sub(r"\{(yhat|y|z)\}", lambda m: names[m.group(1)], template)


def _cost_function(graph: "Graph", edge: Edge) -> str:
    return f"J({graph.tex(edge.source)}) = " + _loss_tex(LOSSES[graph.network.loss].sample_tex, graph, edge.source)


def _output_of(graph: "Graph", target_id: str) -> str:
    """The output ŷ that a target y is compared with."""
    return graph.ids(Kind.ACTIVATION, graph.network.depth)[graph.node[target_id].index]


def _target_function(graph: "Graph", edge: Edge) -> str:
    yhat = _output_of(graph, edge.source)
    return f"J({graph.tex(edge.source)}) = " + _loss_tex(LOSSES[graph.network.loss].sample_tex, graph, yhat)


def _target_derivative(graph: "Graph", edge: Edge) -> str:
    yhat = _output_of(graph, edge.source)
    return f"{edge.tex} = " + _loss_tex(LOSSES[graph.network.loss].grad_y_tex, graph, yhat)


def _weight_local(p: Pass, k: int) -> np.ndarray:
    # dz_j/dw_ji = a_i: each neuron's inputs again, once per neuron (row by row, as the ids run).
    inputs = p.inputs_of(k)
    rows = p.network.layers[k + 1]
    return np.broadcast_to(inputs[:, None, :], (len(inputs), rows, inputs.shape[1])).reshape(len(inputs), -1)


def _value_local(p: Pass, k: int) -> np.ndarray:
    # dz_j/da_i = w_ji: the weight matrix k in each row's θ, row by row as the ids run.
    block = p.network.blocks()[k]
    return p.theta[:, block.offset : block.offset + block.size]


def _target_local(p: Pass, k: int) -> np.ndarray:
    return LOSSES[p.network.loss].grad_y(p.a[-1], p.y, p.z[-1], p.n)


EDGE_KINDS: dict[str, EdgeKind] = {
    Kind.WEIGHT: EdgeKind(_weight_function, lambda g, e: f"{e.tex} = {g.tex(g.partner(e).source)}", _weight_local),
    Kind.VALUE: EdgeKind(_value_function, lambda g, e: f"{e.tex} = {g.tex(g.partner(e).source)}", _value_local),
    Kind.BIAS: EdgeKind(_bias_function, lambda g, e: f"{e.tex} = 1", lambda p, k: np.ones_like(p.z[k])),
    Kind.ACTIVATION: EdgeKind(
        _activation_function,
        lambda g, e: (
            f"{e.tex} = "
            + ACTIVATIONS[g.network.activations[e.layer - 1]].derivative_tex.replace("{z}", g.tex(e.source))
        ),
        lambda p, k: ACTIVATIONS[p.network.activations[k]].derivative(p.z[k]),
    ),
    Kind.COST: EdgeKind(
        _cost_function,
        lambda g, e: f"{e.tex} = " + _loss_tex(LOSSES[g.network.loss].grad_tex, g, e.source),
        lambda p, k: p.grad_a[-1],
    ),
    Kind.TARGET: EdgeKind(_target_function, _target_derivative, _target_local),
}


class Graph:
    """A network's nodes and edges in forward order, with lookups by id, by layer and by θ position."""

    def __init__(self, network: Network):
        self.network = network
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.node: dict[str, Node] = {}
        self.edge: dict[str, Edge] = {}
        self._blocks: dict[tuple[str, int], list[str]] = {}
        self._into: dict[str, list[Edge]] = {}
        self._out_of: dict[str, list[Edge]] = {}
        self._build()
        blocks = {(b.kind, b.layer): b for b in network.blocks()}
        # Where each parameter sits in θ: its block's offset plus its place in the block, row by row.
        self.param_position: dict[str, int] = {}
        for (kind, layer), ids in self._blocks.items():
            if kind in (Kind.WEIGHT, Kind.BIAS):
                for place, pid in enumerate(ids):
                    self.param_position[pid] = blocks[(kind, layer)].offset + place
        self.params: list[str] = sorted(self.param_position, key=self.param_position.__getitem__)

    def _add_node(self, node_id: str, kind: Kind, layer: int, index: int) -> None:
        per_sample = kind in (Kind.INPUT, Kind.TARGET, Kind.SUM, Kind.ACTIVATION)
        node = Node(
            node_id,
            kind,
            layer,
            index,
            label_of(node_id),
            tex_of(node_id),
            per_sample,
            kind in (Kind.WEIGHT, Kind.BIAS),
        )
        self.nodes.append(node)
        self.node[node_id] = node
        self._blocks.setdefault((kind, layer), []).append(node_id)

    def _add_edge(self, source: str, target: str, kind: Kind, layer: int, partner: str | None = None) -> None:
        symbol, tex = partial(label_of(target), label_of(source)), partial_tex(tex_of(target), tex_of(source))
        edge = Edge(_edge_id(source, target), source, target, kind, layer, symbol, tex, partner)
        self.edges.append(edge)
        self.edge[edge.id] = edge
        self._blocks.setdefault((f"edge:{kind}", layer), []).append(edge.id)
        self._into.setdefault(target, []).append(edge)
        self._out_of.setdefault(source, []).append(edge)

    def _build(self) -> None:
        layers, depth = self.network.layers, self.network.depth
        inputs = [f"x{_index_suffix(i, layers[0])}" for i in range(layers[0])]
        for i, node_id in enumerate(inputs):
            self._add_node(node_id, Kind.INPUT, 0, i)
        for lay in range(1, depth + 1):
            rows, cols = layers[lay], layers[lay - 1]
            out = [
                f"a{lay}{_index_suffix(j, rows)}" if lay < depth else f"yhat{_index_suffix(j, rows)}"
                for j in range(rows)
            ]
            for j in range(rows):
                z_id = f"z{lay}{_index_suffix(j, rows)}"
                weights = [f"w{lay}" if rows * cols == 1 else f"w{lay}_{j + 1}_{i + 1}" for i in range(cols)]
                for i, w_id in enumerate(weights):
                    self._add_node(w_id, Kind.WEIGHT, lay, j * cols + i)
                bias = f"b{lay}{_index_suffix(j, rows)}" if self.network.bias else None
                if bias:
                    self._add_node(bias, Kind.BIAS, lay, j)
                self._add_node(z_id, Kind.SUM, lay, j)
                for w_id, source in zip(weights, inputs, strict=True):
                    self._add_edge(w_id, z_id, Kind.WEIGHT, lay, partner=_edge_id(source, z_id))
                    self._add_edge(source, z_id, Kind.VALUE, lay, partner=_edge_id(w_id, z_id))
                if bias:
                    self._add_edge(bias, z_id, Kind.BIAS, lay)
            for j, a_id in enumerate(out):
                self._add_node(a_id, Kind.ACTIVATION, lay, j)
                self._add_edge(self._blocks[(Kind.SUM, lay)][j], a_id, Kind.ACTIVATION, lay)
            inputs = out
        targets = [f"y{_index_suffix(k, layers[-1])}" for k in range(layers[-1])]
        for k, y_id in enumerate(targets):
            self._add_node(y_id, Kind.TARGET, depth + 1, k)
        self._add_node("J", Kind.COST, depth + 1, 0)
        for yhat_id, y_id in zip(inputs, targets, strict=True):
            self._add_edge(yhat_id, "J", Kind.COST, depth + 1)
            self._add_edge(y_id, "J", Kind.TARGET, depth + 1)

    # --- Lookups --------------------------------------------------------------------------------

    def tex(self, node_id: str) -> str:
        return self.node[node_id].tex

    def ids(self, kind: str, layer: int) -> list[str]:
        """The ids of one layer's nodes of a kind, in the order of its block's columns."""
        return self._blocks.get((kind, layer), [])

    def edge_ids(self, kind: str, layer: int) -> list[str]:
        return self._blocks.get((f"edge:{kind}", layer), [])

    def node_blocks(self) -> list[tuple[str, int, list[str]]]:
        """(kind, layer, ids) of every layer's nodes of each kind, in forward order."""
        return [(kind, layer, ids) for (kind, layer), ids in self._blocks.items() if not kind.startswith("edge:")]

    def edge_blocks(self) -> list[tuple[str, int, list[str]]]:
        """(kind, layer, ids) of every layer's edges of each kind, in forward order."""
        return [(kind[5:], layer, ids) for (kind, layer), ids in self._blocks.items() if kind.startswith("edge:")]

    def into(self, node_id: str, kind: str | None = None) -> list[Edge]:
        return [e for e in self._into.get(node_id, []) if kind is None or e.kind == kind]

    def out_of(self, node_id: str) -> list[Edge]:
        return self._out_of.get(node_id, [])

    def partner(self, edge: Edge) -> Edge:
        """The other factor of a product w·a: a weight edge's value edge, and the reverse."""
        return self.edge[edge.partner]

    def carried_weight(self, edge: Edge) -> str | None:
        """The weight whose product with the edge's source feeds its target (value edges only)."""
        return self.partner(edge).source if edge.kind == Kind.VALUE else None

    # The node the backward pass starts from (∂J/∂J = 1), and whether an update phase follows it.
    output = "J"
    updates = True

    # The kinds of node known before any pass, besides the parameters: the data.
    known_kinds = (Kind.INPUT, Kind.TARGET)

    def known(self) -> list[str]:
        """The nodes known before any pass: the data and the starting parameters."""
        return [n.id for n in self.nodes if n.kind in self.known_kinds or n.param]

    def text_name(self, node_id: str) -> str:
        """The node's name in equations written as text: its label, z₁."""
        return self.node[node_id].label

    def worked_text(self, node_id: str) -> str | None:
        """A node's computation as text over its in-edges' sources ({n0}, {f1}); None: the page writes a
        network's weighted sums, activations and cost from the kinds' own fields."""
        return None

    def forward_order(self) -> list[str]:
        """The nodes the forward pass computes, layer by layer, ending at J."""
        return [n.id for n in self.nodes if n.kind in (Kind.SUM, Kind.ACTIVATION, Kind.COST)]

    def backward_order(self) -> list[str]:
        """The nodes whose gradient the backward pass computes, from J back to the first weights."""
        return [n.id for n in reversed(self.nodes) if n.kind not in (Kind.INPUT, Kind.TARGET)]

    def param_block(self, node_id: str) -> tuple[str, int, int, int]:
        """A parameter's (kind, 0-based layer, row, column) in the API's nested weights or biases."""
        node = self.node[node_id]
        if node.kind == Kind.BIAS:
            return Kind.BIAS, node.layer - 1, node.index, 0
        cols = self.network.layers[node.layer - 1]
        return Kind.WEIGHT, node.layer - 1, node.index // cols, node.index % cols

    # --- As data --------------------------------------------------------------------------------

    def formula(self, node_id: str) -> str | None:
        node = self.node[node_id]
        return NODE_KINDS[node.kind].formula(self, node)

    def edge_function(self, edge_id: str) -> str:
        edge = self.edge[edge_id]
        return EDGE_KINDS[edge.kind].function(self, edge)

    def edge_derivative(self, edge_id: str) -> str:
        edge = self.edge[edge_id]
        return EDGE_KINDS[edge.kind].derivative(self, edge)

    def to_json(self) -> dict:
        """Nodes and edges as the API gives them."""
        return {
            "nodes": [asdict(n) for n in self.nodes],
            "edges": [{k: v for k, v in asdict(e).items() if k != "layer"} for e in self.edges],
        }
