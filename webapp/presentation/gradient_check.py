"""Backpropagation checked against finite differences: each parameter's gradient both ways, side by side."""

import math

from webapp.engine.landscape import central_differences
from webapp.engine.training import Run
from webapp.request import limits
from webapp.request.resolve import Resolved

# Central differences err by about h² (the curvature) plus 1e-16/h (rounding): h = 1e-6 keeps both
# near 1e-10 relative for the worksheet's numbers.
STEP = 1e-6
# Below this, both gradients are zero for all purposes and their relative error means nothing.
NEGLIGIBLE = 1e-12


def gradient_check(resolved: Resolved, run: Run, epoch: int) -> dict:
    """At the start of `epoch` (its θ), dJ/dθ by backpropagation and by central differences."""
    rec = run.record(epoch)
    req = resolved.request
    numeric = central_differences(resolved.network, rec.theta[0], req.x, req.y, STEP, limits.LANDSCAPE_NUMBERS).tolist()
    rows = []
    for pid, backprop, estimate in zip(resolved.graph.params, rec.grad_theta.tolist(), numeric, strict=True):
        scale = max(abs(backprop), abs(estimate))
        error = abs(backprop - estimate) / scale if scale > NEGLIGIBLE else 0.0
        rows.append(
            {
                "id": pid,
                "label": resolved.graph.node[pid].label,
                "backprop": backprop if math.isfinite(backprop) else None,
                "numeric": estimate if math.isfinite(estimate) else None,
                "relative_error": error if math.isfinite(error) else None,
            }
        )
    return {"epoch": epoch, "step": STEP, "params": rows}
