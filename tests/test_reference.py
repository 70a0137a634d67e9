"""Every number POST /api/train returns, against an independent reference (tests/reference.py).

Random networks are checked against float64 autograd; saturated units, where float64 itself
under- or overflows, against mpmath at 50 digits.
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from tests.reference import (
    ACTIVATION_NAMES,
    LOSS_NAMES,
    MP_DIGITS,
    SMALLEST_NORMAL,
    Ids,
    Quantity,
    Spec,
    autograd_run,
    mp_run,
    representable,
)
from webapp import create_app

# Two faithful float64 evaluations of the same maths differ by at most a few dozen ulps of the
# magnitudes involved (sums of at most 16 products, a few exp/log/tanh calls each good to a few
# ulps). That is a relative 1e-14 of a number's rounding scale (see Quantity), so a floor of
# 1e-12 × scale leaves a hundredfold margin, and 1e-9 relative a millionfold one on numbers that
# did not come out of cancellation; any wrong formula is off by far more than either.
RELATIVE = 1e-9
FLOOR_PER_SCALE = 1e-12
# A ReLU-like pre-activation within this many scales of 0 could take either sign in another
# summation order, and with it a different derivative: such examples are drawn again.
KINK_MARGIN = 1e-10
# Reference numbers past this are a run blowing up, outside what these tests are about.
MAGNITUDE_LIMIT = 1e12


def post(client, body: dict) -> dict:
    response = client.post("/api/train", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_near(got, expected: Quantity, where: str):
    assert got is not None, f"{where}: null, expected {expected.value}"
    got = np.asarray(got, dtype=float)
    assert got.shape == expected.value.shape, f"{where}: shape {got.shape}, expected {expected.value.shape}"
    tolerance = RELATIVE * np.abs(expected.value) + FLOOR_PER_SCALE * expected.scale
    error = np.abs(got - expected.value)
    assert (error <= tolerance).all(), (
        f"{where}: got {got.tolist()}, expected {expected.value.tolist()} (tolerance {tolerance.tolist()})"
    )


def pick(quantity: Quantity, samples: list[int]) -> Quantity:
    if quantity.value.ndim == 0:
        return quantity
    return Quantity(quantity.value[samples], quantity.scale[samples])


# ---------------------------------------------------------------- random networks against autograd

moderate = st.builds(
    lambda magnitude, negative: -magnitude if negative else magnitude,
    st.one_of(st.just(0.0), st.floats(0.05, 1.5)),
    st.booleans(),
)


@st.composite
def training_requests(draw):
    depth = draw(st.integers(1, 4))
    layers = draw(st.lists(st.integers(1, 4), min_size=depth + 1, max_size=depth + 1))
    loss = draw(st.sampled_from(LOSS_NAMES))
    activations = draw(st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=depth, max_size=depth))
    if loss == "bce":
        activations[-1] = "sigmoid"
    bias = draw(st.booleans())
    samples = draw(st.integers(1, 6))

    def matrix(rows, cols, values=moderate):
        return draw(st.lists(st.lists(values, min_size=cols, max_size=cols), min_size=rows, max_size=rows))

    targets = st.floats(0.0, 1.0) if loss == "bce" else moderate
    body = {
        "layers": layers,
        "activations": activations,
        "loss": loss,
        "bias": bias,
        "x": matrix(samples, layers[0]),
        "y": matrix(samples, layers[-1], targets),
        "weights": [matrix(layers[k + 1], layers[k]) for k in range(depth)],
        "learning_rate": draw(st.floats(0.01, 0.5)),
        "epochs": draw(st.integers(1, 5)),
    }
    if bias:
        body["biases"] = [draw(st.lists(moderate, min_size=w, max_size=w)) for w in layers[1:]]
    if draw(st.booleans()):
        body["detail_epochs"] = sorted(draw(st.sets(st.integers(1, body["epochs"]), min_size=1)))
    if draw(st.booleans()):
        body["detail_samples"] = sorted(draw(st.sets(st.integers(0, samples - 1), min_size=1)))
    return body


def _usable(reference) -> bool:
    """No kink within rounding of a pre-activation, and nothing blowing up."""
    kinks = [k for epoch in reference.epochs for k in epoch.kinks] + reference.kinks
    for z in kinks:
        if ((z.scale > 0) & (np.abs(z.value) <= KINK_MARGIN * z.scale)).any():
            return False
    quantities = [reference.final_cost, *reference.final_weights, *reference.final_biases]
    for epoch in reference.epochs:
        quantities += [*epoch.values.values(), *epoch.grads.values(), *epoch.local.values()]
    # A scale is a tolerance: an infinite one would let anything pass.
    numbers = [q.value for q in quantities] + [q.scale for q in quantities]
    return all(np.isfinite(v).all() and (np.abs(v) < MAGNITUDE_LIMIT).all() for v in numbers)


def _check_detail(epoch: dict, expected, ids: Ids, samples: list[int], bias: bool, where: str):
    assert set(epoch["values"]) == set(expected.values), where
    # Gradients must cover every computed node and the parameters; dJ/dx and dJ/dy are optional.
    required = set(expected.grads) - set(ids.x + ids.y)
    assert required <= set(epoch["grads"]) <= set(expected.grads), where
    assert set(epoch["local"]) == set(expected.local), where
    for part in ("values", "grads", "local"):
        for name, got in epoch[part].items():
            assert_near(got, pick(getattr(expected, part)[name], samples), f"{where} {part}[{name}]")
    # Parameters come keyed by id: gathered back into matrices to meet the reference's.
    for k, names in enumerate(ids.w):
        assert_near([[epoch["grads"][n] for n in row] for row in names], expected.weight_grads[k], f"{where} dJ/dW{k}")
        assert_near(
            [[epoch["after"][n] for n in row] for row in names], expected.weights_after[k], f"{where} W{k} after"
        )
    if bias:
        for k, names in enumerate(ids.b):
            assert_near([epoch["grads"][n] for n in names], expected.bias_grads[k], f"{where} dJ/db{k}")
            assert_near([epoch["after"][n] for n in names], expected.biases_after[k], f"{where} b{k} after")
    # Each parameter's gradient is the sum of its terms over every sample (when all are detailed).
    if len(samples) == expected.values[ids.x[0]].value.shape[0]:
        for name, terms in epoch["terms"].items():
            assert_near(math.fsum(terms), expected.grads[name], f"{where} Σ terms[{name}]")
    assert set(epoch["dead"]) == expected.dead, where
    assert not epoch.get("unrepresentable"), f"{where}: {epoch['unrepresentable']}"


TWO_HIDDEN = {
    "layers": [1, 2, 1],
    "activations": ["relu", "relu"],
    "loss": "half_mse",
    "bias": True,
    "x": [[3.0]],
    "y": [[2.0]],
    "weights": [[[0.5], [-0.3]], [[0.8, 0.4]]],
    "biases": [[0.0, 0.1], [0.0]],
    "learning_rate": 0.1,
    "epochs": 5,
}


# Four inputs of 1.5 through weights of 1.5 plus a bias of 1.5: z = 10.5, where tanh' = 3e-9 is
# smaller than the rounding error of 1 − tanh².
TANH_AT_10 = {
    "layers": [4, 1],
    "activations": ["tanh"],
    "loss": "half_mse",
    "bias": True,
    "x": [[1.5] * 4],
    "y": [[0.5]],
    "weights": [[[1.5] * 4]],
    "biases": [[1.5]],
    "learning_rate": 0.1,
    "epochs": 2,
}


@example(TWO_HIDDEN)
@example(TANH_AT_10)
@given(training_requests())
def test_every_number_matches_autograd(body):
    # The test client keeps no state between requests, so one serves every example.
    client = create_app({"TESTING": True}).test_client()
    spec = Spec(tuple(body["layers"]), tuple(body["activations"]), body["loss"], body["bias"])
    with np.errstate(all="ignore"):  # runs that blow up are drawn again below
        reference = autograd_run(
            spec, body["weights"], body.get("biases"), body["x"], body["y"], body["learning_rate"], body["epochs"]
        )
    assume(_usable(reference))
    data = post(client, body)
    ids = Ids(body["layers"], body["bias"])
    assert {n["id"] for n in data["graph"]["nodes"]} == set(ids.nodes())
    assert {e["id"] for e in data["graph"]["edges"]} == set(ids.edges())
    assert data["status"] != "diverged" and data["diverged_at"] is None

    samples = body.get("detail_samples", list(range(len(body["x"]))))
    assert data["detail_samples"] == samples
    detailed = [e["epoch"] for e in data["epochs"] if e.get("detail")]
    assert detailed == body.get("detail_epochs", list(range(1, body["epochs"] + 1)))
    assert [e["epoch"] for e in data["epochs"]] == list(range(1, body["epochs"] + 1))
    for epoch, expected in zip(data["epochs"], reference.epochs, strict=True):
        assert_near(epoch["cost"], expected.cost, f"epoch {epoch['epoch']} cost")
        if epoch.get("detail"):
            _check_detail(epoch, expected, ids, samples, body["bias"], f"epoch {epoch['epoch']}")

    assert_near(data["final_cost"], reference.final_cost, "final_cost")
    for k, matrix in enumerate(data["final"]["weights"]):
        assert_near(matrix, reference.final_weights[k], f"final weights[{k}]")
    if body["bias"]:
        for k, vector in enumerate(data["final"]["biases"]):
            assert_near(vector, reference.final_biases[k], f"final biases[{k}]")

    # The history keeps the parameters at some epochs, the first (0, the start) and last included.
    kept = data["history"]["epochs"]
    assert kept[0] == 0 and kept[-1] == body["epochs"] and kept == sorted(set(kept))
    starts = [None, *reference.epochs]  # parameters at epoch e are those after epoch e's update
    for position, epoch_number in enumerate(kept):
        for name, series in data["history"]["params"].items():
            if epoch_number == 0:
                expected = Quantity.of(_initial_param(body, ids, name), 0.0)
            else:
                expected = _param_after(starts[epoch_number], ids, name)
            assert_near(series[position], expected, f"history {name} at epoch {epoch_number}")


def _locate(ids: Ids, name: str):
    for k, matrix in enumerate(ids.w):
        for j, row in enumerate(matrix):
            if name in row:
                return "w", k, j, row.index(name)
    for k, row in enumerate(ids.b):
        if name in row:
            return "b", k, row.index(name), None
    raise KeyError(name)


def _initial_param(body, ids, name):
    kind, k, j, i = _locate(ids, name)
    return body["weights"][k][j][i] if kind == "w" else body["biases"][k][j]


def _param_after(epoch, ids, name) -> Quantity:
    kind, k, j, i = _locate(ids, name)
    if kind == "w":
        q = epoch.weights_after[k]
        return Quantity(q.value[j, i], q.scale[j, i])
    q = epoch.biases_after[k]
    return Quantity(q.value[j], q.scale[j])


# ---------------------------------------------------------------- saturated units against mpmath


def assert_like_mp(got, exact, where: str, unrepresentable: dict, key: str):
    """A float64 number against a 50-digit one: null (with a reason) exactly when it overflows
    float64, at most the smallest normal number when it underflows, else within RELATIVE."""
    if not representable(exact):
        assert got is None, f"{where}: got {got}, but the value {mpmath.nstr(exact, 8)} overflows float64"
        assert isinstance(unrepresentable.get(key), str) and unrepresentable[key], f"{where}: no reason under {key}"
        return
    assert got is not None, f"{where}: null, expected {mpmath.nstr(exact, 17)}"
    if abs(exact) < SMALLEST_NORMAL:
        assert abs(got) <= SMALLEST_NORMAL, f"{where}: got {got}, expected {mpmath.nstr(exact, 17)}"
        return
    with mpmath.workdps(MP_DIGITS):
        error = abs(mpmath.mpf(got) - exact)
        assert error <= RELATIVE * abs(exact), f"{where}: got {got!r}, expected {mpmath.nstr(exact, 17)}"


def _check_against_mp(data: dict, body: dict, expected: dict):
    """Every number of every detail epoch, every cost, the final cost and parameters."""
    ids = Ids(body["layers"], body.get("bias", False))
    for epoch in data["epochs"]:
        record = expected["epochs"][epoch["epoch"] - 1]
        where = f"epoch {epoch['epoch']}"
        assert_like_mp(epoch["cost"], record["cost"], f"{where} cost", {}, "cost")
        if not epoch.get("detail"):
            continue
        reasons = epoch.get("unrepresentable") or {}
        samples = data["detail_samples"]
        for part in ("values", "grads", "local"):
            optional = set(ids.x + ids.y) if part == "grads" else set()  # dJ/dx and dJ/dy may be left out
            assert set(record[part]) - optional <= set(epoch[part]) <= set(record[part]), f"{where} {part}"
            for name, got in epoch[part].items():
                exact = record[part][name]
                if isinstance(exact, list):
                    assert isinstance(got, list) and len(got) == len(samples), f"{where} {part}[{name}]"
                    for position, s in enumerate(samples):
                        assert_like_mp(
                            got[position], exact[s], f"{where} {part}[{name}][{s}]", reasons, f"{part}.{name}"
                        )
                else:
                    assert_like_mp(got, exact, f"{where} {part}[{name}]", reasons, f"{part}.{name}")
        for k, names in enumerate(ids.w):
            for j, row in enumerate(names):
                for i, name in enumerate(row):
                    got = epoch["after"][name]
                    assert_like_mp(
                        got, record["weights_after"][k][j][i], f"{where} after {name}", reasons, f"after.{name}"
                    )
        # No entry names a number that was representable after all.
        for key in reasons:
            part, _, name = key.partition(".")
            exact = record[part][name]
            assert not all(representable(v) for v in (exact if isinstance(exact, list) else [exact])), key
    if representable(expected["final_cost"]):
        assert_like_mp(data["final_cost"], expected["final_cost"], "final_cost", {}, "final_cost")
    else:
        assert data["final_cost"] is None
    for k, matrix in enumerate(data["final"]["weights"]):
        for j, row in enumerate(matrix):
            for i, got in enumerate(row):
                assert_like_mp(got, expected["final_weights"][k][j][i], f"final {ids.w[k][j][i]}", {}, "-")


def _one_neuron(activation: str, loss: str, z: float, y: float) -> dict:
    """x = 1 through one weight equal to z: the output unit's pre-activation is z."""
    return {
        "layers": [1, 1],
        "activations": [activation],
        "loss": loss,
        "x": [[1.0]],
        "y": [[y]],
        "weights": [[[z]]],
        "learning_rate": 0.1,
        "epochs": 1,
    }


