"""Full-batch gradient descent, and the full record of any epoch's forward and backward pass.

The loop keeps only what the next epoch needs (θ) and what the run's story needs (every cost,
parameters at evenly spaced epochs, θ at the epochs a client will look at). An epoch's every node
value and gradient is recomputed from its θ by `record_pass`, with the very same functions the
loop runs, so a recorded epoch is bit for bit the epoch that was trained, whichever epochs were
asked for. What happened to the run (diverged, stuck) is decided by the loop alone.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network, Params


@dataclass
class Pass:
    """Forward and backward passes, per row (a sample of an epoch) and neuron (columns), layer by layer.

    One epoch's pass has a row per sample. Passes of several epochs stack into one (`stack`), rows
    after rows, each row keeping the θ its epoch used: every node's and edge's numbers are
    elementwise per row, so they are computed for every recorded epoch at once.
    """

    network: Network
    x: np.ndarray
    y: np.ndarray
    theta: np.ndarray  # each row's parameters, before its epoch's update: rows × parameters
    z: list[np.ndarray]
    a: list[np.ndarray]
    grad_z: list[np.ndarray]
    grad_a: list[np.ndarray]  # the last one is dJ/dŷ
    grad_theta: np.ndarray  # dJ/dθ of the batch, for a single epoch's pass
    cost: float  # J of the batch, for a single epoch's pass
    n: int  # samples in the batch, which may be more than the rows here (see `samples`)

    def samples(self, rows: list[int]) -> "Pass":
        """The same pass for some samples only; gradients keep the whole batch's 1/N."""

        def pick(arrays):
            return [a[rows] for a in arrays]

        return Pass(
            self.network, self.x[rows], self.y[rows], self.theta[rows], pick(self.z), pick(self.a),
            pick(self.grad_z), pick(self.grad_a), self.grad_theta, self.cost, self.n,
        )  # fmt: skip

    @classmethod
    def stack(cls, passes: list["Pass"]) -> "Pass":
        """Several epochs' passes as one, rows after rows (their batch-wide numbers are left out)."""

        def rows(arrays):
            return np.concatenate(arrays) if arrays else np.zeros((0, 0))

        def layers(part):
            return [rows([getattr(p, part)[k] for p in passes]) for k in range(passes[0].network.depth)]

        first = passes[0]
        return cls(
            first.network, rows([p.x for p in passes]), rows([p.y for p in passes]), rows([p.theta for p in passes]),
            layers("z"), layers("a"), layers("grad_z"), layers("grad_a"), np.zeros(0), float("nan"), first.n,
        )  # fmt: skip

    def inputs_of(self, k: int) -> np.ndarray:
        """The values feeding weight layer k (0-based): x, or the previous layer's activations."""
        return self.a[k - 1] if k else self.x


@dataclass
class Run:
    """The record of a training run."""

    network: Network
    x: np.ndarray
    y: np.ndarray
    learning_rate: float
    costs: np.ndarray  # one per epoch run, from first_epoch on
    thetas: dict[int, np.ndarray]  # θ at the start of each epoch a client asked to see
    history_epochs: np.ndarray
    history: np.ndarray  # θ after each of history_epochs (first_epoch − 1 = the start)
    final_theta: np.ndarray
    final_cost: float | None
    diverged_at: int | None = None  # the first epoch whose cost or parameters are not finite
    diverged_by: str | None = None  # "cost" or "parameters": which stopped being finite
    stuck_at: int | None = None  # the first epoch whose gradients are all exactly 0
    dead_at_stuck: list[tuple[int, int, float]] = field(default_factory=list)
    every_theta: np.ndarray | None = None  # epochs run × parameters, when asked for
    every_grad: np.ndarray | None = None
    first_epoch: int = 1  # a run that continues another starts after the epochs that one ran

    @property
    def epochs_run(self) -> int:
        """The last epoch that ran (first_epoch − 1 if none did)."""
        return self.first_epoch - 1 + len(self.costs)

    def record(self, epoch: int) -> Pass:
        return record_pass(self.network, self.thetas[epoch], self.x, self.y)


