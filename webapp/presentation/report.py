"""A training run as the API's JSON: every number keyed by the graph's node and edge ids.

The report walks the graph: each kind of node and edge says how to read its numbers from a
recorded pass (`engine.graph`), and the report only lays them out by id. A number that does not
fit a 64-bit float is given as null, with the reason under `unrepresentable`.
"""

import math
import sys

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import EDGE_KINDS, NODE_KINDS, Graph, param_terms
from webapp.engine.network import Params
from webapp.engine.training import Pass, Run, dead_neurons, record_pass
from webapp.presentation.notation import number
from webapp.presentation.updates import optimizer_json

LARGEST = number(sys.float_info.max, compact=True)
OVERFLOW = f"too large for a 64-bit float (beyond ±{LARGEST}), so it is not shown"
UNDEFINED = "undefined in 64-bit floats: it combines numbers too large to represent"


class _Epochs:
    """Blocks of numbers for several epochs stacked (rows: each epoch's samples in turn) turned into
    one list per id and epoch, with each non-finite number replaced by None and explained."""

    def __init__(self, epochs: list[int], samples: list[int]):
        self.epochs = epochs
        self.offsets = np.concatenate([[0], np.cumsum(samples, dtype=int)]).tolist()  # each one's first row
        self.unrepresentable: list[dict[str, str]] = [{} for _ in epochs]

    def columns(self, block: np.ndarray, ids: list[str], kind: str) -> list[dict[str, list]]:
        """Per epoch, a dict of one list per id."""
        block = block.reshape(block.shape[0], -1)
        columns = block.T.tolist()
        finite = bool(np.isfinite(block).all())
        per_epoch = []
        for e in range(len(self.epochs)):
            rows = slice(self.offsets[e], self.offsets[e + 1])
            lists = {node_id: column[rows] for node_id, column in zip(ids, columns, strict=True)}
            if not finite:
                for node_id, values in lists.items():
                    lists[node_id] = [self.scalar(v, f"{kind}.{node_id}", e) for v in values]
            per_epoch.append(lists)
        return per_epoch

    def scalar(self, value: float, key: str, e: int) -> float | None:
        if math.isfinite(value):
            return value
        self.unrepresentable[e][key] = UNDEFINED if math.isnan(value) else OVERFLOW
        return None


def epoch_details(graph: Graph, run: Run, epochs: list[int], samples: list[int], own_batch=False) -> dict[int, dict]:
    """Each detailed epoch's every value, gradient, local derivative, gradient term and updated parameter:
    those of its first step, which is the whole epoch when a batch holds every sample."""
    per = run.steps_per_epoch
    details = step_details(graph, run, [(epoch - 1) * per + 1 for epoch in epochs], samples, own_batch)
    return {epoch: details[(epoch - 1) * per + 1] for epoch in epochs}


def _shown(run: Run, step: int, samples: list[int], own_batch: bool) -> tuple[np.ndarray, list[int]]:
    """The rows of a step's batch whose per-sample numbers are shown, and their samples: those of
    `samples` in the batch, or with `own_batch` the batch's first len(samples)."""
    batch = run.step_samples(step)
    rows = np.arange(min(len(samples), len(batch))) if own_batch else np.flatnonzero(np.isin(batch, samples))
    return rows, batch[rows].tolist()


