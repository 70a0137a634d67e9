"""The API's limits: large enough for teaching, small enough that no request can hog the server."""

from itertools import pairwise

MAX_LAYERS = 6  # input and output included
MAX_WIDTH = 16
MAX_SAMPLES = 256
MAX_EPOCHS = 10_000
MAX_ABS_NUMBER = 1e6  # inputs, targets, initial weights and biases
MAX_LEARNING_RATE = 100.0
MAX_BODY_BYTES = 256 * 1024
MAX_ANSWER_CHARS = 200  # an answer to check; the checker reads at most 64 of them
# A page's query holds its whole state (the permalink): x and y of 256 samples are its longest fields.
# Longer queries are refused before any work by the app (414, with its headers). granian's own limit
# on a URL is 64 KB (then a bare 414), so this stays below it; gunicorn's limits are set above it.
MAX_QUERY_BYTES = 60 * 1024
MAX_DETAIL_SAMPLES = 8
# A data set's noise (webapp/engine/datasets.py): at 0.5 TensorFlow Playground's shapes are barely there.
MAX_DATASET_NOISE = 0.5
# Parameters given one by one (`params`, or a page's query): no network has more.
MAX_PARAMS = (MAX_LAYERS - 1) * MAX_WIDTH * (MAX_WIDTH + 1)
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

# Work budget. A request's CPU time grows with epochs × samples × parameters (each epoch multiplies
# every parameter by every sample a few times), plus a fixed cost per epoch and layer for the numpy
# calls themselves, worth about LAYER_OVERHEAD_UNITS of that product. Measured (CPU seconds, with the
# API's recording and JSON): the worksheet's 10 000 epochs 0.49 s; 6 layers of 16 on one sample 187 µs
# an epoch; on 256 samples 0.75 ms (ReLU) to 1.1 ms (sigmoid and cross-entropy) an epoch. This
# budget keeps every allowed request under about a second of CPU and still gives the worksheet's
# network all 10 000 epochs.
LAYER_OVERHEAD_UNITS = 20_000
MAX_WORK_UNITS = 420_000_000


def param_count(layers: list[int], bias: bool) -> int:
    weights = sum(a * b for a, b in pairwise(layers))
    return weights + (sum(layers[1:]) if bias else 0)


def steps_per_epoch(samples: int, batch_size: int | None) -> int:
    """Steps in one pass over the data: one when a batch holds every sample."""
    return -(-samples // min(batch_size or samples, samples))


def max_epochs(layers: list[int], bias: bool, samples: int, steps: int = 1) -> int:
    """The most epochs the work budget allows this network and data, in `steps` steps an epoch."""
    return min(MAX_EPOCHS, MAX_WORK_UNITS // work_units(layers, bias, samples, 1, steps))


def work_units(layers: list[int], bias: bool, samples: int, epochs: int, steps: int = 1) -> int:
    """A request's cost in the units MAX_WORK_UNITS bounds; call it only on sizes already within the limits.
    The budget counts steps: each pays the numpy calls' fixed cost per layer, and an epoch of several
    steps adds a forward pass over every sample (its cost), counted as a second pass over the data."""
    passes = 1 if steps == 1 else 2
    return epochs * (passes * samples * param_count(layers, bias) + steps * LAYER_OVERHEAD_UNITS * (len(layers) - 1))


# Above this many work units a run counts as heavy and waits for one of a few slots (webapp.web.admission).
# Below it a run costs at most about 100 ms of CPU (a tenth of the budget's second; the worksheet's
# network trains 1 000 epochs in less), too little to crowd out anyone: the worksheet's steps and the
# page's usual Train clicks never queue behind a heavy run.
HEAVY_WORK_UNITS = MAX_WORK_UNITS // 10

# The cost surface: at most this many points a side, and the grid's forward pass holds about
# points × samples × the widest layer numbers at once, kept under this many (16 MB of floats).
LANDSCAPE_MAX_STEPS = 61
LANDSCAPE_MIN_STEPS = 11
LANDSCAPE_NUMBERS = 2_000_000

# The input space (POST /api/input-space): ŷ at a grid of inputs, points a side from MIN to MAX (the
# default: 81 along one input, 41 a side over two). The answer holds points × (outputs, and every hidden
# neuron when asked) numbers, about 20 bytes each as JSON: at most INPUT_SPACE_ANSWER numbers (2 MB).
# The forward pass runs over the grid a few thousand points at a time, holding at most
# INPUT_SPACE_NUMBERS floats (8 MB); its work counts like training's (points × parameters).
INPUT_SPACE_MIN_STEPS = 2
INPUT_SPACE_MAX_STEPS = 201
INPUT_SPACE_DEFAULT_STEPS = (81, 41)
INPUT_SPACE_ANSWER = 100_000
INPUT_SPACE_NUMBERS = 1_000_000

# A CSV export holds every epoch's parameters and gradients: at most this many numbers (about 17 MB).
# Writing and compressing one costs about 0.8 µs of CPU, counted in the export's work units; with its
# training (about 130 units a number) the largest CSV stays within MAX_WORK_UNITS.
EXPORT_NUMBERS = 800_000
EXPORT_UNITS_PER_NUMBER = 350

# An expression (POST /api/expression, the page's `expr`): checked on its text before it is parsed, so
# no formula can make the parser or the graph large. 200 characters hold every textbook example (the
# sigmoid neuron is 45); 40 operations draw as a graph a screen can still show; nesting is bounded
# separately because Python's parser recurses on it; a dozen names cover a neuron with five inputs.
MAX_EXPRESSION_CHARS = 200
MAX_EXPRESSION_OPERATIONS = 40
MAX_EXPRESSION_DEPTH = 16
MAX_EXPRESSION_NAMES = 12
MAX_EXPRESSION_NAME_CHARS = 12
MAX_EXPONENT = 16  # a power's constant exponent, in absolute value
