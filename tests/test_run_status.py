"""How a run ends (ok, dead, stuck, diverged), its costs and its final parameters never depend on which
epochs and samples a request asks to see in full, and an epoch's record is the same whether it
is detailed alone or among others."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.reference import ACTIVATION_NAMES, LOSS_NAMES, Spec, autograd_run
from webapp import create_app
from webapp.presentation import notation
from webapp.request.presets import PRESETS

# The test client keeps no state between requests, so one serves every example.
CLIENT = create_app({"TESTING": True}).test_client()

WORKSHEET = {key: value for key, value in PRESETS["worksheet"]["request"].items() if key != "bias"}
# α = 10 on the worksheet: the weights go negative and every ReLU dies.
DEAD_RELU = {**WORKSHEET, "learning_rate": 10.0, "epochs": 10}
# Linear activations and α = 10: the cost grows past float64 within ten epochs.
DIVERGING = {**WORKSHEET, "activations": ["linear", "linear"], "learning_rate": 10.0, "epochs": 10}
# A sigmoid output saturated so far that dJ/dŷ overflows float64 while the cost and parameters stay moderate.
SATURATED = {
    **WORKSHEET,
    "activations": ["relu", "sigmoid"],
    "loss": "bce",
    "y": [[0.5]],
    "x": [[1.0]],
    "weights": [[[1000.0]], [[-1000.0]]],
    "epochs": 3,
}
# A sigmoid whose slope σ′(800) underflows float64: every gradient is exactly 0 though J is not.
STUCK = {
    "layers": [1, 1],
    "activations": ["sigmoid"],
    "loss": "half_mse",
    "x": [[1]],
    "y": [[0.5]],
    "weights": [[[800]]],
    "learning_rate": 0.1,
    "epochs": 3,
}
NAMED = {"dead_relu": DEAD_RELU, "diverging": DIVERGING, "saturated": SATURATED, "stuck": STUCK}


def post(body: dict) -> dict:
    response = CLIENT.post("/api/train", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def outcome(data: dict) -> dict:
    """Everything about a run that the choice of detail must leave alone."""
    return {
        "status": data["status"],
        "message": data["message"],
        "diverged_at": data["diverged_at"],
        "stuck_at": data["stuck_at"],
        "costs": [e["cost"] for e in data["epochs"]],
        "final_cost": data["final_cost"],
        "final": data["final"],
        "history": data["history"],
    }


signed = st.floats(-5.0, 5.0, allow_subnormal=False)


@st.composite
def training_requests(draw):
    depth = draw(st.integers(1, 3))
    layers = draw(st.lists(st.integers(1, 3), min_size=depth + 1, max_size=depth + 1))
    loss = draw(st.sampled_from(LOSS_NAMES))
    activations = draw(st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=depth, max_size=depth))
    if loss == "bce":
        activations[-1] = "sigmoid"
    samples = draw(st.integers(1, 4))

    def matrix(rows, cols, values=signed):
        return draw(st.lists(st.lists(values, min_size=cols, max_size=cols), min_size=rows, max_size=rows))

    body = {
        "layers": layers,
        "activations": activations,
        "loss": loss,
        "bias": draw(st.booleans()),
        "x": matrix(samples, layers[0]),
        "y": matrix(samples, layers[-1], st.floats(0.0, 1.0) if loss == "bce" else signed),
        "weights": [matrix(layers[k + 1], layers[k]) for k in range(depth)],
        # Large rates too: they are what makes runs die or diverge.
        "learning_rate": draw(st.sampled_from([0.1, 1.0, 5.0, 10.0, 50.0, 100.0]) | st.floats(0.01, 100.0)),
        "epochs": draw(st.integers(1, 10)),
    }
    if body["bias"]:
        body["biases"] = [matrix(1, width)[0] for width in layers[1:]]
    return body


@example(DEAD_RELU, [4, 10])
@example(DIVERGING, [2, 10])
@example(SATURATED, [3, 1])
@given(training_requests(), st.lists(st.integers(1, 10), min_size=1, max_size=2))
def test_outcome_does_not_depend_on_detail(body, drawn_epochs):
    expected = outcome(post(body))
    epochs = body["epochs"]
    last_sample = len(body["x"]) - 1
    variants = [
        {"detail_epochs": [k]} for k in sorted({1, (epochs + 1) // 2, epochs, *(min(k, epochs) for k in drawn_epochs)})
    ]
    variants += [{"detail_samples": [last_sample]}, {"detail_epochs": [epochs], "detail_samples": [last_sample]}]
    for variant in variants:
        assert outcome(post({**body, **variant})) == expected, variant


@example(DEAD_RELU)
@example(DIVERGING)
@example(SATURATED)
@given(training_requests())
def test_epoch_replayed_alone_matches_its_record_among_others(body):
    together = post(body)  # a run this short has every epoch in detail by default
    detailed = [record for record in together["epochs"] if record.get("detail")]
    assert len(detailed) == len(together["epochs"])
    for record in detailed:
        alone = post({**body, "detail_epochs": [record["epoch"]]})
        assert alone["epochs"][record["epoch"] - 1] == record, record["epoch"]
        assert outcome(alone) == outcome(together), record["epoch"]


def _reference_outcome(body: dict) -> tuple[str, int | None, int | None]:
    """Status, diverged_at and stuck_at by the contract, from the float64 autograd reference."""
    spec = Spec(tuple(body["layers"]), tuple(body["activations"]), body["loss"], body.get("bias", False))
    with np.errstate(all="ignore"):
        reference = autograd_run(
            spec, body["weights"], body.get("biases"), body["x"], body["y"], body["learning_rate"], body["epochs"]
        )
    for number, epoch in enumerate(reference.epochs, start=1):
        params = [q.value for q in epoch.weights_after + epoch.biases_after]
        if not np.isfinite(epoch.cost.value) or not all(np.isfinite(p).all() for p in params):
            return "diverged", number, None
    stuck_at = next(
        (
            number
            for number, epoch in enumerate(reference.epochs, start=1)
            if not any(np.any(q.value) for q in epoch.weight_grads + epoch.bias_grads)
        ),
        None,
    )
    if not np.isfinite(reference.final_cost.value):
        return "diverged", len(reference.epochs) + 1, stuck_at
    if stuck_at is None or reference.final_cost.value == 0:
        return "ok", None, stuck_at
    return ("dead" if reference.epochs[stuck_at - 1].dead else "stuck"), None, stuck_at


@pytest.mark.parametrize("name", NAMED)
def test_named_runs_end_as_the_reference_says(name):
    """The examples above are what they claim to be: the dead run dies, the diverging one diverges."""
    body = NAMED[name]
    data = post(body)
    assert (data["status"], data["diverged_at"], data["stuck_at"]) == _reference_outcome(body), data["message"]


def test_a_slope_that_underflows_float64_is_called_stuck_and_explained():
    """σ′(800) is about 10⁻³⁴⁸ (mpmath), below the smallest float64: the gradient is exactly 0 though
    J is not, and the status says which node saturated and what to change."""
    import mpmath

    sigma = 1 / (1 + mpmath.exp(-800))
    gradient = (sigma - mpmath.mpf("0.5")) * sigma / (1 + mpmath.exp(800))  # (ŷ − y)·σ(z)σ(−z)·x, x = 1
    assert 0 < gradient < mpmath.mpf(np.nextafter(0.0, 1.0)) / 2  # rounds to exactly 0 in float64
    data = post(STUCK)
    assert (data["status"], data["stuck_at"]) == ("stuck", 1)
    assert [e["cost"] for e in data["epochs"]] == [pytest.approx(float((sigma - mpmath.mpf("0.5")) ** 2 / 2))] * 3
    for words in ("sigmoid at ŷ", "saturated", "underflows to exactly 0 in 64-bit floats", "smaller weights"):
        assert words in data["message"]
    # A continued run cannot know since when: it says where it resumes.
    resumed = post({**STUCK, "weights": None, "from_epoch": 2, "params": {"w1": 800.0}, "epochs": 4})
    assert resumed["status"] == "stuck" and resumed["message"].startswith("At epoch 3, where this run resumes, every")


@pytest.mark.parametrize(
    ("samples", "w1", "rate", "epochs"),
    [(1, 1.5e154, 0.1, 3), (1, 1.0e154, 1.0, 3), (256, 1.0e6, 3.0, 600), (64, 2.0e5, 2.5, 900)],
)
def test_a_run_diverges_only_when_its_true_cost_is_beyond_a_float(samples, w1, rate, epochs):
    """The epoch called diverged is the first whose exact cost, from the run's own float64 parameters,
    is beyond float64; every epoch before it has its cost, however close to the limit (a square that
    overflows before the division by 2N is no divergence)."""
    import mpmath

    x = [[float(1 + s % 7)] for s in range(samples)]
    y = [[float(s % 3)] for s in range(samples)]
    # A start beyond the form's limits is a continued run (from_epoch), as a page's later request is.
    first = 1 if abs(w1) > 1e6 else 0
    body = {"layers": [1, 1], "activations": ["linear"], "x": x, "y": y, "params": {"w1": w1}, "from_epoch": first}
    data = post({**body, "learning_rate": rate, "epochs": epochs, "detail_epochs": []})
    largest = mpmath.mpf(np.finfo(float).max)
    w, expected = w1, None  # the float64 updates, walked independently of the engine
    for epoch in range(first + 1, epochs + 1):
        exact = mpmath.fsum(
            (mpmath.mpf(t[0]) - mpmath.mpf(w) * mpmath.mpf(s[0])) ** 2 for s, t in zip(x, y, strict=True)
        )
        if not np.isfinite(w) or exact / (2 * samples) > largest:
            expected = epoch
            break
        w = w - rate * (sum((w * s[0] - t[0]) * s[0] for s, t in zip(x, y, strict=True)) / samples)
    assert data["diverged_at"] == expected
    costs = {e["epoch"]: e["cost"] for e in data["epochs"]}
    assert all(costs[e] is not None and np.isfinite(costs[e]) for e in costs if expected is None or e < expected)


@pytest.mark.parametrize("seed", range(4))
def test_the_largest_network_says_its_cost_oscillates_and_the_rate_it_suggests_converges(seed):
    """Hidden 16,16,16,16 ReLU, no biases, on x = 3, y = 2 at α = 0.1: the cost ends in a two-epoch cycle
    (every other cost the same, the ones between higher), whatever the seed. A bias-free ReLU network on one
    sample is a product of its weights along paths; its flattest minimum (balanced weights, as a chain
    w⁵·3 = 2) has Σ(∂ŷ/∂w)² = 5·(2/w)² ≈ 23.5 > 2/α = 20, so no start converges at α = 0.1, and the page
    says so and what to change. Half that α converges."""
    body = {"layers": [1, 16, 16, 16, 16, 1], "activations": ["relu"] * 5, "x": [[3]], "y": [[2]], "seed": seed}
    w = (2 / 3) ** (1 / 5)
    assert 5 * (2 / w) ** 2 > 2 / 0.1 > 5 * (2 / w) ** 2 / 2  # the chain's flattest minimum: unstable at 0.1, not 0.05
    data = post({**body, "learning_rate": 0.1, "epochs": 2000, "detail_epochs": []})
    costs = [e["cost"] for e in data["epochs"]]
    assert costs[-1] == pytest.approx(costs[-3], rel=1e-6) and costs[-2] == pytest.approx(costs[-4], rel=1e-6)
    assert abs(costs[-1] - costs[-2]) > 0.05
    assert data["status"] == "oscillating" and "α = 0.05" in data["message"], data["message"]
    low, high = (notation.number(c, compact=True) for c in sorted(costs[-2:]))  # the two costs of the cycle
    assert f"jumping to and fro between {low} and {high}" in data["message"]
    calmer = post({**body, "learning_rate": 0.05, "epochs": 2000, "detail_epochs": []})
    assert calmer["status"] == "ok" and calmer["final_cost"] < 1e-20


@pytest.mark.parametrize("name", ["worksheet", "two_hidden", "xor"])
def test_a_run_that_settles_is_not_called_oscillating(name):
    assert post({"preset": name, "epochs": 3000, "detail_epochs": []})["status"] == "ok"
