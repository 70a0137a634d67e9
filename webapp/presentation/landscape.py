"""The cost surface J(p, q) around a run, with the run's path across it, as the API's JSON."""

import numpy as np

from webapp.engine.landscape import cost_surface
from webapp.engine.training import Run
from webapp.request import limits
from webapp.request.resolve import Resolved


def _span(values: np.ndarray) -> np.ndarray:
    """A range around a path that also takes in 0, where ReLUs die, with room on both sides."""
    low, high = min(values.min(), 0.0), max(values.max(), 0.0)
    margin = 0.25 * max(high - low, 0.4)
    return np.array([low - margin, high + margin])


def _finite(rows: np.ndarray) -> list:
    return [[v if np.isfinite(v) else None for v in row] for row in rows.tolist()]


def landscape(resolved: Resolved, run: Run, axes: list[str], count: int) -> dict:
    """J over the plane of two parameters (`count` points a side), the others held at their start."""
    first, second = axes
    position = resolved.graph.param_position
    path = run.history[:, [position[first], position[second]]]
    theta = resolved.params.theta
    u = np.linspace(*_span(path[:, 0]), count)
    v = np.linspace(*_span(path[:, 1]), count)
    req = resolved.request
    surface = cost_surface(
        resolved.network, theta, req.x, req.y, position[first], position[second], u, v, limits.LANDSCAPE_NUMBERS
    )
    # The cost at each kept θ: θ after k updates is where epoch k + 1 starts.
    costs = [*run.costs.tolist(), run.final_cost]
    start = run.first_epoch - 1  # the path's costs: the history's epochs count from the run's start
    path_costs = [costs[k - start] if k - start < len(costs) else None for k in run.history_epochs.tolist()]
    labels = {n.id: n.label for n in resolved.graph.nodes}
    return {
        "axes": [{"id": first, "label": labels[first]}, {"id": second, "label": labels[second]}],
        "held": "the other parameters stay at their starting values" if len(resolved.graph.params) > 2 else "",
        "u": u.tolist(),
        "v": v.tolist(),
        "cost": _finite(surface.cost),
        "dead": surface.dead.tolist(),
        "path": {
            "epochs": run.history_epochs.tolist(),
            "u": path[:, 0].tolist(),
            "v": path[:, 1].tolist(),
            "cost": path_costs,
        },
    }
