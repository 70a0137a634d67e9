"""The JSON API: thin views over `webapp.service`."""

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from webapp import service
from webapp.request import expression as expression_request
from webapp.request import limits, runs, schema
from webapp.request.limits import MAX_BODY_BYTES, work_units
from webapp.request.schema import documented
from webapp.views.openapi import openapi_document
from webapp.web import admission, compression, strict_json

bp = Blueprint("api", __name__, url_prefix="/api")


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def _json_body() -> bytes:
    """The request's body, which must be declared JSON.

    Only JSON is accepted, so a form or a text/plain body that another site's page makes a visitor's
    browser send (no CORS preflight for those) is refused before any work. A request with neither a
    body nor a Content-Type still means the worksheet, as documented: it costs next to nothing.
    """
    mimetype = request.mimetype
    if mimetype and not _is_json(mimetype):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {mimetype}")
    body = request.get_data(cache=False)
    if not mimetype and body.strip():
        raise UnsupportedMediaType("Content-Type must be application/json")
    return body


@bp.errorhandler(service.RequestError)
def refused(exc: service.RequestError):
    """A request the API refuses: every error names its field."""
    return jsonify(error="Invalid request", errors=exc.errors), exc.status


def _units(resolved, extra: int = 0) -> int:
    """What the run costs (limits.work_units), plus what the endpoint adds on top of training."""
    req = resolved.request
    steps = limits.steps_per_epoch(len(req.x), req.batch_size)
    return work_units(req.layers, req.bias, len(req.x), req.epochs_to_train, steps) + extra


def _json(units: int, function, *args) -> Response:
    """function(*args) as JSON; light work at once, heavy work in one of a few slots (webapp.web.admission),
    compressed there too."""
    if admission.is_heavy(units) and compression.accepted():
        data = admission.compute(units, compression.gzipped, strict_json.encoded, function, *args)
        return compression.gzipped_response(data, "application/json")
    return Response(admission.compute(units, strict_json.encoded, function, *args), mimetype="application/json")


@bp.post("/train")
@documented(schema.TrainRequest, schema.TrainResponse, heavy=True)
def train():
    """Train a network and record every forward value and gradient."""
    resolved = service.validate(service.parse_body(_json_body()))
    return _json(_units(resolved), service.run, resolved)


@bp.post("/landscape")
@documented(schema.LandscapeRequest, schema.Surface, heavy=True)
def landscape():
    """The cost over two parameters around the run the rest of the body describes, and its path."""
    resolved, axes, steps = runs.landscape_request(service.parse_body(_json_body()))
    grid = steps**2 * len(resolved.request.x) * resolved.network.param_count
    return _json(_units(resolved, grid), service.cost_landscape, resolved, axes, steps)


@bp.post("/input-space")
@documented(schema.InputSpaceRequest, schema.InputSpace, heavy=True)
def input_space():
    """What the network computes at the start of `epoch`: ŷ (and each hidden neuron) over one or two inputs."""
    resolved, options, steps = runs.input_space_request(service.parse_body(_json_body()))
    points = steps ** len(options.inputs)
    return _json(
        _units(resolved, points * resolved.network.param_count), service.over_input_space, resolved, options, steps
    )


@bp.post("/gradient-check")
@documented(schema.GradientCheckRequest, schema.GradientCheck, heavy=True)
def gradient_check():
    """∂J/∂θ by backpropagation beside central differences, at the start of the body's `epoch`."""
    resolved, epoch = runs.gradient_check_request(service.parse_body(_json_body()))
    params = resolved.network.param_count
    units = _units(resolved, 2 * params * len(resolved.request.x) * params)
    return _json(units, service.check_gradients, resolved, epoch)


@bp.post("/export")
@documented(schema.ExportRequest, "text/csv application/x-tex", heavy=True)
def export():
    """The run as a CSV of every epoch, or one epoch's tables as LaTeX, to download."""
    resolved, kind, epoch = runs.export_request(service.parse_body(_json_body()))
    numbers = 2 * resolved.request.epochs_to_train * resolved.network.param_count if kind == "csv" else 0
    units = _units(resolved, numbers * limits.EXPORT_UNITS_PER_NUMBER)  # writing and compressing the file
    if admission.is_heavy(units) and compression.accepted():
        data, mimetype, name = admission.compute(units, compression.gzipped, service.export, resolved, kind, epoch)
        response = compression.gzipped_response(data, mimetype)
    else:
        text, mimetype, name = admission.compute(units, service.export, resolved, kind, epoch)
        response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/expression")
@documented(expression_request.ExpressionRequest, expression_request.ExpressionAnswer)
def expression():
    """An expression's computational graph with its forward values, local derivatives and gradients.

    The formula is parsed without eval and checked against its limits before anything is built;
    a number it cannot give (log of 0, division by zero, overflow) is a 400 naming the operation."""
    resolved = expression_request.resolve_expression(service.parse_body(_json_body()))
    return Response(strict_json.encoded(service.expression, resolved), mimetype="application/json")


@bp.post("/expression/gradient-check")
@documented(expression_request.ExpressionCheckRequest, schema.GradientCheck)
def expression_gradient_check():
    """An expression's ∂f/∂x by its backward pass beside central differences, for every variable."""
    resolved = expression_request.resolve_check(service.parse_body(_json_body()))
    return Response(strict_json.encoded(service.check_expression, resolved), mimetype="application/json")


@bp.get("/presets")
@documented(answer=schema.Presets)
def presets():
    """Named starting points: each preset's title, description and training request."""
    return jsonify(presets=service.presets())


@bp.get("/openapi.json")
def openapi():
    """This document: the JSON API in OpenAPI 3.1."""
    return jsonify(openapi_document(current_app))


ERROR_FIELDS = {
    413: ("body", f"the body is larger than {MAX_BODY_BYTES} bytes"),
    414: ("query", None),
    415: ("Content-Type", None),
}


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Errors under /api are JSON too, routing ones (404, 405) included; pages keep HTML errors.

    The exception's own headers stay (a 405's Allow, a 503's Retry-After); only the body changes.
    """
    if not request.path.startswith(bp.url_prefix):
        return exc
    field, message = ERROR_FIELDS.get(exc.code, ("request", None))
    response = jsonify(error=exc.name, errors=[{"field": field, "message": message or exc.description}])
    response.status_code = exc.code
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
