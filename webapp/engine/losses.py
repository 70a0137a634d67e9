"""Cost functions J(ŷ, y) over N samples, each with its gradients beside it, on numpy arrays.

Arrays are samples × outputs; `n` is the number of samples in the whole batch, so every
per-sample gradient already carries the 1/N of the cost. Cross-entropy works from the logit z
(ŷ = σ(z)) throughout: its cost never takes log(0), and its gradients never subtract two numbers
close to 1, so they keep their digits however far the sigmoid saturates.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from webapp.engine.activations import sigmoid_pair

LossFn = Callable[[np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]


@dataclass(frozen=True)
class Loss:
    """A batch cost with its per-sample gradients dJ/dŷ and dJ/dy.

    `grad_z` gives dJ/dz of the output layer directly where the chain through ŷ would lose digits
    (cross-entropy: dJ/dz = (ŷ − y)/N); otherwise None, and training multiplies dJ/dŷ by f′(z).
    """

    name: str
    title: str
    terms: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # each sample's and output's share of J
    per_sample_divisor: int  # J = Σ terms / (per_sample_divisor · N)
    grad_yhat: LossFn
    grad_y: LossFn
    grad_z: LossFn | None
    tex: str  # J over the batch, in ŷ and y
    sample_tex: str  # one sample's term, in {yhat} and {y}
    grad_tex: str  # dJ/dŷ for one sample, in {yhat} and {y}
    grad_y_tex: str  # dJ/dy for one sample, in {yhat}, {y} and {z}
    text: str  # one sample's share of J · per_sample_divisor · N as plain text with numbers, in {yhat}, {y}
    output_activation: str | None = None
    # terms(ŷ/s, y/s) = terms(ŷ, y)/s²: a square that overflows although J does not is taken again with
    # ŷ and y scaled by √(divisor · N) (y − ŷ = 1.5·10¹⁵⁴ has no float square, but J = its square / 2 has).
    homogeneous: bool = False

    def cost(self, yhat: np.ndarray, y: np.ndarray, z: np.ndarray, n: int) -> float:
        """J over the batch."""
        with np.errstate(over="ignore"):
            total = float(self.terms(yhat, y, z).sum()) / (self.per_sample_divisor * n)
        if self.homogeneous and math.isinf(total):
            scale = math.sqrt(self.per_sample_divisor * n)
            with np.errstate(over="ignore"):
                total = float(self.terms(yhat / scale, y / scale, z).sum())
        return total

    def costs(self, yhat: np.ndarray, y: np.ndarray, z: np.ndarray, n: int) -> np.ndarray:
        """J of each of several batches at once: arrays with leading dimensions before samples × outputs."""
        with np.errstate(over="ignore"):
            total = self.terms(yhat, y, z).sum(axis=(-2, -1)) / (self.per_sample_divisor * n)
            if self.homogeneous and np.isinf(total).any():
                scale = math.sqrt(self.per_sample_divisor * n)
                total = np.where(np.isinf(total), self.terms(yhat / scale, y / scale, z).sum(axis=(-2, -1)), total)
        return total


def _squared_error(yhat, y, z):
    d = y - yhat
    return d * d


def _half_mse_grad_yhat(yhat, y, z, n):
    return (yhat - y) / n


def _half_mse_grad_y(yhat, y, z, n):
    return (y - yhat) / n


def _mse_grad_yhat(yhat, y, z, n):
    return 2.0 * (yhat - y) / n


def _mse_grad_y(yhat, y, z, n):
    return 2.0 * (y - yhat) / n


def _cross_entropy(yhat, y, z):
    # max(z, 0) − z·y + log(1 + e^−|z|): the cross-entropy of σ(z) against y, without log(0).
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def _bce_grad_z(yhat, y, z, n):
    # σ(z) − y written as (1 − y)·σ(z) − y·σ(−z): exact for y = 1 and y = 0 however large |z|.
    positive, negative = sigmoid_pair(z)
    return ((1.0 - y) * positive - y * negative) / n


def _over_sigmoid(w, t):
    """w / σ(t) = w·(1 + e^−t) for w ≥ 0; where e^−t overflows but w·e^−t does not, in logs."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        direct = w * (1.0 + np.exp(-t))
        in_logs = np.exp(np.log(w) - t) + w
    return np.where(w == 0.0, 0.0, np.where(np.isfinite(direct), direct, in_logs))


def _bce_grad_yhat(yhat, y, z, n):
    # (ŷ − y) / (ŷ(1 − ŷ)) = (1 − y)/σ(−z) − y/σ(z): no 1 − ŷ, which is 0 in floats once z > 37.
    return (_over_sigmoid(1.0 - y, -z) - _over_sigmoid(y, z)) / n


def _bce_grad_y(yhat, y, z, n):
    # dJ/dy = −(ln ŷ − ln(1 − ŷ))/N = −z/N.
    return -z / n


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_mse",
            "½ MSE: (y − ŷ)²/2N",
            _squared_error,
            2,
            _half_mse_grad_yhat,
            _half_mse_grad_y,
            None,
            r"J = \frac{1}{2N}\sum (y - \hat{y})^2",
            r"\frac{1}{2N}({y} - {yhat})^2",
            r"-\frac{{y} - {yhat}}{N}",
            r"\frac{{y} - {yhat}}{N}",
            "({y} − {yhat})²",
            homogeneous=True,
        ),
        Loss(
            "mse",
            "MSE: (y − ŷ)²/N",
            _squared_error,
            1,
            _mse_grad_yhat,
            _mse_grad_y,
            None,
            r"J = \frac{1}{N}\sum (y - \hat{y})^2",
            r"\frac{1}{N}({y} - {yhat})^2",
            r"-\frac{2({y} - {yhat})}{N}",
            r"\frac{2({y} - {yhat})}{N}",
            "({y} − {yhat})²",
            homogeneous=True,
        ),
        Loss(
            "bce",
            "cross-entropy (sigmoid output)",
            _cross_entropy,
            1,
            _bce_grad_yhat,
            _bce_grad_y,
            _bce_grad_z,
            r"J = -\frac{1}{N}\sum \left[y \ln \hat{y} + (1 - y)\ln(1 - \hat{y})\right]",
            r"-\frac{1}{N}\left[{y} \ln {yhat} + (1 - {y})\ln(1 - {yhat})\right]",
            r"\frac{{yhat} - {y}}{N\,{yhat}(1 - {yhat})}",
            r"-\frac{{z}}{N}",
            "−({y} · ln({yhat}) + (1 − {y}) · ln(1 − {yhat}))",
            output_activation="sigmoid",
        ),
    )
}
