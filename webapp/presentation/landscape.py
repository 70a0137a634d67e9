"""The cost surface J(p, q) around a run, with the run's path across it, as the API's JSON."""

import numpy as np

from webapp.engine.landscape import cost_surface
from webapp.engine.training import Run
from webapp.request import limits
from webapp.request.resolve import Resolved


def _span(values: np.ndarray) -> np.ndarray:
    """A range around a path that also takes in 0, where ReLUs die, with room on both sides."""
    low, high = min(values.min(initial=0.0), 0.0), max(values.max(initial=0.0), 0.0)
    margin = 0.25 * max(high - low, 0.4)
    return np.array([low - margin, high + margin])


def _finite(values) -> list:
    """JSON holds no NaN or Infinity: a number past a float's range is null."""
    array = np.asarray(values, dtype=float)
    return np.where(np.isfinite(array), array, None).tolist()


def flat(cost: np.ndarray, dead: np.ndarray) -> np.ndarray:
    """Where a dead ReLU leaves J constant along both axes: a dead point whose cost equals its neighbours'
    on each axis, exactly. A dead ReLU alone does not make J flat: the other neurons still move it."""
    padded = np.pad(cost, 1, mode="edge")
    same = [padded[1:-1, :-2], padded[1:-1, 2:], padded[:-2, 1:-1], padded[2:, 1:-1]]
    return dead & np.isfinite(cost) & np.all([side == cost for side in same], axis=0)


def landscape(resolved: Resolved, run: Run, axes: list[str], count: int) -> dict:
    """J over the plane of two parameters (`count` points a side), the others held at their start."""
    first, second = axes
    position = resolved.graph.param_position
    path = run.history[:, [position[first], position[second]]]
    # The cost at each kept θ: θ after k updates is where epoch k + 1 starts.
    costs = [*run.costs.tolist(), run.final_cost]
    start = run.first_epoch - 1  # the path's costs: the history's epochs count from the run's start
    path_costs = np.array(
        [costs[k - start] if k - start < len(costs) else np.nan for k in run.history_epochs.tolist()], dtype=float
    )
    # The plot spans the path while its cost is a float: a diverged run's later points are beyond it.
    kept = np.isfinite(path_costs) & np.isfinite(path).all(axis=1)
    kept[0] |= np.isfinite(path[0]).all()
    theta = resolved.params.theta
    u = np.linspace(*_span(path[kept, 0]), count)
    v = np.linspace(*_span(path[kept, 1]), count)
    req = resolved.request
    surface = cost_surface(
        resolved.network, theta, req.x, req.y, position[first], position[second], u, v, limits.LANDSCAPE_NUMBERS
    )
    labels = {n.id: n.label for n in resolved.graph.nodes}
    return {
        "axes": [{"id": first, "label": labels[first]}, {"id": second, "label": labels[second]}],
        "held": "the other parameters stay at their starting values" if len(resolved.graph.params) > 2 else "",
        "u": u.tolist(),
        "v": v.tolist(),
        "cost": _finite(surface.cost),
        "flat": flat(surface.cost, surface.dead).tolist(),
        "note": _note(surface.cost, run.history_epochs[~kept]),
        "path": {
            "epochs": run.history_epochs.tolist(),
            "u": _finite(path[:, 0]),
            "v": _finite(path[:, 1]),
            "cost": _finite(path_costs),
            **_step_path(run),
        },
    }


def _step_path(run: Run) -> dict:
    """With mini-batches, the two parameters after every step (`steps`: their numbers over the whole run)."""
    if run.step_path is None:
        return {}
    first = (run.first_epoch - 1) * run.steps_per_epoch + 1
    return {
        "steps": list(range(first, first + len(run.step_path))),
        "step_u": _finite(run.step_path[:, 0]),
        "step_v": _finite(run.step_path[:, 1]),
        "steps_per_epoch": run.steps_per_epoch,
    }


def _note(cost: np.ndarray, beyond: np.ndarray) -> str:
    """Why some of the plot is missing, in words: costs past a float's range, a path that leaves the plot."""
    notes = []
    if not np.isfinite(cost).any():
        notes.append(
            "J is not a finite number anywhere on this plane (it is past a float's range), so there is no surface to draw."
        )
    elif not np.isfinite(cost).all():
        notes.append("Blank areas: J is past a float's range there.")
    if len(beyond):
        notes.append(
            f"From the start of epoch {beyond[0] + 1} on the run's cost is past a float's range (it diverged): the plot "
            "spans its path up to there; the rest of the path is off the plot."
        )
    return " ".join(notes)
