"""The engine: networks, their computational graph, training with recording (numpy, or floats when tiny).

Nothing in this package imports Flask, so it can be used and tested on its own.
"""

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import build_graph
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network, Params, init_params
from webapp.engine.training import Run, train

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "Network",
    "Params",
    "Run",
    "build_graph",
    "init_params",
    "train",
]
