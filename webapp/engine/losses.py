"""Cost functions J(ŷ, y) over N samples, each with its gradients beside it.

Like the activations, what training needs comes twice: on numpy arrays (samples × outputs), and
on the same numbers as flat row-major lists of Python floats for the scalar loop, which passes N
along. The list version sits right below the array one and follows the same formula; its sums
run left to right, as numpy's do on fewer than eight numbers.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import sub

import numpy as np

from webapp.engine.activations import softplus

Floats = list[float]


@dataclass(frozen=True)
class Loss:
    """A cost J over a batch; gradients are per sample and already divided by N.

    `grad_z` gives dJ/dz of the output layer directly when the chain through ŷ would be
    numerically unstable (binary cross-entropy); otherwise it is None. The `scalar_` callables
    take flat lists and N instead of arrays; dJ/dy has none, as only the report needs it.
    """

    name: str
    cost: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    grad_yhat: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    grad_y: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    grad_z: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None
    scalar_cost: Callable[[Floats, Floats, Floats, int], float]
    scalar_grad_yhat: Callable[[Floats, Floats, Floats, int], Floats]
    scalar_grad_z: Callable[[Floats, Floats, Floats, int], Floats] | None
    tex: str
    grad_tex: str
    output_activation: str | None = None


def _divide(numerator: float, denominator: float) -> float:
    """numerator / denominator with IEEE results (±inf, NaN) where Python would raise."""
    if denominator:
        return numerator / denominator
    if numerator != numerator or numerator == 0.0:
        return math.nan
    return math.copysign(math.inf, numerator) * math.copysign(1.0, denominator)


def _half_mse(yhat, y, z):
    d = y - yhat
    return float((d * d).sum()) / (2 * len(y))


def _half_mse_scalar(yhat, y, z, n):
    total = 0.0
    for d in map(sub, y, yhat):
        total += d * d
    return total / (2 * n)


def _half_mse_grad_yhat(yhat, y, z):
    return (yhat - y) / len(y)


def _half_mse_grad_yhat_scalar(yhat, y, z, n):
    return [d / n for d in map(sub, yhat, y)]


def _half_mse_grad_y(yhat, y, z):
    return (y - yhat) / len(y)


def _mse(yhat, y, z):
    d = y - yhat
    return float((d * d).sum()) / len(y)


def _mse_scalar(yhat, y, z, n):
    total = 0.0
    for d in map(sub, y, yhat):
        total += d * d
    return total / n


def _mse_grad_yhat(yhat, y, z):
    return 2.0 * (yhat - y) / len(y)


def _mse_grad_yhat_scalar(yhat, y, z, n):
    return [2.0 * d / n for d in map(sub, yhat, y)]


def _mse_grad_y(yhat, y, z):
    return 2.0 * (y - yhat) / len(y)


def _bce(yhat, y, z):
    # From the logit z: max(z, 0) − z·y + log(1 + e^−|z|) never takes log(0).
    return float((np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))).sum()) / len(y)


def _bce_scalar(yhat, y, z, n):
    total = 0.0
    for s, t in zip(z, y, strict=True):
        positive = s if s > 0.0 or s != s else 0.0  # np.maximum(s, 0.0), NaN included
        total += positive - s * t + math.log1p(math.exp(-abs(s)))
    return total / n


def _bce_grad_yhat(yhat, y, z):
    # (ŷ − y) / (ŷ(1 − ŷ)) with 1 − ŷ = σ(−z) taken from the logit, not by subtraction.
    sig_neg = np.exp(-np.logaddexp(0.0, z))
    return (yhat - y) / (yhat * sig_neg) / len(y)


def _bce_grad_yhat_scalar(yhat, y, z, n):
    return [_divide(p - t, p * math.exp(-softplus(s))) / n for p, t, s in zip(yhat, y, z, strict=True)]


def _bce_grad_y(yhat, y, z):
    # dJ/dy = −(ln ŷ − ln(1 − ŷ)) / N = −z / N.
    return -z / len(y)


def _bce_grad_z(yhat, y, z):
    return (yhat - y) / len(y)


def _bce_grad_z_scalar(yhat, y, z, n):
    return [d / n for d in map(sub, yhat, y)]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_mse",
            _half_mse,
            _half_mse_grad_yhat,
            _half_mse_grad_y,
            None,
            _half_mse_scalar,
            _half_mse_grad_yhat_scalar,
            None,
            r"J = \frac{1}{2N}\sum (y - \hat{y})^2",
            r"\frac{dJ}{d\hat{y}} = -\frac{y - \hat{y}}{N}",
        ),
        Loss(
            "mse",
            _mse,
            _mse_grad_yhat,
            _mse_grad_y,
            None,
            _mse_scalar,
            _mse_grad_yhat_scalar,
            None,
            r"J = \frac{1}{N}\sum (y - \hat{y})^2",
            r"\frac{dJ}{d\hat{y}} = -\frac{2(y - \hat{y})}{N}",
        ),
        Loss(
            "bce",
            _bce,
            _bce_grad_yhat,
            _bce_grad_y,
            _bce_grad_z,
            _bce_scalar,
            _bce_grad_yhat_scalar,
            _bce_grad_z_scalar,
            r"J = -\frac{1}{N}\sum \left[y \ln \hat{y} + (1 - y)\ln(1 - \hat{y})\right]",
            r"\frac{dJ}{d\hat{y}} = \frac{\hat{y} - y}{N\,\hat{y}(1 - \hat{y})}",
            output_activation="sigmoid",
        ),
    )
}
