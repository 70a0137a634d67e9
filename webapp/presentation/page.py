"""Everything the visualizer page shows, as plain data for the templates and the page's script."""

import json
from collections.abc import Mapping

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.datasets import DATASETS
from webapp.engine.graph import Graph, Kind, is_param_id, label_of, partial
from webapp.engine.losses import LOSSES
from webapp.presentation.charts import figure_json, weight_trace_template
from webapp.presentation.layout import NODE_HEIGHT, NODE_WIDTH, layout
from webapp.presentation.notation import number
from webapp.presentation.tables import tables
from webapp.presentation.updates import update_rows
from webapp.request import form, limits
from webapp.request.page import preset_choice
from webapp.request.presets import PRESETS
from webapp.request.resolve import Resolved


def unreachable_targets(config: dict) -> str | None:
    """In words, when the output activation cannot produce some target (a hint, not an error)."""
    targets = sorted({v for row in config["y"] for v in row})
    output = config["activations"][-1]
    if output == "sigmoid" and config["loss"] == "bce":
        outside = [v for v in targets if not 0 <= v <= 1]  # 0 and 1 are the limits cross-entropy aims at
        reach = "only values between 0 and 1"
    elif output == "sigmoid":
        outside = [v for v in targets if not 0 < v < 1]
        reach = "only values strictly between 0 and 1"
    elif output == "tanh":
        outside = [v for v in targets if abs(v) >= 1]
        reach = "only values strictly between −1 and 1"
    elif output == "relu":
        outside = [v for v in targets if v < 0]
        reach = "no negative values"
    else:
        return None
    if not outside:
        return None
    shown = ", ".join(number(v) for v in outside[:4]) + (", …" if len(outside) > 4 else "")
    return (
        f"A {ACTIVATIONS[output].title} output gives {reach}, so it never reaches y = {shown}; the cost cannot reach 0."
    )


def client_graph(graph: Graph) -> dict:
    """The graph as the page's script reads it (graph.js's `expandGraph`): each node's and edge's fields
    as rows under one list of names, and `kinds`, the kind names (Kind) as [NAME, name], which the
    script compares by instead of keeping a copy. Compact, as a wide network has thousands of edges:
    a kind is its place in `kinds`, a node (an edge's source and target, the passes' nodes) its place
    in the nodes, an edge's partner its place in the edges. TeX is left out: the server writes the
    page's equations."""
    node = {n.id: i for i, n in enumerate(graph.nodes)}
    edge = {e.id: i for i, e in enumerate(graph.edges)}
    kind = {k: i for i, k in enumerate(Kind)}
    return {
        "kinds": [[k.name, k.value] for k in Kind],
        "nodeFields": ["id", "kind", "layer", "row", "label", "param"],
        "nodes": [[n.id, kind[n.kind], n.layer, n.index, n.label, int(n.param)] for n in graph.nodes],
        "edgeFields": ["id", "source", "target", "kind", "partner"],
        "edges": [[e.id, node[e.source], node[e.target], kind[e.kind], edge.get(e.partner)] for e in graph.edges],
        # The nodes each pass computes, in order.
        "forward": [node[i] for i in graph.forward_order()],
        "backward": [node[i] for i in graph.backward_order()],
        # Derivatives are named by this pattern with labels filled in (graph.js), not thousands of names spelt out.
        "partial": partial("{top}", "{bottom}"),
        # Where the backward pass starts (∂J/∂J = 1, or ∂f/∂f), the kinds of node known before any pass
        # (besides the parameters), and
        # whether an update phase (and more epochs) follows the backward pass.
        "output": node[graph.output],
        "knownKinds": list(graph.known_kinds),
        "updates": graph.updates,
        # A node's computation as text over its in-edges' sources, {n0} + {f1} (an expression's operations);
        # a network's are written from the activations and the cost below.
        "worked": {node[n.id]: text for n in graph.nodes if (text := graph.worked_text(n.id))},
        # A node's name in equations where it is not its label: an expression's unnamed operation, drawn as
        # its gate (+), is named by its own expression, (x + y).
        "names": {node[n.id]: name for n in graph.nodes if (name := graph.text_name(n.id)) != n.label},
        # What each node does with the gradient, in words (an expression's gate patterns).
        "gates": {node[n.id]: text for n in graph.nodes if (text := _gate(graph, n.id))},
        **(_network_fields(graph) if isinstance(graph, Graph) else {"activations": [], "cost": None}),
    }


def _gate(graph, node_id: str) -> str | None:
    gate = getattr(graph, "gate", None)
    return gate(node_id) if gate else None