def step_details(graph: Graph, run: Run, steps: list[int], samples: list[int], own_batch=False) -> dict[int, dict]:
    """Each detailed step's every value, gradient, local derivative, gradient term, updated parameter and
    optimizer state. Per-sample numbers are for the step's batch (`_shown`).

    The steps' passes are stacked into one, so the numpy calls do not grow with how many steps
    are detailed; only laying the numbers out by id and step does.
    """
    if not steps:
        return {}
    records = [run.record_step(step) for step in steps]
    shown = [_shown(run, step, samples, own_batch) for step in steps]
    rec = Pass.stack([r.samples(rows) for r, (rows, _) in zip(records, shown, strict=True)])
    out = _Epochs(steps, [len(rows) for rows, _ in shown])
    parts: dict[str, list[dict]] = {name: [{} for _ in steps] for name in ("values", "grads", "local", "terms")}

    def add(part: str, per_epoch: list[dict]) -> None:
        for target, lists in zip(parts[part], per_epoch, strict=True):
            target.update(lists)

    for kind, layer, ids in graph.node_blocks():
        node_kind = NODE_KINDS[kind]
        if node_kind.values is not None:
            add("values", out.columns(node_kind.values(rec, layer - 1), ids, "values"))
        if node_kind.grads is not None:
            add("grads", out.columns(node_kind.grads(rec, layer - 1), ids, "grads"))
        if kind in ("weight", "bias"):
            add("terms", out.columns(param_terms(rec, kind, layer - 1), ids, "terms"))
    for kind, layer, ids in graph.edge_blocks():
        add("local", out.columns(EDGE_KINDS[kind].local(rec, layer - 1), ids, "local"))

    thetas = np.array([r.theta[0] for r in records])
    grads = np.array([r.grad_theta for r in records])
    optimizer = run.optimizer
    before = {key: np.array([run.step_states[step][key] for step in steps]) for key in optimizer.kept}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        # The loop's own update (optimizers.py), step by step exactly as the loop calls it: a vectorised
        # power (β₁ᵗ over a column of t) may round differently from the loop's scalar one.
        updates = [
            optimizer.step(theta, grad, {key: before[key][e] for key in before}, run.learning_rate, step)
            for e, (step, theta, grad) in enumerate(zip(steps, thetas, grads, strict=True))
        ]
    afters = [after.tolist() for after, _ in updates]
    state = {key: np.array([shown[key] for _, shown in updates]) for key in optimizer.shown}
    dead = _dead_per_epoch(graph, records)
    details = {}

    def by_id(row, key: str, e: int) -> dict:
        return {pid: out.scalar(v, f"{key}.{pid}", e) for pid, v in zip(graph.params, row, strict=True)}

    # graph.params runs in θ's order.
    for e, (step, theta, grad, after) in enumerate(zip(steps, thetas.tolist(), grads.tolist(), afters, strict=True)):
        values, node_grads = parts["values"][e], parts["grads"][e]
        for pid, value, gradient in zip(graph.params, theta, grad, strict=True):
            values[pid] = out.scalar(value, f"values.{pid}", e)
            node_grads[pid] = out.scalar(gradient, f"grads.{pid}", e)
        values["J"] = records[e].cost
        node_grads["J"] = 1.0
        detail = {
            "values": values,
            "grads": node_grads,
            "local": parts["local"][e],
            "terms": parts["terms"][e],
            "after": by_id(after, "after", e),
            "dead": dead[e],
        }
        if optimizer.kept:
            detail["state"] = {
                "before": {key: by_id(before[key][e].tolist(), f"state.before.{key}", e) for key in optimizer.kept},
                "after": {key: by_id(state[key][e].tolist(), f"state.after.{key}", e) for key in optimizer.shown},
            }
        if run.steps_per_epoch > 1:
            detail = {"samples": run.step_samples(step).tolist(), "detail_samples": shown[e][1], **detail}
        if out.unrepresentable[e]:
            detail["unrepresentable"] = out.unrepresentable[e]
        details[step] = detail
    return details


def _dead_per_epoch(graph: Graph, records: list[Pass]) -> list[list[str]]:
    """Each step's dead ReLUs (`training.dead_neurons`) over the samples of its batch."""
    if len({len(r.x) for r in records}) > 1:  # batches of different sizes: one step at a time
        return [_dead_per_epoch(graph, [r])[0] for r in records]
    dead: list[list[str]] = [[] for _ in records]
    zs = [np.stack([r.z[k] for r in records]) for k in range(graph.network.depth)]
    for k, mask in enumerate(dead_neurons(graph.network, zs)):
        for e, j in zip(*np.nonzero(mask), strict=True):
            dead[e].append(graph.ids("activation", k + 1)[j])
    return dead


