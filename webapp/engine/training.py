"""Full-batch gradient descent that records every number of the epochs a client will show.

Two loops run the same epochs and return the same record (costs of every epoch, parameters at
evenly spaced epochs, per-node detail of the requested epochs). The numpy loop makes a fixed,
small number of numpy calls per epoch whatever the network's size; on a tiny network each call
costs far more than its arithmetic (about 0.5 µs to multiply two 1 × 1 arrays), so there the
scalar loop does the same maths on Python floats instead.

The loops agree to rounding. Where only +, −, ×, ÷ and comparisons meet one product at a time
(ReLU, leaky ReLU and linear layers one neuron wide, one sample) they agree bit for bit; sums of
several products and exp/tanh may differ in the last bit, as BLAS fuses and reorders sums and
numpy's SIMD exp and tanh round differently from `math`.
"""

import math
from dataclasses import dataclass, field
from itertools import chain
from operator import mul, sub

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network, Params

# Largest parameters × samples that engine="auto" trains with the scalar loop. Its time per epoch
# grows with that product, the numpy loop's hardly at all this small: they break even between 24
# and 50 depending on the shape (deep and narrow favours the scalar loop), and up to 16 the scalar
# loop was faster on every shape measured; on the worksheet's network (2) about 2.5 times.
SCALAR_MAX_WORK = 16
ENGINES = ("auto", "numpy", "scalar")


@dataclass
class Pass:
    """Everything one forward and backward pass computed, per sample (rows) and neuron (columns)."""

    network: Network
    z: list[np.ndarray]
    a: list[np.ndarray]
    grad_z: list[np.ndarray]
    grad_a: list[np.ndarray]
    theta: np.ndarray  # the parameters the pass used, before its update
    grad_theta: np.ndarray
    cost: float

    @property
    def params(self) -> Params:
        return Params(self.network, self.theta)

    @property
    def grads(self) -> Params:
        return Params(self.network, self.grad_theta)


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


