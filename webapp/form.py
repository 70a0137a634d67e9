"""The settings form and the page's URL query: both ways between it and an API request.

The query is the page's whole state, so a URL is a permalink: `/?x=4&y=2&w1=0.5&w2=0.8&lr=0.1`.
Errors come back keyed by the form field they belong to, for inline messages.
"""

from collections.abc import Mapping

from webapp.engine.graph import Names
from webapp.engine.network import Network
from webapp.limits import MAX_LAYERS, MAX_WIDTH
from webapp.presets import PRESETS, merged_request

DEFAULT_TRAIN_EPOCHS = 20


class FormError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _numbers(text: str) -> list[float]:
    return [float(part) for part in text.replace(";", " ").split()]


def parse_samples(text: str) -> list[list[float]]:
    """`3` → [[3]]; `3, 1` → [[3], [1]]; `0 1, 1 0` → [[0, 1], [1, 0]]."""
    samples = [_numbers(chunk) for chunk in text.split(",")]
    if not samples or any(not s for s in samples):
        raise ValueError("empty")
    return samples


def format_samples(samples: list[list[float]]) -> str:
    return ", ".join(" ".join(format_number(v) for v in sample) for sample in samples)


def format_number(value: float) -> str:
    """Up to 10 significant digits, as the page shows numbers: 0.692, not 0.6920000000000001."""
    return f"{value:.10g}"


def _by_id(names: Names, weights: list, biases: list | None) -> dict[str, float]:
    """Weights and biases in the API's nested layout, keyed by parameter id."""
    flat = [v for matrix in weights for row in matrix for v in row] + [v for vector in biases or [] for v in vector]
    return dict(zip(names.params(), flat, strict=True))


def to_request(query: Mapping[str, list[str]]) -> tuple[dict, dict, dict]:
    """The API request the query describes (sparse: unset fields come from the preset), page options, errors."""

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0].strip() if values else None

    errors: dict[str, str] = {}
    body: dict = {}
    preset = first("preset")
    if preset:
        if preset not in PRESETS:
            errors["preset"] = f"unknown preset {preset!r}"
        else:
            body["preset"] = preset
    for field in ("x", "y"):
        text = first(field)
        if text:
            try:
                body[field] = parse_samples(text)
            except ValueError:
                errors[field] = "write numbers: one per sample, separated by commas (e.g. 3, 1.5)"
    base = merged_request({k: v for k, v in body.items() if k == "preset"})
    hidden = first("hidden")
    if hidden is not None:
        try:
            widths = [int(part) for part in hidden.replace(",", " ").split()]
        except ValueError:
            errors["hidden"] = "write the width of each hidden layer, e.g. 1 or 2, 2"
        else:
            # Said in the field's own terms: the API counts the input and output layers too.
            if len(widths) > MAX_LAYERS - 2:
                errors["hidden"] = f"at most {MAX_LAYERS - 2} hidden layers"
            elif any(not 1 <= w <= MAX_WIDTH for w in widths):
                errors["hidden"] = f"each hidden layer is 1 to {MAX_WIDTH} neurons wide"
            x = body.get("x") or base.get("x") or [[0.0]]
            y = body.get("y") or base.get("y") or [[0.0]]
            layers = [len(x[0]), *widths, len(y[0])]
            if layers != base.get("layers"):
                body["layers"] = layers
    activations = [a for a in query.get("act", []) if a]
    if activations:
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
    for field, key, kind in (("lr", "learning_rate", float), ("seed", "seed", int)):
        text = first(field)
        if text:
            try:
                body[key] = kind(text)
            except ValueError:
                errors[field] = "must be a whole number" if kind is int else "must be a number"
    _params_from_query(query, body, base, errors)
    preset_epochs = base.get("epochs", 1)
    options = {
        "animate": first("animate") != "0",
        "train": preset_epochs if preset_epochs > 1 else DEFAULT_TRAIN_EPOCHS,
    }
    train = first("train")
    if train:
        try:
            options["train"] = max(1, int(train))
        except ValueError:
            errors["train"] = "must be a whole number"
    return body, options, errors


def _params_from_query(query, body: dict, base: dict, errors: dict) -> None:
    """Weights given one per field (`w1=0.5`); those not given keep the preset's, or the seed decides."""
    merged = {**base, **body}
    layers = merged.get("layers", [1, 1, 1])
    bias = merged.get("bias", False)
    try:
        network = Network(tuple(layers), ("linear",) * (len(layers) - 1), bias=bias)
    except ValueError:
        return
    names = Names(network)
    ids = names.params()
    given = {i: query[i][0].strip() for i in ids if query.get(i) and query[i][0].strip()}
    values = {}
    for pid, text in given.items():
        try:
            values[pid] = float(text)
        except ValueError:
            errors[f"param-{pid}"] = "must be a number"
    if errors or not values or "seed" in body:
        return
    if len(values) < len(ids):
        if "layers" in body or "weights" not in base:
            missing = ", ".join(i for i in ids if i not in values)
            errors["params"] = f"give every starting weight ({missing} missing), or a seed"
            return
        # Parameters left out keep the preset's values (its layers are these): `/?w1=0.3` changes
        # w1 alone. Biases the preset lacks start at 0, the API's default.
        biases = (base.get("biases") or [[0.0] * len(vector) for vector in names.biases]) if bias else None
        values = {**_by_id(names, base["weights"], biases), **values}
    body["weights"] = [[[values[w] for w in row] for row in matrix] for matrix in names.weights]
    if bias:
        body["biases"] = [[values[b] for b in vector] for vector in names.biases]


def field_of(api_field: str, network: Network | None) -> str:
    """The form field an API error belongs to."""
    head = api_field.split("[")[0].split(".")[0]
    if head == "activations" and "[" in api_field:
        return f"act-{api_field.split('[')[1].split(']')[0]}"
    if head in ("weights", "biases") and network is not None and api_field.count("[") >= 2:
        indices = [int(part.split("]")[0]) for part in api_field.split("[")[1:]]
        names = Names(network)
        try:
            pid = (
                names.weights[indices[0]][indices[1]][indices[2]]
                if head == "weights"
                else names.biases[indices[0]][indices[1]]
            )
            return f"param-{pid}"
        except IndexError:
            pass
    return {
        "x": "x",
        "y": "y",
        "layers": "hidden",
        "activations": "act-0",
        "loss": "loss",
        "bias": "bias",
        "learning_rate": "lr",
        "seed": "seed",
        "weights": "params",
        "biases": "params",
        "preset": "preset",
    }.get(head, "form")


def form_values(config: dict, options: dict, graph: dict) -> dict:
    """What the settings form shows for a resolved request."""
    network = Network(tuple(config["layers"]), tuple(config["activations"]), config["loss"], config["bias"])
    values = {
        "x": format_samples(config["x"]),
        "y": format_samples(config["y"]),
        "hidden": ", ".join(str(w) for w in config["layers"][1:-1]),
        "activations": config["activations"],
        "bias": config["bias"],
        "loss": config["loss"],
        "lr": format_number(config["learning_rate"]),
        "seed": "" if config.get("seed") is None else str(config["seed"]),
        "train": options["train"],
        "params": [],
    }
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    start = _by_id(Names(network), config["weights"], config["biases"] if config["bias"] else None)
    values["params"] = [{"id": pid, "label": labels[pid], "value": format_number(v)} for pid, v in start.items()]
    return values
