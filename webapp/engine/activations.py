"""Activation functions a = f(z), each with its derivative da/dz beside it, on numpy arrays.

Each derivative is written to stay accurate where the function saturates: σ′ as σ(z)·σ(−z) and
tanh′ as 1/cosh²(z), never as 1 − σ or 1 − tanh², which cancel to 0 (or lose digits) long before
the true derivative underflows.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An elementwise function with its derivative; `tex` and `derivative_tex` take `{z}` for the input."""

    name: str
    title: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    tex: str
    derivative_tex: str
    text: str  # as plain text with numbers, in {z}: "ReLU({z})"


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_derivative(z):
    # ReLU′(0) is taken as 0 (the worksheet leaves it undefined). A comparison is one cheap numpy call.
    return (z > 0.0).astype(float)


def _leaky_relu(z):
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def _leaky_relu_derivative(z):
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def _sigmoid_halves(z):
    """σ(|z|) and σ(−|z|) from e = exp(−|z|), which never overflows: 1/(1 + e) and e/(1 + e)."""
    e = np.exp(-np.abs(z))
    big = 1.0 / (1.0 + e)
    return big, e * big


def _sigmoid(z):
    big, small = _sigmoid_halves(z)
    return np.where(z >= 0.0, big, small)


def sigmoid_pair(z):
    """σ(z) and σ(−z) = 1 − σ(z), each accurate to the last digits however far z saturates."""
    big, small = _sigmoid_halves(z)
    positive = z >= 0.0
    return np.where(positive, big, small), np.where(positive, small, big)


def _sigmoid_derivative(z):
    # σ(z)·σ(−z) is symmetric in z: the product of the two halves, whatever the sign.
    big, small = _sigmoid_halves(z)
    return big * small


def _tanh_derivative(z):
    # cosh overflows to inf beyond |z| ≈ 710, where 1/cosh² has underflowed to 0 anyway.
    with np.errstate(over="ignore"):
        return 1.0 / np.cosh(z) ** 2


def _identity(z):
    return z


def _one(z):
    return np.ones_like(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            "ReLU",
            _relu,
            _relu_derivative,
            r"\operatorname{ReLU}({z})",
            r"\begin{cases} 1 & \text{if } {z} > 0 \\ 0 & \text{if } {z} \le 0 \end{cases}",
            "ReLU({z})",
        ),
        Activation(
            "leaky_relu",
            "leaky ReLU (slope 0.01)",
            _leaky_relu,
            _leaky_relu_derivative,
            r"\operatorname{LeakyReLU}({z})",
            r"\begin{cases} 1 & \text{if } {z} > 0 \\ 0.01 & \text{if } {z} \le 0 \end{cases}",
            "LeakyReLU({z})",
        ),
        Activation(
            "sigmoid",
            "sigmoid σ",
            _sigmoid,
            _sigmoid_derivative,
            r"\sigma({z})",
            r"\sigma({z})\,(1 - \sigma({z}))",  # as textbooks write it; computed as σ(z)·σ(−z), the same number
            "σ({z})",
        ),
        Activation("tanh", "tanh", np.tanh, _tanh_derivative, r"\tanh({z})", r"\frac{1}{\cosh^2({z})}", "tanh({z})"),
        Activation("linear", "linear (none)", _identity, _one, r"{z}", r"1", "{z}"),
    )
}
