"""A network's shape, θ's layout, and the parameter views into it."""

import numpy as np
import pytest

from webapp.engine import Network, Params, init_params

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
