"""A settings query (the page's URL, the form's fields) resolved for the visualizer page: the run to
show and every error keyed by form field, all in one round."""

from collections.abc import Mapping
from functools import cache

from webapp.request import form
from webapp.request.presets import DEFAULT_PRESET, PRESETS
from webapp.request.resolve import RequestError, Resolved, resolve

# The page starts with two epochs: the worksheet's first pass and its "forward again".
INITIAL_EPOCHS = 2
# A graph with more edges than this embeds only epoch 1 in full; the page fetches epoch 2's
# numbers when it gets there, which keeps a wide network's page light.
MAX_EDGES_FOR_TWO_DETAILS = 200
# Fields whose checks depend on the layer widths: moot while the hidden layers themselves are wrong.
SHAPED_FIELDS = ("x", "y", "act", "param")


def resolve_query(query: Mapping[str, list[str]]):
    """The query's body resolved (or None), the page options, and every error keyed by form field,
    all in one round: the fields that parsed are checked even when others did not."""
    body, options, errors = form.to_request(query)
    if "form" in errors:
        return None, options, errors
    try:
        resolved = resolve({**body, "epochs": INITIAL_EPOCHS, "include_graph": False}, unknown_params="ignore")
    except RequestError as exc:
        depth = len(body.get("layers") or PRESETS[body.get("preset") or DEFAULT_PRESET]["request"]["layers"]) - 1
        for error in exc.errors:
            field = form.field_of(error["field"], None, depth)
            if "hidden" in errors and field.split("-")[0] in SHAPED_FIELDS:
                continue
            errors.setdefault(field, error["message"])
        return None, options, errors
    return (None if errors else resolved), options, errors


def page_request(query: Mapping[str, list[str]]) -> tuple[Resolved, dict, dict[str, str]]:
    """The run the page shows (the worksheet's when the query has errors), the page options and the errors."""
    resolved, options, errors = resolve_query(query)
    if resolved is None:
        resolved = resolve({"epochs": INITIAL_EPOCHS, "include_graph": False})
    if len(resolved.graph.edges) > MAX_EDGES_FOR_TWO_DETAILS:
        resolved.detail_epochs = [1]
    return resolved, options, errors


def preset_choice(config: dict) -> str:
    """The picker's choice: the preset the run is, exactly, or "custom" once anything is edited."""
    for name in PRESETS:
        if _preset_config(name) == {k: v for k, v in config.items() if k != "epochs"}:
            return name
    return "custom"


@cache
def _preset_config(name: str) -> dict:
    return {k: v for k, v in resolve({"preset": name}).config().items() if k != "epochs"}
