"""The cost around a point of parameter space: over a plane of two parameters (the loss landscape),
and along each parameter on its own (the finite differences that check backpropagation).

Every point of the grid is a θ of its own; stacked, they go through the very forward pass and cost
that training uses (`training.forward` broadcasts over a stack of θ), in one vectorised pass.
"""

from dataclasses import dataclass

import numpy as np

from webapp.engine.losses import LOSSES
from webapp.engine.network import Network, Params
from webapp.engine.training import dead_neurons, forward


@dataclass
class Surface:
    u: np.ndarray  # the first parameter's values, along the columns
    v: np.ndarray  # the second parameter's values, along the rows
    cost: np.ndarray  # rows × columns
    dead: np.ndarray  # rows × columns: some ReLU is dead (`training.dead_neurons`)


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def cost_surface(network: Network, theta: np.ndarray, x, y, first: int, second: int, u, v) -> Surface:
    """J at θ with θ[first] = each of u and θ[second] = each of v, the rest as in θ."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    grid = np.broadcast_to(theta, (len(v), len(u), len(theta))).copy()
    grid[..., first] = u[None, :]
    grid[..., second] = v[:, None]
    zs, activations = forward(network, Params(network, grid), x)
    cost = LOSSES[network.loss].costs(activations[-1], y, zs[-1], len(x))
    return Surface(u, v, cost, np.any([d.any(axis=-1) for d in dead_neurons(network, zs)], axis=0))


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def central_differences(network: Network, theta: np.ndarray, x, y, step: float, numbers: int) -> np.ndarray:
    """dJ/dθ by central differences, (J(θ + h·e_i) − J(θ − h·e_i)) / 2h for every i, with no backward
    pass at all: the nudged θ stacked and costed through the forward pass, as many at once as keep the
    stack's values under `numbers` floats."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    count = len(theta)
    chunk = max(1, numbers // (2 * len(x) * max(network.layers)))
    estimate = np.empty(count)
    for start in range(0, count, chunk):
        index = np.arange(start, min(start + chunk, count))
        nudged = np.broadcast_to(theta, (2, len(index), count)).copy()
        nudged[0, np.arange(len(index)), index] += step
        nudged[1, np.arange(len(index)), index] -= step
        zs, activations = forward(network, Params(network, nudged), x)
        costs = LOSSES[network.loss].costs(activations[-1], y, zs[-1], len(x))
        estimate[index] = (costs[0] - costs[1]) / (2 * step)
    return estimate