def forward(network: Network, params: Params, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weighted sums z and activations a of every layer, for every sample (and every θ of a stack)."""
    zs, activations = [], []
    a = x
    for k, w in enumerate(params.weights):
        z = a @ w.swapaxes(-1, -2)
        if network.bias:
            z += params.biases[k]
        a = ACTIVATIONS[network.activations[k]].forward(z)
        zs.append(z)
        activations.append(a)
    return zs, activations


def backward(network: Network, params: Params, x, y, zs, activations, grads: Params, record=False, grad_out=None):
    """Fill `grads` with dJ/dθ (batch totals); with `record`, also return dJ/dz and dJ/da per layer.
    `grad_out`, given, is the output layer's dJ/dz instead of the loss's (`y` is then unused)."""
    loss = LOSSES[network.loss]
    n = len(x)
    depth = network.depth
    grad_zs: list = [None] * depth
    grad_as: list = [None] * depth
    yhat, z_out = activations[-1], zs[-1]
    if grad_out is not None:
        grad_z = grad_out
    elif loss.grad_z is not None:
        grad_z = loss.grad_z(yhat, y, z_out, n)
        if record:
            grad_as[-1] = loss.grad_yhat(yhat, y, z_out, n)
    else:
        grad_as[-1] = loss.grad_yhat(yhat, y, z_out, n)
        grad_z = grad_as[-1] * ACTIVATIONS[network.activations[-1]].derivative(z_out)
    for k in range(depth - 1, -1, -1):
        grad_zs[k] = grad_z
        np.matmul(grad_z.T, activations[k - 1] if k else x, out=grads.weights[k])
        if network.bias:
            np.sum(grad_z, axis=0, out=grads.biases[k])
        if k:
            grad_a = grad_z @ params.weights[k]
            grad_as[k - 1] = grad_a
            grad_z = grad_a * ACTIVATIONS[network.activations[k - 1]].derivative(zs[k - 1])
    return grad_zs, grad_as


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def record_pass(network: Network, theta: np.ndarray, x, y) -> Pass:
    """Every value and gradient of one epoch that starts from θ."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    params = Params(network, theta)
    grads = Params(network, np.zeros_like(theta))
    zs, activations = forward(network, params, x)
    cost = LOSSES[network.loss].cost(activations[-1], y, zs[-1], len(x))
    grad_zs, grad_as = backward(network, params, x, y, zs, activations, grads, record=True)
    rows_theta = np.broadcast_to(theta, (len(x), len(theta)))
    return Pass(network, x, y, rows_theta, zs, activations, grad_zs, grad_as, grads.theta, cost, len(x))


def cost_of(network: Network, theta: np.ndarray, x, y) -> float:
    zs, activations = forward(network, Params(network, theta), np.asarray(x, dtype=float))
    return LOSSES[network.loss].cost(activations[-1], np.asarray(y, dtype=float), zs[-1], len(x))


def dead_neurons(network: Network, zs: list[np.ndarray]) -> list[np.ndarray]:
    """THE dead-ReLU rule, per layer and neuron (the last axis): a ReLU neuron is dead when its input z
    is ≤ 0 for every sample (the axis before), so it outputs 0 and passes no gradient back."""
    return [(z <= 0).all(axis=-2) & (network.activations[k] == "relu") for k, z in enumerate(zs)]


def dead_relus(network: Network, zs: list[np.ndarray]) -> list[tuple[int, int, float]]:
    """(layer index, neuron, its largest input) of every dead ReLU."""
    dead = dead_neurons(network, zs)
    return [(k, int(j), float(z[:, j].max())) for k, z in enumerate(zs) for j in np.flatnonzero(dead[k])]


def history_epochs(epochs: int, params: int, budget: int) -> np.ndarray:
    """Epochs (0 = the initial parameters) whose parameters are kept: all of them, or evenly spaced,
    and always the last two: a client continues a run from the one before the last, so that the
    continuation's first epoch is one it already knows (whether its gradients were all 0, say)."""
    points = max(2, min(epochs + 1, budget // max(params, 1) - 1))
    spaced = np.linspace(0, epochs, points).round().astype(int)
    return np.unique(np.append(spaced, max(0, epochs - 1)))


@np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
def train(
    network: Network,
    params: Params,
    x,
    y,
    learning_rate: float,
    epochs: int,
    detail_epochs=(),
    history_budget: int = 20_000,
    every_epoch: bool = False,
    first_epoch: int = 1,
) -> Run:
    """Run epochs `first_epoch` to `epochs` of θ := θ − α·dJ/dθ, stopping where the cost or θ stops being
    finite. A run from `first_epoch` > 1 continues one that ran the epochs before it and ended with
    `params`: its numbers are bit for bit those epochs of the whole run, as the loop is the same."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    loss = LOSSES[network.loss]
    wanted = set(detail_epochs)
    start = first_epoch - 1
    count = epochs - start
    kept = start + history_epochs(count, network.param_count, history_budget)
    history = np.empty((len(kept), network.param_count))
    history[0] = params.theta
    next_kept = 1
    # Two parameter buffers take turns: the update writes into the idle one, nothing is copied back.
    current, idle = Params(network, params.theta.copy()), Params(network, params.theta.copy())
    grads = Params(network, np.zeros_like(params.theta))
    step = np.empty_like(params.theta)
    costs = np.empty(count)
    thetas: dict[int, np.ndarray] = {}
    # θ and dJ/dθ of every epoch, for an export: asked for only with a size the caller has bounded.
    every_theta = np.empty((count, network.param_count)) if every_epoch else None
    every_grad = np.empty((count, network.param_count)) if every_epoch else None
    diverged_at = stuck_at = diverged_by = None
    dead_at_stuck: list = []
    run_epochs = start
    for epoch in range(first_epoch, epochs + 1):
        zs, activations = forward(network, current, x)
        cost = loss.cost(activations[-1], y, zs[-1], n)
        if not math.isfinite(cost):
            diverged_at, diverged_by = epoch, "cost"
            break
        backward(network, current, x, y, zs, activations, grads)
        if stuck_at is None and not grads.theta.any():
            stuck_at = epoch
            dead_at_stuck = dead_relus(network, zs)
        if epoch in wanted:
            thetas[epoch] = current.theta.copy()
        costs[epoch - first_epoch] = cost
        if every_epoch:
            every_theta[epoch - first_epoch] = current.theta
            every_grad[epoch - first_epoch] = grads.theta
        run_epochs = epoch
        np.multiply(grads.theta, learning_rate, out=step)
        np.subtract(current.theta, step, out=idle.theta)
        current, idle = idle, current
        if not math.isfinite(current.theta.sum()):
            # This epoch ran, but its update left θ unusable: the next epoch cannot be computed.
            diverged_at, diverged_by = epoch + 1, "parameters"
            break
        if next_kept < len(kept) and kept[next_kept] == epoch:
            history[next_kept] = current.theta
            next_kept += 1
    if diverged_at is not None and run_epochs > start and run_epochs not in thetas:
        # The last epoch that ran is where a divergence is explained: always kept. `idle` holds its θ.
        thetas[run_epochs] = idle.theta.copy()
    final_cost = None
    if diverged_at is None:
        final_cost = cost_of(network, current.theta, x, y)
        if not math.isfinite(final_cost):
            final_cost = None
            diverged_at, diverged_by = epochs + 1, "cost"
    return Run(
        network=network,
        x=x,
        y=y,
        learning_rate=learning_rate,
        costs=costs[: run_epochs - start],
        thetas=thetas,
        history_epochs=kept[:next_kept],
        history=history[:next_kept],
        final_theta=current.theta,
        final_cost=final_cost,
        diverged_at=diverged_at,
        diverged_by=diverged_by,
        stuck_at=stuck_at,
        dead_at_stuck=dead_at_stuck,
        every_theta=every_theta[: run_epochs - start] if every_epoch else None,
        every_grad=every_grad[: run_epochs - start] if every_epoch else None,
        first_epoch=first_epoch,
    )
