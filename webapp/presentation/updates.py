"""The optimizer's update for the page and the API: each parameter's equations in TeX, the templates the page
fills with a step's numbers, and the names of each parameter's optimizer state (v₁, m₁, m̂₁, v̂₁).

The equations themselves live beside their update rule in `engine/optimizers.py`; this module only
names them for one graph.
"""

from webapp.engine.graph import Graph
from webapp.engine.optimizers import GENERAL, Optimizer, fill

SYMBOLS = {"v": ("v", "v"), "m": ("m", "m"), "m_hat": ("m̂", r"\hat{m}"), "v_hat": ("v̂", r"\hat{v}")}


def state_labels(graph: Graph) -> dict[str, str]:
    """What tells one parameter's state from another's: its label's subscript (w₁ → v₁) where that is
    unique, otherwise the whole label in parentheses (v(w₂) beside v(b₂))."""
    rests = {pid: graph.node[pid].label[1:] for pid in graph.params}
    unique = len(set(rests.values())) == len(rests) and all(rests.values())
    return {pid: rests[pid] if unique else f"({graph.node[pid].label})" for pid in graph.params}


def symbols(graph: Graph, pid: str) -> dict[str, str]:
    """A parameter's own TeX for θ, ∂J/∂θ, v, m, m̂ and v̂."""
    t = graph.tex(pid)
    own = {key: rf"{tex}_{{{t}}}" for key, (_, tex) in SYMBOLS.items()}
    return {**own, "theta": t, "g": graph.node[pid].gradient_tex}


def optimizer_json(graph: Graph, optimizer: Optimizer, steps_per_epoch: int) -> dict:
    """The optimizer as the API and the page get it: its name, constants, the general TeX of its
    equations, the templates the page fills with numbers, and each parameter's state labels."""
    return {
        "name": optimizer.name,
        "constants": optimizer.constants,
        "steps_per_epoch": steps_per_epoch,
        "equations": [
            {
                "gives": gives,
                "tex": fill(tex, GENERAL),
                "numbers": numbers,
                "assigns": gives in ("theta", *optimizer.kept),
            }
            for gives, tex, numbers in optimizer.equations
        ],
        # A state's label is its symbol and the parameter's subscript: v + ₁ = v₁ (none for plain descent).
        "symbols": {key: SYMBOLS[key][0] for key in optimizer.shown},
        "subscripts": state_labels(graph) if optimizer.shown else {},
    }


def update_rows(graph: Graph, optimizer: Optimizer, count: int) -> list[dict]:
    """The update table's rows: each of the first `count` parameters' equations, a TeX line each. Plain
    descent's row is named by its parameter (`w₁ ≔` before the numbers); the others' numbers name themselves."""
    return [
        {"param": pid, "lines": optimizer.tex(symbols(graph, pid)), "named": optimizer.name == "sgd"}
        for pid in graph.params[:count]
    ]
