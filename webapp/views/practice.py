"""The practice pages: the worksheets (webapp/worksheets/*.toml) and a practice set for any network the
main page allows, answered in the page and checked here. One training run per exercise."""

import json
from functools import lru_cache
from itertools import islice
from types import SimpleNamespace

from flask import Blueprint, jsonify, render_template, request
from werkzeug.exceptions import UnsupportedMediaType

from webapp import service
from webapp.presentation import answers, page, practice
from webapp.presentation.layout import layout
from webapp.presentation.notation import number
from webapp.request import expression as expressions
from webapp.request import limits
from webapp.request import practice as sheets
from webapp.request.resolve import RequestError, parse_body, resolve
from webapp.request.schema import documented
from webapp.views.api import _json_body

bp = Blueprint("practice", __name__)
PAGE_KEYS = ("worksheet", "variant", "key")


@bp.errorhandler(RequestError)
def refused(exc: RequestError):
    return jsonify(error="Invalid request", errors=exc.errors), exc.status


@lru_cache(maxsize=128)
def _run(body_json: str, variant: int, vary: tuple[str, ...]):
    """The variant's training body resolved, and its one run of two detailed epochs."""
    base = resolve(json.loads(body_json))
    if base.network.param_count > sheets.MAX_PRACTICE_PARAMS or len(base.request.x) > limits.MAX_DETAIL_SAMPLES:
        most = f"at most {sheets.MAX_PRACTICE_PARAMS} parameters and {limits.MAX_DETAIL_SAMPLES} samples"
        raise RequestError([{"field": "layers", "message": f"practice takes {most}"}])
    for body in islice(sheets.variant_bodies(base.config(), variant, vary), 50):
        resolved = resolve({**body, "epochs": 2, "detail_epochs": [1, 2], "include_graph": False})
        run = service.run(resolved)
        if run["diverged_at"]:
            raise RequestError([{"field": "learning_rate", "message": "the first update diverges: take a smaller one"}])
        if variant == 0 or run["epochs"][0]["values"]["J"] > 1e-20:
            return resolved, run
    raise RequestError([{"field": "variant", "message": "every draw of this variant has nothing to learn"}])


def _exercise(sheet, name: str | None, body: dict, variant: int):
    """The exercise, the body its answers are checked with, and the run it comes from."""
    first = next(sheets.variant_bodies(resolve(body).config(), 0))
    body_json = json.dumps(first, sort_keys=True)
    resolved, run = _run(body_json, variant, tuple(sheet.variants.vary))
    try:
        ex = practice.exercise(resolved.graph, run, len(resolved.request.x), sheet.sections, variant)
    except KeyError as exc:
        raise RequestError([{"field": "worksheet", "message": f"{name}.toml: {exc.args[0]}"}]) from None
    return ex, {**first, **({"worksheet": name} if name else {})}, resolved, run


def _listing(errors: list[str], status: int):
    worksheets = {n: sheets.load_worksheet(n) for n in sheets.worksheet_names()}
    return render_template("practice.html", worksheets=worksheets, errors=errors), status


def _expression_exercise(body: dict):
    """An expression's practice set, the check body its answers are checked with, its graph and numbers."""
    resolved = expressions.resolve_expression(body)
    graph, numbers = service.expression_run(resolved)
    check = {
        "expression": resolved.request.expression,
        "values": resolved.request.values,
        "staged": resolved.request.staged,
    }
    return practice.expression_exercise(graph, numbers), check, graph, numbers


def _expression_page():
    """/practice?expr=…: a practice set generated from the expression's graph, checked like a worksheet's."""
    query = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in PAGE_KEYS}
    resolved, form, errors = expressions.page_request(query)
    if resolved is None:
        return _listing([f"{field}: {message}" for field, message in errors.items()], 400)
    try:
        # Every operation named (q = x + y): a worked solution reads ∂f/∂q, not ∂f/∂(a whole sub-expression).
        ex, check, graph, numbers = _expression_exercise({**resolved.request.model_dump(), "staged": True})
    except RequestError as exc:
        return _listing([f"{e['field']}: {e['message']}" for e in exc.errors], 400)
    wide = layout(graph, "wide")
    epoch = {**numbers, "after": {}}
    data = {"graph": graph.to_json(), "epochs": [epoch], "learningRate": None, "samples": [0], "total": 1, "check": check,
            "drawing": page.client_graph(graph), "geometry": page.graph_geometry(graph, wide)}  # fmt: skip
    sheet = SimpleNamespace(
        title=f"the expression {form['expr']}",
        introduction="The chain rule on an expression: forward, each local derivative, then backward.",
        variants=SimpleNamespace(first=0, last=0),
    )
    return render_template(
        "practice.html",
        sheet=sheet,
        keep=query,
        exercise=ex,
        variant_message=None,
        answer_key=request.args.get("key") in ("1", "on", "true"),
        rounding_digits=answers.MIN_SIGNIFICANT_DIGITS,
        data=data,
        graph=graph,
        layout=wide,
        start_values={i: "= " + number(numbers["values"][i], compact=True) for i in graph.known()},
    )


