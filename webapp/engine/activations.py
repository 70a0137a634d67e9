"""Activation functions as value/derivative pairs, each derivative beside its forward code."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An elementwise function a = f(z) with its derivative da/dz."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    tex: str
    derivative_tex: str


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_derivative(z):
    # ReLU'(0) is taken as 0: the worksheet leaves it undefined.
    return (z > 0).astype(float)


def _leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_derivative(z):
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def _sigmoid(z):
    # exp(-log(1 + e^-z)) never overflows, unlike 1 / (1 + e^-z) for large negative z.
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_derivative(z):
    # σ(z)·σ(−z), computed without the cancellation in 1 − σ(z).
    return np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))


def _tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2


def _identity(z):
    return z


def _one(z):
    return np.ones_like(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            _relu,
            _relu_derivative,
            r"\operatorname{ReLU}({z})",
            r"\begin{cases} 1 & \text{if } {z} > 0 \\ 0 & \text{if } {z} \le 0 \end{cases}",
        ),
        Activation(
            "leaky_relu",
            _leaky_relu,
            _leaky_relu_derivative,
            r"\operatorname{LeakyReLU}({z})",
            r"\begin{cases} 1 & \text{if } {z} > 0 \\ 0.01 & \text{if } {z} \le 0 \end{cases}",
        ),
        Activation("sigmoid", _sigmoid, _sigmoid_derivative, r"\sigma({z})", r"\sigma({z})\,(1 - \sigma({z}))"),
        Activation("tanh", np.tanh, _tanh_derivative, r"\tanh({z})", r"1 - \tanh^2({z})"),
        Activation("linear", _identity, _one, r"{z}", r"1"),
    )
}
