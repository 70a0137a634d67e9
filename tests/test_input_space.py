"""POST /api/input-space: ŷ over one input or a plane of two, at an epoch's parameters, agrees with /api/train
where they meet and with the independent reference everywhere; every size is bounded before any work."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import reference
from webapp import create_app
from webapp.request import limits

CLIENT = create_app({"TESTING": True}).test_client()


def post(body):
    return CLIENT.post("/api/input-space", json=body)


def trained(body, epoch):
    """/api/train's detail of `epoch` for the same request."""
    answer = CLIENT.post("/api/train", json={**body, "epochs": epoch, "detail_epochs": [epoch]}).get_json()
    return next(e for e in answer["epochs"] if e["epoch"] == epoch)


def test_the_worksheets_curve_passes_through_its_sample_exactly_as_train_reports_it():
    """ŷ(x) = ReLU(w₂·ReLU(w₁x)): on a grid from −1 to 3 (step 1) the point x = 3 is the sample."""
    for epoch in (1, 2, 5):
        data = post({"epoch": epoch, "epochs": 9, "steps": 5, "ranges": [[-1, 3]]}).get_json()
        assert data["axes"][0]["values"] == [-1.0, 0.0, 1.0, 2.0, 3.0]
        yhat = trained({}, epoch)["values"]["yhat"][0]
        assert data["outputs"][0]["values"][4] == yhat and data["samples"]["yhat"] == [[yhat]]
        assert data["outputs"][0]["values"][:2] == [0.0, 0.0], "a ReLU of w₁x with w₁ > 0 is 0 for x ≤ 0"
        # Between the kink at 0 and the sample the curve is a straight line through the origin.
        assert data["outputs"][0]["values"][2] == pytest.approx(yhat / 3, rel=1e-15)


def test_the_worksheets_curve_moves_toward_the_target_epoch_by_epoch():
    at = [post({"epoch": e, "epochs": e, "steps": 5, "ranges": [[-1, 3]]}).get_json() for e in (1, 10, 40)]
    errors = [abs(d["outputs"][0]["values"][4] - 2.0) for d in at]
    assert errors[0] > errors[1] > errors[2] and errors[0] == pytest.approx(2.0 - 1.2)


def test_xor_on_its_four_corners_is_what_train_reports_output_and_hidden_neurons():
    body = {"preset": "xor"}
    data = post({**body, "epoch": 30, "steps": 2, "ranges": [[0, 1], [0, 1]], "neurons": True}).get_json()
    detail = trained(body, 30)
    x = json.loads(json.dumps(data["samples"]["x"]))
    assert x == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    for s, (u, v) in enumerate(x):
        row, column = int(v), int(u)  # rows follow the second input
        assert data["outputs"][0]["values"][row][column] == detail["values"]["yhat"][s]
        for neuron in data["neurons"]:
            assert neuron["values"][row][column] == detail["values"][neuron["id"]][s], neuron["id"]
    assert data["boundary"] == 0.5 and [n["id"] for n in data["neurons"]] == ["a1_1", "a1_2", "a1_3"]
    assert data["samples"]["yhat"] == [[v] for v in detail["values"]["yhat"]]