def choose_engine(network: Network, samples: int, engine: str = "auto") -> str:
    """The loop that trains: "numpy" or "scalar", as asked, or by size for "auto"."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "scalar" if network.param_count * samples <= SCALAR_MAX_WORK else "numpy"
    return engine


@np.errstate(over="ignore", invalid="ignore", divide="ignore")
def train(
    network: Network,
    params: Params,
    x,
    y,
    learning_rate: float,
    epochs: int,
    detail_epochs=(),
    history_budget: int = 20_000,
    engine: str = "auto",
) -> Run:
    """Run `epochs` epochs of w := w − α·dJ/dw, stopping at the first non-finite number."""
    # A run diverges at the first epoch whose cost or updated parameters are not finite or, if its
    # detail is recorded, any value or gradient. The last finite epoch of a diverged run is always
    # recorded in full: it is where the divergence is explained.
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    kept = history_epochs(epochs, network.param_count, history_budget)
    loop = _train_scalar if choose_engine(network, len(x), engine) == "scalar" else _train_numpy
    run = loop(network, params, x, y, learning_rate, epochs, set(detail_epochs), kept)
    if run.final_cost is not None and not math.isfinite(run.final_cost):
        run.final_cost = None
        run.diverged_at = epochs + 1
    return run


def _train_numpy(network, params, x, y, learning_rate, epochs, wanted, kept) -> Run:
    """The epochs as whole-batch numpy operations."""
    initial = params
    # Two parameter buffers take turns: the update writes into the idle one, so nothing is copied back.
    params, idle = params.copy(), params.copy()
    grads = params.zeros_like()
    grad_theta = grads.theta
    step = np.empty_like(grad_theta)
    loss = LOSSES[network.loss]
    history = np.empty((len(kept), len(grad_theta)))
    history[0] = params.theta
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
        np.multiply(grad_theta, learning_rate, out=step)
        np.subtract(params.theta, step, out=idle.theta)
        if not math.isfinite(idle.theta.sum()):
            diverged_at = epoch
            break
        if epoch in wanted:
            if not _all_finite(zs + activations + grad_zs + grad_as):
                diverged_at = epoch
                break
            # zs and the rest are new arrays every epoch; only the two buffers are reused.
            detail[epoch] = Pass(
                network, zs, activations, grad_zs, grad_as, params.theta.copy(), grad_theta.copy(), cost
            )
        params, idle = idle, params
        costs[epoch - 1] = cost
        if next_kept < len(kept) and kept[next_kept] == epoch:
            history[next_kept] = params.theta
            next_kept += 1
    run_epochs = epoch - 1 if diverged_at else epochs
    if diverged_at and run_epochs and run_epochs not in detail:
        # Runs are deterministic, so replaying up to the last finite epoch is cheaper than
        # copying every epoch in case the next one diverges.
        replay = _train_numpy(network, initial, x, y, learning_rate, run_epochs, {run_epochs}, kept[:1])
        if run_epochs in replay.detail:
            detail[run_epochs] = replay.detail[run_epochs]
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
        final_cost=None if diverged_at else cost_of(network, params, x, y),
        diverged_at=diverged_at,
        stuck_at=stuck_at,
        dead_at_stuck=dead_at_stuck,
    )


def _train_scalar(network, params, x, y, learning_rate, epochs, wanted, kept) -> Run:
    """The same epochs on Python floats, each layer's values a flat list (samples × neurons, row-major)."""
    net = _ScalarNet(network, len(x))
    loss = net.loss
    xs, ys = x.ravel().tolist(), y.ravel().tolist()
    samples = len(x)
    theta = params.theta.tolist()
    history = [theta]
    next_kept = 1
    keep = [*kept.tolist(), None]  # a list index is cheaper than a numpy one, every epoch
    costs: list[float] = []
    recorded: dict[int, tuple] = {}
    diverged_at = stuck_at = None
    dead_at_stuck: list = []
    last = None
    for epoch in range(1, epochs + 1):
        zs, activations = net.forward(theta, xs)
        cost = loss.scalar_cost(activations[-1], ys, zs[-1], samples)
        if not math.isfinite(cost):
            diverged_at = epoch
            break
        grad_theta, grad_zs, grad_as = net.backward(theta, xs, ys, zs, activations)
        if stuck_at is None and not any(grad_theta):
            stuck_at = epoch
            dead_at_stuck = dead_relus(network, net.arrays(zs))
        updated = list(map(sub, theta, map(learning_rate.__mul__, grad_theta)))  # θ − α·dJ/dθ
        if not math.isfinite(sum(updated)):
            diverged_at = epoch
            break
        record = (zs, activations, grad_zs, grad_as, theta, grad_theta, cost)
        if epoch in wanted:
            if not _all_finite_floats(zs + activations + grad_zs + grad_as):
                diverged_at = epoch
                break
            recorded[epoch] = record
        last = record
        theta = updated
        costs.append(cost)
        if keep[next_kept] == epoch:
            history.append(theta)
            next_kept += 1
    run_epochs = epoch - 1 if diverged_at else epochs
    if diverged_at and run_epochs and run_epochs not in recorded and _all_finite_floats(chain(*last[:4])):
        # Every epoch's lists are new ones, so the last finite epoch is still at hand: no replay.
        recorded[run_epochs] = last
    final_cost = None
    if not diverged_at:
        zs, activations = net.forward(theta, xs)
        final_cost = loss.scalar_cost(activations[-1], ys, zs[-1], samples)
    return Run(
        network=network,
        x=x,
        y=y,
        learning_rate=learning_rate,
        costs=np.array(costs, dtype=float),
        detail=net.passes(recorded),
        history_epochs=kept[:next_kept],
        history=_table(history, (len(history), net.param_count)),
        params_after=Params(network, np.array(theta, dtype=float)),
        final_cost=final_cost,
        diverged_at=diverged_at,
        stuck_at=stuck_at,
        dead_at_stuck=dead_at_stuck,
    )


