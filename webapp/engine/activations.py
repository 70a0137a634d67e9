"""Activation functions as value/derivative pairs, each derivative beside its forward code.

Every function comes twice: on numpy arrays, and on one Python float for the scalar loop that
trains tiny networks. The float version sits right below the array one and follows the same
formula, so both loops compute the same numbers (to the last bit where no libm call is involved).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01
LN2 = math.log(2.0)


@dataclass(frozen=True)
class Activation:
    """An elementwise function a = f(z) with its derivative da/dz, on arrays and on floats."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    scalar_forward: Callable[[float], float]
    scalar_derivative: Callable[[float], float]
    tex: str
    derivative_tex: str


def softplus(t: float) -> float:
    """log(1 + e^t) exactly as np.logaddexp(0.0, t) computes it; math.exp only ever sees t ≤ 0."""
    if t == 0.0:
        return LN2
    if t < 0.0:
        return math.log1p(math.exp(t))
    if t > 0.0:
        return t + math.log1p(math.exp(-t))
    return t  # NaN


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_scalar(z):
    # As np.maximum: NaN stays NaN and −0.0 becomes 0.0.
    return z if z > 0.0 or z != z else 0.0


def _relu_derivative(z):
    # ReLU'(0) is taken as 0: the worksheet leaves it undefined. One numpy call, not two.
    return np.heaviside(z, 0.0)


def _relu_derivative_scalar(z):
    return 1.0 if z > 0.0 else 0.0 if z <= 0.0 else z  # NaN stays NaN, as in np.heaviside


def _leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_scalar(z):
    return z if z > 0.0 else LEAKY_SLOPE * z


def _leaky_relu_derivative(z):
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def _leaky_relu_derivative_scalar(z):
    return 1.0 if z > 0.0 else LEAKY_SLOPE


def _sigmoid(z):
    # exp(-log(1 + e^-z)) never overflows, unlike 1 / (1 + e^-z) for large negative z.
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_scalar(z):
    return math.exp(-softplus(-z))


def _sigmoid_derivative(z):
    # σ(z)·σ(−z), computed without the cancellation in 1 − σ(z).
    return np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))


def _sigmoid_derivative_scalar(z):
    return math.exp(-softplus(-z) - softplus(z))


def _tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2


def _tanh_derivative_scalar(z):
    t = math.tanh(z)
    return 1.0 - t * t


def _identity(z):
    return z


def _one(z):
    return np.ones_like(z)


def _one_scalar(z):
    return 1.0


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            _relu,
            _relu_derivative,
            _relu_scalar,
            _relu_derivative_scalar,
            r"\operatorname{ReLU}({z})",
            r"\begin{cases} 1 & \text{if } {z} > 0 \\ 0 & \text{if } {z} \le 0 \end{cases}",
        ),
        Activation(
            "leaky_relu",
            _leaky_relu,
            _leaky_relu_derivative,
            _leaky_relu_scalar,
            _leaky_relu_derivative_scalar,
            r"\operatorname{LeakyReLU}({z})",
            r"\begin{cases} 1 & \text{if } {z} > 0 \\ 0.01 & \text{if } {z} \le 0 \end{cases}",
        ),
        Activation(
            "sigmoid",
            _sigmoid,
            _sigmoid_derivative,
            _sigmoid_scalar,
            _sigmoid_derivative_scalar,
            r"\sigma({z})",
            r"\sigma({z})\,(1 - \sigma({z}))",
        ),
        Activation(
            "tanh",
            np.tanh,
            _tanh_derivative,
            math.tanh,
            _tanh_derivative_scalar,
            r"\tanh({z})",
            r"1 - \tanh^2({z})",
        ),
        Activation("linear", _identity, _one, _identity, _one_scalar, r"{z}", r"1"),
    )
}