def _mp_reference(body: dict) -> dict:
    spec = Spec(tuple(body["layers"]), tuple(body["activations"]), body["loss"], body.get("bias", False))
    return mp_run(
        spec, body["weights"], body.get("biases"), body["x"], body["y"], body["learning_rate"], body["epochs"]
    )


def _expected_status(expected: dict) -> str:
    finite = all(representable(r["cost"]) for r in expected["epochs"]) and representable(expected["final_cost"])
    params = [v for m in expected["final_weights"] for row in m for v in row]
    return "ok" if finite and all(representable(v) for v in params) else "diverged"


SATURATED = [
    *[("sigmoid", "bce", z, y) for z in (20.0, -20.0, 40.0, -40.0, 800.0, -800.0) for y in (0.0, 0.5, 1.0)],
    *[("tanh", "half_mse", z, 0.0) for z in (10.0, 20.0, 40.0)],
    *[("tanh", "half_mse", -z, 1.0) for z in (10.0, 20.0, 40.0)],
    *[("sigmoid", "half_mse", z, 0.5) for z in (40.0, -40.0)],
]


@pytest.mark.parametrize(("activation", "loss", "z", "y"), SATURATED)
def test_saturated_unit_matches_mpmath(client, activation, loss, z, y):
    body = _one_neuron(activation, loss, z, y)
    expected = _mp_reference(body)
    data = post(client, body)
    # Only the cost or a parameter leaving float64 ends a run; an overflowing dJ/dŷ is shown as null.
    assert data["status"] == _expected_status(expected), data["message"]
    assert data["diverged_at"] is None
    assert [e["epoch"] for e in data["epochs"]] == [1] and data["epochs"][0].get("detail")
    _check_against_mp(data, body, expected)


