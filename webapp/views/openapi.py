"""The OpenAPI 3.1 document of the JSON API, generated from the app's routes under /api and the
models each view declares with `webapp.request.schema.documented`."""

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp.request import limits
from webapp.request.schema import Endpoint, ErrorResponse


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel] | None, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(model) if model else {}}}}


def _operation(view, declared: Endpoint) -> dict:
    """One route's operation: its summary (the view's docstring), its body and its answers."""
    summary, _, more = (view.__doc__ or "").strip().partition("\n")
    answer = declared.answer
    if isinstance(answer, str):
        ok = {
            "description": "The file.",
            "content": {media: {"schema": {"type": "string"}} for media in answer.split()},
        }
    else:
        ok = _json(answer, (answer.__doc__ or "OK") if answer else "OK")
    operation = {"summary": summary.strip(), "description": more.strip(), "responses": {"200": ok}}
    if declared.body:
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": _ref(declared.body)}}}
        operation["responses"].update(
            {
                "400": _json(ErrorResponse, "Invalid input: each error names its field."),
                "413": _json(ErrorResponse, "The body is larger than the limit."),
                "415": _json(ErrorResponse, "The body is not declared JSON (`Content-Type`)."),
            }
        )
    if declared.heavy:
        operation["responses"]["503"] = _json(
            ErrorResponse, "Busy with other large runs: try again after `Retry-After`."
        )
    return operation


@cache
def openapi_document(app) -> dict:
    """Every route under /api with the models its view declares; a route that declares none is listed bare."""
    paths, bodies, answers = {}, {}, {ErrorResponse: None}  # dicts: ordered sets
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "documented", Endpoint(None, None, False))
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
                "Forward and backward passes of small fully-connected networks, every number recorded. "
                f"Limits: {limits.MAX_LAYERS} layers, {limits.MAX_WIDTH} neurons a layer, "
                f"{limits.MAX_SAMPLES} samples, {limits.MAX_EPOCHS} epochs, {limits.MAX_BODY_BYTES} bytes a body, "
                f"and a work budget: epochs × (samples × parameters + {limits.LAYER_OVERHEAD_UNITS} × weight layers) "
                f"≤ {limits.MAX_WORK_UNITS}. "
                "Conventions: J is the batch's cost. A per-sample node's gradient (grads.z1[s]) is dJ/d(that sample's "
                "node) and includes the 1/N; a parameter's gradient (grads.w1) is the batch total, the sum over all "
                "samples of terms.w1[s]; after.w1 = w1 − α · grads.w1. A number beyond a 64-bit float is null, with "
                "the reason under `unrepresentable`. A run diverges only when its cost or parameters stop being "
                "finite; its status never depends on what is detailed."
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas["$defs"]},
    }
