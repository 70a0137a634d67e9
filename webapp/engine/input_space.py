"""What a network computes over its input space: every layer's activations at a grid of inputs, by
training's own forward pass with one θ, in one vectorised pass (a few thousand points at a time)."""

import numpy as np

from webapp.engine.network import Network, Params
from webapp.engine.training import forward


def numbers_per_point(network: Network) -> int:
    """Floats one input point holds through the forward pass: its z and a in every layer, and as many
    again while an activation is computed."""
    return network.layers[0] + 4 * sum(network.layers[1:])


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def activations_over(network: Network, theta: np.ndarray, points: np.ndarray, numbers: int) -> list[np.ndarray]:
    """Each layer's activations (points × neurons) at `points` (points × inputs), from θ, holding at most
    about `numbers` floats of the forward pass at once."""
    points = np.asarray(points, dtype=float)
    params = Params(network, theta)
    layers = [np.empty((len(points), width)) for width in network.layers[1:]]
    chunk = max(1, numbers // numbers_per_point(network))
    for start in range(0, len(points), chunk):
        _, activations = forward(network, params, points[start : start + chunk])
        for layer, a in zip(layers, activations, strict=True):
            layer[start : start + chunk] = a
    return layers
