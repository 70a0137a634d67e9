"""A network's shape, θ's layout, and the parameter views into it."""

import itertools

import numpy as np
import pytest

from webapp.engine import Network, Params, init_params
from webapp.engine.network import MAX_STEP_GAIN, step_gain
from webapp.engine.training import dead_relus, forward, train
from webapp.request.resolve import resolve

WIDE = Network((2, 3, 2), ("tanh", "sigmoid"), "bce", bias=True)


def test_params_views_and_nested_lists_agree():
    params = Params.from_lists(
        WIDE, [[[1, 2], [3, 4], [5, 6]], [[7, 8, 9], [10, 11, 12]]], [[0.1, 0.2, 0.3], [0.4, 0.5]]
    )
    assert params.theta.tolist() == [*range(1, 13), 0.1, 0.2, 0.3, 0.4, 0.5]
    assert params.nested()["biases"] == [[0.1, 0.2, 0.3], [0.4, 0.5]]


def test_blocks_tile_theta_weights_first_then_biases():
    blocks = WIDE.blocks()
    assert [(b.kind, b.layer, b.rows, b.cols) for b in blocks] == [
        ("weight", 1, 3, 2), ("weight", 2, 2, 3), ("bias", 1, 3, 1), ("bias", 2, 2, 1),
    ]  # fmt: skip
    assert [b.offset for b in blocks] == [0, 6, 12, 15] and WIDE.param_count == 17


@pytest.mark.parametrize(
    ("layers", "activations", "loss", "message"),
    [
        ((1,), (), "half_mse", "two layers"),
        ((1, 1), ("relu",), "bce", "sigmoid output"),
        ((1, 1), ("cube",), "mse", "cube"),
    ],
)
def test_impossible_networks_are_refused(layers, activations, loss, message):
    with pytest.raises(ValueError, match=message):
        Network(layers, activations, loss)


def test_seeded_starts_are_he_for_relu_and_xavier_otherwise():
    wide = Network((64, 64, 1), ("relu", "tanh"))
    weights = init_params(wide, 0).weights
    assert np.std(weights[0]) == pytest.approx(np.sqrt(2 / 64), rel=0.05)
    assert np.std(weights[1]) == pytest.approx(np.sqrt(1 / 64), rel=0.3)


def _form_architectures():
    """Every hidden-layer spec of 1 to 3 layers, 1 to 4 wide, and a few wide ones."""
    specs = [spec for depth in (1, 2, 3) for spec in itertools.product(range(1, 5), repeat=depth)]
    return [*specs, (8,), (16,), (8, 8), (16, 16, 16, 16)]


@pytest.mark.parametrize("hidden", _form_architectures(), ids=lambda h: "-".join(map(str, h)))
def test_seeded_starts_on_the_worksheet_data_are_alive_and_learn(hidden):
    resolved = resolve({"layers": [1, *hidden, 1]})  # default seed, x = 3, y = 2, α = 0.1
    x, y = resolved.request.x, resolved.request.y
    zs, _ = forward(resolved.network, resolved.params, np.asarray(x))
    assert dead_relus(resolved.network, zs) == []
    run = train(resolved.network, resolved.params, x, y, resolved.request.learning_rate, 200)
    assert run.diverged_at is None and run.costs[-1] < run.costs[0]


def test_a_start_that_would_be_dead_is_revived_by_flipping_and_reproducible():
    network = Network((1, 3, 3, 1), ("relu", "relu", "relu"))
    plain = init_params(network, 0)
    zs, _ = forward(network, plain, np.array([[3.0]]))
    assert dead_relus(network, zs), "the unchecked start of this seed has a dead ReLU"
    checked = init_params(network, 0, [[3.0]])
    zs, _ = forward(network, checked, np.array([[3.0]]))
    assert dead_relus(network, zs) == []
    assert np.array_equal(checked.theta, init_params(network, 0, [[3.0]]).theta)
    # Only signs and one common scale change: each first-layer weight keeps its size relative to the others.
    ratio = np.abs(checked.weights[0]) / np.abs(plain.weights[0])
    assert np.allclose(ratio, ratio.flat[0])


def test_a_seeded_start_keeps_each_samples_step_gain_bounded():
    network = Network((2, 16, 16, 1), ("relu", "relu", "relu"))
    x = [[3.0, -1.0], [0.5, 2.0]]
    assert step_gain(network, init_params(network, 4).weights, x).max() > MAX_STEP_GAIN
    assert step_gain(network, init_params(network, 4, x).weights, x).max() <= MAX_STEP_GAIN * (1 + 1e-9)
