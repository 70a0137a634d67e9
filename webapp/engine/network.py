"""A network's shape and its parameters, packed in one flat vector θ so an update is one operation.

`Block` says where each weight matrix and bias vector sits in θ; it is the one place that knows
the layout: the parameter views here and the graph's ids (`graph.py`) are both built from it.

Seeded starts are checked against the data. A plain He start can give a ReLU neuron an input
z ≤ 0 for every sample: it outputs 0, passes no gradient back and never learns; in a network one
neuron wide that stops the whole run at epoch 1 (the worksheet's x = 3 has a 50 % chance per
neuron). So `init_params`, given the samples, walks the layers with training's forward pass and,
for each ReLU neuron that would start dead (`training.dead_neurons`), flips the sign of its incoming
weights (z becomes −z, positive for every sample whose z was negative); a neuron whose z is exactly
0 for every sample gets its row redrawn from the same generator.

Then the start is scaled down, if need be, so that no sample's output moves too far in one step:
the sum over the weights of (∂z_out/∂w)² (training's backward pass gives it), the size of one
gradient step's effect on the output per unit of learning rate, is kept at most `MAX_STEP_GAIN`. Unscaled, a He start on
x = 3 in a network 4 wide has a gain near 100, so α = 0.1 throws the output past 0 at the first
update and the output ReLU dies; at most 1, α = 0.1 moves the output a tenth of the way to its
target. Everything depends only on the seed and the data, so a seed still names one start.
"""

from dataclasses import dataclass

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES


@dataclass(frozen=True)
class Block:
    """One weight matrix (rows = neurons fed, columns = inputs) or bias vector (rows × 1) in θ."""

    kind: str  # "weight" or "bias"
    layer: int  # 1-based: the layer it feeds
    offset: int
    rows: int
    cols: int

    @property
    def size(self) -> int:
        return self.rows * self.cols

    def position(self, row: int, col: int = 0) -> int:
        return self.offset + row * self.cols + col


@dataclass(frozen=True)
class Network:
    """Layer widths (input and output included), one activation per non-input layer, the loss."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str = "half_mse"
    bias: bool = False

    def __post_init__(self):
        if len(self.layers) < 2 or min(self.layers) < 1:
            raise ValueError("a network needs at least two layers, each at least 1 wide")
        if len(self.activations) != len(self.layers) - 1:
            raise ValueError("one activation is needed per non-input layer")
        unknown = [a for a in self.activations if a not in ACTIVATIONS]
        if unknown:
            raise ValueError(f"unknown activation {unknown[0]!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}")
        required = LOSSES[self.loss].output_activation
        if required and self.activations[-1] != required:
            raise ValueError(f"the {self.loss} loss needs a {required} output layer")

    @property
    def depth(self) -> int:
        """The number of weight layers."""
        return len(self.layers) - 1

    def blocks(self) -> list[Block]:
        """Every weight matrix, layer by layer, then every bias vector: θ's layout."""
        blocks, offset = [], 0
        for k in range(self.depth):
            blocks.append(Block("weight", k + 1, offset, self.layers[k + 1], self.layers[k]))
            offset += self.layers[k + 1] * self.layers[k]
        if self.bias:
            for k in range(self.depth):
                blocks.append(Block("bias", k + 1, offset, self.layers[k + 1], 1))
                offset += self.layers[k + 1]
        return blocks

    @property
    def param_count(self) -> int:
        return sum(b.size for b in self.blocks())


class Params:
    """Weights (outputs × inputs per layer) and biases as views into one flat vector θ.

    θ may also be a stack of vectors (… × parameters), say one per point of a grid: then every
    weight matrix has the same leading dimensions, and every bias vector a 1 before its neurons,
    so that the forward pass computes every θ of the stack at once by broadcasting.
    """

    def __init__(self, network: Network, theta: np.ndarray):
        self.network = network
        self.theta = theta
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        lead = theta.shape[:-1]
        for block in network.blocks():
            view = theta[..., block.offset : block.offset + block.size]
            if block.kind == "weight":
                self.weights.append(view.reshape(*lead, block.rows, block.cols))
            else:
                self.biases.append(view.reshape(*lead, 1, block.rows) if lead else view)

    @classmethod
    def from_lists(cls, network: Network, weights, biases=None) -> "Params":
        params = cls(network, np.zeros(network.param_count))
        for k, matrix in enumerate(weights):
            params.weights[k][...] = np.asarray(matrix, dtype=float)
        for k, vector in enumerate(biases or []):
            params.biases[k][...] = np.asarray(vector, dtype=float)
        return params

    def nested(self) -> dict:
        """Weights (and biases) in the API's nested-list layout."""
        out = {"weights": [w.tolist() for w in self.weights]}
        if self.network.bias:
            out["biases"] = [b.tolist() for b in self.biases]
        return out


