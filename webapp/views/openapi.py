"""The OpenAPI 3.1 document of the JSON API, generated from the pydantic models."""

from functools import cache

from pydantic.json_schema import models_json_schema

from webapp.request import limits
from webapp.request.schema import ErrorResponse, TrainRequest, TrainResponse


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


@cache
def openapi_document() -> dict:
    _, schemas = models_json_schema(
        [(TrainRequest, "validation"), (TrainResponse, "serialization"), (ErrorResponse, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    bad = _json("ErrorResponse", "Invalid input: each error names its field.")
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
                "Conventions: J is the batch's cost. A per-sample node's gradient (grads.z1[s]) is ∂J/∂(that sample's "
                "node) and includes the 1/N; a parameter's gradient (grads.w1) is the batch total, the sum over all "
                "samples of terms.w1[s]; after.w1 = w1 − α · grads.w1. A number beyond a 64-bit float is null, with "
                "the reason under `unrepresentable`. A run diverges only when its cost or parameters stop being "
                "finite; its status never depends on what is detailed."
            ),
        },
        "paths": {
            "/api/train": {
                "post": {
                    "summary": "Train a network and record every forward value and gradient",
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": _ref("TrainRequest")}},
                    },
                    "responses": {
                        "200": _json("TrainResponse", "The run."),
                        "400": bad,
                        "413": _json("ErrorResponse", "The body is larger than the limit."),
                        "415": _json("ErrorResponse", "The body is not declared JSON (`Content-Type`)."),
                        "503": _json("ErrorResponse", "Busy with other large runs: try again after `Retry-After`."),
                    },
                }
            },
            "/api/presets": {
                "get": {"summary": "Named starting points", "responses": {"200": {"description": "The presets."}}}
            },
        },
        "components": {"schemas": schemas["$defs"]},
    }
