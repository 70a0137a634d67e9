"""The visualizer page for an expression: the same page data as a network's (`page.page_state`), from
an expression's graph and its one forward and backward pass. Only what differs is here: there is no
training, so the run is one epoch with no update, and the settings are a formula and its values."""

import json

from webapp.presentation.charts import figure_json, weight_trace_template
from webapp.presentation.layout import layout
from webapp.presentation.notation import number
from webapp.presentation.page import client_graph, graph_geometry
from webapp.presentation.tables import tables
from webapp.request.presets import PRESETS

# The page's hidden parts: no update, no training, no epochs to scrub, one sample; no cost chart.
HIDDEN_CONTROLS = frozenset({"update", "train", "scrubber", "sample"})
HIDDEN_PANELS = frozenset({"chart"})


def expression_run(graph, numbers: dict) -> dict:
    """The pass as the page's store reads a run: one epoch in full, whose cost is the output's value."""
    epoch = {"epoch": 1, "cost": numbers["values"][graph.output], "detail": True, **numbers, "after": {}}
    return {
        "epochs": [epoch],
        "history": {"epochs": [0], "params": {}},
        "status": "ok",
        "message": "",
        "diverged_at": None,
        "stuck_at": None,
        "detail_samples": [0],
    }


def expression_page_state(graph, numbers: dict, shown: dict, form: dict, errors: dict, options: dict) -> dict:
    """The page for the expression `shown` (its request: expression, values, staged), whose graph and pass
    are `graph` and `numbers`; `form` and `errors` are the settings as typed (the default example is shown
    beside errors)."""
    explained = tables(graph)
    wide = layout(graph, "wide")
    run = expression_run(graph, numbers)
    client = {
        # What the gradient check sends (POST /api/expression/gradient-check), as a network's run settings.
        "config": {
            "expression": form["expr"],
            "values": {n: numbers["values"][n] for n in graph.variables},
            "staged": form["staged"],
        },
        "run": run,
        "graph": client_graph(graph),
        "geometry": graph_geometry(graph, wide),
        "tables": {"chains": explained["chains"], "accumulation": explained["accumulation"]},
        "animate": options.get("animate", True),
        "weightTrace": weight_trace_template(),
        "samples": 1,
        "limits": {"epochs": 1, "maxEpochs": 1},
    }
    output = graph.node[graph.output]
    return {
        "expression": form,
        "output_label": output.label,
        "graph": graph,
        "functions": [graph.node[i] for i in graph.forward_order()],
        "variables": [graph.node[i] for i in graph.variables],
        "layouts": [wide],
        "tables": explained,
        "errors": errors,
        "options": {"animate": options.get("animate", True), "train": 1},
        "hidden_controls": HIDDEN_CONTROLS,
        "hidden_panels": HIDDEN_PANELS,
        "config": {},
        "presets": PRESETS,
        "preset": "custom",
        "max_epochs": 1,
        "learning_rate": "",
        "start_values": {i: "= " + number(numbers["values"][i], compact=True) for i in graph.known()},
        "client": client,
        "figure": json.loads(figure_json()),
    }
