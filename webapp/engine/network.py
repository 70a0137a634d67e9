"""A network's shape and its parameters, packed in one flat vector θ so an update is one operation.

`Block` says where each weight matrix and bias vector sits in θ; it is the one place that knows
the layout: the parameter views here and the graph's ids (`graph.py`) are both built from it.
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


def init_params(network: Network, seed: int) -> Params:
    """He initialisation for ReLU-like layers, Xavier otherwise; biases start at zero."""
    rng = np.random.default_rng(seed)
    weights = []
    for k, activation in enumerate(network.activations):
        rows, cols = network.layers[k + 1], network.layers[k]
        gain = 2.0 if activation in ("relu", "leaky_relu") else 1.0
        weights.append(rng.normal(0.0, np.sqrt(gain / cols), size=(rows, cols)))
    return Params.from_lists(network, weights)
