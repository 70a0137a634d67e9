"""Everything the visualizer page shows, as plain data for the templates and the page's script."""

import json
from collections.abc import Mapping

from webapp import service
from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import Graph
from webapp.engine.losses import LOSSES
from webapp.presentation.charts import figure_json, weight_trace_template
from webapp.presentation.layout import layout
from webapp.presentation.tables import tables
from webapp.request import form, limits
from webapp.request.presets import PRESETS
from webapp.request.resolve import RequestError, resolve

# The page starts with two epochs: the worksheet's first pass and its "forward again".
INITIAL_EPOCHS = 2


def _resolve_query(query: Mapping[str, list[str]]):
    """The query's body resolved (or None), the page options, and every error keyed by form field."""
    body, options, errors = form.to_request(query)
    if errors:
        return None, options, errors
    try:
        return resolve({**body, "epochs": INITIAL_EPOCHS}, unknown_params="ignore"), options, {}
    except RequestError as exc:
        graph = None
        errors = {}
        for error in exc.errors:
            errors.setdefault(form.field_of(error["field"], graph), error["message"])
        return None, options, errors


def check(query: Mapping[str, list[str]]) -> dict[str, str]:
    """Inline errors for a settings query, keyed by form field; empty when it is valid."""
    return _resolve_query(query)[2]


def start_values(graph: Graph, run: dict) -> dict[str, str]:
    """What the graph shows before any pass (the data and the starting parameters, first sample), as the
    script writes it, so the drawing carries its numbers even where scripts do not run."""
    if not run["epochs"] or "values" not in run["epochs"][0]:
        return {}
    values = run["epochs"][0]["values"]
    shown = {}
    for node in graph.nodes:
        if (node.kind in ("input", "target") or node.param) and values.get(node.id) is not None:
            value = values[node.id]
            value = value[0] if isinstance(value, list) else value
            if value is not None:
                shown[node.id] = "= " + form.format_number(value).replace("-", "−")
    return shown


def page_state(query: Mapping[str, list[str]]) -> dict:
    """The page for a query: the run it describes, or the worksheet beside inline errors."""
    resolved, options, errors = _resolve_query(query)
    if resolved is None:
        resolved = resolve({"epochs": INITIAL_EPOCHS})
    run = service.run(resolved)
    del run["graph"]
    config = run.pop("config")
    graph: Graph = resolved.graph
    explained = tables(graph)
    values = form.form_values(config, options, graph)
    for field in errors:
        raw = query.get(field, [None])[0]
        if raw is not None and field in values:
            values[field] = raw  # show what was typed next to its error
    client = {
        "config": {k: v for k, v in config.items() if k != "epochs"},
        "run": run,
        "graph": service.graph_json(resolved),
        "forwardOrder": graph.forward_order(),
        "backwardOrder": graph.backward_order(),
        "tables": {"chains": explained["chains"], "accumulation": explained["accumulation"]},
        "animate": options["animate"],
        "weightTrace": weight_trace_template(),
        "samples": len(config["x"]),
        "limits": {
            "epochs": limits.MAX_EPOCHS,
            "maxEpochs": limits.max_epochs(list(config["layers"]), config["bias"], len(config["x"])),
        },
    }
    return {
        "graph": graph,
        "layouts": [layout(graph, "wide"), layout(graph, "tall")],
        "tables": explained,
        "form": values,
        "errors": errors,
        "options": options,
        "presets": PRESETS,
        "preset": (query.get("preset") or [""])[0],
        "config": config,
        "activations": {name: a.title for name, a in ACTIVATIONS.items()},
        "losses": {name: loss.title for name, loss in LOSSES.items()},
        "max_epochs": client["limits"]["maxEpochs"],
        "start_values": start_values(graph, run),
        "client_json": json.dumps(client, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c"),
        "figure_json": figure_json(),
    }
