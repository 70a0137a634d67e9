"""Costs and their gradients, cross-entropy's from the logit, without cancellation."""

import math

import numpy as np
import pytest

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES

BCE = LOSSES["bce"]


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


@pytest.mark.parametrize("z", [-800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0])
@pytest.mark.parametrize("y", [0.0, 0.25, 1.0])
def test_cross_entropy_gradients_keep_their_digits(z, y):
    zs, ys = np.array([[z]]), np.array([[y]])
    yhat = ACTIVATIONS["sigmoid"].forward(zs)
    n = 2
    # dJ/dz = (σ(z) − y)/N = ((1 − y)σ(z) − yσ(−z))/N.
    expected_z = ((1 - y) * sigmoid(z) - y * sigmoid(-z)) / n
    assert BCE.grad_z(yhat, ys, zs, n)[0, 0] == pytest.approx(expected_z, rel=1e-14, abs=0)
    # dJ/dŷ = ((1 − y)(1 + e^z) − y(1 + e^−z))/N, which overflows only when its true value does.
    with np.errstate(over="ignore"):
        got = BCE.grad_yhat(yhat, ys, zs, n)[0, 0]
    try:
        expected = ((1 - y) * (1 + math.exp(z)) if y < 1 else 0.0) - (y * (1 + math.exp(-z)) if y > 0 else 0.0)
    except OverflowError:
        assert math.isinf(got)
    else:
        assert got == pytest.approx(expected / n, rel=1e-13, abs=0)


def test_cross_entropy_of_a_saturated_right_answer_is_zero_and_its_gradient_tiny_but_not_zero():
    zs, ys = np.array([[40.0]]), np.array([[1.0]])
    yhat = ACTIVATIONS["sigmoid"].forward(zs)
    assert BCE.cost(yhat, ys, zs, 1) == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-12)
    assert BCE.grad_z(yhat, ys, zs, 1)[0, 0] == pytest.approx(-sigmoid(-40.0), rel=1e-14)
    assert BCE.grad_yhat(yhat, ys, zs, 1)[0, 0] == pytest.approx(-1 / sigmoid(40.0), rel=1e-14)


@pytest.mark.parametrize(("name", "cost", "grads"), [("half_mse", 0.5, [-0.5, 0.5]), ("mse", 1.0, [-1.0, 1.0])])
def test_squared_errors_and_their_gradients_divide_by_every_sample(name, cost, grads):
    loss = LOSSES[name]
    yhat, y = np.array([[1.0], [3.0]]), np.array([[2.0], [2.0]])
    assert loss.cost(yhat, y, yhat, 2) == pytest.approx(cost)
    assert loss.grad_yhat(yhat, y, yhat, 2).ravel().tolist() == pytest.approx(grads)
    assert loss.grad_y(yhat, y, yhat, 2).ravel().tolist() == pytest.approx([-g for g in grads])
