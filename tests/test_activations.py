"""Activations and their derivatives keep their digits where they saturate."""

import math

import numpy as np
import pytest

from webapp.engine.activations import ACTIVATIONS, sigmoid_pair

Z = np.array([-800.0, -40.0, -20.0, -1.0, -1e-9, 0.0, 1e-9, 1.0, 20.0, 40.0, 800.0])


def exact_sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def test_sigmoid_and_its_derivative_are_accurate_to_the_last_digits_at_saturation():
    sigma = ACTIVATIONS["sigmoid"]
    for z, value, slope in zip(Z, sigma.forward(Z), sigma.derivative(Z), strict=True):
        assert value == pytest.approx(exact_sigmoid(z), rel=1e-15, abs=0)
        assert slope == pytest.approx(exact_sigmoid(z) * exact_sigmoid(-z), rel=1e-14, abs=0)
    assert sigma.derivative(np.array([40.0]))[0] > 0, "1 − σ(40) would be 0"


def test_the_sigmoid_pair_is_both_halves_without_subtraction():
    positive, negative = sigmoid_pair(Z)
    for z, p, n in zip(Z, positive, negative, strict=True):
        assert p == pytest.approx(exact_sigmoid(z), rel=1e-15) and n == pytest.approx(exact_sigmoid(-z), rel=1e-15)


@pytest.mark.parametrize("z", [0.0, 0.5, 10.0, 20.0, 40.0, -20.0, 710.0])
def test_tanh_derivative_does_not_cancel(z):
    # 1 − tanh² = 4e^(−2|z|)/(1 + e^(−2|z|))², which loses nothing.
    e = math.exp(-2 * abs(z))
    expected = 4 * e / (1 + e) ** 2
    assert ACTIVATIONS["tanh"].derivative(np.array([z]))[0] == pytest.approx(expected, rel=1e-14, abs=0)


def test_relu_like_derivatives_at_and_around_zero():
    z = np.array([-1.0, 0.0, 1.0])
    assert ACTIVATIONS["relu"].derivative(z).tolist() == [0.0, 0.0, 1.0]
    assert ACTIVATIONS["leaky_relu"].derivative(z).tolist() == [0.01, 0.01, 1.0]
    assert ACTIVATIONS["linear"].derivative(z).tolist() == [1.0, 1.0, 1.0]
