"""Each request from body to answer: the request layer resolves it, the engine trains, presentation
reports. The views call this; nothing below the views imports it. No Flask here."""

from functools import lru_cache

from webapp.engine import Network, Run, train
from webapp.engine.expression import EvaluationError, ExpressionGraph, build
from webapp.presentation.export import run_csv, tables_latex
from webapp.presentation.gradient_check import expression_gradient_check, gradient_check
from webapp.presentation.input_space import input_space
from webapp.presentation.landscape import landscape
from webapp.presentation.notation import number
from webapp.presentation.report import report
from webapp.request import limits
from webapp.request.expression import ResolvedExpression
from webapp.request.presets import PRESETS
from webapp.request.resolve import RequestError, Resolved, graph_of, parse_body, resolve

__all__ = ["RequestError", "parse_body", "presets", "run", "train_resolved", "validate"]


validate = resolve  # the body validated, its preset merged, defaults and starting parameters filled in


def train_resolved(resolved: Resolved, epochs: int | None = None, detail=None, **options) -> Run:
    """Train as the request says (up to `epochs`, recording `detail`: by default its own), keeping
    the parameters' history within its budget."""
    req, options = resolved.request, {"history_budget": limits.HISTORY_BUDGET, **options}
    detail = resolved.detail_epochs if detail is None else detail
    args = (resolved.network, resolved.params, req.x, req.y, req.learning_rate, epochs or req.epochs, detail)
    steps = {"optimizer": resolved.optimizer, "batch_size": req.batch_size or 0, "seed": req.seed or 0}
    return train(*args, first_epoch=req.first_epoch, state=resolved.state, **steps, **options)


def run(resolved: Resolved) -> dict:
    """Train as the request says and report every recorded number."""
    req = resolved.request
    result = train_resolved(resolved)
    graph = resolved.graph
    head = {"graph": graph_json(resolved.network)} if req.include_graph else {}
    return {
        **head,
        "config": resolved.config(),
        **report(result, graph, resolved.detail_samples, req.detail_samples is None),
    }


def cost_landscape(resolved: Resolved, axes: list[str], steps: int) -> dict:
    """The cost surface over two parameters around this run, with the run's path across it."""
    position = resolved.graph.param_position
    batched = limits.steps_per_epoch(len(resolved.request.x), resolved.request.batch_size) > 1
    path = tuple(position[a] for a in axes) if batched else ()
    return landscape(resolved, train_resolved(resolved, step_path=path), axes, steps)


def over_input_space(resolved: Resolved, options, steps: int) -> dict:
    """What the network computes over its input space at the start of `options.epoch`."""
    epoch = options.epoch
    return input_space(resolved, _trained_to(train_resolved(resolved), epoch), epoch, options, steps)


def _trained_to(run: Run, epoch: int) -> Run:
    if epoch > run.epochs_run:
        raise RequestError([{"field": "epoch", "message": f"the run diverged at epoch {run.diverged_at}"}])
    return run


def check_gradients(resolved: Resolved, epoch: int) -> dict:
    """Backpropagation's gradients at the start of `epoch` beside central differences."""
    return gradient_check(resolved, _trained_to(train_resolved(resolved), epoch), epoch)


def export(resolved: Resolved, kind: str, epoch: int) -> tuple[str, str, str]:
    """The run as a file: (text, media type, file name)."""
    if kind == "csv":
        run = train_resolved(resolved, detail=(), history_budget=2, every_epoch=True)
        return run_csv(resolved, run), "text/csv", "backprop-run.csv"
    run = _trained_to(train_resolved(resolved, epoch, [epoch], history_budget=2), epoch)
    return tables_latex(resolved, run, epoch), "application/x-tex", f"backprop-epoch-{epoch}.tex"


@lru_cache(maxsize=16)
def graph_json(network: Network) -> dict:
    """The graph as the API gives it: every node with its formula, every edge with its local derivative.

    Shared by every run of the same network (it depends on nothing else), so it must not be changed.
    """
    graph = graph_of(network)
    data = graph.to_json()
    for node in data["nodes"]:
        node["formula"] = graph.formula(node["id"])
    for edge in data["edges"]:
        edge["derivative"] = graph.edge_derivative(edge["id"])
    return data


def expression_run(resolved: ResolvedExpression) -> tuple[ExpressionGraph, dict]:
    """An expression's graph and both passes, or a RequestError naming the operation that has no number."""
    req = resolved.request
    graph = build(resolved.term, req.staged)
    try:
        return graph, graph.run(req.values)
    except EvaluationError as exc:
        raise RequestError([_evaluation_error(graph, exc)]) from None


def check_expression(resolved: ResolvedExpression) -> dict:
    """An expression's gradients by its backward pass beside central differences."""
    graph, numbers = expression_run(resolved)
    return expression_gradient_check(graph, numbers, resolved.request.values, EvaluationError)


def expression(resolved: ResolvedExpression) -> dict:
    """POST /api/expression's answer."""
    graph, numbers = expression_run(resolved)
    return {"graph": graph.to_json(), "output": graph.output, **numbers}


def _evaluation_error(graph, exc: EvaluationError) -> dict:
    """“log(x + y): the logarithm of a number that is not positive (its input is −3)”."""
    inputs = " and ".join(number(v) for v in exc.operands)
    given = f" (its input is {inputs})" if len(exc.operands) == 1 else f" (its inputs are {inputs})" if inputs else ""
    message = f"{graph.expression_text[exc.node.id]}: {exc.reason}{given}"
    return {"field": "expression", "message": message, "position": exc.position}


def presets() -> list[dict]:
    return [{"name": name, **{k: p[k] for k in ("title", "description", "request")}} for name, p in PRESETS.items()]
