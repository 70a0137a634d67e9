"""Backpropagation checked against finite differences: each parameter's gradient both ways, side by side."""

import math

from webapp.engine.landscape import central_differences
from webapp.engine.training import Run
from webapp.presentation.notation import number
from webapp.request import limits
from webapp.request.resolve import Resolved

# Central differences err by about h² (the curvature) plus 1e-16/h (rounding): h = 1e-6 keeps both
# near 1e-10 relative for the worksheet's numbers.
STEP = 1e-6
# Gradients smaller than this are near the estimate's own error (about 1e-10 in absolute terms), so
# their relative difference compares rounding noise: they are judged by their absolute difference.
TINY = 1e-8


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def gradient_check(resolved: Resolved, run: Run, epoch: int) -> dict:
    """At the start of `epoch` (its θ), dJ/dθ by backpropagation and by central differences, each
    pair's absolute difference, its relative one where the gradients are not tiny, and the verdict."""
    rec = run.record(epoch)
    req = resolved.request
    numeric = central_differences(resolved.network, rec.theta[0], req.x, req.y, STEP, limits.LANDSCAPE_NUMBERS).tolist()
    rows = []
    for pid, backprop, estimate in zip(resolved.graph.params, rec.grad_theta.tolist(), numeric, strict=True):
        scale = max(abs(backprop), abs(estimate))
        difference = abs(backprop - estimate)
        rows.append(
            {
                "id": pid,
                "label": resolved.graph.node[pid].label,
                "backprop": _finite(backprop),
                "numeric": _finite(estimate),
                "difference": _finite(difference),
                "relative_error": _finite(difference / scale) if scale >= TINY else None,
            }
        )
    return {"epoch": epoch, "step": STEP, "params": rows, "message": _verdict(epoch, rows)}


def _row(node_id: str, label: str, backprop: float, estimate: float | None) -> dict:
    if estimate is None:
        return {"id": node_id, "label": label, "backprop": backprop, "numeric": None, "difference": None, "relative_error": None}  # fmt: skip
    scale = max(abs(backprop), abs(estimate))
    difference = abs(backprop - estimate)
    return {
        "id": node_id,
        "label": label,
        "backprop": _finite(backprop),
        "numeric": _finite(estimate),
        "difference": _finite(difference),
        "relative_error": _finite(difference / scale) if scale >= TINY else None,
    }


def expression_gradient_check(graph, numbers: dict, values: dict[str, float], failure: type[Exception]) -> dict:
    """Each variable's ∂f/∂x from the backward pass beside (f(x + h) − f(x − h))/2h, two forward passes
    of the same graph; an estimate whose nudged pass has no number (`failure`) is none."""
    rows = []
    for name in graph.variables:
        try:
            up, down = (graph.value({**values, name: values[name] + step}) for step in (STEP, -STEP))
            estimate = (up - down) / (2 * STEP)
        except failure:
            estimate = None
        rows.append(_row(name, graph.node[name].label, numbers["grads"][name], estimate))
    verdict = _verdict(1, rows).removeprefix("Epoch 1: ")
    return {"epoch": 1, "step": STEP, "params": rows, "message": verdict[0].upper() + verdict[1:]}


def _verdict(epoch: int, rows: list[dict]) -> str:
    """The check in one sentence: by relative difference, or by absolute one where the gradients are tiny."""
    if any(row["difference"] is None for row in rows):
        return f"Epoch {epoch}: some gradients are not finite numbers, so they cannot be compared."
    relative = [row["relative_error"] for row in rows if row["relative_error"] is not None]
    tiny = [row for row in rows if row["relative_error"] is None]
    parts = []
    if relative:
        parts.append(f"the largest relative difference is {number(max(relative), compact=True)}")
    if tiny:
        largest = max(max(abs(row["backprop"]), abs(row["numeric"])) for row in tiny)
        worst = max(row["difference"] for row in tiny)
        names = "every gradient is" if not relative else f"{len(tiny)} of the gradients are"
        parts.append(
            f"{names} tiny (at most {number(largest, compact=True)}, below {number(TINY, compact=True)}), so "
            f"{'they are' if relative else 'the two ways are'} compared by absolute difference: at most "
            f"{number(worst, compact=True)}"
        )
    return f"Epoch {epoch}: {'; '.join(parts)}."
