"""The worksheet's tables for any network, as plain data walked from the graph: formulas in TeX,
numbers named by keys.

A key such as `values.z1`, `grads.w1`, `local.w1-z1` or `after.w1` names a number of the displayed
epoch; the page fills it in when the animation reaches it, and writes out each equation's arithmetic.
"""

from webapp.engine.graph import Graph, Kind

# Wide networks have thousands of edges: the tables list this many rows, the graph has the rest.
MAX_ROWS = 24


def forward_rows(graph: Graph) -> list[dict]:
    """One row per function node, in forward order: its definition (J's row is always kept)."""
    rows = [{"node": node, "tex": graph.formula(node)} for node in graph.forward_order()]
    return rows if len(rows) <= MAX_ROWS else [*rows[: MAX_ROWS - 1], rows[-1]]


def local_rows(graph: Graph) -> list[dict]:
    """Solution 3: every local derivative the backward pass multiplies by, in backward order."""
    rows = []
    flows_back = set(graph.backward_order())
    for edge in reversed(graph.edges):
        if edge.source not in flows_back:
            continue  # nothing flows back into a network's data, or into an expression's numbers
        rows.append(
            {
                "edge": edge.id,
                "node": edge.source,
                "function": graph.edge_function(edge.id),
                "derivative": graph.edge_derivative(edge.id),
            }
        )
        if len(rows) == MAX_ROWS:
            break
    return rows


def chain_rows(graph: Graph) -> list[dict]:
    """For a network one neuron wide: each parameter's gradient as one product along its path to J."""
    if not graph.params or any(width > 1 for width in graph.network.layers):
        return []
    rows = []
    for pid in graph.params:
        (edge,) = graph.out_of(pid)
        path = [edge]
        while path[-1].target != "J":
            path.append(
                next(e for e in graph.out_of(path[-1].target) if e.kind in (Kind.VALUE, Kind.ACTIVATION, Kind.COST))
            )
        path.reverse()
        factors = r" \cdot ".join(e.tex for e in path)
        rows.append({"param": pid, "tex": f"{graph.node[pid].gradient_tex} = {factors}", "edges": [e.id for e in path]})
    return rows


def accumulation_row(graph: Graph, node: str) -> dict:
    """∂J/∂node = Σ over its out-edges of ∂J/∂target · ∂target/∂node."""
    edges = graph.out_of(node)
    formula = " + ".join(rf"{graph.node[e.target].gradient_tex} \cdot {e.tex}" for e in edges)
    return {
        "node": node,
        "tex": f"{graph.node[node].gradient_tex} = {formula}",
        "terms": [{"grad": e.target, "edge": e.id} for e in edges],
    }


def accumulation_rows(graph: Graph) -> list[dict]:
    """Solution 4 step by step, from J back to the first weights."""
    return [accumulation_row(graph, node) for node in graph.backward_order()[1 : MAX_ROWS + 1]]


def update_row(graph: Graph, pid: str) -> dict:
    """Gradient descent for one parameter: p ≔ p − α·∂J/∂p."""
    t = graph.tex(pid)
    return {"param": pid, "tex": rf"{t} \coloneqq {t} - \alpha {graph.node[pid].gradient_tex}"}


def update_rows(graph: Graph) -> list[dict]:
    return [update_row(graph, pid) for pid in graph.params[:MAX_ROWS]]


def tables(graph: Graph) -> dict:
    return {
        "forward": forward_rows(graph),
        "local": local_rows(graph),
        "accumulation": accumulation_rows(graph),
        "chains": chain_rows(graph),
        "updates": update_rows(graph),
    }