class _ScalarNet:
    """A network's passes on flat lists of floats, with every slice into them computed once per run."""

    # A layer's values for all samples are one list, samples × neurons row-major as in the numpy
    # arrays; the parameters are the flat theta list. A sample's row is a slice of it, a neuron's
    # column a strided slice, and a product of matrices one comprehension over pairs of rows and
    # columns. With one sample (the worksheet's case) a row is the whole list and a column one
    # number, so those products skip the slicing: the same sums, about 15% sooner.

    def __init__(self, network: Network, samples: int):
        self.network = network
        self.samples = samples
        self.one_sample = samples == 1
        self.loss = LOSSES[network.loss]
        widths = network.layers
        rows = [[slice(s * w, (s + 1) * w) for s in range(samples)] for w in widths]
        columns = [[slice(j, None, w) for j in range(w)] for w in widths]
        self.forward_plan, self.backward_plan = [], []
        offset, bias_offset = 0, sum(r * c for r, c in network.weight_shapes())
        for k, (width, inputs) in enumerate(network.weight_shapes()):
            end = offset + width * inputs
            weight_rows = [slice(offset + j * inputs, offset + (j + 1) * inputs) for j in range(width)]
            weight_columns = [slice(offset + i, end, inputs) for i in range(inputs)]
            biases = slice(bias_offset, bias_offset + width) if network.bias else None
            if biases:
                # Each neuron's weight row with the index of its bias in theta.
                weight_rows = list(zip(weight_rows, range(biases.start, biases.stop), strict=True))
                bias_offset += width
            self.forward_plan.append((rows[k], weight_rows, ACTIVATIONS[network.activations[k]].scalar_forward))
            derivative_in = ACTIVATIONS[network.activations[k - 1]].scalar_derivative if k else None
            self.backward_plan.append(
                (k, columns[k + 1], columns[k], slice(offset, end), biases, rows[k + 1], weight_columns, derivative_in)
            )
            offset = end
        self.backward_plan.reverse()
        self.output_derivative = ACTIVATIONS[network.activations[-1]].scalar_derivative
        self.param_count = network.param_count

    def forward(self, theta: list[float], xs: list[float]) -> tuple[list[list[float]], list[list[float]]]:
        """z and a of every layer; sums run left to right and the bias comes last, as in a @ w.T + b."""
        zs, activations = [], []
        a = xs
        for rows, weights, f in self.forward_plan:
            sample_rows = [a] if self.one_sample else [a[r] for r in rows]
            if self.network.bias:
                z = [sum(map(mul, x, theta[w])) + theta[b] for x in sample_rows for w, b in weights]
            else:
                z = [sum(map(mul, x, theta[w])) for x in sample_rows for w in weights]
            a = list(map(f, z))
            zs.append(z)
            activations.append(a)
        return zs, activations

    def backward(self, theta, xs, ys, zs, activations) -> tuple[list[float], list, list]:
        """The flat gradient of every parameter, and dJ/dz and dJ/da per layer, as `backward` computes them."""
        loss = self.loss
        depth = len(zs)
        grad_zs: list = [None] * depth
        grad_as: list = [None] * depth
        yhat, z_out = activations[-1], zs[-1]
        grad_as[-1] = loss.scalar_grad_yhat(yhat, ys, z_out, self.samples)
        if loss.scalar_grad_z is not None:
            grad_z = loss.scalar_grad_z(yhat, ys, z_out, self.samples)
        else:
            grad_z = list(map(mul, grad_as[-1], map(self.output_derivative, z_out)))
        grad_theta = [0.0] * self.param_count
        for k, out_columns, in_columns, weights, biases, out_rows, weight_columns, derivative in self.backward_plan:
            grad_zs[k] = grad_z
            a_in = activations[k - 1] if k else xs
            # grad_z.T @ a_in and grad_z.sum(axis=0): sums over the samples. A sum of one number
            # is 0.0 + it, as sum() and BLAS start from +0.0.
            if self.one_sample:
                grad_theta[weights] = [0.0 + g * x for g in grad_z for x in a_in]
                if biases:
                    grad_theta[biases] = [0.0 + g for g in grad_z]
            else:
                grad_columns = [grad_z[c] for c in out_columns]
                input_columns = [a_in[c] for c in in_columns]
                grad_theta[weights] = [sum(map(mul, g, x)) for g in grad_columns for x in input_columns]
                if biases:
                    grad_theta[biases] = list(map(sum, grad_columns))
            if k:
                # grad_z @ w: sums over this layer's neurons.
                grad_rows = [grad_z] if self.one_sample else [grad_z[r] for r in out_rows]
                grad_a = [sum(map(mul, g, theta[w])) for g in grad_rows for w in weight_columns]
                grad_as[k - 1] = grad_a
                grad_z = list(map(mul, grad_a, map(derivative, zs[k - 1])))
        return grad_theta, grad_zs, grad_as

    def arrays(self, blocks: list[list[float]]) -> list[np.ndarray]:
        """Per-layer flat lists as samples × neurons arrays."""
        return [np.array(block, dtype=float).reshape(self.samples, -1) for block in blocks]

    def passes(self, recorded: dict[int, tuple]) -> dict[int, Pass]:
        """Passes of arrays shaped as the numpy loop's, converted for all recorded epochs at once."""
        if not recorded:
            return {}
        records = list(recorded.values())
        count = len(records)

        def per_epoch(lists, shape) -> list[np.ndarray]:
            # One conversion for every recorded epoch, then a view per epoch: numpy calls per
            # layer, not per layer and epoch.
            return list(_table(lists, (count, *shape)))

        def layers(part: int) -> list[list[np.ndarray]]:
            widths = self.network.layers[1:]
            by_layer = [per_epoch((r[part][k] for r in records), (self.samples, w)) for k, w in enumerate(widths)]
            return [list(arrays) for arrays in zip(*by_layer, strict=True)]

        zs, activations, grad_zs, grad_as = (layers(part) for part in range(4))
        thetas = per_epoch((r[4] for r in records), (self.param_count,))
        grads = per_epoch((r[5] for r in records), (self.param_count,))
        return {
            epoch: Pass(self.network, zs[e], activations[e], grad_zs[e], grad_as[e], thetas[e], grads[e], record[6])
            for e, (epoch, record) in enumerate(recorded.items())
        }


def _table(lists, shape) -> np.ndarray:
    """Equal-length lists of floats as one array: flat floats convert far faster than nested lists."""
    return np.fromiter(chain.from_iterable(lists), float).reshape(shape)


def _all_finite_floats(blocks) -> bool:
    """Whether every float in some flat lists is finite."""
    return all(map(math.isfinite, chain.from_iterable(blocks)))
