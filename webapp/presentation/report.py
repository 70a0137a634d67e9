"""A training run as the API's JSON: every number keyed by the graph's node and edge ids.

The report walks the graph: each kind of node and edge says how to read its numbers from a
recorded pass (`engine.graph`), and the report only lays them out by id. A number that does not
fit a 64-bit float is given as null, with the reason under `unrepresentable`.
"""

import math

import numpy as np

from webapp.engine.graph import EDGE_KINDS, NODE_KINDS, Graph, param_terms
from webapp.engine.network import Params
from webapp.engine.training import Pass, Run, dead_relus

OVERFLOW = "too large for a 64-bit float (beyond ±1.8·10³⁰⁸), so it is not shown"
UNDEFINED = "undefined in 64-bit floats: it combines numbers too large to represent"


class _Numbers:
    """Lists of plain floats from arrays, with each non-finite number replaced by None and explained."""

    def __init__(self):
        self.unrepresentable: dict[str, str] = {}

    def columns(self, block: np.ndarray, ids: list[str], kind: str) -> dict[str, list]:
        """A samples × ids block as one list per id."""
        block = block.reshape(block.shape[0], -1)
        columns = block.T.tolist()
        if not np.isfinite(block).all():
            for column, node_id in enumerate(ids):
                if not np.isfinite(block[:, column]).all():
                    columns[column] = [self.scalar(v, f"{kind}.{node_id}") for v in columns[column]]
        return dict(zip(ids, columns, strict=True))

    def scalar(self, value: float, key: str) -> float | None:
        if math.isfinite(value):
            return value
        self.unrepresentable[key] = UNDEFINED if math.isnan(value) else OVERFLOW
        return None


def epoch_detail(graph: Graph, whole: Pass, samples: list[int], learning_rate: float) -> dict:
    """One epoch's every value, gradient, local derivative, gradient term and updated parameter."""
    numbers = _Numbers()
    rec = whole.samples(samples)
    values: dict = {}
    grads: dict = {}
    local: dict = {}
    terms: dict = {}
    for kind, layer, ids in graph.node_blocks():
        node_kind = NODE_KINDS[kind]
        k = layer - 1
        if node_kind.values is not None:
            values |= numbers.columns(node_kind.values(rec, k), ids, "values")
        if node_kind.grads is not None:
            grads |= numbers.columns(node_kind.grads(rec, k), ids, "grads")
        if kind in ("weight", "bias"):
            terms |= numbers.columns(param_terms(rec, kind, k), ids, "terms")
    for kind, layer, ids in graph.edge_blocks():
        local |= numbers.columns(EDGE_KINDS[kind].local(rec, layer - 1), ids, "local")
    after = whole.theta - learning_rate * whole.grad_theta
    # graph.params runs in θ's order.
    for pid, value, grad in zip(graph.params, whole.theta.tolist(), whole.grad_theta.tolist(), strict=True):
        values[pid] = numbers.scalar(value, f"values.{pid}")
        grads[pid] = numbers.scalar(grad, f"grads.{pid}")
    values["J"] = whole.cost
    grads["J"] = 1.0
    detail = {
        "values": values,
        "grads": grads,
        "local": local,
        "terms": terms,
        "after": {pid: numbers.scalar(v, f"after.{pid}") for pid, v in zip(graph.params, after.tolist(), strict=True)},
        "dead": [graph.ids("activation", k + 1)[j] for k, j, _ in dead_relus(whole.network, whole.z)],
    }
    if numbers.unrepresentable:
        detail["unrepresentable"] = numbers.unrepresentable
    return detail


def _names(graph: Graph, dead: list[tuple[int, int, float]]) -> str:
    return ", ".join(graph.node[graph.ids("activation", k + 1)[j]].label for k, j, _ in dead)


def number_text(value: float) -> str:
    """A number for a sentence: 4 significant digits, the true minus sign."""
    return f"{value:.4g}".replace("-", "−")


def _inputs(graph: Graph, dead: list[tuple[int, int, float]]) -> str:
    """Each dead ReLU with the largest input it gets: "a₁ (z₁ at most −1.5)"."""
    parts = []
    for k, j, largest in dead:
        z, a = graph.ids("sum", k + 1)[j], graph.ids("activation", k + 1)[j]
        parts.append(f"{graph.node[a].label} ({graph.node[z].label} at most {number_text(largest)})")
    return ", ".join(parts)


def status_of(run: Run, graph: Graph) -> dict:
    """What happened, in words a student can act on."""
    if run.diverged_at is not None:
        what = "cost" if run.diverged_by == "cost" else "weights"
        if run.diverged_at == 1:
            return {
                "status": "diverged",
                "message": "The starting numbers are too large: the cost of epoch 1 does not fit a 64-bit float.",
            }
        return {
            "status": "diverged",
            "message": (
                f"Training diverged at epoch {run.diverged_at}: the update of epoch {run.diverged_at - 1} made the "
                f"{what} grow past what a 64-bit float can hold (about 1.8·10³⁰⁸). Each step was too large for "
                "this network: try a smaller learning rate."
            ),
        }
    if run.stuck_at is not None and run.dead_at_stuck and run.final_cost:
        names = _names(graph, run.dead_at_stuck)
        if run.stuck_at == 1:
            causes = "the starting weights" + (", the biases" if run.network.bias else "") + " and the inputs"
            return {
                "status": "dead",
                "message": (
                    f"Every gradient is 0 from the start: with {causes}, the ReLU at "
                    f"{_inputs(graph, run.dead_at_stuck)} gets an input z ≤ 0 for every sample, so it outputs 0 "
                    "and passes no gradient back "
                    "(a dead ReLU). Training cannot change anything. Start from other weights (or a bias) that make "
                    "z positive for some sample."
                ),
            }
        return {
            "status": "dead",
            "message": (
                f"From epoch {run.stuck_at} every gradient is 0: the update of epoch {run.stuck_at - 1} pushed the "
                f"ReLU at {names} to an input z ≤ 0 for every sample, so it outputs 0 and passes no gradient back "
                "(a dead ReLU). This is not divergence: the cost stays where it is. The step was too large: try a "
                "smaller learning rate."
            ),
        }
    return {"status": "ok", "message": ""}


def report(run: Run, graph: Graph, samples: list[int]) -> dict:
    """The API's view of a run: per-epoch costs, full detail where recorded, parameter history."""
    epochs = [{"epoch": epoch, "cost": cost} for epoch, cost in enumerate(run.costs.tolist(), start=1)]
    detailed = sorted(e for e in run.thetas if e <= run.epochs_run)
    for epoch in detailed:
        epochs[epoch - 1].update(detail=True, **epoch_detail(graph, run.record(epoch), samples, run.learning_rate))
    history = run.history.T.tolist()  # θ's order, which graph.params follows
    return {
        "epochs": epochs,
        "final_cost": run.final_cost,
        "diverged_at": run.diverged_at,
        "stuck_at": run.stuck_at,
        **status_of(run, graph),
        "detail_epochs": detailed,
        "detail_samples": samples,
        "final": _nested(run),
        "history": {"epochs": run.history_epochs.tolist(), "params": dict(zip(graph.params, history, strict=True))},
    }


def _nested(run: Run) -> dict:
    theta = run.final_theta
    if not np.isfinite(theta).all():
        theta = run.history[-1]  # the last finite parameters
    return Params(run.network, theta).nested()