@bp.get("/practice")
def practice_page():
    if "expr" in request.args:
        return _expression_page()
    name = request.args.get("worksheet")
    settings = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in PAGE_KEYS}
    if not request.args:
        return _listing([], 200)
    name = sheets.DEFAULT_WORKSHEET if name is None and not settings else name  # /practice?variant=17: the seed's
    try:
        sheet = sheets.load_worksheet(name) if name is not None else sheets.ANY_NETWORK
        body = sheets.network_body(sheet.query() | settings)
        variant, message = sheets.parse_variant(request.args.get("variant"), sheet.variants.first, sheet.variants.last)
        ex, check, resolved, run = _exercise(sheet, name, body, variant)
    except (sheets.WorksheetError, RequestError) as exc:
        return _listing([f"{e['field']}: {e['message']}" for e in exc.errors] if isinstance(exc, RequestError) else [str(exc)], 400)  # fmt: skip
    wide = layout(resolved.graph, "wide")
    data = {"graph": resolved.graph.to_json(), "epochs": run["epochs"][:2], "learningRate": resolved.request.learning_rate,
            "samples": run["detail_samples"], "total": len(resolved.request.x), "check": check,
            "drawing": page.client_graph(resolved.graph), "geometry": page.graph_geometry(resolved.graph, wide),
            "optimizer": run["optimizer"]}  # fmt: skip
    # A course page may frame the practice set like /embed (webapp.web.security); the check it calls is
    # under /api, which any origin may call, a sandboxed frame's included.
    return render_template(
        "practice.html",
        sheet=sheet,
        keep={k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("variant", "key")},
        exercise=ex,
        variant_message=message,
        answer_key=request.args.get("key") in ("1", "on", "true"),
        rounding_digits=answers.MIN_SIGNIFICANT_DIGITS,
        data=data,
        graph=resolved.graph,
        layout=wide,
        start_values=page.start_values(resolved.graph, run),
    )


@bp.post("/api/practice/check")
@documented(sheets.CheckRequest)
def check():
    """Feedback on each answer sent and the set's score. JSON only, like /api/train."""
    if not request.mimetype:  # unlike /api/train, no body-less default: a check always names its answers
        raise UnsupportedMediaType("Content-Type must be application/json, not none")
    body = _json_body()
    if not body.strip():
        raise RequestError([{"field": "body", "message": "must be a JSON object with the answers"}])
    req = sheets.check_request(parse_body(body))
    if "expression" in req.training():
        if req.variant or req.worksheet:
            raise RequestError([{"field": "variant" if req.variant else "worksheet", "message": "an expression has no variants or worksheet"}])  # fmt: skip
        ex = _expression_exercise(req.training())[0]
        return jsonify(practice.check_answers(ex, _known_answers(ex, req.answers)))
    req.worksheet = req.worksheet or (None if req.training() else sheets.DEFAULT_WORKSHEET)
    try:
        sheet = sheets.load_worksheet(req.worksheet) if req.worksheet else sheets.ANY_NETWORK
        training = req.training() or (sheets.network_body(sheet.query()) if req.worksheet else {})
    except sheets.WorksheetError as exc:
        raise RequestError([{"field": "worksheet", "message": str(exc)}]) from None
    if not sheet.variants.first <= req.variant <= sheet.variants.last:
        raise RequestError([{"field": "variant", "message": f"from {sheet.variants.first} to {sheet.variants.last}"}])
    ex = _exercise(sheet, req.worksheet, training, req.variant)[0]
    return jsonify(practice.check_answers(ex, _known_answers(ex, req.answers)))


def _known_answers(ex, answers: dict[str, str]) -> dict[str, str]:
    """The answers, each to a problem the set has (a choice among its choices), or a RequestError naming each."""
    problems, errors = ex.problems, []
    for pid, answer in answers.items():
        if pid not in problems:
            errors.append({"field": f"answers.{pid}", "message": f"no such problem; one of {', '.join(problems)}"})
        elif problems[pid].choices and answer not in ("", *problems[pid].choices):
            errors.append({"field": f"answers.{pid}", "message": f"one of {', '.join(problems[pid].choices)}"})
    if errors:
        raise RequestError(errors)
    return answers
