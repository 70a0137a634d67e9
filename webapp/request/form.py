"""The settings form and the page's URL query, both ways between it and an API request body.

The query is the page's whole state, so a URL is a permalink: `/?x=4&y=2&w1=0.5&w2=0.8&lr=0.1`.
This module only translates: `resolve` merges the preset and checks everything else. Sizes are
checked here before anything grows with them, as a URL is typed by anyone.
"""

from collections.abc import Mapping

from webapp.engine.datasets import DATASETS
from webapp.engine.graph import Graph, is_param_id
from webapp.engine.losses import LOSSES
from webapp.request.limits import MAX_EPOCHS, MAX_LAYERS, MAX_SAMPLES, MAX_WIDTH
from webapp.request.presets import DEFAULT_PRESET, PRESETS

DEFAULT_TRAIN_EPOCHS = 20
# Longest text accepted in one field of the query: far beyond any real entry (256 samples of 16
# numbers), short enough that nothing downstream ever sees a huge string.
MAX_FIELD_CHARS = 64 * 1024
# A field per parameter up to this many; a larger network starts from its seed (the API sets any weight).
MAX_FORM_PARAMS = 64
SAMPLE_FORMAT = "write numbers: one per sample, separated by commas (e.g. 3, 1.5)"


def _numbers(text: str) -> list[float]:
    return [float(part) for part in text.replace(";", " ").split()]


def parse_samples(text: str) -> list[list[float]]:
    """`3` → [[3]]; `3, 1` → [[3], [1]]; `0 1, 1 0` → [[0, 1], [1, 0]]."""
    chunks = text.split(",", MAX_SAMPLES)
    if len(chunks) > MAX_SAMPLES:
        raise OverflowError(f"at most {MAX_SAMPLES} samples")
    samples = [_numbers(chunk) for chunk in chunks]
    if not samples or any(not s for s in samples):
        raise ValueError("empty")
    if any(len(s) > MAX_WIDTH for s in samples):
        raise OverflowError(f"at most {MAX_WIDTH} numbers a sample")
    return samples


def format_samples(samples: list[list[float]]) -> str:
    return ", ".join(" ".join(format_number(v) for v in sample) for sample in samples)


def format_number(value: float) -> str:
    """A number as a field or the URL holds it, to be edited and read back by float(): 10 significant digits
    (0.692, not 0.6920000000000001) in ASCII (1e-07). Shown numbers: webapp.presentation.notation."""
    return f"{value:.10g}"


def _hidden_widths(text: str) -> list[int]:
    parts = text.replace(",", " ").split()
    if len(parts) > MAX_LAYERS - 2:
        raise OverflowError(f"at most {MAX_LAYERS - 2} hidden layers")
    # A width of more digits than the limit has is too large whatever its digits (and int() of a
    # huge string costs time).
    if not all(part.isdigit() and part.isascii() for part in parts):
        raise ValueError("not whole numbers")
    widths = [int(part) if len(part) <= len(str(MAX_WIDTH)) else MAX_WIDTH + 1 for part in parts]
    if any(not 1 <= w <= MAX_WIDTH for w in widths):
        raise OverflowError(f"each hidden layer is 1 to {MAX_WIDTH} neurons wide")
    return widths


