"""The computational graph of a network as plain data: nodes with stable ids, edges between them.

Naming: a layer one neuron wide uses the worksheet's names (`x`, `z1`, `a1`, `z2`, `yhat`, `w1`,
`b1`, `y`). In a wider layer each name takes the neuron's 1-based index: `x_2`, `z1_2`, `a1_2`,
`yhat_2`, `b1_2`, `y_2`. A weight takes the indices of the neuron it feeds and the neuron it
comes from, as in the matrix `weights[l - 1][j - 1][i - 1]`: `w2_1_2` feeds z2 (neuron 1) from
a1_2, and keeps the bare name `w2` when its matrix is 1 × 1. The output layer's activation is
`yhat`; an edge's id is `source-target`.
"""

from itertools import pairwise

from webapp.engine.network import Network

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _suffix(index: int, width: int) -> str:
    return f"_{index + 1}" if width > 1 else ""


def _label(base: str, subscript: str) -> str:
    return base + subscript.translate(SUBSCRIPTS)


class Names:
    """Node ids of a network by layer: inputs, targets, z and a per layer, weights and biases."""

    def __init__(self, network: Network):
        layers = network.layers
        depth = network.depth
        self.inputs = [f"x{_suffix(i, layers[0])}" for i in range(layers[0])]
        self.targets = [f"y{_suffix(k, layers[-1])}" for k in range(layers[-1])]
        self.z = [[f"z{lay}{_suffix(j, layers[lay])}" for j in range(layers[lay])] for lay in range(1, depth + 1)]
        self.a = [[f"a{lay}{_suffix(j, layers[lay])}" for j in range(layers[lay])] for lay in range(1, depth)]
        self.a.append([f"yhat{_suffix(k, layers[-1])}" for k in range(layers[-1])])
        self.weights = []
        for lay in range(1, depth + 1):
            rows, cols = layers[lay], layers[lay - 1]
            if rows * cols == 1:
                self.weights.append([[f"w{lay}"]])
            else:
                self.weights.append([[f"w{lay}_{j + 1}_{i + 1}" for i in range(cols)] for j in range(rows)])
        self.biases = []
        if network.bias:
            self.biases = [
                [f"b{lay}{_suffix(j, layers[lay])}" for j in range(layers[lay])] for lay in range(1, depth + 1)
            ]

    def params(self) -> list[str]:
        """Every weight's and bias's id, in the order of the flat parameter vector (weights, then biases)."""
        weights = [w for matrix in self.weights for row in matrix for w in row]
        return weights + [b for vector in self.biases for b in vector]

    def layer_inputs(self, layer: int) -> list[str]:
        """Ids of the values feeding layer `layer` (1-based)."""
        return self.inputs if layer == 1 else self.a[layer - 2]


def _parts(node_id: str) -> tuple[str, str, list[str]]:
    """An id's head as TeX and as text, and its indices: `w2_1_2` → (`w`, `w`, [2, 1, 2])."""
    base, _, rest = node_id.partition("_")
    if base.startswith("yhat"):
        tex, text, layer = "\\hat{y}", "ŷ", base[len("yhat") :]
    else:
        tex, text, layer = base[0], base[0], base[1:]
    indices = [i for i in [layer, *rest.split("_")] if i]
    return tex, text, indices


def _tex(node_id: str) -> str:
    head, _, indices = _parts(node_id)
    return f"{head}_{{{','.join(indices)}}}" if indices else head


def _text(node_id: str) -> str:
    _, head, indices = _parts(node_id)
    return _label(head, ",".join(indices))


def build_graph(network: Network) -> dict:
    """Nodes and edges of the network's computational graph, in forward order."""
    names = Names(network)
    nodes: list[dict] = []
    edges: list[dict] = []

    def node(node_id, kind, layer, index, per_sample):
        nodes.append(
            {
                "id": node_id,
                "kind": kind,
                "label": _text(node_id),
                "tex": _tex(node_id),
                "layer": layer,
                "index": index,
                "per_sample": per_sample,
            }
        )

    def edge(source, target, kind):
        symbol = f"d{target}/d{source}".replace("yhat", "ŷ")
        edges.append({"id": f"{source}-{target}", "source": source, "target": target, "kind": kind, "symbol": symbol})

    for i, node_id in enumerate(names.inputs):
        node(node_id, "input", 0, i, True)
    for lay in range(1, network.depth + 1):
        for j, z_id in enumerate(names.z[lay - 1]):
            for i, w_id in enumerate(names.weights[lay - 1][j]):
                node(w_id, "weight", lay, j * len(names.weights[lay - 1][j]) + i, False)
            if network.bias:
                node(names.biases[lay - 1][j], "bias", lay, j, False)
            node(z_id, "sum", lay, j, True)
            for i, source in enumerate(names.layer_inputs(lay)):
                edge(names.weights[lay - 1][j][i], z_id, "weight")
                edge(source, z_id, "value")
            if network.bias:
                edge(names.biases[lay - 1][j], z_id, "bias")
        for j, a_id in enumerate(names.a[lay - 1]):
            node(a_id, "activation", lay, j, True)
            edge(names.z[lay - 1][j], a_id, "activation")
    for k, y_id in enumerate(names.targets):
        node(y_id, "target", network.depth + 1, k, True)
    node("J", "cost", network.depth + 1, 0, False)
    for k, yhat_id in enumerate(names.a[-1]):
        edge(yhat_id, "J", "cost")
        edge(names.targets[k], "J", "target")
    return {"nodes": nodes, "edges": edges}


def weight_partners(graph: dict) -> dict[str, dict]:
    """Each value edge's weight edge and each weight edge's value edge: the two factors of w·a."""
    partners = {}
    for weight, value in pairwise(graph["edges"]):
        if weight["kind"] == "weight" and value["kind"] == "value":
            partners[weight["id"]], partners[value["id"]] = value, weight
    return partners