SATURATED_THROUGH_RELU = {
    "layers": [1, 1, 1],
    "activations": ["relu", "sigmoid"],
    "loss": "bce",
    "x": [[1.0]],
    "y": [[0.5]],
    "weights": [[[1000.0]], [[-1000.0]]],
    "learning_rate": 0.1,
    "epochs": 3,
}


def test_overflowing_display_number_does_not_end_the_run(client):
    """z2 = −10⁶: dJ/dŷ is about −e^(10⁶)/2, far past float64, while the cost, dJ/dz2 and every
    parameter stay moderate."""
    body = SATURATED_THROUGH_RELU
    expected = _mp_reference(body)
    data = post(client, body)
    assert data["status"] == _expected_status(expected) == "ok", data["message"]
    assert data["diverged_at"] is None
    assert [e["epoch"] for e in data["epochs"] if e.get("detail")] == [1, 2, 3]
    _check_against_mp(data, body, expected)
    replay = post(client, {**body, "detail_epochs": [3]})
    assert (replay["status"], replay["diverged_at"]) == (data["status"], data["diverged_at"])
    assert [e["cost"] for e in replay["epochs"]] == [e["cost"] for e in data["epochs"]]
    assert replay["epochs"][2] == data["epochs"][2]
    _check_against_mp(replay, body, expected)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_derivative_at_the_kink(client, name):
    """z = 0 exactly (x = 0): ReLU'(0) = 0, leaky ReLU'(0) = 0.01, as autograd of the reference's where() gives."""
    body = {**_one_neuron(name, "half_mse", 0.7, 1.0), "x": [[0.0]], "bias": True, "biases": [[0.0]]}
    spec = Spec((1, 1), (name,), "half_mse", True)
    reference = autograd_run(spec, body["weights"], body["biases"], body["x"], body["y"], 0.1, 1)
    data = post(client, body)
    assert_near(data["epochs"][0]["local"]["z1-yhat"], reference.epochs[0].local["z1-yhat"], "z1-yhat")
    assert_near(data["epochs"][0]["grads"]["b1"], reference.epochs[0].grads["b1"], "dJ/db1")
