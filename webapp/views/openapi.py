"""The OpenAPI 3.1 document of the JSON API, generated from the app's routes under /api and the
models each view declares with `webapp.request.schema.documented`."""

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp.request import limits
from webapp.request.schema import Endpoint, ErrorResponse


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


ERRORS = {  # what a route that takes a body, and one that may be busy, may answer besides 200
    "400": "Invalid input: each error names its field.",
    "413": "The body is larger than the limit.",
    "415": "The body is not declared JSON (`Content-Type`).",
    "503": "Busy with other large runs: try again after `Retry-After`.",
}


def _operation(view, declared: Endpoint) -> dict:
    """One route's operation: its summary (the view's docstring), its body and its answers."""
    summary, _, more = (view.__doc__ or "").strip().partition("\n")
    answer, is_model = declared.answer, isinstance(declared.answer, type)
    schema = _ref(answer) if is_model else {"type": "string"} if answer else {}
    ok = {"description": (answer.__doc__ if is_model else None) or "OK"}
    ok["content"] = {
        media: {"schema": schema} for media in (answer.split() if isinstance(answer, str) else ["application/json"])
    }
    errors = [*(("400", "413", "415") if declared.body else ()), *(("503",) if declared.heavy else ())]
    error = {"content": {"application/json": {"schema": _ref(ErrorResponse)}}}
    operation = {
        "summary": summary.strip(),
        "description": more.strip(),
        "responses": {"200": ok, **{status: {"description": ERRORS[status], **error} for status in errors}},
    }
    if declared.body:
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": _ref(declared.body)}}}
    return operation


@cache
def openapi_document(app) -> dict:
    """Every route under /api with the models its view declares; a route that declares none is listed bare."""
    paths, bodies, answers = {}, {}, {ErrorResponse: None}  # dicts: ordered sets
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "documented", Endpoint())
        bodies.update({declared.body: None} if declared.body else {})
        answers.update({declared.answer: None} if isinstance(declared.answer, type) else {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(rule.rule, {})[method.lower()] = _operation(view, declared)
    _, schemas = models_json_schema(
        [(model, "validation") for model in bodies] + [(model, "serialization") for model in answers],
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Backprop Visualizer API",
            "version": "1.0",
            "description": (
                "Forward and backward passes of small fully-connected networks, every number recorded; the "
                "conventions (J, 1/N, nulls) are in the models' descriptions and docs/api.md. "
                f"Limits: {limits.MAX_LAYERS} layers, {limits.MAX_WIDTH} neurons a layer, "
                f"{limits.MAX_SAMPLES} samples, {limits.MAX_EPOCHS} epochs, {limits.MAX_BODY_BYTES} bytes a body, "
                f"and a work budget: epochs × (samples × parameters + {limits.LAYER_OVERHEAD_UNITS} × weight layers) "
                f"≤ {limits.MAX_WORK_UNITS}. "
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas["$defs"]},
    }