def _listed(parts: list[str], one: str = "", many: str = "") -> str:
    """ "a", "a and b", "a, b and c", then `one` or `many`: the verb agreeing with how many."""
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts) + (one if len(parts) == 1 else many)  # fmt: skip


def dead_clause(graph: Graph, dead: list[str], largest: dict[str, float]) -> str:
    """What the dead ReLUs (`training.dead_neurons`: activation ids, with each one's largest input z) do. One
    whose input is ≤ 0 only because every ReLU of the layer before is dead gets nothing, and is said so."""
    node = graph.node
    silenced = [a for a in dead if node[a].layer > 1 and set(graph.ids("activation", node[a].layer - 1)) <= set(dead)]
    own = [a for a in dead if a not in silenced]
    z = {a: node[graph.ids("sum", node[a].layer)[node[a].index]].label for a in own}
    parts = [f"{node[a].label} ({z[a]} at most {number(largest[a], compact=True)})" for a in own]
    said = "the ReLU" + ("" if len(own) == 1 else "s") + " at " + _listed(
        parts, " gets an input z ≤ 0 for every sample, so it outputs 0 and passes",
        " get inputs z ≤ 0 for every sample, so they output 0 and pass") + " no gradient back (a dead ReLU)"  # fmt: skip
    if silenced:
        said += "; the ReLU" + ("" if len(silenced) == 1 else "s") + " at " + _listed(
            [node[a].label for a in silenced], " is not dead itself but gets nothing from the layer before, so it outputs 0 and passes",
            " are not dead themselves but get nothing from the layer before, so they output 0 and pass") + " no gradient back either"  # fmt: skip
    return said


def _saturated(run: Run, graph: Graph) -> list[str]:
    """The sigmoid and tanh nodes whose slope is exactly 0 in float64 for every sample, with their inputs."""
    zs = record_pass(run.network, run.final_theta, run.x, run.y).z  # a stuck run's θ no longer changes
    found = []
    for k, (z, name) in enumerate(zip(zs, run.network.activations, strict=True)):
        for j in np.flatnonzero((ACTIVATIONS[name].derivative(z) == 0).all(axis=0) & (name in ("sigmoid", "tanh"))):
            a, zid = graph.ids("activation", k + 1)[j], graph.ids("sum", k + 1)[j]
            found.append(f"{name} at {graph.node[a].label} (|{graph.node[zid].label}| ≥ {number(np.abs(z[:, j]).min(), compact=True)})")  # fmt: skip
    return found


def status_of(run: Run, graph: Graph) -> dict:
    """What happened, in words a student can act on."""
    if run.diverged_at == 1:
        return {"status": "diverged", "message": "The starting numbers are too large: the cost of epoch 1 does not fit a 64-bit float."}  # fmt: skip
    if run.diverged_at is not None:
        what = "cost" if run.diverged_by == "cost" else "weights"
        return {
            "status": "diverged",
            "message": (
                f"Training diverged at epoch {run.diverged_at}: the update of epoch {run.diverged_at - 1} made the "
                f"{what} grow past what a 64-bit float can hold (about {LARGEST}). Each step was too large for "
                "this network: try a smaller learning rate."
            ),
        }
    if run.stuck_at is None or not run.final_cost:
        return _oscillating(run)
    resumes = run.stuck_at == run.first_epoch > 1
    if not run.dead_at_stuck:
        saturated = _saturated(run, graph)
        why = "nothing reaches the parameters" if not saturated else "the " + _listed(
            saturated, " is saturated: its slope underflows", " are saturated: their slopes underflow"
        ) + " to exactly 0 in 64-bit floats, so no gradient passes back"  # fmt: skip
        return {
            "status": "stuck",
            "message": (
                f"{'At' if resumes else 'From'} epoch {run.stuck_at}{', where this run resumes,' if resumes else ''} every "
                f"gradient is exactly 0 though the cost is not: {why}. Training cannot change anything. Start from "
                "smaller weights (and inputs) so that z stays within a few units of 0."
            ),
        }
    ids = {graph.ids("activation", k + 1)[j]: largest for k, j, largest in run.dead_at_stuck}
    dead = dead_clause(graph, list(ids), ids)
    if resumes:
        message = f"Every gradient is 0 at epoch {run.stuck_at}, where this run resumes: {dead}. Training cannot change anything from here."  # fmt: skip
    elif run.stuck_at == 1:
        causes = "the starting weights" + (", the biases" if run.network.bias else "") + " and the inputs"
        message = (
            f"Every gradient is 0 from the start: with {causes}, {dead}. Training cannot change anything. "
            "Start from other weights (or a bias) that make z positive for some sample."
        )
    else:
        message = (
            f"From epoch {run.stuck_at} every gradient is 0: after the update of epoch {run.stuck_at - 1}, {dead}. "
            "This is not divergence: the cost stays where it is. The step was too large: try a smaller learning rate."
        )
    return {"status": "dead", "message": message}