# Redraws of a neuron whose input is exactly 0 for every sample, before leaving it as it is.
MAX_REDRAWS = 8
# The largest Σ (∂z_out/∂w)² over the weights a seeded start allows for any sample: α times it
# is how far one step moves the output per unit of error.
MAX_STEP_GAIN = 1.0


def init_params(network: Network, seed: int, x=None) -> Params:
    """He initialisation for ReLU-like layers, Xavier otherwise; biases start at zero. Given the
    samples `x`, no ReLU starts dead: see the module's docstring."""
    rng = np.random.default_rng(seed)
    weights = []
    for k, activation in enumerate(network.activations):
        rows, cols = network.layers[k + 1], network.layers[k]
        gain = 2.0 if activation in ("relu", "leaky_relu") else 1.0
        weights.append(rng.normal(0.0, np.sqrt(gain / cols), size=(rows, cols)))
    if x is not None:
        x = np.asarray(x, dtype=float)
        _revive(network, weights, x, rng)
        _temper(network, weights, x)
    return Params.from_lists(network, weights)


def step_gain(network: Network, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Per sample, Σ over every weight of (∂ Σz_out / ∂w)² at zero biases: training's backward pass
    from dJ/dz_out = 1 gives each layer's ∂ Σz_out / ∂z, and ∂z/∂w is the layer's input."""
    from webapp.engine.training import backward, forward  # training builds on this module

    params, x = Params.from_lists(network, weights), np.asarray(x, dtype=float)
    zs, activations = forward(network, params, x)
    grads = Params(network, np.zeros_like(params.theta))
    upstream, _ = backward(network, params, x, None, zs, activations, grads, True, np.ones_like(zs[-1]))
    gain = np.zeros(len(x))
    for k in range(network.depth - 1, -1, -1):
        gain += (upstream[k] ** 2).sum(axis=1) * ((activations[k - 1] if k else x) ** 2).sum(axis=1)
    return gain


def _temper(network: Network, weights: list[np.ndarray], x: np.ndarray) -> None:
    """Scale every weight down by one factor until each sample's step gain is at most MAX_STEP_GAIN."""
    if network.depth < 2:
        return  # one layer's gain is Σx², which no weight changes
    for _ in range(20):
        gain = float(step_gain(network, weights, x).max())
        if not gain > MAX_STEP_GAIN:
            return
        # Exact for ReLU-like and linear layers (the gain scales as factor^(2·(depth − 1))).
        factor = (MAX_STEP_GAIN / gain) ** (1 / (2 * (network.depth - 1)))
        for w in weights:
            w *= factor


def _revive(network: Network, weights: list[np.ndarray], x: np.ndarray, rng: np.random.Generator) -> None:
    """Flip (or redraw) the incoming weights of every dead ReLU, layer by layer, with training's forward pass."""
    from webapp.engine.training import dead_neurons, forward

    for k, w in enumerate(weights):
        zs, activations = forward(network, Params.from_lists(network, weights), x)
        for j in np.flatnonzero(dead_neurons(network, zs)[k]):
            column = zs[k][:, j]
            for _ in range(MAX_REDRAWS):  # z is exactly 0 for every sample: no flip helps, redraw
                if column.any():
                    break
                w[j] = rng.normal(0.0, np.sqrt(2.0 / w.shape[1]), size=w.shape[1])
                column = (activations[k - 1] if k else x) @ w[j]
            if column.max() <= 0 and column.any():
                w[j] = -w[j]
