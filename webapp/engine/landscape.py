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


def numbers_per_theta(network: Network, samples: int) -> int:
    """Floats one θ of a stack holds through the forward pass: θ, and for every layer and sample its z,
    its a and as many again while an activation or the cost is computed from them."""
    return network.param_count + 4 * samples * sum(network.layers[1:])


def _stack_costs(network: Network, count: int, make, x, y, numbers: int | None):
    """Yield (index, zs, costs) for `count` θ, make(index) stacking those of `index`: a few at a time, so
    that the stack and its forward pass hold at most about `numbers` floats (all at once for None)."""
    chunk = count if numbers is None else max(1, numbers // numbers_per_theta(network, len(x)))
    for start in range(0, count, chunk):
        index = np.arange(start, min(start + chunk, count))
        zs, activations = forward(network, Params(network, make(index)), x)
        yield index, zs, LOSSES[network.loss].costs(activations[-1], y, zs[-1], len(x))


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def cost_surface(
    network: Network, theta: np.ndarray, x, y, first: int, second: int, u, v, numbers: int | None = None
) -> Surface:
    """J at θ with θ[first] = each of u and θ[second] = each of v, the rest as in θ, holding at most
    about `numbers` floats at once."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)

    def points(index: np.ndarray) -> np.ndarray:
        stack = np.broadcast_to(theta, (len(index), len(theta))).copy()
        stack[:, first] = u[index % len(u)]
        stack[:, second] = v[index // len(u)]
        return stack

    cost = np.empty(len(u) * len(v))
    dead = np.zeros(cost.shape, dtype=bool)
    for index, zs, costs in _stack_costs(network, len(cost), points, x, y, numbers):
        cost[index] = costs
        dead[index] = np.any([d.any(axis=-1) for d in dead_neurons(network, zs)], axis=0)
    return Surface(u, v, cost.reshape(len(v), len(u)), dead.reshape(len(v), len(u)))


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def central_differences(network: Network, theta: np.ndarray, x, y, step: float, numbers: int) -> np.ndarray:
    """dJ/dθ by central differences, (J(θ + h·e_i) − J(θ − h·e_i)) / 2h for every i, with no backward
    pass at all: the nudged θ stacked and costed through the forward pass, as many at once as keep the
    stack and its forward pass under about `numbers` floats."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    count = len(theta)

    def nudged(index: np.ndarray) -> np.ndarray:
        stack = np.broadcast_to(theta, (len(index), count)).copy()
        stack[np.arange(len(index)), index % count] += np.where(index < count, step, -step)
        return stack

    costs = np.empty(2 * count)
    for index, _, chunk in _stack_costs(network, 2 * count, nudged, x, y, numbers):
        costs[index] = chunk
    return (costs[:count] - costs[count:]) / (2 * step)