def _oscillating(run: Run) -> dict:
    """A run whose cost, over the last half of at least 20 epochs, rose at a third of them or more by more
    than rounding: its steps overshoot the minimum, to and fro (deep networks grow steeper as they learn)."""
    tail = run.costs[len(run.costs) // 2 :]
    rises = int((np.diff(tail) > 0).sum())
    if len(run.costs) < 20 or tail.max() - tail.min() <= 1e-6 * tail.max() or rises < (len(tail) - 1) / 3:
        return {"status": "ok", "message": ""}
    low, high, rate = (number(v, compact=True) for v in (tail.min(), tail.max(), run.learning_rate / 2))
    return {
        "status": "oscillating",
        "message": (
            f"The cost is not settling: over the last {len(tail)} epochs it rose {rises} times, jumping to and fro "
            f"between {low} and {high}. Each step overshoots the bottom of the valley: near it this network's cost "
            f"is too steep for α = {number(run.learning_rate)}. It may calm down later, or never; a smaller "
            f"learning rate (α = {rate}, say) steps calmly."
        ),
    }


def report(run: Run, graph: Graph, samples: list[int], own_batch: bool = False) -> dict:
    """The API's view of a run: per-epoch costs, full detail where recorded, parameter history. An epoch
    of one step (a batch of every sample) carries that step's detail itself; an epoch of several lists
    its steps under `steps`. With `own_batch` a step shows its batch's first len(samples) samples."""
    epochs = [{"epoch": epoch, "cost": cost} for epoch, cost in enumerate(run.costs.tolist(), start=run.first_epoch)]
    detailed = sorted(e for e in run.thetas if e <= run.epochs_run)
    per = run.steps_per_epoch
    first_step = (run.first_epoch - 1) * per + 1
    steps = [s for e in detailed for s in range((e - 1) * per + 1, e * per + 1) if s in run.step_thetas]
    details = step_details(graph, run, steps, samples, own_batch)
    for epoch in detailed:
        entry = epochs[epoch - run.first_epoch]
        if per == 1:
            entry.update(detail=True, **details[epoch])
            continue
        entry.update(detail=True, steps=[
            {"step": s, "cost": _finite(float(run.step_costs[s - first_step])), **details[s]}
            for s in range((epoch - 1) * per + 1, epoch * per + 1) if s in details
        ])  # fmt: skip
    history = run.history.T.tolist()  # θ's order, which graph.params follows
    optimizer = run.optimizer
    extra = {}
    if per > 1:
        extra["step_costs"] = [_finite(c) for c in run.step_costs.tolist()]
    if optimizer.kept:
        extra["optimizer_state"] = {
            key: dict(zip(graph.params, (_finite(v) for v in run.final_state[key].tolist()), strict=True))
            for key in optimizer.kept
        }
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
        "optimizer": optimizer_json(graph, optimizer, per),
        **extra,
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _nested(run: Run) -> dict:
    theta = run.final_theta
    if not np.isfinite(theta).all():
        theta = run.history[-1]  # the last finite parameters
    return Params(run.network, theta).nested()
