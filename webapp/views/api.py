"""The JSON API: thin views over `webapp.service`."""

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from webapp import service
from webapp.request import limits
from webapp.request.limits import MAX_BODY_BYTES, work_units
from webapp.views.openapi import openapi_document
from webapp.web import admission

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


@bp.post("/train")
def train():
    try:
        resolved = service.validate(service.parse_body(_json_body()))
        req = resolved.request
        with admission.admitted(work_units(req.layers, req.bias, len(req.x), req.epochs)):
            result = service.run(resolved)
    except service.RequestError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), exc.status
    return jsonify(result)


@bp.post("/landscape")
def landscape():
    """The cost over two parameters around the run the rest of the body describes, and its path."""
    try:
        body = service.parse_body(_json_body())
        axes, steps = body.pop("axes", None), body.pop("steps", None)
        resolved = service.validate(body)
        req = resolved.request
        grid = (limits.LANDSCAPE_MAX_STEPS**2) * len(req.x) * resolved.network.param_count
        with admission.admitted(work_units(req.layers, req.bias, len(req.x), req.epochs) + grid):
            result = service.cost_landscape(resolved, axes, steps)
    except service.RequestError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), exc.status
    return jsonify(result)


@bp.post("/gradient-check")
def gradient_check():
    """dJ/dθ by backpropagation beside central differences, at the start of the body's `epoch`."""
    try:
        resolved, epoch = service.gradient_check_request(service.parse_body(_json_body()))
        req = resolved.request
        nudged = 2 * resolved.network.param_count * len(req.x) * resolved.network.param_count
        with admission.admitted(work_units(req.layers, req.bias, len(req.x), req.epochs) + nudged):
            result = service.check_gradients(resolved, epoch)
    except service.RequestError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), exc.status
    return jsonify(result)


@bp.post("/export")
def export():
    """The run as a CSV of every epoch, or one epoch's tables as LaTeX, to download."""
    try:
        body = service.parse_body(_json_body())
        probe = service.validate({k: v for k, v in body.items() if k not in ("format", "epoch")})
        req = probe.request
        with admission.admitted(work_units(req.layers, req.bias, len(req.x), req.epochs)):
            text, mimetype, name = service.export(body)
    except service.RequestError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), exc.status
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/presets")
def presets():
    return jsonify(presets=service.presets())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


ERROR_FIELDS = {413: ("body", f"the body is larger than {MAX_BODY_BYTES} bytes"), 415: ("Content-Type", None)}


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
