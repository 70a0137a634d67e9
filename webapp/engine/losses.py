"""Cost functions J(ŷ, y) over N samples, each with its gradients beside it."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Loss:
    """A cost J over a batch; gradients are per sample and already divided by N.

    `grad_z` gives dJ/dz of the output layer directly when the chain through ŷ would be
    numerically unstable (binary cross-entropy); otherwise it is None.
    """

    name: str
    cost: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    grad_yhat: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    grad_y: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    grad_z: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None
    tex: str
    grad_tex: str
    output_activation: str | None = None


def _half_mse(yhat, y, z):
    d = y - yhat
    return float((d * d).sum()) / (2 * len(y))


def _half_mse_grad_yhat(yhat, y, z):
    return (yhat - y) / len(y)


def _half_mse_grad_y(yhat, y, z):
    return (y - yhat) / len(y)


def _mse(yhat, y, z):
    d = y - yhat
    return float((d * d).sum()) / len(y)


def _mse_grad_yhat(yhat, y, z):
    return 2.0 * (yhat - y) / len(y)


def _mse_grad_y(yhat, y, z):
    return 2.0 * (y - yhat) / len(y)


def _bce(yhat, y, z):
    # From the logit z: max(z, 0) − z·y + log(1 + e^−|z|) never takes log(0).
    return float((np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))).sum()) / len(y)


def _bce_grad_yhat(yhat, y, z):
    # (ŷ − y) / (ŷ(1 − ŷ)) with 1 − ŷ = σ(−z) taken from the logit, not by subtraction.
    sig_neg = np.exp(-np.logaddexp(0.0, z))
    return (yhat - y) / (yhat * sig_neg) / len(y)


def _bce_grad_y(yhat, y, z):
    # dJ/dy = −(ln ŷ − ln(1 − ŷ)) / N = −z / N.
    return -z / len(y)


def _bce_grad_z(yhat, y, z):
    return (yhat - y) / len(y)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_mse",
            _half_mse,
            _half_mse_grad_yhat,
            _half_mse_grad_y,
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
            r"J = \frac{1}{N}\sum (y - \hat{y})^2",
            r"\frac{dJ}{d\hat{y}} = -\frac{2(y - \hat{y})}{N}",
        ),
        Loss(
            "bce",
            _bce,
            _bce_grad_yhat,
            _bce_grad_y,
            _bce_grad_z,
            r"J = -\frac{1}{N}\sum \left[y \ln \hat{y} + (1 - y)\ln(1 - \hat{y})\right]",
            r"\frac{dJ}{d\hat{y}} = \frac{\hat{y} - y}{N\,\hat{y}(1 - \hat{y})}",
            output_activation="sigmoid",
        ),
    )
}