def to_request(query: Mapping[str, list[str]]) -> tuple[dict, dict, dict]:
    """The request body the query describes (sparse: resolve fills the rest from the preset), page options, errors."""

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0].strip() if values else None

    errors: dict[str, str] = {}
    for name, values in query.items():
        if any(len(v) > MAX_FIELD_CHARS for v in values):
            errors[name if name in FIELDS else "form"] = f"longer than {MAX_FIELD_CHARS} characters"
    if errors:
        return {}, _options(query, 1, errors), errors

    body: dict = {}
    preset = first("preset")
    if preset:
        if preset in PRESETS:
            body["preset"] = preset
        else:
            errors["preset"] = f"unknown preset {preset!r}"
    dataset = first("dataset")
    if dataset and dataset not in DATASETS:
        errors["dataset"] = f"unknown data set {dataset!r}; one of {', '.join(DATASETS)}"
    elif dataset and not preset:  # a data set alone starts from its preset's network
        body["preset"] = next(
            (n for n, p in PRESETS.items() if p["request"].get("dataset", {}).get("name") == dataset), None
        )
        body = {k: v for k, v in body.items() if v is not None}
    base = PRESETS[body.get("preset", DEFAULT_PRESET)]["request"]
    spec = _dataset(first, dataset if "dataset" not in errors else None, base.get("dataset"), errors)
    if spec is not None:
        body["dataset"] = spec
    for field in ("x", "y"):
        text = first(field)
        if text:
            try:
                body[field] = parse_samples(text)
            except OverflowError as exc:
                errors[field] = str(exc)
            except ValueError:
                errors[field] = SAMPLE_FORMAT
    hidden = first("hidden")
    if hidden is not None:
        try:
            widths = _hidden_widths(hidden)
        except OverflowError as exc:
            errors["hidden"] = str(exc)  # said in the field's own terms: the API counts input and output too
        except ValueError:
            errors["hidden"] = "write the width of each hidden layer, e.g. 1 or 2, 2"
        else:
            x = body.get("x") or base.get("x") or [[0.0]]
            y = body.get("y") or base.get("y") or [[0.0]]
            source = spec or base.get("dataset")
            made = DATASETS[source["name"]] if source else None
            layers = [made.inputs if made else len(x[0]), *widths, made.outputs if made else len(y[0])]
            if layers != base.get("layers"):
                body["layers"] = layers
    activations = [a for a in query.get("act", [])[:MAX_LAYERS] if a]
    if activations and "hidden" not in errors:
        depth = len(body.get("layers") or base.get("layers") or [1, 1, 1]) - 1
        if len(activations) != depth:
            # The hidden layers changed: keep the output's activation, the first hidden one for the rest.
            activations = [activations[0]] * (depth - 1) + [activations[-1]]
        body["activations"] = activations
    if first("form") is not None:
        body["bias"] = first("bias") is not None
    elif first("bias") is not None:
        body["bias"] = True
    loss = first("loss")
    if loss:
        body["loss"] = loss
    notes: dict[str, str] = {}
    needed = LOSSES[loss].output_activation if loss in LOSSES else None
    if needed and body.get("activations") and body["activations"][-1] != needed:
        # The loss decides the output layer: switch it, and say so beside the field, rather than refuse.
        last = len(body["activations"]) - 1
        body["activations"] = [*body["activations"][:-1], needed]
        notes[f"act-{last}"] = f"Switched to {needed}: the {loss} loss needs a {needed} output."
    _read_numbers(first, (("lr", "learning_rate", float), ("seed", "seed", int)), body, errors)
    _optimizer_fields(first, body, errors)
    params = {}
    for name, values in query.items():
        if is_param_id(name) and values and values[0].strip():
            try:
                params[name] = float(values[0])
            except ValueError:
                errors[f"param-{name}"] = "must be a number"
    if params:
        body["params"] = params
    options = _options(query, base.get("epochs", 1), errors)
    options["notes"] = notes
    return body, options, errors


def _read_numbers(first, fields, into: dict, errors: dict) -> None:
    """Each (form field, key, int or float) the query fills, read into `into`; one that is no such number
    is an error naming its field."""
    for field, key, kind in fields:
        text = first(field)
        if text:
            try:
                into[key] = kind(text)
            except ValueError:
                errors[field] = "must be a whole number" if kind is int else "must be a number"


def _dataset(first, name: str | None, preset: dict | None, errors: dict) -> dict | None:
    """The request's `dataset` from the query's dataset, n, noise, seed and add (None: the preset's, if any)."""
    if not name and not preset:
        return None
    spec = dict(preset) if preset and name in (None, preset["name"]) else {"name": name}
    if not any(first(field) for field in ("dataset", "n", "noise", "seed", "add")):
        return None
    _read_numbers(first, (("n", "n", int), ("noise", "noise", float), ("seed", "seed", int)), spec, errors)
    text = first("add")
    if text:
        inputs = DATASETS[spec["name"]].inputs
        try:
            samples = parse_samples(text)
        except OverflowError as exc:
            errors["add"] = str(exc)
        except ValueError:
            errors["add"] = SAMPLE_FORMAT
        else:
            spec["added"] = [{"x": s[:inputs], "y": s[inputs:]} for s in samples]
    return spec


# Each constant's form field, API key and the value the form shows when another optimizer is chosen.
CONSTANT_DEFAULTS = (("beta", "beta", 0.9), ("beta1", "beta1", 0.9), ("beta2", "beta2", 0.999), ("eps", "eps", 1e-8))
# The optimizer's form fields: its name, then each constant's field and API key.
OPTIMIZER_CONSTANTS = {
    "momentum": (("beta", "beta"),),
    "adam": (("beta1", "beta1"), ("beta2", "beta2"), ("eps", "eps")),
}


def _optimizer_fields(first, body: dict, errors: dict) -> None:
    """`opt` (sgd, momentum or adam) with its constants, and `batch` (the batch size; empty: every sample)."""
    name = first("opt")
    if name:
        chosen = {"name": name}
        _read_numbers(first, [(field, key, float) for field, key in OPTIMIZER_CONSTANTS.get(name, ())], chosen, errors)
        body["optimizer"] = chosen
    text = first("batch")
    if text:
        try:
            body["batch_size"] = int(text)
        except ValueError:
            errors["batch"] = "must be a whole number (empty: every sample)"


