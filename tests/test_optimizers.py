"""Momentum, Adam and mini-batches: the reference's rules against PyTorch, the API against the reference
(autograd float64 gradients) on random networks, seeded batches, continuation bit for bit, limits."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.reference import Spec, optimizer_run, optimizer_step, seeded_batches
from tests.test_reference import training_requests
from webapp import create_app
from webapp.engine.optimizers import optimizer

TORCH = json.loads((Path(__file__).parent / "data" / "torch_optim.json").read_text())["cases"]
RELATIVE = 1e-9
FLOOR = 1e-12


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def post(client, body: dict, status: int = 200) -> dict:
    response = client.post("/api/train", json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def near(got, expected, where: str, relative=RELATIVE, floor=FLOOR):
    assert got is not None, f"{where}: null, expected {expected}"
    assert abs(got - expected) <= relative * abs(expected) + floor, f"{where}: got {got}, expected {expected}"


# ---------------------------------------------------------------- the rules against PyTorch


def _torch_cases():
    return [pytest.param(case, id=f"{case['kind']}-{case['optimizer']}-{i}") for i, case in enumerate(TORCH)]


@pytest.mark.parametrize("case", _torch_cases())
def test_the_references_rules_are_pytorchs(case):
    theta, state = case["theta0"], {}
    for t, step in enumerate(case["steps"], start=1):
        if case["kind"] == "valley":  # the gradient of ½·Σ aᵢθᵢ² at this θ, which PyTorch took by autograd
            for a, p, g in zip(case["curvature"], theta, step["grad"], strict=True):
                near(g, a * p, f"step {t} gradient", 1e-12, 1e-15)
        theta, full = optimizer_step(
            case["optimizer"], case["constants"], theta, step["grad"], state, case["learning_rate"], t
        )
        state = {k: full[k] for k in step["state"]}
        for k, values in step["state"].items():
            for i, value in enumerate(values):
                near(state[k][i], value, f"step {t} {k}[{i}]", 1e-12, 1e-15)
        for i, value in enumerate(step["theta"]):
            near(theta[i], value, f"step {t} θ[{i}]", 1e-12, 1e-15)


@pytest.mark.parametrize("case", _torch_cases())
def test_the_engines_steps_are_pytorchs(case):
    chosen = optimizer(case["optimizer"], **case["constants"])
    theta = np.array(case["theta0"])
    state = chosen.initial(len(theta))
    for t, step in enumerate(case["steps"], start=1):
        theta, full = chosen.step(theta, np.array(step["grad"]), state, case["learning_rate"], t)
        state = {k: full[k] for k in chosen.kept}
        np.testing.assert_allclose(theta, step["theta"], rtol=1e-12, atol=1e-15)
        for k, values in step["state"].items():
            np.testing.assert_allclose(state[k], values, rtol=1e-12, atol=1e-15)


def test_adams_first_step_moves_every_parameter_by_about_the_learning_rate(client):
    body = {"layers": [2, 3, 1], "bias": True, "x": [[0.3, -1.2], [2.0, 0.5]], "y": [[1.0], [-0.5]], "seed": 7}
    body |= {"activations": ["tanh", "linear"], "optimizer": {"name": "adam"}, "learning_rate": 0.01}
    epoch = post(client, body)["epochs"][0]
    for pid, before in epoch["values"].items():
        if pid in epoch["after"] and epoch["grads"][pid] != 0:
            # At t = 1, m̂ = g and √v̂ = |g|: each parameter moves by α·|g|/(|g| + ε), α but for ε's share.
            g = abs(epoch["grads"][pid])
            assert abs(before - epoch["after"][pid]) == pytest.approx(0.01 * g / (g + 1e-8), rel=1e-9), pid
            assert abs(before - epoch["after"][pid]) == pytest.approx(0.01, rel=1e-5), pid


# ---------------------------------------------------------------- the API against the reference

OPTIMIZERS = st.sampled_from(
    [
        {"name": "sgd"},
        {"name": "momentum", "beta": 0.9},
        {"name": "momentum", "beta": 0.5},
        {"name": "adam"},
        {"name": "adam", "beta1": 0.8, "beta2": 0.95, "eps": 1e-6},
    ]
)


@st.composite
def optimizer_requests(draw):
    body = draw(training_requests())
    body.pop("detail_epochs", None)
    body.pop("detail_samples", None)
    body["epochs"] = min(body["epochs"], 3)
    body["optimizer"] = draw(OPTIMIZERS)
    body["batch_size"] = draw(st.integers(1, len(body["x"])))
    body["seed"] = draw(st.integers(0, 2**32 - 1))
    return body


def _constants(body):
    return optimizer(**body["optimizer"]).constants


@given(optimizer_requests())
def test_every_step_matches_the_reference(body):
    client = create_app({"TESTING": True}).test_client()
    spec = Spec(tuple(body["layers"]), tuple(body["activations"]), body["loss"], body["bias"])
    name = body["optimizer"]["name"]
    with np.errstate(all="ignore"):
        costs, steps = optimizer_run(
            spec, body["weights"], body.get("biases"), body["x"], body["y"], body["learning_rate"],
            body["epochs"], name, _constants(body), body["batch_size"], body["seed"],
        )  # fmt: skip
    # No ReLU's input within rounding of its kink; nothing blowing up; Adam's m̂/√v̂ well defined.
    for s in steps:
        assume(all(((z == 0) | (np.abs(z) > 1e-9)).all() for z in s.zs))  # a literal 0 is 0 in any order
        assume(all(math.isfinite(v) and abs(v) < 1e6 for v in [s.cost, *s.after.values(), *s.grad.values()]))
        assume(name != "adam" or all(g == 0 or abs(g) > 1e-6 for g in s.grad.values()))
    data = post(client, body)
    assert data["status"] != "diverged"
    per = -(-len(body["x"]) // body["batch_size"])
    assert data["optimizer"]["steps_per_epoch"] == per
    got_steps = []
    for epoch, cost in zip(data["epochs"], costs, strict=True):
        near(epoch["cost"], cost, f"epoch {epoch['epoch']} cost")
        got_steps += epoch["steps"] if per > 1 else [{"step": epoch["epoch"], **epoch}]
    assert len(got_steps) == len(steps)
    for got, expected in zip(got_steps, steps, strict=True):
        where = f"step {expected.step}"
        assert got["step"] == expected.step
        if per > 1:
            assert got["samples"] == expected.samples, where
            near(got["cost"], expected.cost, f"{where} cost")
        near(got["values"]["J"], expected.cost, f"{where} J")
        for pid, value in expected.theta.items():
            near(got["values"][pid], value, f"{where} {pid}")
            near(got["grads"][pid], expected.grad[pid], f"{where} ∂J/∂{pid}")
            near(got["after"][pid], expected.after[pid], f"{where} {pid} after")
        if name == "sgd":
            assert "state" not in got
            continue
        for key, values in expected.state_before.items():
            for pid, value in values.items():
                near(got["state"]["before"][key][pid], value, f"{where} {key} before, {pid}")
        for key, values in expected.state_after.items():
            for pid, value in values.items():
                near(got["state"]["after"][key][pid], value, f"{where} {key} after, {pid}")
    if per > 1:
        for got, expected in zip(data["step_costs"], steps, strict=True):
            near(got, expected.cost, f"step {expected.step} cost")
    final = steps[-1].after
    for k, matrix in enumerate(data["final"]["weights"]):
        for j, row in enumerate(matrix):
            for i, value in enumerate(row):
                pid = next(p for p in final if p.startswith(f"w{k + 1}"))  # the only one when 1 × 1
                pid = f"w{k + 1}" if len(matrix) * len(row) == 1 else f"w{k + 1}_{j + 1}_{i + 1}"
                near(value, final[pid], f"final {pid}")


# ---------------------------------------------------------------- seeded batches


def test_batches_are_the_documented_shuffle_cut_in_turn(client):
    x = [[float(i)] for i in range(5)]
    body = {"x": x, "y": x, "batch_size": 2, "seed": 3, "epochs": 2, "weights": [[[0.5]], [[0.8]]]}
    data = post(client, body)
    # numpy's Generator(PCG64([3, e])).permutation(5), written down once on one machine: every machine
    # (and numpy release: PCG64 and permutation are stable by NEP 19) must draw the same.
    assert [s["samples"] for s in data["epochs"][0]["steps"]] == [[1, 4], [0, 2], [3]]
    assert [s["samples"] for s in data["epochs"][1]["steps"]] == seeded_batches(5, 2, 3, 2)
    for epoch in data["epochs"]:
        drawn = sorted(i for s in epoch["steps"] for i in s["samples"])
        assert drawn == list(range(5)), "an epoch is one pass over every sample"
        # Each step's per-sample numbers are its batch's: x of sample i is i here.
        for step in epoch["steps"]:
            assert step["values"]["x"] == [float(i) for i in step["detail_samples"]]
            assert step["detail_samples"] == step["samples"]
    assert post(client, body) == data, "the same seed draws the same batches"
    other = post(client, {**body, "seed": 4})
    assert [s["samples"] for s in other["epochs"][0]["steps"]] != [[1, 4], [0, 2], [3]]


# ---------------------------------------------------------------- continuation, bit for bit


@pytest.mark.parametrize(
    "extra",
    [
        {"optimizer": {"name": "momentum", "beta": 0.9}},
        {"optimizer": {"name": "adam"}},
        {"optimizer": {"name": "adam"}, "batch_size": 2},
        {"optimizer": {"name": "momentum", "beta": 0.7}, "batch_size": 1},
        {"batch_size": 3},
    ],
    ids=["momentum", "adam", "adam-minibatch", "momentum-sgd1", "sgd-minibatch"],
)
def test_twenty_epochs_are_ten_and_ten_more(client, extra):
    base = {"layers": [2, 3, 1], "bias": True, "seed": 5, "learning_rate": 0.05, "activations": ["tanh", "linear"]}
    base |= {"x": [[0.1, 1.0], [1.5, -0.3], [-0.7, 0.4], [0.9, 0.9], [-1.1, -0.2]], "y": [[1], [0], [0.5], [1], [0]]}
    base |= extra
    whole = post(client, {**base, "epochs": 20, "detail_epochs": [10, 11, 20]})
    first = post(client, {**base, "epochs": 10, "detail_epochs": [10]})
    # An answer's `after` gives where it ends: the last step's parameters and optimizer state.
    last = first["epochs"][-1]
    last = last["steps"][-1] if "steps" in last else last
    body = {**base, "epochs": 20, "from_epoch": 10, "params": last["after"], "detail_epochs": [11, 20]}
    if "state" in last:
        kept = {k: v for k, v in last["state"]["after"].items() if k in ("m", "v")}
        assert kept == first["optimizer_state"]
        body["optimizer_state"] = kept
    rest = post(client, body)
    assert [e["cost"] for e in first["epochs"] + rest["epochs"]] == [e["cost"] for e in whole["epochs"]]
    assert rest["epochs"][0] == whole["epochs"][10] and rest["epochs"][-1] == whole["epochs"][-1]
    assert rest["final"] == whole["final"] and rest.get("optimizer_state") == whole.get("optimizer_state")
    assert first["step_costs" if "step_costs" in first else "epochs"] is not None
    if "step_costs" in whole:
        assert first["step_costs"] + rest["step_costs"] == whole["step_costs"]


# ---------------------------------------------------------------- requests refused, and the budget


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"optimizer": {"name": "rmsprop"}}, "optimizer", "sgd"),
        ({"optimizer": {"name": "adam", "beta1": 1.0}}, "optimizer.beta1", "less than 1"),
        ({"optimizer": {"name": "momentum", "beta": -0.1}}, "optimizer.beta", "at least 0"),
        ({"optimizer": {"name": "adam", "eps": 0}}, "optimizer.eps", "more than 0"),
        ({"optimizer": {"name": "sgd", "beta": 0.9}}, "optimizer.beta", "xtra"),
        ({"batch_size": 0}, "batch_size", "at least 1"),
        ({"batch_size": 2}, "batch_size", "at most 1"),
        ({"batch_size": 1.5}, "batch_size", "integer"),
        ({"optimizer": {"name": "momentum"}, "epochs": 3, "from_epoch": 1, "params": {"w1": 1, "w2": 1}},
         "optimizer_state", "needs momentum's v"),
        ({"optimizer": {"name": "adam"}, "epochs": 3, "from_epoch": 1, "params": {"w1": 1, "w2": 1},
          "optimizer_state": {"m": {"w1": 0}, "v": {"w1": 0, "w2": 0}}}, "optimizer_state.m", "misses w2"),
        ({"optimizer_state": {"v": {"w1": 0, "w2": 0}}, "optimizer": {"name": "momentum"}}, "optimizer_state", "afresh"),
    ],
)  # fmt: skip
def test_bad_optimizer_requests_name_their_field(client, body, field, words):
    errors = post(client, body, 400)["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors


def test_the_work_budget_counts_steps(client):
    x = [[i / 256] for i in range(256)]
    body = {"layers": [1, 16, 16, 1], "x": x, "y": x, "epochs": 200}
    assert post(client, {**body, "detail_epochs": [1]})["epochs"][-1]["epoch"] == 200  # one step an epoch
    errors = post(client, {**body, "batch_size": 1}, 400)["errors"]  # 256 steps an epoch
    assert errors[0]["field"] == "epochs" and "at most" in errors[0]["message"]


# ---------------------------------------------------------------- the presets show what they say


def test_the_optimizer_presets_show_what_they_promise(client):
    # Narrow valley: plain descent's w₁ crosses the valley's floor (w₁ = 1) every epoch and ends far
    # higher than momentum with the same α.
    momentum = post(client, {"preset": "narrow_valley"})
    plain = post(client, {"preset": "narrow_valley", "optimizer": {"name": "sgd"}})
    across = np.array(plain["history"]["params"]["w1_1_1"]) - 1
    assert (np.sign(across[1:]) != np.sign(across[:-1])).all()
    assert momentum["final_cost"] < plain["final_cost"] / 100
    # Adam's first step moves both weights by about α, whose plain gradients are 80 times apart.
    adam = post(client, {"preset": "adam_steps"})["epochs"][0]
    for pid, before in adam["values"].items():
        if pid in adam["after"]:
            assert abs(adam["after"][pid] - before) == pytest.approx(0.05, rel=1e-6)
    grads = adam["grads"]
    assert abs(grads["w1_1_1"]) / abs(grads["w1_1_2"]) == pytest.approx(80)
    # Mini-batches: four steps an epoch, the same batches for the same seed, a cost near 0 at the end.
    batched = post(client, {"preset": "minibatch"})
    assert batched["optimizer"]["steps_per_epoch"] == 4 and len(batched["step_costs"]) == 80
    assert batched["final_cost"] < 1e-4 and batched == post(client, {"preset": "minibatch"})


def test_the_cost_surface_draws_a_mini_batch_run_step_by_step(client):
    body = {"preset": "minibatch", "epochs": 3}
    train = post(client, body)
    response = client.post("/api/landscape", json={**body, "axes": ["w1", "b1"], "steps": 11})
    assert response.status_code == 200, response.get_json()
    path = response.get_json()["path"]
    steps = [s for e in train["epochs"] for s in e["steps"]]
    assert path["steps"] == [s["step"] for s in steps] == list(range(1, 13))
    assert path["step_u"] == [s["after"]["w1"] for s in steps] and path["step_v"] == [s["after"]["b1"] for s in steps]
    # Every fourth step ends an epoch: where the per-epoch path is.
    assert path["step_u"][3::4] == path["u"][1:] and path["step_v"][3::4] == path["v"][1:]
    full = client.post("/api/landscape", json={**body, "batch_size": 8, "axes": ["w1", "b1"], "steps": 11}).get_json()
    assert "steps" not in full["path"], "a full batch's steps are its epochs"


# ---------------------------------------------------------------- practice


def test_practice_asks_for_the_optimizers_numbers(client):
    page = client.get("/practice?opt=momentum&beta=0.9")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The optimizer" in html and "What is v₁ after this step?" in html and "What is v₂ after this step?" in html
    plain = client.get("/practice").get_data(as_text=True)
    assert "The optimizer" not in plain and "after this step?" not in plain
    # The worksheet's epoch 1 with momentum: v₁ = 0.9 · 0 + (−1.92) = −1.92 and w₁ = 0.692 (the worksheet's).
    body = {"optimizer": {"name": "momentum", "beta": 0.9}, "answers": {"state.v.w1": "-1.92", "after.w1": "0.692"}}
    response = client.post("/api/practice/check", json=body)
    assert response.status_code == 200, response.get_json()
    feedback = response.get_json()
    assert feedback["right"] == 2, feedback
    body["answers"] = {"state.v.w1": "-0.192"}
    assert not client.post("/api/practice/check", json=body).get_json()["results"]["state.v.w1"]["right"]


# ---------------------------------------------------------------- divergence and stuck runs


@pytest.mark.parametrize("extra", [{}, {"x": [[3], [1], [2]], "y": [[2], [2], [1]], "batch_size": 2, "seed": 1}])
def test_a_diverging_runs_last_epoch_is_detailed_as_trained(client, extra):
    body = {"preset": "diverging", "optimizer": {"name": "momentum", "beta": 0.9}, "epochs": 5000, **extra}
    data = post(client, body)
    assert data["status"] == "diverged"
    last = data["diverged_at"] - 1
    # Of the evenly spaced epochs a long run details, only the first ran; the last one that ran is added.
    assert data["detail_epochs"] == [1, last]
    # The loop ran the last epoch again from its start to record it: the same as asking for it alone.
    alone = post(client, {**body, "detail_epochs": [last]})
    assert data["epochs"][last - 1] == alone["epochs"][last - 1]
    assert data["epochs"][last - 1]["detail"]


def test_momentum_is_not_stuck_where_its_velocity_still_moves_it(client):
    # The dead-ReLU preset's step kills a₁; plain descent is then stuck. Momentum's v, built up before,
    # still moves w₁ at the next epoch, whose gradient is 0: not stuck there.
    plain = post(client, {"preset": "dead_relu", "epochs": 4, "learning_rate": 1.0})
    assert plain["stuck_at"] == 3, plain["message"]
    moving = post(client, {"preset": "dead_relu", "epochs": 4, "learning_rate": 1.0, "optimizer": {"name": "momentum"}})
    second = moving["epochs"][2]
    assert all(g == 0 for g in (second["grads"]["w1"], second["grads"]["w2"]))
    assert second["after"]["w1"] != second["values"]["w1"] and moving["stuck_at"] is None


def test_the_latex_export_of_a_mini_batch_epoch_is_its_first_step(client):
    from webapp.presentation.notation import number_tex

    body = {"preset": "minibatch", "epochs": 2, "optimizer": {"name": "momentum", "beta": 0.9}}
    step = post(client, body)["epochs"][1]["steps"][0]
    response = client.post("/api/export", json={**body, "format": "latex", "epoch": 2})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    first = ", ".join(str(i + 1) for i in step["samples"])
    assert f"epoch 2, its first step (samples {first}), sample {step['samples'][0] + 1}" in text
    update = [line for line in text.splitlines() if line.startswith("$v_{b_{1}}")]
    assert update and update[0].endswith(f"${number_tex(step['after']['b1'])}$ \\\\")


@given(optimizer_requests(), st.data())
def test_any_run_continued_from_any_epoch_is_the_whole_run(body, data):
    client = create_app({"TESTING": True}).test_client()
    body = {**body, "epochs": 4}
    whole = client.post("/api/train", json=body).get_json()
    assume(whole.get("status") not in (None, "diverged"))
    split = data.draw(st.integers(1, 3))
    first = post(client, {**body, "epochs": split, "detail_epochs": [split]})
    last = first["epochs"][-1]
    last = last["steps"][-1] if "steps" in last else last
    rest_body = {**body, "from_epoch": split, "params": last["after"]}
    if "optimizer_state" in first:
        rest_body["optimizer_state"] = first["optimizer_state"]
    rest = post(client, rest_body)
    assert [e["cost"] for e in first["epochs"] + rest["epochs"]] == [e["cost"] for e in whole["epochs"]]
    # Which epochs a run details by default depends on where it starts; those both detail are the same.
    for epoch in set(rest["detail_epochs"]) & set(whole["detail_epochs"]):
        assert rest["epochs"][epoch - split - 1] == whole["epochs"][epoch - 1], epoch
    assert rest["final"] == whole["final"] and rest.get("optimizer_state") == whole.get("optimizer_state")
