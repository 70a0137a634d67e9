"""The JSON API: the worksheet's numbers over HTTP, presets, the schema and every kind of bad input."""

import json
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.test_reference import training_requests
from tests.worksheet import EPOCHS, TOLERANCE
from webapp import create_app
from webapp.request import limits
from webapp.request.schema import TrainResponse


def post(client, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/train", data=data, content_type="application/json")


def strict_loads(text):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def test_empty_request_is_the_worksheet(client):
    response = post(client, {})
    assert response.status_code == 200
    data = strict_loads(response.get_data(as_text=True))
    epoch = data["epochs"][0]
    golden = EPOCHS[0]
    assert epoch["cost"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    assert epoch["grads"]["w1"] == pytest.approx(golden["grads"]["w1"], abs=TOLERANCE)
    assert epoch["grads"]["w2"] == pytest.approx(golden["grads"]["w2"], abs=TOLERANCE)
    assert epoch["after"] == {"w1": pytest.approx(0.692, abs=TOLERANCE), "w2": pytest.approx(0.92, abs=TOLERANCE)}
    assert data["final_cost"] == pytest.approx(EPOCHS[1]["cost"], abs=TOLERANCE)
    assert {n["id"] for n in data["graph"]["nodes"]} == {"x", "y", "w1", "w2", "z1", "a1", "z2", "yhat", "J"}
    TrainResponse.model_validate(data)


def test_second_epoch_through_the_api(client):
    data = post(client, {"epochs": 2}).get_json()
    epoch = data["epochs"][1]
    golden = EPOCHS[1]
    for node, value in golden["values"].items():
        assert epoch["values"][node] == [pytest.approx(value, abs=TOLERANCE)]
    for node, grad in golden["grads"].items():
        got = epoch["grads"][node]
        assert (got[0] if isinstance(got, list) else got) == pytest.approx(grad, abs=TOLERANCE)
    assert epoch["after"] == {p: pytest.approx(v, abs=TOLERANCE) for p, v in golden["after"].items()}


def test_presets_are_listed_and_usable(client):
    presets = client.get("/api/presets").get_json()["presets"]
    names = [p["name"] for p in presets]
    assert "worksheet" in names
    for name in names:
        response = post(client, {"preset": name})
        assert response.status_code == 200, (name, response.get_json())
        TrainResponse.model_validate(response.get_json())


def test_preset_fields_can_be_overridden(client):
    data = post(client, {"preset": "worksheet", "learning_rate": 0.2, "x": [[1.0]]}).get_json()
    assert data["config"]["learning_rate"] == 0.2
    assert data["epochs"][0]["values"]["z1"] == [0.5]
    assert data["epochs"][0]["after"]["w2"] == pytest.approx(0.8 + 0.2 * (2 - 0.4) * 0.5)


def test_changing_layers_drops_the_presets_shape_and_seeds_weights(client):
    data = post(client, {"layers": [1, 2, 1], "bias": True, "seed": 3}).get_json()
    ids = {n["id"] for n in data["graph"]["nodes"]}
    assert {"z1_1", "z1_2", "a1_2", "w1_2_1", "w2_1_2", "b1_2", "b2", "yhat"} <= ids
    assert [len(m) for m in data["config"]["weights"]] == [2, 1]
    again = post(client, {"layers": [1, 2, 1], "bias": True, "seed": 3}).get_json()
    assert again["config"]["weights"] == data["config"]["weights"]


def test_diverging_run_is_reported_without_non_finite_numbers(client):
    response = post(client, {"activations": ["linear", "linear"], "learning_rate": 10, "epochs": 50})
    data = strict_loads(response.get_data(as_text=True))
    assert data["diverged_at"] == 6
    assert data["status"] == "diverged"
    assert len(data["epochs"]) == 5
    assert data["final_cost"] is None


def test_dead_network_is_told_apart_from_divergence(client):
    data = post(client, {"preset": "dead_relu"}).get_json()
    assert data["status"] == "dead"
    assert data["diverged_at"] is None
    assert data["epochs"][-1]["cost"] == 2.0


def test_long_runs_stay_small(client):
    body = {
        "layers": [limits.MAX_WIDTH] * limits.MAX_LAYERS,
        "bias": True,
        "x": [[0.01 * i] * limits.MAX_WIDTH for i in range(limits.MAX_SAMPLES)],
        "y": [[0.5] * limits.MAX_WIDTH] * limits.MAX_SAMPLES,
        "learning_rate": 0.001,
    }
    body["epochs"] = limits.max_epochs(body["layers"], True, limits.MAX_SAMPLES)
    response = post(client, body)
    assert response.status_code == 200
    # Every neuron alive from the start: few zeros to shorten the numbers. The graph is half of it: 2 700 edges,
    # each named twice in TeX with \partial.
    assert len(response.data) < 1_800_000
    data = response.get_json()
    assert data["detail_epochs"][0] == 1 and data["detail_epochs"][-1] == body["epochs"]
    assert len(data["epochs"]) == body["epochs"]
    assert data["detail_samples"][0] == 0


def test_detail_can_be_asked_for_single_epochs_and_samples(client):
    body = {"x": [[1.0], [2.0], [3.0]], "y": [[2.0]] * 3, "epochs": 40, "detail_epochs": [17], "detail_samples": [2]}
    data = post(client, body).get_json()
    assert data["detail_epochs"] == [17]
    assert [e["epoch"] for e in data["epochs"] if e.get("detail")] == [17]
    assert data["epochs"][16]["values"]["x"] == [3.0]


def test_openapi_document_describes_the_api(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/api/train" in doc["paths"]
    request_fields = doc["components"]["schemas"]["TrainRequest"]["properties"]
    assert {
        "layers",
        "activations",
        "bias",
        "loss",
        "x",
        "y",
        "weights",
        "biases",
        "seed",
        "learning_rate",
        "epochs",
    } <= set(request_fields)


BAD_REQUESTS = [
    ("not json", "{layers: [1]", "body"),
    ("not an object", "[1, 2]", "body"),
    ("NaN token", '{"x": [[NaN]]}', "body"),
    ("Infinity token", '{"learning_rate": Infinity}', "body"),
    ("unknown field", {"layerz": [1, 1]}, "layerz"),
    ("unknown preset", {"preset": "nope"}, "preset"),
    ("string for a number", {"learning_rate": "0.1"}, "learning_rate"),
    ("bool for a number", {"epochs": True}, "epochs"),
    ("negative learning rate", {"learning_rate": -1}, "learning_rate"),
    ("zero epochs", {"epochs": 0}, "epochs"),
    ("too many epochs", {"epochs": limits.MAX_EPOCHS + 1}, "epochs"),
    ("too many layers", {"layers": [1] * (limits.MAX_LAYERS + 1)}, "layers"),
    ("too wide", {"layers": [1, limits.MAX_WIDTH + 1, 1]}, "layers[1]"),
    ("one layer", {"layers": [1]}, "layers"),
    ("unknown activation", {"activations": ["relu", "swish"]}, "activations[1]"),
    ("wrong number of activations", {"activations": ["relu"]}, "activations"),
    ("unknown loss", {"loss": "hinge"}, "loss"),
    ("bce without sigmoid", {"loss": "bce", "activations": ["relu", "relu"], "y": [[1.0]]}, "activations"),
    ("bce target outside [0, 1]", {"loss": "bce"}, "y"),
    ("empty data", {"x": [], "y": []}, "x"),
    ("sample too wide", {"x": [[1.0, 2.0]]}, "x"),
    ("x and y differ in length", {"x": [[1.0], [2.0]], "y": [[1.0]]}, "y"),
    ("too many samples", {"x": [[1.0]] * (limits.MAX_SAMPLES + 1)}, "x"),
    ("huge number", {"x": [[1e300]]}, "x[0][0]"),
    ("weights of the wrong shape", {"weights": [[[0.5, 0.1]], [[0.8]]]}, "weights"),
    ("weights missing a layer", {"weights": [[[0.5]]]}, "weights"),
    ("weight not a number", {"weights": [[["a"]], [[0.8]]]}, "weights[0][0][0]"),
    ("biases without bias", {"biases": [[0.0], [0.0]]}, "biases"),
    ("biases of the wrong shape", {"bias": True, "biases": [[0.0, 1.0], [0.0]]}, "biases"),
    ("negative seed", {"seed": -1}, "seed"),
    ("detail beyond the run", {"epochs": 3, "detail_epochs": [4]}, "detail_epochs"),
    ("detail sample missing", {"detail_samples": [1]}, "detail_samples"),
    ("x input layer needs data", {"layers": [2, 1]}, "x"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS])
def test_bad_input_gets_400_naming_the_field(client, case, body, field):
    response = post(client, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    data = strict_loads(response.get_data(as_text=True))
    assert data["error"]
    assert field in [e["field"] for e in data["errors"]], data
    assert all(e["message"] for e in data["errors"])


def test_too_large_a_body_gets_413_as_json(client):
    response = post(client, " " * (limits.MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["field"] == "body"


def test_api_routing_errors_are_json(client):
    assert client.get("/api/train").status_code == 405
    assert client.get("/api/train").get_json()["errors"]
    assert client.get("/api/nothing").get_json()["error"] == "Not Found"


def test_default_detail_is_at_most_max_detail_epochs_evenly_spaced(client):
    data = post(client, {"epochs": 1000}).get_json()
    detail = data["detail_epochs"]
    assert len(detail) == limits.MAX_DETAIL_EPOCHS
    assert detail[0] == 1 and detail[-1] == 1000
    assert {b - a for a, b in pairwise(detail)} <= {5, 6}
    assert [e["epoch"] for e in data["epochs"] if e.get("detail")] == detail
    assert len(data["epochs"]) == 1000


def test_short_runs_are_detailed_in_every_epoch(client):
    assert post(client, {"epochs": limits.MAX_DETAIL_EPOCHS}).get_json()["detail_epochs"] == list(
        range(1, limits.MAX_DETAIL_EPOCHS + 1)
    )


def test_cost_derivative_by_a_target_divides_by_every_sample_not_the_shown_ones(client):
    """J = (1/2N) Σ (y − ŷ)² over all N samples, so dJ/dy = (y − ŷ) / N = −dJ/dŷ even for a few samples shown."""
    body = {"x": [[0.1 * i] for i in range(10)], "y": [[1.0]] * 10, "epochs": 1}
    data = post(client, body).get_json()
    assert data["detail_samples"] == list(range(limits.MAX_DETAIL_SAMPLES))
    epoch = data["epochs"][0]
    assert epoch["local"]["y-J"] == [pytest.approx(-g) for g in epoch["grads"]["yhat"]]
    assert epoch["local"]["yhat-J"] == epoch["grads"]["yhat"]


def test_single_parameters_by_id_override_the_start(client):
    data = post(client, {"params": {"w2": -0.25}}).get_json()
    assert data["config"]["weights"] == [[[0.5]], [[-0.25]]]
    assert data["epochs"][0]["values"]["w2"] == -0.25
    response = post(client, {"params": {"w3": 1.0, "w9_1_1": 2.0}})
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["params.w3", "params.w9_1_1"]


def test_every_node_and_edge_carries_its_formula(client):
    graph = post(client, {"preset": "two_hidden"}).get_json()["graph"]
    formulas = {n["id"]: n["formula"] for n in graph["nodes"]}
    assert formulas["z1_2"] == "z_{1,2} = w_{1,2,1} x + b_{1,2}"
    assert formulas["J"].startswith("J = ") and formulas["x"] is None
    derivatives = {e["id"]: e["derivative"] for e in graph["edges"]}
    assert derivatives["a1_2-z2"] == r"\frac{\partial z_{2}}{\partial a_{1,2}} = w_{2,1,2}"
    assert derivatives["b2-z2"] == r"\frac{\partial z_{2}}{\partial b_{2}} = 1"


def test_the_graph_can_be_left_out(client):
    data = post(client, {"include_graph": False}).get_json()
    assert "graph" not in data and data["epochs"][0]["detail"]


def test_the_work_budget_names_the_most_epochs_allowed(client):
    body = {
        "layers": [limits.MAX_WIDTH] * limits.MAX_LAYERS,
        "bias": True,
        "x": [[0.01] * limits.MAX_WIDTH] * limits.MAX_SAMPLES,
        "y": [[0.5] * limits.MAX_WIDTH] * limits.MAX_SAMPLES,
    }
    most = limits.max_epochs(body["layers"], True, limits.MAX_SAMPLES)
    assert 1 <= most < limits.MAX_EPOCHS
    response = post(client, {**body, "epochs": most + 1})
    assert response.status_code == 400
    (error,) = response.get_json()["errors"]
    assert error["field"] == "epochs" and f"at most {most} epochs" in error["message"]
    assert post(client, {**body, "epochs": most}).status_code == 200


# ---------------------------------------------------------------- continuing a run (from_epoch)

continued_runs = st.tuples(
    training_requests(),
    st.integers(2, 16),
    st.sampled_from([0.1, 0.5, 3.0, 40.0]),  # the larger steps diverge or kill ReLUs on the way
    st.floats(0.01, 0.99),
)


def _history_points(data: dict) -> dict[int, tuple]:
    """θ by epoch, from an answer's history."""
    return dict(zip(data["history"]["epochs"], zip(*data["history"]["params"].values(), strict=True), strict=True))


def _after(data: dict, epoch: int) -> dict:
    return next(e for e in data["epochs"] if e["epoch"] == epoch)["after"]


@given(continued_runs)
def test_a_continued_run_is_bit_for_bit_the_rest_of_the_whole_run(drawn):
    """From any epoch's `after`, the continuation's every number equals the whole run's (JSON text equal)."""
    client = create_app({"TESTING": True}).test_client()  # it keeps no state: one per example is plenty
    body, epochs, learning_rate, where = drawn
    body = {**body, "epochs": epochs, "learning_rate": learning_rate, "include_graph": False}
    body.pop("detail_epochs", None)
    body["detail_samples"] = body.get("detail_samples") or list(range(len(body["x"])))
    whole = strict_loads(post(client, {**body, "detail_epochs": list(range(1, epochs + 1))}).get_data(as_text=True))
    ran = len(whole["epochs"])
    assume(ran >= 2 and whole["epochs"][0]["after"] and None not in whole["epochs"][0]["after"].values())
    start = max(1, min(ran - 1, int(where * ran)))
    assume(None not in _after(whole, start).values())
    rest = list(range(start + 1, ran + 1))
    response = post(client, {**body, "from_epoch": start, "params": _after(whole, start), "detail_epochs": rest})
    assert response.status_code == 200, response.get_json()
    continued = strict_loads(response.get_data(as_text=True))
    assert [e["epoch"] for e in continued["epochs"]] == rest
    assert json.dumps(continued["epochs"]) == json.dumps(whole["epochs"][start:])
    for key in ("final", "final_cost", "diverged_at", "detail_samples"):
        assert continued[key] == whole[key], key
    if whole["stuck_at"] is not None and whole["stuck_at"] > start + 1:
        assert (continued["stuck_at"], continued["status"], continued["message"]) == (
            whole["stuck_at"], whole["status"], whole["message"]
        )  # fmt: skip
    elif whole["stuck_at"] is not None:
        # Stuck where it resumes (or before): it cannot know since when, and does not say.
        assert continued["stuck_at"] == start + 1
        assert continued["status"] != "dead" or "where this run resumes" in continued["message"]
    else:
        assert continued["stuck_at"] is None and continued["status"] == whole["status"]
    history, mine = _history_points(whole), _history_points(continued)
    assert min(mine) == start and max(mine) == max(history)
    assert all(mine[epoch] == history[epoch] for epoch in mine.keys() & history.keys())


def test_a_continued_run_trains_only_its_own_epochs_within_the_budget(client):
    body = {
        "layers": [1, 16, 16, 1],
        "bias": True,
        "seed": 1,
        "x": [[k / 32] for k in range(32)],
        "include_graph": False,
    }
    body["y"] = body["x"]
    most = limits.max_epochs(body["layers"], True, len(body["x"]))
    assert most < limits.MAX_EPOCHS / 1.5, "the network cannot train every epoch in one request"
    assert post(client, {**body, "epochs": most + 1}).status_code == 400
    whole = post(client, {**body, "epochs": most, "detail_epochs": [most]}).get_json()
    continued = post(client, {**body, "epochs": limits.MAX_EPOCHS, "from_epoch": most, "params": _after(whole, most)})
    assert continued.status_code == 200, continued.get_json()
    data = continued.get_json()
    assert data["epochs"][0]["epoch"] == most + 1 and data["epochs"][-1]["epoch"] == limits.MAX_EPOCHS
    assert data["detail_epochs"][0] == most + 1 and data["detail_epochs"][-1] == limits.MAX_EPOCHS
    too_far = post(client, {**body, "epochs": most + 2, "from_epoch": 1, "params": _after(whole, most)})
    assert too_far.status_code == 400
    assert f"at most {most + 1} epochs" in too_far.get_json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"epochs": 5, "from_epoch": 5, "params": {"w1": 0.5, "w2": 0.8}}, "from_epoch", "less than epochs"),
        ({"epochs": 5, "from_epoch": 2, "params": {"w1": 0.5}}, "params", "missing w2"),
        (
            {"epochs": 5, "from_epoch": 2, "params": {"w1": 0.5, "w2": 0.8}, "detail_epochs": [2]},
            "detail_epochs",
            "not trained",
        ),
        ({"epochs": 5, "from_epoch": -1}, "from_epoch", "must be at least 0"),
        ({"epochs": 5, "from_epoch": "2"}, "from_epoch", "integer"),
        ({"epochs": 5, "params": {"w1": 2e6}}, "params.w1", "at most 1,000,000 in size where a run starts"),
    ],
)
def test_a_continuation_needs_an_earlier_epoch_every_parameter_and_epochs_it_trains(client, body, field, words):
    response = post(client, body)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors


def test_a_continued_run_takes_parameters_as_large_as_training_made_them(client):
    body = {"activations": ["linear", "linear"], "epochs": 5, "from_epoch": 3, "params": {"w1": 3e300, "w2": -2e300}}
    response = post(client, body)
    assert response.status_code == 200
    data = strict_loads(response.get_data(as_text=True))
    assert data["status"] == "diverged" and data["diverged_at"] == 4


def test_a_run_resumed_where_every_gradient_is_0_says_so_without_guessing_when_it_began(client):
    # a₁'s ReLU is dead for x = 3 whatever comes before: w1 < 0 and no bias.
    data = post(client, {"epochs": 9, "from_epoch": 6, "params": {"w1": -0.5, "w2": 0.8}}).get_json()
    assert data["stuck_at"] == 7 and data["status"] == "dead"
    assert "epoch 7, where this run resumes" in data["message"]
    assert "update of epoch" not in data["message"]
