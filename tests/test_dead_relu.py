"""A ReLU is dead when its input is ≤ 0 for every sample: the training loop, the report's `dead`, the
cost surface and the seeded start all say so of the same neurons, on random networks and data, and
each agrees with the rule worked out here sample by sample in plain Python."""

import numpy as np
import pytest

from webapp.engine import Graph, Network, Params, init_params, record_pass, train
from webapp.engine.landscape import cost_surface
from webapp.engine.training import dead_relus
from webapp.presentation.report import epoch_details

ACTIVATIONS = ("relu", "relu", "leaky_relu", "sigmoid", "linear")


def dead_by_hand(network: Network, zs: list[np.ndarray]) -> set[tuple[int, int]]:
    """(layer, neuron) of each ReLU whose every sample's input is ≤ 0, one number at a time."""
    return {
        (k, j)
        for k, z in enumerate(zs)
        if network.activations[k] == "relu"
        for j in range(z.shape[1])
        if all(float(z[s, j]) <= 0 for s in range(z.shape[0]))
    }


def random_case(seed: int):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 4))
    layers = tuple(int(w) for w in rng.integers(1, 5, size=depth + 1))
    network = Network(layers, tuple(str(rng.choice(ACTIVATIONS)) for _ in range(depth)), bias=bool(seed % 2))
    # Small whole numbers: inputs of exactly 0 happen, and so do neurons dead on every sample.
    theta = rng.integers(-2, 3, size=network.param_count).astype(float)
    x = rng.integers(-2, 3, size=(int(rng.integers(1, 4)), layers[0])).astype(float)
    y = rng.normal(size=(len(x), layers[-1]))
    return network, theta, x, y


@pytest.mark.parametrize("seed", range(60))
def test_every_place_names_the_same_dead_relus(seed):
    network, theta, x, y = random_case(seed)
    rec = record_pass(network, theta, x, y)
    expected = dead_by_hand(network, rec.z)
    assert {(k, j) for k, j, _ in dead_relus(network, rec.z)} == expected
    run = train(network, Params(network, theta.copy()), x, y, 0.1, 1, [1])
    graph = Graph(network)
    reported = epoch_details(graph, run, [1], [0])[1]["dead"]
    assert sorted(reported) == sorted(graph.ids("activation", k + 1)[j] for k, j in expected)
    surface = cost_surface(network, theta, x, y, 0, min(1, len(theta) - 1), [theta[0]], [theta[min(1, len(theta) - 1)]])
    assert bool(surface.dead[0, 0]) == bool(expected)


@pytest.mark.parametrize("seed", range(40))
def test_a_seeded_start_has_no_dead_relu_unless_no_input_can_reach_it(seed):
    network, _, x, y = random_case(seed)
    start = init_params(network, seed, x)
    dead = dead_by_hand(network, record_pass(network, start.theta, x, y).z)
    # Only a neuron whose inputs are all exactly 0 cannot be revived by a flip or a redraw.
    for k, j in dead:
        inputs = x if k == 0 else record_pass(network, start.theta, x, y).a[k - 1]
        assert not np.any(inputs), (k, j)
