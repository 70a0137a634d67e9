"""From a request body to a response: parse, validate, train, report. No Flask here either."""

import json

import numpy as np
from pydantic import ValidationError

from webapp import limits
from webapp.engine import Network, Params, build_graph, init_params, train
from webapp.engine.report import nested, report
from webapp.presets import PRESETS, merged_request
from webapp.schema import TrainRequest


class RequestError(Exception):
    """A request the API refuses; `errors` name each offending field."""

    def __init__(self, errors: list[dict], status: int = 400):
        super().__init__(errors[0]["message"] if errors else "invalid request")
        self.errors = errors
        self.status = status


def _field_path(loc) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _error_list(error: ValidationError) -> list[dict]:
    errors = []
    for item in error.errors(include_url=False):
        message = item["msg"].removeprefix("Value error, ")
        field = _field_path(item["loc"])
        if not field:
            # Checks across fields name their field at the head of the message.
            field, _, message = message.partition(": ")
        errors.append({"field": field or "body", "message": message})
    return errors


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def parse_body(body: bytes) -> dict:
    """The body as a JSON object; NaN and Infinity tokens are refused like any other bad JSON."""
    if len(body) > limits.MAX_BODY_BYTES:
        raise RequestError([{"field": "body", "message": f"larger than {limits.MAX_BODY_BYTES} bytes"}], status=413)
    if not body.strip():
        return {}
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise RequestError([{"field": "body", "message": f"not valid JSON: {exc}"}]) from None
    if not isinstance(data, dict):
        raise RequestError([{"field": "body", "message": "must be a JSON object"}])
    return data


def validate(data: dict) -> TrainRequest:
    preset = data.get("preset")
    if preset is not None and not (isinstance(preset, str) and preset in PRESETS):
        names = ", ".join(PRESETS)
        raise RequestError([{"field": "preset", "message": f"unknown preset {preset!r}; one of {names}"}])
    try:
        return TrainRequest.model_validate(merged_request(data))
    except ValidationError as exc:
        raise RequestError(_error_list(exc)) from None


def detail_size(network: Network, samples: int) -> int:
    """How many numbers one epoch's detail holds."""
    graph = build_graph(network)
    per_sample_nodes = sum(1 for n in graph["nodes"] if n["per_sample"])
    return samples * (2 * per_sample_nodes + len(graph["edges"])) + 3 * network.param_count


def choose_detail(req: TrainRequest, network: Network) -> tuple[list[int], list[int]]:
    """The epochs and samples returned in full: those asked for, or as many as fit, evenly spaced."""
    if req.detail_samples:
        samples = req.detail_samples
    else:
        # Wide networks get fewer default samples, so that at least two epochs fit the budget.
        one = detail_size(network, 1) - 3 * network.param_count
        room = (limits.DETAIL_BUDGET // 2 - 3 * network.param_count) // one
        samples = list(range(max(1, min(len(req.x), limits.MAX_DETAIL_SAMPLES, room))))
    per_epoch = detail_size(network, len(samples))
    fits = max(2, limits.DETAIL_BUDGET // per_epoch)
    if req.detail_epochs is not None:
        epochs = sorted(set(req.detail_epochs))
        if len(epochs) > fits:
            raise RequestError(
                [{"field": "detail_epochs", "message": f"at most {fits} epochs of detail for this network and samples"}]
            )
        return epochs, samples
    count = min(fits, limits.MAX_DETAIL_EPOCHS)  # linspace keeps the first and the last epoch
    if req.epochs <= count:
        return list(range(1, req.epochs + 1)), samples
    return sorted(set(np.linspace(1, req.epochs, count).round().astype(int).tolist())), samples


def run(req: TrainRequest) -> dict:
    """Train as the request says and report every recorded number."""
    network = Network(tuple(req.layers), tuple(req.activations), req.loss, req.bias)
    if req.weights is not None:
        params = Params.from_lists(network, req.weights, req.biases)
    else:
        params = init_params(network, req.seed or 0)
        if req.biases is not None:
            params = Params.from_lists(network, [w.tolist() for w in params.weights], req.biases)
    detail_epochs, samples = choose_detail(req, network)
    result = train(
        network,
        params,
        req.x,
        req.y,
        req.learning_rate,
        req.epochs,
        detail_epochs,
        history_budget=limits.HISTORY_BUDGET,
    )
    config = req.model_dump(exclude={"preset", "detail_epochs", "detail_samples"})
    config.update({"biases": None, **nested(params)})  # the starting parameters, however they were given
    return {"graph": build_graph(network), "config": config, **report(result, samples)}


def train_from_body(body: bytes) -> dict:
    return run(validate(parse_body(body)))


def presets() -> list[dict]:
    return [
        {"name": name, "title": p["title"], "description": p["description"], "request": p["request"]}
        for name, p in PRESETS.items()
    ]