def _options(query: Mapping[str, list[str]], preset_epochs: int, errors: dict) -> dict:
    """What the page does with the run, as opposed to what the run is."""
    options = {
        "animate": (query.get("animate") or [""])[0] != "0",
        "notes": {},
        "train": preset_epochs if preset_epochs > 1 else DEFAULT_TRAIN_EPOCHS,
    }
    train = (query.get("train") or [""])[0].strip()
    if train:
        try:
            options["train"] = int(train)
            if not 1 <= options["train"] <= MAX_EPOCHS:
                raise ValueError
        except ValueError:
            errors["train"] = f"a whole number from 1 to {MAX_EPOCHS}"
            options["train"] = DEFAULT_TRAIN_EPOCHS
    return options


# The form's fields, and the API fields each answers for.
FIELDS = {
    "x": "x",
    "y": "y",
    "hidden": "layers",
    "act": "activations",
    "loss": "loss",
    "bias": "bias",
    "lr": "learning_rate",
    "seed": "seed",
    "train": "epochs",
    "preset": "preset",
    "dataset": "dataset",
    "opt": "optimizer",
    "batch": "batch_size",
}
# A data set's fields, by the API's name under `dataset`.
DATASET_FIELDS = {"name": "dataset", "n": "n", "noise": "noise", "seed": "seed", "added": "add"}
API_TO_FORM = {api: form for form, api in FIELDS.items()} | {"weights": "params", "biases": "params", "epochs": "train"}


def field_of(api_field: str, graph: Graph | None, depth: int | None = None) -> str:
    """The form field an API error belongs to; `activations` as a whole is the output layer's (`depth`
    weight layers), whose activation the loss constrains."""
    head = api_field.split("[")[0].split(".")[0]
    if head == "dataset":
        return DATASET_FIELDS.get(api_field.split(".")[1].split("[")[0] if "." in api_field else "name", "dataset")
    if head == "activations" and "[" in api_field:
        return f"act-{api_field.split('[')[1].split(']')[0]}"
    if head == "activations":
        return f"act-{depth - 1}" if depth else "act-0"
    if head == "optimizer" and "." in api_field:
        return api_field.split(".", 1)[1]  # a constant's own field: beta, beta1, beta2, eps
    if head == "params" and "." in api_field:
        return f"param-{api_field.split('.', 1)[1]}"
    if head in ("weights", "biases") and graph is not None and api_field.count("[") >= 2:
        indices = tuple(int(part.split("]")[0]) for part in api_field.split("[")[1:])
        kind = "weight" if head == "weights" else "bias"
        for pid in graph.params:
            block = graph.param_block(pid)
            if block[0] == kind and block[1 : 1 + len(indices)] == indices:
                return f"param-{pid}"
    return API_TO_FORM.get(head, "form")


def form_values(config: dict, options: dict, graph: Graph) -> dict:
    """What the settings form shows for a resolved request."""
    flat = [v for matrix in config["weights"] for row in matrix for v in row]
    flat += [v for vector in config.get("biases") or [] for v in vector] if config["bias"] else []
    return {
        "x": format_samples(config["x"]),
        "y": format_samples(config["y"]),
        "hidden": ", ".join(str(w) for w in config["layers"][1:-1]),
        "activations": config["activations"],
        "bias": config["bias"],
        "loss": config["loss"],
        "lr": format_number(config["learning_rate"]),
        "seed": "" if config.get("seed") is None else str(config["seed"]),
        **_dataset_values(config.get("dataset")),
        "train": options["train"],
        "opt": config["optimizer"]["name"],
        **{field: format_number(config["optimizer"].get(key, default)) for field, key, default in CONSTANT_DEFAULTS},
        "batch": "" if config.get("batch_size") is None else str(config["batch_size"]),
        # graph.params runs in θ's order: weights layer by layer, row by row, then biases.
        "params": [
            {"id": pid, "label": graph.node[pid].label, "value": format_number(v)}
            for pid, v in zip(graph.params, flat, strict=True)
        ]
        if len(flat) <= MAX_FORM_PARAMS
        else [],
        "param_count": len(flat),
    }


def _dataset_values(spec: dict | None) -> dict:
    """What the form's data set fields show (nothing when the samples are typed)."""
    if not spec:
        return {"dataset": ""}
    added = [s["x"] + s["y"] for s in spec["added"]]
    return {
        "dataset": spec["name"],
        "n": str(spec["n"]),
        "noise": format_number(spec["noise"]),
        "add": format_samples(added),
    }
