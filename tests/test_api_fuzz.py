"""Random request bodies never get a 500 or non-strict JSON: only an answer or a 400 naming a field."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.request.schema import TrainRequest

FIELDS = sorted(TrainRequest.model_fields)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**7), 10**7)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=24,
)
# Mostly plausible values for each field, sometimes anything at all.
plausible = {
    "layers": st.lists(st.integers(0, 5), min_size=1, max_size=4),
    "activations": st.lists(st.sampled_from(["relu", "leaky_relu", "sigmoid", "tanh", "linear", "swish"]), max_size=4),
    "loss": st.sampled_from(["half_mse", "mse", "bce", "hinge"]),
    "x": st.lists(st.lists(st.floats(-10, 10), min_size=1, max_size=3), min_size=0, max_size=4),
    "y": st.lists(st.lists(st.floats(-2, 2), min_size=1, max_size=3), min_size=0, max_size=4),
    "learning_rate": st.floats(-1, 20, allow_nan=False),
    "epochs": st.integers(-2, 60),
    "seed": st.integers(-1, 10),
    "bias": st.booleans(),
    "preset": st.sampled_from(["worksheet", "xor", "diverging", "dead_relu", "two_hidden", "nope"]),
}
bodies = st.dictionaries(
    st.sampled_from(FIELDS),
    json_values,
    max_size=5,
).flatmap(
    lambda wild: st.fixed_dictionaries({}, optional={k: s | json_values for k, s in plausible.items()}).map(
        lambda tame: {**tame, **wild}
    )
)


def refuse(name):
    raise AssertionError(f"{name} in JSON output")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bodies)
def test_random_bodies_get_an_answer_or_a_named_error(client, body):
    response = client.post("/api/train", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400), (body, response.get_data(as_text=True)[:500])
    data = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    if response.status_code == 400:
        assert data["errors"] and all(e["field"] and e["message"] for e in data["errors"])
    else:
        assert len(data["epochs"]) >= 1 or data["diverged_at"] == 1


# Text with lone surrogates (which JSON can carry as "\ud800" escapes), in keys as in values.
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
hostile_text = st.text(st.characters() | SURROGATE, max_size=6) | st.builds(
    lambda a, s, b: a + s + b, st.text(max_size=3), SURROGATE, st.text(max_size=3)
)
hostile_values = st.recursive(
    st.none() | st.booleans() | st.integers(-100, 100) | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3),
    max_leaves=12,
)
POST_ROUTES = {
    "/api/train": FIELDS,
    "/api/landscape": [*FIELDS, "axes", "steps"],
    "/api/gradient-check": [*FIELDS, "epoch"],
    "/api/export": [*FIELDS, "format", "epoch"],
    "/api/practice/check": ["answers", "variant"],
    "/api/expression": ["expression", "values", "staged"],
    "/api/expression/gradient-check": ["expression", "values", "staged", "epoch"],
}
GET_ROUTES = ["/", "/check", "/embed", "/practice", "/oembed", "/api/presets", "/healthz", "/embed.js"]


def hostile_body(route: str):
    named = st.dictionaries(st.sampled_from(POST_ROUTES[route]), hostile_values, max_size=4)
    return st.tuples(named, st.dictionaries(hostile_text, hostile_values, max_size=2)).map(lambda p: {**p[1], **p[0]})


@settings(suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(POST_ROUTES)).flatmap(lambda r: st.tuples(st.just(r), hostile_body(r))))
def test_every_post_route_answers_lone_surrogates_with_a_named_error(client, route_and_body):
    route, body = route_and_body
    response = client.post(route, data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400), (route, body, response.get_data(as_text=True)[:300])
    if response.mimetype == "application/json":  # an export answers a file
        data = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    if response.status_code == 400:  # a key "" is a field named ""
        assert data["errors"] and all(isinstance(e["field"], str) and e["message"] for e in data["errors"])


def test_a_lone_surrogate_key_is_named_in_the_error_of_every_post_route(client):
    own = {"/api/practice/check": '{"answers":{"\\ud800":"1"}}'}
    own |= {route: '{"values":{"\\ud800":1}}' for route in POST_ROUTES if route.startswith("/api/expression")}
    for route, body in [(r, own.get(r, '{"params":{"\\ud800":1}}')) for r in POST_ROUTES]:
        response = client.post(route, data=body, content_type="application/json")
        assert response.status_code == 400, route
        assert any("\ud800" in e["field"] for e in response.get_json()["errors"]), route


# Percent-encoded bytes that are no UTF-8 (a lone surrogate's, a stray continuation byte) and plain text.
query_text = st.lists(st.sampled_from(["%ED%A0%80", "%FF", "%C0", "a", "1", "w1", "x", "=", "&", "%26", "\\ud800"]))


@settings(suppress_health_check=list(HealthCheck))
@given(st.sampled_from(GET_ROUTES), query_text, query_text)
def test_every_page_answers_any_query_without_a_server_error(client, route, keys, values):
    query = "&".join(f"{k}={v}" for k, v in zip(keys, values, strict=False)) or "".join(keys)
    response = client.get(f"{route}?{query}")
    assert response.status_code < 500, (route, query, response.get_data(as_text=True)[:300])
