"""The worksheet's tables for any network, as plain data: formulas in TeX, numbers as keys.

A key such as `values.z1`, `grads.w1`, `local.w1-z1` or `after.w1` names a number of the
displayed epoch; the page fills it in when the animation reaches it.
"""

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import Names, weight_partners
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network

# Wide networks have thousands of edges: the tables list this many rows, the graph has the rest.
MAX_ROWS = 40


def _tex_of(graph: dict) -> dict[str, str]:
    return {n["id"]: n["tex"] for n in graph["nodes"]}


def _sum_tex(tex: dict, weights: list[str], inputs: list[str], bias: str | None) -> str:
    if len(inputs) > 3:
        first, last = weights[0], weights[-1]
        terms = f"{tex[first]} {tex[inputs[0]]} + \\dots + {tex[last]} {tex[inputs[-1]]}"
    else:
        terms = " + ".join(f"{tex[w]} {tex[i]}" for w, i in zip(weights, inputs, strict=True))
    return terms + (f" + {tex[bias]}" if bias else "")


def forward_order(graph: dict) -> list[str]:
    """Nodes the forward pass computes, layer by layer, ending at J."""
    return [n["id"] for n in graph["nodes"] if n["kind"] in ("sum", "activation", "cost")]


def forward_rows(network: Network, graph: dict) -> list[dict]:
    """One row per function node, in forward order: its definition (J's row is always kept)."""
    tex = _tex_of(graph)
    names = Names(network)
    formulas = {"J": LOSSES[network.loss].tex}
    for k in range(network.depth):
        inputs = names.layer_inputs(k + 1)
        activation = ACTIVATIONS[network.activations[k]]
        for j, (z, a) in enumerate(zip(names.z[k], names.a[k], strict=True)):
            bias = names.biases[k][j] if network.bias else None
            formulas[z] = f"{tex[z]} = {_sum_tex(tex, names.weights[k][j], inputs, bias)}"
            formulas[a] = f"{tex[a]} = {activation.tex.replace('{z}', tex[z])}"
    rows = [{"node": node, "tex": formulas[node]} for node in forward_order(graph)]
    return rows if len(rows) <= MAX_ROWS else [*rows[: MAX_ROWS - 1], rows[-1]]


def _derivative_tex(edge: dict, network: Network, tex: dict, nodes: dict) -> tuple[str, str]:
    """The function the edge differentiates and its derivative formula, as in Solution 3."""
    source, target = edge["source"], edge["target"]
    d = f"\\frac{{d{tex[target]}}}{{d{tex[source]}}}"
    kind = edge["kind"]
    if kind == "cost":
        loss = LOSSES[network.loss]
        return f"J({tex[source]}) = {loss.tex.removeprefix('J = ')}", loss.grad_tex.replace("\\hat{y}", tex[source])
    if kind == "activation":
        activation = ACTIVATIONS[network.activations[nodes[target]["layer"] - 1]]
        function = f"{tex[target]}({tex[source]}) = {activation.tex.replace('{z}', tex[source])}"
        return function, f"{d} = {activation.derivative_tex.replace('{z}', tex[source])}"
    if kind == "bias":
        return f"{tex[target]}({tex[source]}) = \\dots + {tex[source]}", f"{d} = 1"
    return f"{tex[target]}({tex[source]}) = \\dots", d


def local_rows(network: Network, graph: dict) -> list[dict]:
    """Solution 3: every local derivative the backward pass multiplies by, in backward order."""
    tex = _tex_of(graph)
    nodes = {n["id"]: n for n in graph["nodes"]}
    partners = weight_partners(graph)
    rows = []
    for edge in reversed(graph["edges"]):
        if nodes[edge["source"]]["kind"] in ("input", "target"):
            continue
        function, derivative = _derivative_tex(edge, network, tex, nodes)
        if edge["kind"] in ("value", "weight"):
            source, target = edge["source"], edge["target"]
            other = partners[edge["id"]]["source"]
            product = f"{tex[other]} {tex[source]}" if edge["kind"] == "value" else f"{tex[source]} {tex[other]}"
            more = " + \\dots" if _has_more_terms(graph, target) else ""
            function = f"{tex[target]}({tex[source]}) = {product}{more}"
            derivative = f"{derivative} = {tex[other]}"
        rows.append({"edge": edge["id"], "node": edge["source"], "function": function, "derivative": derivative})
    return rows[:MAX_ROWS]


def _has_more_terms(graph: dict, target: str) -> bool:
    return sum(1 for e in graph["edges"] if e["target"] == target and e["kind"] in ("value", "bias")) > 1


def backward_order(graph: dict) -> list[str]:
    """Nodes whose gradient the backward pass computes, from J back to the first weights."""
    return [n["id"] for n in reversed(graph["nodes"]) if n["kind"] not in ("input", "target")]


def accumulation_rows(graph: dict) -> list[dict]:
    """Solution 4 step by step: dJ/dnode = Σ over its out-edges of dJ/dtarget · dtarget/dnode."""
    tex = _tex_of(graph)
    rows = []
    for node in backward_order(graph):
        if node == "J":
            continue
        terms = [{"grad": e["target"], "edge": e["id"]} for e in graph["edges"] if e["source"] == node]
        formula = " + ".join(
            f"\\frac{{dJ}}{{d{tex[t['grad']]}}} \\cdot \\frac{{d{tex[t['grad']]}}}{{d{tex[node]}}}" for t in terms
        )
        rows.append({"node": node, "lhs": f"\\frac{{dJ}}{{d{tex[node]}}}", "formula": formula, "terms": terms})
    return rows[:MAX_ROWS]


def chain_rows(network: Network, graph: dict) -> list[dict]:
    """For a network one neuron wide: each parameter's gradient as one product along its path to J."""
    if any(width > 1 for width in network.layers):
        return []
    tex = _tex_of(graph)
    into = {e["target"]: e for e in graph["edges"] if e["kind"] in ("value", "activation", "cost")}
    rows = []
    for node in graph["nodes"]:
        if node["kind"] not in ("weight", "bias"):
            continue
        edge = next(e for e in graph["edges"] if e["source"] == node["id"])
        path = [edge]
        while path[-1]["target"] != "J":
            path.append(next(e for e in graph["edges"] if e["source"] == path[-1]["target"] and e["target"] in into))
        path.reverse()
        factors = " \\cdot ".join(f"\\frac{{d{tex[e['target']]}}}{{d{tex[e['source']]}}}" for e in path)
        rows.append(
            {
                "param": node["id"],
                "tex": f"\\frac{{dJ}}{{d{tex[node['id']]}}} = {factors}",
                "edges": [e["id"] for e in path],
            }
        )
    return rows


def update_rows(graph: dict) -> list[dict]:
    """Gradient descent, one parameter a row: p := p − α·dJ/dp."""
    rows = []
    for node in graph["nodes"]:
        if node["kind"] in ("weight", "bias"):
            t = node["tex"]
            rows.append(
                {
                    "param": node["id"],
                    "tex": f"{t} \\coloneqq {t} - \\alpha \\frac{{dJ}}{{d{t}}}",
                    "label": node["label"],
                }
            )
    return rows[:MAX_ROWS]


def tables(network: Network, graph: dict) -> dict:
    return {
        "forward": forward_rows(network, graph),
        "local": local_rows(network, graph),
        "accumulation": accumulation_rows(graph),
        "chains": chain_rows(network, graph),
        "updates": update_rows(graph),
        "forward_order": forward_order(graph),
        "backward_order": backward_order(graph),
    }
