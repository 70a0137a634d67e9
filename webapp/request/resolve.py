"""From a request body to a run ready to train: the one place presets are merged, defaults filled in
and starting parameters made. The API, the page and the settings form all go through `resolve`.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from pydantic import ValidationError

from webapp.engine.graph import Graph, param_place
from webapp.engine.network import Network, Params, init_params
from webapp.engine.optimizers import Optimizer, State, optimizer
from webapp.request import limits
from webapp.request.presets import DEFAULT_PRESET, PRESETS
from webapp.request.schema import TrainRequest

# Fields whose meaning depends on the layer widths: a request that changes `layers` drops the
# preset's values of these rather than let them clash with the new shape.
SHAPE_FIELDS = ("activations", "weights", "biases", "x", "y", "seed")


class RequestError(Exception):
    """A request refused; `errors` name each offending field."""

    def __init__(self, errors: list[dict], status: int = 400):
        super().__init__(errors[0]["message"] if errors else "invalid request")
        self.errors = errors
        self.status = status

    def __reduce__(self):
        # Raised in a heavy run's process, it travels back whole (an Exception pickles only its message).
        return type(self), (self.errors, self.status)


@dataclass
class Resolved:
    """A request with every field filled in, its network, graph and starting parameters, and what to detail."""

    request: TrainRequest
    network: Network
    graph: Graph
    params: Params
    detail_epochs: list[int]
    detail_samples: list[int]
    optimizer: Optimizer = field(default_factory=optimizer)
    state: State = field(default_factory=dict)  # the optimizer's state where a continued run resumes

    def config(self) -> dict:
        """The request as trained: every default and preset field filled in, the starting parameters nested."""
        config = self.request.model_dump(
            exclude={"preset", "detail_epochs", "detail_samples", "params", "include_graph", "optimizer_state"}
        )
        config.update({"biases": None, **self.params.nested()})
        return config

    def __getstate__(self) -> dict:
        # Sent to a heavy run's process without its graph, which is most of its size and is built
        # again (once per process) from the network.
        return {**self.__dict__, "graph": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.graph = graph_of(self.network)


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
    if SURROGATE_ESCAPE.search(body) and (field := _lone_surrogate(data)) is not None:  # no str can hold one
        raise RequestError([{"field": field or "body", "message": "holds a lone surrogate (\\ud800-\\udfff), no text"}])
    return data


SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value, path: str = "", depth: int = 0) -> str | None:
    """The path of the first key or string holding a lone surrogate (which no text can), else None."""
    if depth > 100:
        return path  # nested deeper than any field: the body as a whole is refused
    if isinstance(value, str):
        return path if LONE_SURROGATE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        here = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
        if isinstance(key, str) and LONE_SURROGATE.search(key):
            return here
        if (found := _lone_surrogate(item, here, depth + 1)) is not None:
            return found
    return None


def _field_path(loc) -> str:
    if len(loc) > 2 and loc[0] == "optimizer":  # pydantic names the optimizer's kind too: optimizer.adam.beta1
        loc = (loc[0], *loc[2:])
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


# pydantic's bounds said as a student would say them ("Input should be greater than 0" → "must be more than 0").
PLAIN_BOUNDS = {"greater_than": "more than {gt}", "greater_than_equal": "at least {ge}", "less_than": "less than {lt}"}
PLAIN_BOUNDS |= {"less_than_equal": "at most {le}"}


def _bound(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _message(item: dict) -> str:
    if item["type"] in PLAIN_BOUNDS:
        return "must be " + PLAIN_BOUNDS[item["type"]].format(**{k: _bound(v) for k, v in item["ctx"].items()})
    return item["msg"].removeprefix("Value error, ")


def _error_list(error: ValidationError) -> list[dict]:
    errors = []
    for item in error.errors(include_url=False):
        message = _message(item)
        if item["loc"]:  # a field's own check; a key "" is named as such
            errors.append({"field": _field_path(item["loc"]) or '""', "message": message})
            continue
        # Checks across fields name their field at the head of each line of the message.
        for line in message.split("\n"):
            head, _, text = line.partition(": ")
            errors.append({"field": head or "body", "message": text})
    return errors


def merged(body: dict) -> dict:
    """The preset's fields (the worksheet's by default) overridden by the body's."""
    name = body.get("preset")
    if name is not None and not (isinstance(name, str) and name in PRESETS):
        raise RequestError([{"field": "preset", "message": f"unknown preset {name!r}; one of {', '.join(PRESETS)}"}])
    base = dict(PRESETS[name or DEFAULT_PRESET]["request"])
    if "layers" in body and body["layers"] != base.get("layers"):
        for key in SHAPE_FIELDS:
            base.pop(key, None)
    if body.get("dataset") is not None:  # the body's data set makes the samples
        base.pop("x", None)
        base.pop("y", None)
    elif "x" in body or "y" in body:  # the body's own samples replace the preset's data set
        base.pop("dataset", None)
    if "weights" in body or "seed" in body:
        base.pop("weights", None)
        base.pop("biases", None)
    if "loss" in body and "activations" not in body:
        base.pop("activations", None)
    if body.get("bias") is False:
        base.pop("biases", None)
    return {key: value for key, value in {**base, **body}.items() if key != "preset"}


