"""What the network computes over its input space at one epoch, as the API's JSON: ŷ (and each hidden
neuron's output) over one input or a plane of two, the other inputs held at a sample's values, with
every sample and its ŷ."""

import numpy as np

from webapp.engine.graph import Kind
from webapp.engine.input_space import activations_over
from webapp.engine.training import Run
from webapp.presentation.notation import number
from webapp.request import limits
from webapp.request.resolve import Resolved


def span(values: np.ndarray) -> list[float]:
    """A range around the samples' values that also takes in 0 (where a ReLU bends), with room on both sides."""
    low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    margin = 0.15 * max(high - low, 1.0)
    return [low - margin, high + margin]


def _finite(values) -> list:
    """JSON holds no NaN or Infinity: a number past a float's range is null."""
    array = np.asarray(values, dtype=float)
    return np.where(np.isfinite(array), array, None).tolist()


def _on_grid(x: np.ndarray, held: np.ndarray, columns: list[int], axes: list[np.ndarray]):
    """(sample, grid point) of every sample whose inputs are exactly a point of the grid."""
    others = [c for c in range(x.shape[1]) if c not in columns]
    for sample, row in enumerate(x):
        if not np.array_equal(row[others], held[others]):
            continue
        found = [np.flatnonzero(axis == row[c]) for c, axis in zip(columns, axes, strict=True)]
        if all(len(f) for f in found):
            yield sample, int(found[0][0] + (found[1][0] * len(axes[0]) if len(found) == 2 else 0))


def input_space(resolved: Resolved, run: Run, epoch: int, options, steps: int) -> dict:
    """ŷ over the chosen inputs (`steps` points a side) with θ at the start of `epoch`, the other inputs
    held at sample `options.sample`'s values."""
    graph, network = resolved.graph, resolved.network
    x = np.asarray(resolved.request.x, dtype=float)
    inputs = graph.ids(Kind.INPUT, 0)
    columns = [inputs.index(name) for name in options.inputs]
    ranges = options.ranges or [span(x[:, c]) for c in columns]
    axes = [np.linspace(low, high, steps) for low, high in ranges]
    # The points: the chosen sample's inputs, with the spanned ones over the grid (rows follow the second axis).
    mesh = np.meshgrid(*axes) if len(axes) == 2 else axes
    points = np.repeat(x[options.sample][None, :], mesh[0].size, axis=0)
    for column, values in zip(columns, mesh, strict=True):
        points[:, column] = values.ravel()
    theta = run.thetas[epoch]
    layers = activations_over(network, theta, points, limits.INPUT_SPACE_NUMBERS)
    # Where a grid point is a sample's input, its numbers are the training pass's own for that sample: a batch
    # of another size may round a sum's last bit otherwise, and a number has one value wherever it is shown.
    record = run.record(epoch)
    for sample, point in _on_grid(x, x[options.sample], columns, axes):
        for layer, a in zip(layers, record.a, strict=True):
            layer[point] = a[sample]
    shape = mesh[0].shape

    def grids(layer: int) -> list[dict]:
        ids = graph.ids(Kind.ACTIVATION, layer)
        return [
            {"id": i, "label": graph.node[i].label, "values": _finite(layers[layer - 1][:, j].reshape(shape))}
            for j, i in enumerate(ids)
        ]

    depth = network.depth
    held = {name: float(x[options.sample, c]) for c, name in enumerate(inputs) if name not in options.inputs}
    caption = ""
    if held:
        said = ", ".join(f"{graph.node[name].label} = {number(value)}" for name, value in list(held.items())[:6])
        more = ", …" if len(held) > 6 else ""
        caption = f"The other inputs are held at sample {options.sample + 1}'s values: {said}{more}."
    return {
        "epoch": epoch,
        "axes": [
            {"id": name, "label": graph.node[name].label, "values": axis.tolist()}
            for name, axis in zip(options.inputs, axes, strict=True)
        ],
        "held": held,
        "caption": caption,
        "outputs": grids(depth),
        "neurons": [n for layer in range(1, depth) for n in grids(layer)] if options.neurons else None,
        "boundary": 0.5 if network.activations[-1] == "sigmoid" else None,
        "samples": {"x": x.tolist(), "y": resolved.request.y, "yhat": _finite(record.a[-1])},
    }
