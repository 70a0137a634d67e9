"""The API's limits: large enough for teaching, small enough that no request can hog the server."""

from itertools import pairwise

MAX_LAYERS = 6  # input and output included
MAX_WIDTH = 16
MAX_SAMPLES = 256
MAX_EPOCHS = 10_000
MAX_ABS_NUMBER = 1e6  # inputs, targets, initial weights and biases
MAX_LEARNING_RATE = 100.0
MAX_BODY_BYTES = 256 * 1024
MAX_DETAIL_SAMPLES = 8
# Epochs of detail in one response, asked for or chosen. By default a run gets as many as the
# budget below fits, but never more than this many: evenly spaced, the first and last epoch always
# included. Every detail epoch costs time to record, report and encode, and the budget alone would
# give the worksheet's network 769 of 1000 epochs; with 200 a 1000-epoch call stays well under 50 ms.
MAX_DETAIL_EPOCHS = 200
# Numbers of per-epoch detail (values, gradients, local derivatives) in one response: about 20 bytes
# each as JSON, so the detail stays near 400 KB whatever the request.
DETAIL_BUDGET = 20_000
# Parameter values kept for the weights-per-epoch history.
HISTORY_BUDGET = 10_000

# Work budget: a request's cost in CPU time grows with epochs × samples × parameters (every epoch
# multiplies each parameter by each sample about three times), plus a fixed cost per epoch for the
# numpy calls themselves, worth about EPOCH_OVERHEAD_UNITS of that product.
EPOCH_OVERHEAD_UNITS = 10_000
MAX_WORK_UNITS = 200_000_000


def param_count(layers: list[int], bias: bool) -> int:
    weights = sum(a * b for a, b in pairwise(layers))
    return weights + (sum(layers[1:]) if bias else 0)


def work_units(layers: list[int], bias: bool, samples: int, epochs: int) -> int:
    """A request's cost in the units MAX_WORK_UNITS bounds; call it only on sizes already within the limits."""
    return epochs * (samples * param_count(layers, bias) + EPOCH_OVERHEAD_UNITS)


# Above this many work units a run counts as heavy and waits for one of a few slots (webapp.admission).
# Below it a run costs at most a few tens of milliseconds of CPU (the worksheet's network trains
# 1000 epochs in about 17 ms, 10 million units), too little to crowd out anyone else: the
# worksheet's steps and the page's usual Train clicks never queue behind a heavy run.
HEAVY_WORK_UNITS = 20_000_000
