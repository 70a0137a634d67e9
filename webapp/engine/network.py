"""A network's shape and its parameters, packed in one flat vector so an update is one operation."""

from dataclasses import dataclass

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.losses import LOSSES


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

    def weight_shapes(self) -> list[tuple[int, int]]:
        return [(self.layers[k + 1], self.layers[k]) for k in range(self.depth)]

    @property
    def param_count(self) -> int:
        n = sum(r * c for r, c in self.weight_shapes())
        return n + (sum(self.layers[1:]) if self.bias else 0)


class Params:
    """Weights (outputs × inputs per layer) and biases as views into one flat vector."""

    def __init__(self, network: Network, theta: np.ndarray):
        self.network = network
        self.theta = theta
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        offset = 0
        for rows, cols in network.weight_shapes():
            self.weights.append(theta[offset : offset + rows * cols].reshape(rows, cols))
            offset += rows * cols
        if network.bias:
            for width in network.layers[1:]:
                self.biases.append(theta[offset : offset + width])
                offset += width

    @classmethod
    def from_lists(cls, network: Network, weights, biases=None) -> "Params":
        parts = [np.asarray(w, dtype=float).ravel() for w in weights]
        if network.bias:
            if biases is None:
                biases = [np.zeros(width) for width in network.layers[1:]]
            parts += [np.asarray(b, dtype=float).ravel() for b in biases]
        params = cls(network, np.concatenate(parts) if parts else np.zeros(0))
        for w, shape in zip(params.weights, network.weight_shapes(), strict=True):
            if w.shape != shape:
                raise ValueError(f"weight matrix of shape {w.shape}, expected {shape}")
        return params

    def copy(self) -> "Params":
        return Params(self.network, self.theta.copy())

    def zeros_like(self) -> "Params":
        return Params(self.network, np.zeros_like(self.theta))


def init_params(network: Network, seed: int) -> Params:
    """He initialisation for ReLU-like layers, Xavier otherwise; biases start at zero."""
    rng = np.random.default_rng(seed)
    weights = []
    for (rows, cols), activation in zip(network.weight_shapes(), network.activations, strict=True):
        gain = 2.0 if activation in ("relu", "leaky_relu") else 1.0
        weights.append(rng.normal(0.0, np.sqrt(gain / cols), size=(rows, cols)))
    return Params.from_lists(network, weights)
