"""What the landscape, gradient-check and export endpoints add to a training request, checked
before anything trains: their options (`schema`), then what depends on the network."""

import numpy as np
from pydantic import ValidationError

from webapp.engine.graph import Kind
from webapp.request import limits
from webapp.request.resolve import RequestError, Resolved, _error_list, resolve
from webapp.request.schema import ExportOptions, GradientCheckOptions, InputSpaceOptions, LandscapeOptions


def _options(model, body: dict):
    """The model's fields taken out of the body and validated; the rest of the body is a training request."""
    try:
        return model.model_validate({name: body.pop(name) for name in list(body) if name in model.model_fields})
    except ValidationError as exc:
        raise RequestError(_error_list(exc)) from None


def _refuse(field: str, message: str):
    raise RequestError([{"field": field, "message": message}])


def landscape_request(body: dict) -> tuple[Resolved, list[str], int]:
    """The run, the two parameters of the plane and its points a side (as asked, within the memory the grid may take)."""
    options = _options(LandscapeOptions, body)
    resolved = resolve(body)
    params = resolved.graph.params
    if len(params) < 2:
        _refuse("axes", "this network has fewer than two parameters")
    axes = list(options.axes or params[:2])
    if axes[0] == axes[1]:
        _refuse("axes", 'two different parameter ids, e.g. ["w1", "w2"]')
    for axis in axes:
        if axis not in resolved.graph.param_position:
            _refuse("axes", f"this network has no parameter {axis}")
    fits = int(np.sqrt(limits.LANDSCAPE_NUMBERS / (len(resolved.request.x) * max(resolved.network.layers))))
    most = max(limits.LANDSCAPE_MIN_STEPS, min(limits.LANDSCAPE_MAX_STEPS, fits))
    if options.steps is not None and options.steps > most:
        _refuse("steps", f"from {limits.LANDSCAPE_MIN_STEPS} to {most} for this network")
    return resolved, axes, options.steps or most


def gradient_check_request(body: dict) -> tuple[Resolved, int]:
    """A training request that runs up to `epoch` and records it, and that epoch."""
    epoch = _options(GradientCheckOptions, body).epoch
    resolved = resolve({**body, "epochs": epoch, "detail_epochs": [epoch], "include_graph": False})
    params, samples = resolved.network.param_count, len(resolved.request.x)
    # Each parameter is nudged both ways and costed on every sample: 2P forward passes of P·N work.
    if 2 * params * samples * params > limits.MAX_WORK_UNITS // 2:
        _refuse("x", f"{samples} samples are too many to check {params} parameters one by one")
    return resolved, epoch


def export_request(body: dict) -> tuple[Resolved, str, int]:
    """A training request to export, its format and the epoch of its LaTeX tables (default the last)."""
    options = _options(ExportOptions, body)
    resolved = resolve({**body, "include_graph": False})
    req, params = resolved.request, resolved.network.param_count
    if options.format == "csv" and 2 * req.epochs_to_train * params > limits.EXPORT_NUMBERS:
        _refuse("epochs", f"at most {limits.EXPORT_NUMBERS // (2 * params)} epochs in one CSV for this network")
    epoch = req.epochs if options.epoch is None else options.epoch
    if options.format == "latex" and not req.first_epoch <= epoch <= req.epochs:
        _refuse("epoch", f"a whole number from {req.first_epoch} to {req.epochs}")
    return resolved, options.format, epoch


def input_space_request(body: dict) -> tuple[Resolved, InputSpaceOptions, int]:
    """A training request that runs up to `epoch`, the inputs to span (ids) and its points a side (as asked,
    within what the answer may hold)."""
    options = _options(InputSpaceOptions, body)
    epoch = options.epoch
    try:
        resolved = resolve({**body, "epochs": epoch, "detail_epochs": [epoch], "include_graph": False})
    except RequestError as exc:  # `epochs` is this request's `epoch`
        for error in exc.errors:
            error["field"] = "epoch" if error["field"] == "epochs" else error["field"]
        raise
    req, graph = resolved.request, resolved.graph
    if epoch <= req.from_epoch:
        _refuse("epoch", f"epoch {epoch} is not trained: the run continues from epoch {req.from_epoch}")
    inputs = graph.ids(Kind.INPUT, 0)
    chosen = list(options.inputs or inputs[:2])
    if len(set(chosen)) != len(chosen):
        _refuse("inputs", "two different input ids")
    for name in chosen:
        if name not in inputs:
            _refuse("inputs", f"this network has no input {name}; its inputs are {', '.join(inputs[:16])}")
    if options.sample >= len(req.x):
        _refuse("sample", f"sample {options.sample} does not exist; there are {len(req.x)}")
    for axis, (low, high) in enumerate(options.ranges or []):
        if not low < high:
            _refuse(f"ranges[{axis}]", "[low, high] with low less than high")
    if options.ranges is not None and len(options.ranges) != len(chosen):
        _refuse("ranges", f"one [low, high] for each of the {len(chosen)} inputs")
    per_point = resolved.network.layers[-1] + (sum(resolved.network.layers[1:-1]) if options.neurons else 0)
    fits = int((limits.INPUT_SPACE_ANSWER // per_point) ** (1 / len(chosen)) + 1e-9)
    most = max(limits.INPUT_SPACE_MIN_STEPS, min(limits.INPUT_SPACE_MAX_STEPS, fits))
    if options.steps is not None and options.steps > most:
        _refuse("steps", f"from {limits.INPUT_SPACE_MIN_STEPS} to {most} for this network and {len(chosen)} inputs")
    steps = options.steps or min(most, limits.INPUT_SPACE_DEFAULT_STEPS[len(chosen) - 1])
    options.inputs = chosen
    return resolved, options, steps
