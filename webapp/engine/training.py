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
from webapp.engine.optimizers import SGD, Optimizer, State, batches, steps_per_epoch


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
    optimizer: Optimizer = SGD
    batch_size: int = 0  # samples a step sees (0 or ≥ N: all of them, in order)
    seed: int = 0  # orders each epoch's samples when a batch holds fewer than all of them
    step_costs: np.ndarray | None = None  # each step's cost on its batch, from the first step of first_epoch
    step_thetas: dict[int, np.ndarray] = field(default_factory=dict)  # θ before each step of a detailed epoch
    step_states: dict[int, State] = field(default_factory=dict)  # the optimizer's kept state before it
    final_state: State = field(default_factory=dict)  # the optimizer's kept state after the last step
    step_path: np.ndarray | None = None  # the parameters asked for (`train`'s step_path) after each step

    @property
    def epochs_run(self) -> int:
        """The last epoch that ran (first_epoch − 1 if none did)."""
        return self.first_epoch - 1 + len(self.costs)

    @property
    def steps_per_epoch(self) -> int:
        return steps_per_epoch(len(self.x), self.batch_size or len(self.x))

    def batches(self, epoch: int) -> list[np.ndarray]:
        """The samples of each step of `epoch` (`optimizers.batches`)."""
        return batches(len(self.x), self.batch_size or len(self.x), self.seed, epoch)

    def step_samples(self, step: int) -> np.ndarray:
        """The samples step `step` (numbered from 1 over the whole run) used."""
        per = self.steps_per_epoch
        return self.batches((step - 1) // per + 1)[(step - 1) % per]

    def record(self, epoch: int) -> Pass:
        """The pass over every sample at the start of `epoch`."""
        return record_pass(self.network, self.thetas[epoch], self.x, self.y)

    def record_step(self, step: int) -> Pass:
        """The pass of step `step`: its batch, at the θ it started from."""
        batch = self.step_samples(step)
        if len(batch) == len(self.x):
            return record_pass(self.network, self.step_thetas[step], self.x, self.y)
        return record_pass(self.network, self.step_thetas[step], self.x[batch], self.y[batch])


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


def _copy(state: State) -> State:
    return {key: value.copy() for key, value in state.items()}


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
    optimizer: Optimizer = SGD,
    batch_size: int = 0,
    seed: int = 0,
    state: State | None = None,
    step_path: tuple[int, ...] = (),
) -> Run:
    """Run epochs `first_epoch` to `epochs`, each one pass over the data in steps of `batch_size` samples
    (all of them by default: one step an epoch), each step updating θ by `optimizer` from its batch's
    gradient, stopping where the cost or θ stops being finite. An epoch's cost is over every sample, at
    the θ it starts from. A run from `first_epoch` > 1 continues one that ran the epochs before it and
    ended with `params` and the optimizer's `state`: its numbers are bit for bit those epochs of the
    whole run, as the loop is the same and each epoch's batches depend on the seed and the epoch alone."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    batch_size = min(batch_size or n, n)
    per_epoch = steps_per_epoch(n, batch_size)
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
    kept_state = {key: np.array(value, dtype=float) for key, value in (state or {}).items()}
    kept_state = {**optimizer.initial(network.param_count), **kept_state}
    costs = np.empty(count)
    step_costs = np.empty(count * per_epoch)
    steps_run = 0
    # These parameters (positions in θ) after every step, for the cost surface's path step by step.
    path = np.empty((count * per_epoch, len(step_path))) if step_path else None
    thetas: dict[int, np.ndarray] = {}
    step_thetas: dict[int, np.ndarray] = {}
    step_states: dict[int, State] = {}
    # θ and dJ/dθ of every epoch, for an export: asked for only with a size the caller has bounded.
    every_theta = np.empty((count, network.param_count)) if every_epoch else None
    every_grad = np.empty((count, network.param_count)) if every_epoch else None
    diverged_at = stuck_at = diverged_by = None
    dead_at_stuck: list = []
    run_epochs = start
    plain = per_epoch == 1 and optimizer.name == "sgd"  # today's loop: θ − α·g on every sample
    whole = [None]  # a full batch: every sample, in order, no index
    starts: dict[int, tuple[np.ndarray, State]] = {}  # the last two epochs' θ and state at their start
    for epoch in range(first_epoch, epochs + 1):
        if not plain:
            starts = {epoch - 1: starts.get(epoch - 1), epoch: (current.theta.copy(), _copy(kept_state))}
        if per_epoch > 1:
            # The epoch's cost is over every sample; its steps see their batches only.
            zs, activations = forward(network, current, x)
            cost = loss.cost(activations[-1], y, zs[-1], n)
            if not math.isfinite(cost):
                diverged_at, diverged_by = epoch, "cost"
                break
            if every_epoch:
                backward(network, current, x, y, zs, activations, grads)
                every_grad[epoch - first_epoch] = grads.theta
            epoch_zs = zs
        if epoch in wanted:
            thetas[epoch] = current.theta.copy()
        if every_epoch:
            every_theta[epoch - first_epoch] = current.theta
        still = True  # every step so far had all gradients 0 and left θ as it was
        for s, batch in enumerate(whole if per_epoch == 1 else batches(n, batch_size, seed, epoch)):
            xb, yb = (x, y) if per_epoch == 1 else (x[batch], y[batch])
            zs, activations = forward(network, current, xb)
            batch_cost = loss.cost(activations[-1], yb, zs[-1], len(xb))
            if not math.isfinite(batch_cost):
                diverged_at, diverged_by = epoch + (s > 0), "cost"
                break
            backward(network, current, xb, yb, zs, activations, grads)
            number = (epoch - 1) * per_epoch + s + 1
            if epoch in wanted:
                step_thetas[number] = current.theta.copy()
                step_states[number] = _copy(kept_state)
            step_costs[steps_run] = batch_cost
            steps_run += 1
            if per_epoch == 1:
                cost, epoch_zs = batch_cost, zs
                if every_epoch:
                    every_grad[epoch - first_epoch] = grads.theta
            zero = not grads.theta.any()
            if optimizer.name == "sgd":
                np.multiply(grads.theta, learning_rate, out=step)
                np.subtract(current.theta, step, out=idle.theta)
            else:
                after, shown = optimizer.step(current.theta, grads.theta, kept_state, learning_rate, number)
                kept_state = {key: shown[key] for key in optimizer.kept}
                np.copyto(idle.theta, after)
            # Plain descent with a zero gradient leaves θ exactly as it was; another optimizer may still move it.
            still = still and zero and (plain or bool((idle.theta == current.theta).all()))
            current, idle = idle, current
            if step_path:
                path[steps_run - 1] = current.theta[list(step_path)]
            if not math.isfinite(current.theta.sum()):
                # This step ran, but its update left θ unusable: the next one cannot be computed.
                diverged_at, diverged_by = epoch + 1, "parameters"
                break
        if diverged_by == "cost" and diverged_at == epoch:
            break
        costs[epoch - first_epoch] = cost
        run_epochs = epoch
        if stuck_at is None and still and diverged_at is None:
            stuck_at = epoch
            dead_at_stuck = dead_relus(network, epoch_zs)
        if diverged_at is not None:
            break
        if next_kept < len(kept) and kept[next_kept] == epoch:
            history[next_kept] = current.theta
            next_kept += 1
    if diverged_at is not None and run_epochs > start and run_epochs not in thetas:
        # The last epoch that ran is where a divergence is explained: always kept, with its steps.
        if plain:
            thetas[run_epochs] = step_thetas[run_epochs] = idle.theta.copy()  # `idle` holds its θ
            step_states[run_epochs] = {}
        else:  # run again from its start, by this very loop, recording it
            theta, began = starts[run_epochs]
            again = train(network, Params(network, theta), x, y, learning_rate, run_epochs, [run_epochs],
                          history_budget, False, run_epochs, optimizer, batch_size, seed, began)  # fmt: skip
            thetas.update(again.thetas)
            step_thetas.update(again.step_thetas)
            step_states.update(again.step_states)
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
        optimizer=optimizer,
        batch_size=batch_size,
        seed=seed,
        step_costs=step_costs[:steps_run],
        step_thetas=step_thetas,
        step_states=step_states,
        final_state=kept_state,
        step_path=path[:steps_run] if step_path else None,
    )
