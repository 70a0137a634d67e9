"""What the tests of the two training loops share: their names and how to compare two runs."""

import numpy as np

LOOPS = ("numpy", "scalar")


# A cost this small is a perfect fit reached through rounding: whether its gradients then come out
# exactly 0 (stuck_at) depends on the last bit, unlike the exact zeros of dead ReLUs.
PERFECT_FIT = 1e-20


def assert_same_outcome(a, b):
    """Two runs end alike and record the same epochs."""
    assert (a.diverged_at, a.dead_at_stuck) == (b.diverged_at, b.dead_at_stuck)
    fitted = len(a.costs) and min(a.costs.min(), b.costs.min()) < PERFECT_FIT
    if not fitted:
        assert a.stuck_at == b.stuck_at
    assert list(a.detail) == list(b.detail)
    assert len(a.costs) == len(b.costs)
    np.testing.assert_array_equal(a.history_epochs, b.history_epochs)
    assert (a.final_cost is None) == (b.final_cost is None)


def assert_same_runs(a, b, rtol=0.0, atol=0.0):
    """Two runs record the same epochs, outcome and numbers, within rtol and atol (exactly by default)."""
    assert_same_outcome(a, b)
    pairs = [(a.costs, b.costs), (a.history, b.history), (a.params_after.theta, b.params_after.theta)]
    if a.final_cost is not None:
        pairs.append((a.final_cost, b.final_cost))
    for epoch, p in a.detail.items():
        q = b.detail[epoch]
        pairs += [(p.theta, q.theta), (p.grad_theta, q.grad_theta), (p.cost, q.cost)]
        for part in ("z", "a", "grad_z", "grad_a"):
            pairs += zip(getattr(p, part), getattr(q, part), strict=True)
    for got, expected in pairs:
        assert np.shape(got) == np.shape(expected)
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
