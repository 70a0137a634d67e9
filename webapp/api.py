"""The JSON API: thin views over `webapp.service`."""

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from webapp import service
from webapp.limits import MAX_BODY_BYTES
from webapp.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/train")
def train():
    try:
        return jsonify(service.train_from_body(request.get_data(cache=False)))
    except service.RequestError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), exc.status


@bp.get("/presets")
def presets():
    return jsonify(presets=service.presets())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Errors under /api are JSON too, routing ones (404, 405) included; pages keep HTML errors."""
    if not request.path.startswith(bp.url_prefix):
        return exc
    if exc.code == 413:
        error = {"field": "body", "message": f"the body is larger than {MAX_BODY_BYTES} bytes"}
    else:
        error = {"field": "request", "message": exc.description}
    return jsonify(error=exc.name, errors=[error]), exc.code
