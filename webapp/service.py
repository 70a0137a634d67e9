"""One training request from body to response: resolve it, train, report. No Flask here."""

from webapp.engine import Run, train
from webapp.presentation.landscape import landscape
from webapp.presentation.report import report
from webapp.request import limits
from webapp.request.presets import PRESETS
from webapp.request.resolve import RequestError, Resolved, parse_body, resolve

__all__ = ["RequestError", "parse_body", "presets", "run", "train_from_body", "train_resolved", "validate"]


def validate(data: dict) -> Resolved:
    """The body resolved: validated, its preset merged, defaults and starting parameters filled in."""
    return resolve(data)


def train_resolved(resolved: Resolved) -> Run:
    """Train as the request says, recording the epochs it details."""
    req = resolved.request
    return train(
        resolved.network,
        resolved.params,
        req.x,
        req.y,
        req.learning_rate,
        req.epochs,
        resolved.detail_epochs,
        history_budget=limits.HISTORY_BUDGET,
    )


def run(resolved: Resolved) -> dict:
    """Train as the request says and report every recorded number."""
    req = resolved.request
    result = train_resolved(resolved)
    graph = resolved.graph
    head = {"graph": graph_json(resolved)} if req.include_graph else {}
    return {**head, "config": resolved.config(), **report(result, graph, resolved.detail_samples)}


def cost_landscape(resolved: Resolved, axes: list | None, steps: object) -> dict:
    """The cost surface over two parameters around this run, with the run's path across it."""
    return landscape(resolved, train_resolved(resolved), axes, steps)


def graph_json(resolved: Resolved) -> dict:
    """The graph as the API gives it: every node with its formula, every edge with its local derivative."""
    graph = resolved.graph
    data = graph.to_json()
    for node in data["nodes"]:
        node["formula"] = graph.formula(node["id"])
    for edge in data["edges"]:
        edge["derivative"] = graph.edge_derivative(edge["id"])
    return data


def train_from_body(body: bytes) -> dict:
    return run(validate(parse_body(body)))


def presets() -> list[dict]:
    return [
        {"name": name, "title": p["title"], "description": p["description"], "request": p["request"]}
        for name, p in PRESETS.items()
    ]
