"""The engine: networks, their computational graph, training with recording.

Nothing in this package imports Flask, so it can be used and tested on its own.
"""

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import Graph
from webapp.engine.losses import LOSSES
from webapp.engine.network import Network, Params, init_params
from webapp.engine.training import Run, record_pass, train

__all__ = ["ACTIVATIONS", "LOSSES", "Graph", "Network", "Params", "Run", "init_params", "record_pass", "train"]
