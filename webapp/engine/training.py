"""Full-batch gradient descent that records every number of the epochs a client will show.

Per epoch the loop makes a fixed, small number of numpy calls; the costs of every epoch and the
parameters at evenly spaced epochs go into preallocated arrays, and the per-node detail is kept
(as references to arrays the pass created anyway) only for the requested epochs.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network, Params


@dataclass
class Pass:
    """Everything one forward and backward pass computed, per sample (rows) and neuron (columns)."""

    z: list[np.ndarray]
    a: list[np.ndarray]
    grad_z: list[np.ndarray]
    grad_a: list[np.ndarray]
    params: Params
    grads: Params
    cost: float


@dataclass
class Run:
    """The record of a training run."""

    network: Network
    x: np.ndarray
    y: np.ndarray
    learning_rate: float
    costs: np.ndarray
    detail: dict[int, Pass]
    history_epochs: np.ndarray
    history: np.ndarray
    params_after: Params
    final_cost: float | None
    diverged_at: int | None = None
    stuck_at: int | None = None
    dead_at_stuck: list[tuple[int, int]] = field(default_factory=list)

    @property
    def epochs_run(self) -> int:
        return len(self.costs)


def forward(network: Network, params: Params, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weighted sums z and activations a of every layer, for every sample."""
    zs, activations = [], []
    a = x
    for k, w in enumerate(params.weights):
        z = a @ w.T
        if network.bias:
            z = z + params.biases[k]
        a = ACTIVATIONS[network.activations[k]].forward(z)
        zs.append(z)
        activations.append(a)
    return zs, activations


def cost_of(network: Network, params: Params, x: np.ndarray, y: np.ndarray) -> float:
    zs, activations = forward(network, params, x)
    return LOSSES[network.loss].cost(activations[-1], y, zs[-1])


def backward(network: Network, params: Params, x, y, zs, activations, grads: Params) -> tuple[list, list]:
    """Fill `grads` with dJ/dparameter (batch totals); return dJ/dz and dJ/da per layer."""
    loss = LOSSES[network.loss]
    depth = network.depth
    grad_zs: list = [None] * depth
    grad_as: list = [None] * depth
    yhat, z_out = activations[-1], zs[-1]
    grad_as[-1] = loss.grad_yhat(yhat, y, z_out)
    if loss.grad_z is not None:
        grad_z = loss.grad_z(yhat, y, z_out)
    else:
        grad_z = grad_as[-1] * ACTIVATIONS[network.activations[-1]].derivative(z_out)
    for k in range(depth - 1, -1, -1):
        grad_zs[k] = grad_z
        a_prev = activations[k - 1] if k else x
        np.matmul(grad_z.T, a_prev, out=grads.weights[k])
        if network.bias:
            np.sum(grad_z, axis=0, out=grads.biases[k])
        if k:
            grad_a = grad_z @ params.weights[k]
            grad_as[k - 1] = grad_a
            grad_z = grad_a * ACTIVATIONS[network.activations[k - 1]].derivative(zs[k - 1])
    return grad_zs, grad_as


def _all_finite(arrays) -> bool:
    return all(np.isfinite(a).all() for a in arrays)


def dead_relus(network: Network, zs: list[np.ndarray]) -> list[tuple[int, int]]:
    """(layer index, neuron) of every ReLU whose input is ≤ 0 for every sample: no gradient passes."""
    dead = []
    for k, z in enumerate(zs):
        if network.activations[k] == "relu":
            dead += [(k, int(j)) for j in np.flatnonzero((z <= 0).all(axis=0))]
    return dead


def history_epochs(epochs: int, params: int, budget: int) -> np.ndarray:
    """Epochs (0 = the initial parameters) whose parameters are kept: all of them, or evenly spaced."""
    points = max(2, min(epochs + 1, budget // max(params, 1)))
    return np.unique(np.linspace(0, epochs, points).round().astype(int))


@np.errstate(over="ignore", invalid="ignore")
def train(
    network: Network,
    params: Params,
    x,
    y,
    learning_rate: float,
    epochs: int,
    detail_epochs=(),
    history_budget: int = 20_000,
) -> Run:
    """Run `epochs` epochs of w := w − α·dJ/dw, stopping at the first non-finite number."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    initial = params
    params = params.copy()
    grads = params.zeros_like()
    theta, grad_theta = params.theta, grads.theta
    loss = LOSSES[network.loss]
    wanted = set(detail_epochs)
    kept = history_epochs(epochs, len(theta), history_budget)
    history = np.empty((len(kept), len(theta)))
    history[0] = theta
    next_kept = 1
    costs = np.empty(epochs)
    detail: dict[int, Pass] = {}
    diverged_at = stuck_at = None
    dead_at_stuck: list = []
    for epoch in range(1, epochs + 1):
        zs, activations = forward(network, params, x)
        cost = loss.cost(activations[-1], y, zs[-1])
        if not math.isfinite(cost):
            diverged_at = epoch
            break
        grad_zs, grad_as = backward(network, params, x, y, zs, activations, grads)
        if stuck_at is None and not grad_theta.any():
            stuck_at = epoch
            dead_at_stuck = dead_relus(network, zs)
        updated = theta - learning_rate * grad_theta
        if not math.isfinite(updated.sum()):
            diverged_at = epoch
            break
        if epoch in wanted:
            if not _all_finite(zs + activations + grad_zs + grad_as):
                diverged_at = epoch
                break
            detail[epoch] = Pass(zs, activations, grad_zs, grad_as, params.copy(), grads.copy(), cost)
        np.copyto(theta, updated)
        costs[epoch - 1] = cost
        if next_kept < len(kept) and kept[next_kept] == epoch:
            history[next_kept] = theta
            next_kept += 1
    run_epochs = epoch - 1 if diverged_at else epochs
    if diverged_at and run_epochs and run_epochs not in detail:
        # The last finite epoch is always shown in full: it is where a diverging run is explained.
        # Runs are deterministic, so replaying them is cheaper than copying every epoch.
        replay = train(network, initial, x, y, learning_rate, run_epochs, [run_epochs], history_budget=0)
        detail[run_epochs] = replay.detail[run_epochs]
    final_cost = None if diverged_at else cost_of(network, params, x, y)
    if final_cost is not None and not math.isfinite(final_cost):
        final_cost = None
        diverged_at = epochs + 1
    return Run(
        network=network,
        x=x,
        y=y,
        learning_rate=learning_rate,
        costs=costs[:run_epochs],
        detail=detail,
        history_epochs=kept[:next_kept],
        history=history[:next_kept],
        params_after=params,
        final_cost=final_cost,
        diverged_at=diverged_at,
        stuck_at=stuck_at,
        dead_at_stuck=dead_at_stuck,
    )
