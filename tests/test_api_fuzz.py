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


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(bodies)
def test_random_bodies_get_an_answer_or_a_named_error(client, body):
    response = client.post("/api/train", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400), (body, response.get_data(as_text=True)[:500])
    data = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    if response.status_code == 400:
        assert data["errors"] and all(e["field"] and e["message"] for e in data["errors"])
    else:
        assert len(data["epochs"]) >= 1 or data["diverged_at"] == 1