def test_more_inputs_hold_the_others_at_the_chosen_samples_values():
    body = {"layers": [3, 2, 1], "x": [[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], "y": [[1.0], [0.0]], "seed": 4}
    data = post({**body, "inputs": ["x_3", "x_1"], "sample": 1, "steps": 3}).get_json()
    assert [a["id"] for a in data["axes"]] == ["x_3", "x_1"] and data["held"] == {"x_2": 0.25}
    assert "x₂ = 0.25" in data["caption"] and "sample 2" in data["caption"]
    assert len(data["outputs"][0]["values"]) == 3 and len(data["outputs"][0]["values"][0]) == 3


def test_the_range_spans_the_samples_and_zero():
    data = post({"preset": "xor_quadrants"}).get_json()
    x = np.array(data["samples"]["x"])
    for k, axis in enumerate(data["axes"]):
        assert axis["values"][0] < min(x[:, k].min(), 0) and axis["values"][-1] > max(x[:, k].max(), 0)
        assert len(axis["values"]) == limits.INPUT_SPACE_DEFAULT_STEPS[1]
    assert len(data["samples"]["x"]) == 100 and data["neurons"] is None


@st.composite
def networks(draw):
    depth = draw(st.integers(1, 3))
    layers = [draw(st.integers(1, 2))] + [draw(st.integers(1, 4)) for _ in range(depth)]
    loss = draw(st.sampled_from(["half_mse", "mse", "bce"]))
    names = sorted(reference.ACTIVATIONS)
    activations = [draw(st.sampled_from(names)) for _ in range(depth - 1)]
    activations.append("sigmoid" if loss == "bce" else draw(st.sampled_from(names)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    samples = draw(st.integers(1, 5))
    x = rng.normal(size=(samples, layers[0])).round(3)
    y = rng.uniform(0.1, 0.9, size=(samples, layers[-1])).round(3)
    body = {
        "layers": layers, "activations": activations, "loss": loss, "bias": draw(st.booleans()),
        "x": x.tolist(), "y": y.tolist(), "seed": int(rng.integers(1000)), "learning_rate": 0.1,
    }  # fmt: skip
    return body, draw(st.integers(1, 3)), draw(st.booleans())


@given(networks())
def test_every_grid_value_is_the_references_forward_pass(problem):
    """The reference trains to the epoch's start with autograd and runs its own forward pass at each grid point."""
    body, epoch, neurons = problem
    data = post({**body, "epoch": epoch, "steps": 4, "neurons": neurons}).get_json()
    config = CLIENT.post("/api/train", json={**body, "epochs": 1}).get_json()["config"]
    spec = reference.Spec(tuple(body["layers"]), tuple(body["activations"]), body["loss"], body["bias"])
    run = reference.autograd_run(
        spec, config["weights"], config["biases"] or [], body["x"], body["y"], body["learning_rate"], epoch - 1
    )
    weights = [q.value for q in run.final_weights]
    biases = [q.value for q in run.final_biases]
    axes = [np.array(a["values"]) for a in data["axes"]]
    mesh = np.meshgrid(*axes) if len(axes) == 2 else axes
    points = np.repeat(np.array(body["x"][0])[None, :], mesh[0].size, axis=0)
    for k, values in enumerate(mesh):
        points[:, k] = values.ravel()
    _, activations = reference._forward(spec, weights, biases, points)
    for j, output in enumerate(data["outputs"]):
        got = np.array(output["values"], dtype=float).ravel()
        np.testing.assert_allclose(got, activations[-1][:, j], rtol=1e-9, atol=1e-12)
    if neurons:
        expected = np.concatenate([a for a in activations[:-1]], axis=1) if spec.depth > 1 else np.zeros((0, 0))
        assert len(data["neurons"]) == sum(body["layers"][1:-1])
        for j, neuron in enumerate(data["neurons"]):
            np.testing.assert_allclose(np.array(neuron["values"]).ravel(), expected[:, j], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"inputs": ["x_9"]}, "inputs"),
        ({"inputs": ["x_1", "x_1"]}, "inputs"),
        ({"inputs": ["x_1", "x_2", "x_1"]}, "inputs"),
        ({"steps": limits.INPUT_SPACE_MAX_STEPS + 1}, "steps"),
        ({"steps": 150, "neurons": True}, "steps"),  # 150² points of 65 neurons pass the answer's size
        ({"steps": 1}, "steps"),
        ({"epoch": 0}, "epoch"),
        ({"epoch": limits.MAX_EPOCHS + 1}, "epoch"),
        ({"epoch": 20}, "epoch"),  # past what the work budget trains for this network and data
        ({"ranges": [[1, 0], [0, 1]]}, "ranges[0]"),
        ({"ranges": [[0, 1]]}, "ranges"),
        ({"ranges": [[0, float("inf")], [0, 1]]}, "body"),
        ({"ranges": [[0, 1e300], [0, 1]]}, "ranges[0][1]"),
        ({"sample": 4}, "sample"),
        ({"neurons": "yes"}, "neurons"),
    ],
)
def test_a_request_past_a_limit_is_refused_naming_its_field(change, field):
    body = {
        "layers": [2, 16, 16, 16, 16, 1], "x": [[0.5, 0.5]] * 4, "y": [[1.0]] * 4, **change,
        "epochs": 1, "learning_rate": 0.1,
    }  # fmt: skip
    if field == "epoch" and change.get("epoch") == 20:
        body.update({"x": [[0.5, 0.5]] * 256, "y": [[1.0]] * 256, "epoch": 10_000})
    raw = json.dumps(body, allow_nan=True) if field == "body" else None
    response = CLIENT.post("/api/input-space", data=raw, content_type="application/json") if raw else post(body)
    assert response.status_code == 400, response.get_json()
    assert field in [e["field"] for e in response.get_json()["errors"]], response.get_json()


def test_the_largest_answer_stays_within_its_budget():
    body = {"layers": [2, 16, 16, 16, 16, 1], "x": [[0.5, 0.5]], "y": [[1.0]], "neurons": True}
    most = post({**body, "steps": 200}).get_json()["errors"][0]["message"]
    steps = int(most.split(" to ")[1].split()[0])
    data = post({**body, "steps": steps}).get_json()
    numbers = sum(len(np.ravel(g["values"])) for g in data["outputs"] + data["neurons"])
    assert numbers <= limits.INPUT_SPACE_ANSWER < (steps + 1) ** 2 * 65


def test_a_heavy_request_goes_through_admission(monkeypatch):
    from webapp.web import admission

    seen = []
    real = admission.compute
    monkeypatch.setattr(admission, "compute", lambda units, *args: seen.append(units) or real(units, *args))
    assert post({"preset": "spirals", "epoch": 500, "neurons": True, "steps": 21}).status_code == 200
    assert seen and seen[0] > limits.HEAVY_WORK_UNITS
