"""One training request from body to response: resolve it, train, report. No Flask here."""

from functools import lru_cache

from webapp.engine import Network, Run, train
from webapp.presentation.export import run_csv, tables_latex
from webapp.presentation.gradient_check import gradient_check
from webapp.presentation.landscape import landscape, surface_settings
from webapp.presentation.report import report
from webapp.request import limits
from webapp.request.presets import PRESETS
from webapp.request.resolve import RequestError, Resolved, graph_of, parse_body, resolve

__all__ = [
    "RequestError",
    "parse_body",
    "presets",
    "run",
    "surface_settings",
    "train_from_body",
    "train_resolved",
    "validate",
]


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
        first_epoch=req.first_epoch,
    )


def run(resolved: Resolved) -> dict:
    """Train as the request says and report every recorded number."""
    req = resolved.request
    result = train_resolved(resolved)
    graph = resolved.graph
    head = {"graph": graph_json(resolved)} if req.include_graph else {}
    return {**head, "config": resolved.config(), **report(result, graph, resolved.detail_samples)}


def cost_landscape(resolved: Resolved, first: str, second: str, count: int) -> dict:
    """The cost surface over two parameters around this run (checked by `surface_settings`), with its path."""
    return landscape(resolved, train_resolved(resolved), first, second, count)


def gradient_check_request(body: dict) -> tuple[Resolved, int]:
    """A training request that runs up to `epoch` (default 1) and records it, and that epoch."""
    epoch = body.pop("epoch", 1)
    if not isinstance(epoch, int) or isinstance(epoch, bool) or not 1 <= epoch <= limits.MAX_EPOCHS:
        raise RequestError([{"field": "epoch", "message": f"a whole number from 1 to {limits.MAX_EPOCHS}"}])
    resolved = validate({**body, "epochs": epoch, "detail_epochs": [epoch], "include_graph": False})
    params, samples = resolved.network.param_count, len(resolved.request.x)
    # Each parameter is nudged both ways and costed on every sample: 2P forward passes of P·N work.
    if 2 * params * samples * params > limits.MAX_WORK_UNITS // 2:
        raise RequestError(
            [{"field": "x", "message": f"{samples} samples are too many to check {params} parameters one by one"}]
        )
    return resolved, epoch


def check_gradients(resolved: Resolved, epoch: int) -> dict:
    """Backpropagation's gradients at the start of `epoch` beside central differences."""
    run = train_resolved(resolved)
    if epoch > run.epochs_run:
        raise RequestError([{"field": "epoch", "message": f"the run diverged at epoch {run.diverged_at}"}])
    return gradient_check(resolved, run, epoch)


def export_request(body: dict) -> tuple[Resolved, str, int | None]:
    """A training request to export, with its `format` ("csv": every epoch's cost, parameters and
    gradients; "latex": the tables of `epoch`, default the last) and that epoch."""
    kind = body.pop("format", "csv")
    epoch = body.pop("epoch", None)
    if kind not in ("csv", "latex"):
        raise RequestError([{"field": "format", "message": "csv or latex (the JSON is POST /api/train's answer)"}])
    return validate({**body, "include_graph": False}), kind, epoch


def export(resolved: Resolved, kind: str, epoch: int | None) -> tuple[str, str, str]:
    """The run as a file: (text, media type, file name)."""
    req = resolved.request
    train_args = (resolved.network, resolved.params, req.x, req.y, req.learning_rate)
    first = req.first_epoch
    if kind == "csv":
        if 2 * req.epochs_to_train * resolved.network.param_count > limits.EXPORT_NUMBERS:
            most = limits.EXPORT_NUMBERS // (2 * resolved.network.param_count)
            raise RequestError([{"field": "epochs", "message": f"at most {most} epochs in one CSV for this network"}])
        run = train(*train_args, req.epochs, (), history_budget=2, every_epoch=True, first_epoch=first)
        return run_csv(resolved, run), "text/csv", "backprop-run.csv"
    epoch = req.epochs if epoch is None else epoch
    if not isinstance(epoch, int) or isinstance(epoch, bool) or not first <= epoch <= req.epochs:
        raise RequestError([{"field": "epoch", "message": f"a whole number from {first} to {req.epochs}"}])
    run = train(*train_args, epoch, [epoch], history_budget=2, first_epoch=first)
    if epoch > run.epochs_run:
        raise RequestError([{"field": "epoch", "message": f"the run diverged at epoch {run.diverged_at}"}])
    return tables_latex(resolved, run, epoch), "application/x-tex", f"backprop-epoch-{epoch}.tex"


def graph_json(resolved: Resolved) -> dict:
    """The graph as the API gives it: every node with its formula, every edge with its local derivative.

    Shared by every run of the same network (it depends on nothing else), so it must not be changed.
    """
    return _graph_json(resolved.network)


@lru_cache(maxsize=16)
def _graph_json(network: Network) -> dict:
    graph = graph_of(network)
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
