"""Everything the visualizer page shows, as plain data for the templates and the page's script."""

import json
from collections.abc import Mapping

from webapp import form, service
from webapp.charts import figure_json, weight_trace_template
from webapp.engine import Network
from webapp.explain import tables
from webapp.layout import layout
from webapp.presets import PRESETS, merged_request

# The page starts with two epochs: the worksheet's first pass and its "forward again".
INITIAL_EPOCHS = 2


def _request_errors(exc: service.RequestError, network: Network | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors:
        errors.setdefault(form.field_of(error["field"], network), error["message"])
    return errors


def check(query: Mapping[str, list[str]]) -> dict[str, str]:
    """Inline errors for a settings query, keyed by form field; empty when it is valid."""
    body, _, errors = form.to_request(query)
    if errors:
        return errors
    try:
        service.validate({**body, "epochs": INITIAL_EPOCHS})
    except service.RequestError as exc:
        return _request_errors(exc, _network_of(body))
    return {}


def _network_of(body: dict) -> Network | None:
    """The network's shape as far as the request gives it, to name the field of a weight's error."""
    merged = merged_request(body)  # to_request only lets known presets through
    layers = merged.get("layers")
    if not layers:
        return None
    try:
        return Network(tuple(layers), ("linear",) * (len(layers) - 1), bias=bool(merged.get("bias")))
    except ValueError:
        return None


def page_state(query: Mapping[str, list[str]]) -> dict:
    """The page for a query: the run it describes, or the worksheet beside inline errors."""
    body, options, errors = form.to_request(query)
    req = None
    if not errors:
        try:
            req = service.validate({**body, "epochs": INITIAL_EPOCHS})
        except service.RequestError as exc:
            errors = _request_errors(exc, _network_of(body))
    if req is None:
        req = service.validate({"epochs": INITIAL_EPOCHS})
    run = service.run(req)
    graph = run.pop("graph")
    config = run.pop("config")
    network = Network(tuple(config["layers"]), tuple(config["activations"]), config["loss"], config["bias"])
    explained = tables(network, graph)
    values = form.form_values(config, options, graph)
    for field in errors:
        raw = query.get(field, [None])[0]
        if raw is not None and field in values:
            values[field] = raw  # show what was typed next to its error
    nodes = {n["id"]: n for n in graph["nodes"]}
    client = {
        "config": {k: v for k, v in config.items() if k != "epochs"},
        "run": run,
        "forwardOrder": explained["forward_order"],
        "backwardOrder": explained["backward_order"],
        "params": [n["id"] for n in graph["nodes"] if n["kind"] in ("weight", "bias")],
        # Known before any pass: the data and the starting parameters.
        "known": [n["id"] for n in graph["nodes"] if n["kind"] in ("input", "target", "weight", "bias")],
        "labels": {i: n["label"] for i, n in nodes.items()},
        "edges": [
            {"id": e["id"], "source": e["source"], "target": e["target"], "symbol": e["symbol"]} for e in graph["edges"]
        ],
        "animate": options["animate"],
        "weightTrace": weight_trace_template(),
        "samples": len(config["x"]),
    }
    return {
        "graph": graph,
        "layouts": [layout(graph, "wide"), layout(graph, "tall")],
        "tables": explained,
        "nodes": nodes,
        "form": values,
        "errors": errors,
        "options": options,
        "presets": PRESETS,
        "preset": (query.get("preset") or [""])[0],
        "config": config,
        "client_json": json.dumps(client, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c"),
        "figure_json": figure_json(),
    }