def kept_params(params: dict[str, float], graph: Graph) -> dict[str, float]:
    """Values given by id, moved to this network's ids where the id's place (layer, row, column) still
    exists: widening a layer turns `w1` into `w1_1_1` and keeps its value. Exact ids win."""
    places = {graph.param_block(pid): pid for pid in graph.params}
    kept = {}
    for pid, value in params.items():
        if pid not in graph.param_position and (place := param_place(pid)) in places:
            kept.setdefault(places[place], value)
    kept.update({pid: value for pid, value in params.items() if pid in graph.param_position})
    return kept


def _starting_params(req: TrainRequest, network: Network, graph: Graph, unknown_params: str) -> Params:
    if req.weights is not None:
        params = Params.from_lists(network, req.weights, req.biases)
    else:
        params = init_params(network, req.seed or 0, req.x)
        if req.biases is not None:
            params = Params.from_lists(network, [w.tolist() for w in params.weights], req.biases)
    unknown = [pid for pid in req.params or {} if pid not in graph.param_position]
    if unknown and unknown_params == "error":
        listed = ", ".join(graph.params[:6]) + (", …" if len(graph.params) > 6 else "")
        raise RequestError(
            [
                {"field": f"params.{pid}", "message": f"this network has no parameter {pid} (it has {listed})"}
                for pid in unknown
            ]
        )
    missing = [pid for pid in graph.params if pid not in (req.params or {})] if req.from_epoch else []
    if missing:
        raise RequestError(
            [
                {
                    "field": "params",
                    "message": f"continuing from epoch {req.from_epoch} needs every parameter as it is after it; "
                    f"missing {', '.join(missing[:6])}" + (", …" if len(missing) > 6 else ""),
                }
            ]
        )
    for pid, value in kept_params(req.params or {}, graph).items():
        params.theta[graph.param_position[pid]] = value
    return params


def _starting_state(req: TrainRequest, graph: Graph) -> State:
    """The optimizer's state, in θ's order, where a continued run resumes (none when it starts afresh)."""
    state = {}
    for key, values in (req.optimizer_state or {}).items():
        unknown = [pid for pid in values if pid not in graph.param_position]
        missing = [pid for pid in graph.params if pid not in values]
        if unknown or missing:
            which = f"has no parameter {unknown[0]}" if unknown else f"misses {', '.join(missing[:6])}"
            raise RequestError([{"field": f"optimizer_state.{key}", "message": f"needs every parameter; {which}"}])
        state[key] = np.array([values[pid] for pid in graph.params], dtype=float)
    return state


def _detail_size(graph: Graph, network: Network, samples: int) -> int:
    """How many numbers one epoch's detail holds."""
    per_sample_nodes = sum(1 for n in graph.nodes if n.per_sample)
    return samples * (2 * per_sample_nodes + len(graph.edges) + network.param_count) + 3 * network.param_count


def _choose_detail(req: TrainRequest, network: Network, graph: Graph) -> tuple[list[int], list[int]]:
    """The epochs and samples returned in full: those asked for, or as many as fit, evenly spaced."""
    if req.detail_samples:
        samples = sorted(set(req.detail_samples))
    else:
        # Wide networks get fewer default samples, so that at least two epochs fit the budget.
        one = _detail_size(graph, network, 1) - 3 * network.param_count
        room = (limits.DETAIL_BUDGET // 2 - 3 * network.param_count) // one
        samples = list(range(max(1, min(len(req.x), limits.MAX_DETAIL_SAMPLES, room))))
    steps = limits.steps_per_epoch(len(req.x), req.batch_size)
    fits = max(2, limits.DETAIL_BUDGET // (steps * _detail_size(graph, network, len(samples))))
    if req.detail_epochs is not None:
        epochs = sorted(set(req.detail_epochs))
        if len(epochs) > fits:
            raise RequestError(
                [{"field": "detail_epochs", "message": f"at most {fits} epochs of detail for this network and samples"}]
            )
        return epochs, samples
    count = min(fits, limits.MAX_DETAIL_EPOCHS)  # linspace keeps the first and the last epoch
    first = req.first_epoch
    if req.epochs_to_train <= count:
        return list(range(first, req.epochs + 1)), samples
    return sorted(set(np.linspace(first, req.epochs, count).round().astype(int).tolist())), samples


@lru_cache(maxsize=16)
def graph_of(network: Network) -> Graph:
    """A network's graph, built once: nothing changes a graph after it is built, and a wide one takes
    longer to build than the rest of a page."""
    return Graph(network)


def resolve(body: dict, unknown_params: str = "error") -> Resolved:
    """Validate a body and make everything a run needs. `unknown_params="ignore"` drops ids of
    parameters the network lacks instead of refusing them (a settings form whose shape just changed)."""
    try:
        req = TrainRequest.model_validate(merged(body))
    except ValidationError as exc:
        raise RequestError(_error_list(exc)) from None
    network = Network(tuple(req.layers), tuple(req.activations), req.loss, req.bias)
    graph = graph_of(network)
    params = _starting_params(req, network, graph, unknown_params)
    detail_epochs, detail_samples = _choose_detail(req, network, graph)
    chosen = optimizer(**req.optimizer.model_dump())
    state = _starting_state(req, graph)
    return Resolved(req, network, graph, params, detail_epochs, detail_samples, chosen, state)