def _network_fields(graph: Graph) -> dict:
    return {
        # Each layer's activation and one sample's share of the cost as text with {z}, {y}, {yhat}, for the
        # forward table's arithmetic: J = (Σ of the shares)/(divisor · N).
        "activations": [ACTIVATIONS[name].text for name in graph.network.activations],
        "cost": {"text": LOSSES[graph.network.loss].text, "divisor": LOSSES[graph.network.loss].per_sample_divisor},
    }


def graph_geometry(graph: Graph, wide: dict) -> dict:
    """Where the browser draws each box in either drawing; it draws the edges between them (geometry.js)."""
    tall = layout(graph, "tall")
    return {
        "box": [NODE_WIDTH, NODE_HEIGHT],
        **{
            drawing["orientation"]: {
                "width": drawing["width"],
                "height": drawing["height"],
                "labelWidth": drawing["label_width"],
                "roomy": drawing["roomy"],
                "nodes": {b["id"]: [b["x"], b["y"], int(b["band"])] for b in drawing["nodes"]},
            }
            for drawing in (wide, tall)
        },
    }


def start_values(graph: Graph, run: dict) -> dict[str, str]:
    """What the graph shows before any pass (the data and the starting parameters, first sample), as the
    script writes it, so the drawing carries its numbers even where scripts do not run."""
    if not run["epochs"] or "values" not in run["epochs"][0]:
        return {}
    values = run["epochs"][0]["values"]
    shown = {}
    for node in graph.nodes:
        if (node.kind in (Kind.INPUT, Kind.TARGET) or node.param) and values.get(node.id) is not None:
            value = values[node.id]
            value = value[0] if isinstance(value, list) else value
            if value is not None:
                shown[node.id] = "= " + number(value, compact=True)
    return shown


def optimizer_title(optimizer) -> str:
    """The update table's subtitle: the optimizer and its constants."""
    constants = {"beta": "β", "beta1": "β₁", "beta2": "β₂", "eps": "ε"}
    said = ", ".join(f"{constants[k]} = {number(v)}" for k, v in optimizer.constants.items())
    title = {"sgd": "gradient descent", "momentum": "momentum", "adam": "Adam"}[optimizer.name]
    return f"{title}, {said}" if said else title


def page_state(query: Mapping[str, list[str]], resolved: Resolved, run: dict, options: dict, errors: dict) -> dict:
    """The page for a query: the run it describes (`request.page`), or the worksheet's beside inline errors."""
    config = run.pop("config")
    graph: Graph = resolved.graph
    explained = tables(graph)
    if resolved.optimizer.name != "sgd":
        explained["updates"] = update_rows(graph, resolved.optimizer, len(explained["updates"]))
    values = form.form_values(config, options, graph)
    for field in errors:
        raw = query.get(field, [None])[0]
        if raw is not None and field in values:
            values[field] = raw  # show what was typed next to its error
    if errors:
        # The run shown is the worksheet's, but the form keeps the student's own parameters as typed.
        typed = [(name, vals[0]) for name, vals in query.items() if is_param_id(name) and vals]
        if typed:
            values["params"] = [{"id": pid, "label": label_of(pid), "value": raw} for pid, raw in typed]
    notes = dict(options.get("notes", {}))
    if not errors and (unreachable := unreachable_targets(config)):
        output_field = f"act-{len(config['activations']) - 1}"
        notes[output_field] = f"{notes[output_field]} {unreachable}" if output_field in notes else unreachable
    wide = layout(graph, "wide")
    if len(config["x"]) == 1:
        # With one sample a parameter's only gradient term is its gradient: the page needs no copy.
        for epoch in run["epochs"]:
            epoch.pop("terms", None)
    client = {
        "config": {k: v for k, v in config.items() if k != "epochs"},
        "run": run,
        "graph": client_graph(graph),
        "geometry": graph_geometry(graph, wide),
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
        "functions": [graph.node[i] for i in graph.forward_order()],
        "layouts": [wide],
        "tables": explained,
        "form": values,
        "errors": errors,
        "options": options,
        "presets": PRESETS,
        "preset": preset_choice(config) if not errors else "custom",
        "notes": notes,
        "config": config,
        "activations": {name: a.title for name, a in ACTIVATIONS.items()},
        "losses": {name: loss.title for name, loss in LOSSES.items()},
        "datasets": DATASETS,
        "max_epochs": client["limits"]["maxEpochs"],
        "learning_rate": number(config["learning_rate"]),
        "optimizer_title": optimizer_title(resolved.optimizer),
        "start_values": start_values(graph, run),
        "client": client,
        "figure": json.loads(figure_json()),
    }
