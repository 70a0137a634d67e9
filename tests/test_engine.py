"""The engine against the worksheet, and its divergence and dead-ReLU reporting, through both loops."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.loops import LOOPS, assert_same_runs
from tests.worksheet import EPOCHS, TOLERANCE
from webapp.engine import ACTIVATIONS, LOSSES, Network, Params, init_params, train
from webapp.engine.report import report
from webapp.engine.training import SCALAR_MAX_WORK, choose_engine

WORKSHEET = Network((1, 1, 1), ("relu", "relu"))


@pytest.fixture(scope="module", params=LOOPS)
def engine(request):
    """The training loop a test runs through: each test taking it runs once per loop."""
    return request.param


def worksheet_run(epochs=2, learning_rate=0.1, activations=("relu", "relu"), engine="auto"):
    network = Network((1, 1, 1), activations)
    params = Params.from_lists(network, [[[0.5]], [[0.8]]])
    return train(network, params, [[3.0]], [[2.0]], learning_rate, epochs, range(1, epochs + 1), engine=engine)


@pytest.mark.parametrize("epoch", [1, 2])
def test_forward_values_match_the_worksheet(epoch, engine):
    data = report(worksheet_run(engine=engine), [0])["epochs"][epoch - 1]
    golden = EPOCHS[epoch - 1]
    for node, value in golden["values"].items():
        assert data["values"][node] == [pytest.approx(value, abs=TOLERANCE)], node
    assert data["values"]["J"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    assert data["cost"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    for weight, value in golden["weights"].items():
        assert data["values"][weight] == pytest.approx(value, abs=TOLERANCE)


@pytest.mark.parametrize("epoch", [1, 2])
def test_gradients_and_local_derivatives_match_the_worksheet(epoch, engine):
    data = report(worksheet_run(engine=engine), [0])["epochs"][epoch - 1]
    golden = EPOCHS[epoch - 1]
    for node, grad in golden["grads"].items():
        got = data["grads"][node]
        assert (got[0] if isinstance(got, list) else got) == pytest.approx(grad, abs=TOLERANCE), node
    for edge, value in golden["local"].items():
        assert data["local"][edge] == [pytest.approx(value, abs=TOLERANCE)], edge
    assert data["weight_grads"] == [[[pytest.approx(golden["grads"]["w1"])]], [[pytest.approx(golden["grads"]["w2"])]]]


@pytest.mark.parametrize("epoch", [1, 2])
def test_update_matches_the_worksheet(epoch, engine):
    data = report(worksheet_run(engine=engine), [0])["epochs"][epoch - 1]
    after = EPOCHS[epoch - 1]["after"]
    assert data["weights_after"] == [[[pytest.approx(after["w1"], abs=TOLERANCE)]], [[pytest.approx(after["w2"])]]]


def test_forward_again_gives_the_cost_of_the_next_epoch(engine):
    one = worksheet_run(epochs=1, engine=engine)
    two = worksheet_run(epochs=2, engine=engine)
    assert one.final_cost == pytest.approx(EPOCHS[1]["cost"], abs=TOLERANCE)
    assert one.final_cost == two.costs[1]


def test_relu_derivative_at_zero_is_zero(engine):
    network = Network((1, 1, 1), ("relu", "linear"))
    params = Params.from_lists(network, [[[0.0]], [[1.0]]])
    data = report(train(network, params, [[3.0]], [[2.0]], 0.1, 1, [1], engine=engine), [0])["epochs"][0]
    assert data["local"]["z1-a1"] == [0.0]
    assert data["grads"]["w1"] == 0.0
    assert data["dead"] == ["a1"]


def test_linear_network_with_huge_step_diverges_at_epoch_6(engine):
    run = worksheet_run(epochs=10, learning_rate=10.0, activations=("linear", "linear"), engine=engine)
    data = report(run, [0])
    assert data["diverged_at"] == 6
    assert data["status"] == "diverged"
    assert [e["epoch"] for e in data["epochs"]] == [1, 2, 3, 4, 5]
    assert data["epochs"][1]["cost"] == pytest.approx(2.846200e5, rel=1e-5)
    assert data["epochs"][2]["cost"] == pytest.approx(7.508563e22, rel=1e-5)
    assert data["final_cost"] is None
    assert data["epochs"][-1]["detail"] is True, "the last finite epoch is always returned in full"
    assert all(np.isfinite(v) for v in data["epochs"][-1]["weights_after"][0][0])


def test_relu_network_with_huge_step_dies_rather_than_diverges(engine):
    data = report(worksheet_run(epochs=10, learning_rate=10.0, engine=engine), [0])
    assert data["diverged_at"] is None
    assert data["status"] == "dead"
    assert data["stuck_at"] == 3
    assert [e["cost"] for e in data["epochs"][2:]] == [2.0] * 8
    assert data["epochs"][-1]["dead"] == ["a1", "yhat"]
    assert "dead ReLU" in data["message"] and "a1" in data["message"]


def test_parameter_history_starts_at_the_initial_weights_and_follows_updates(engine):
    data = report(worksheet_run(epochs=2, engine=engine), [0])
    assert data["history"]["epochs"] == [0, 1, 2]
    assert data["history"]["params"]["w1"] == [0.5, pytest.approx(0.692), pytest.approx(0.71686208)]


def test_long_runs_keep_evenly_spaced_parameters_within_budget():
    network = Network((2, 16, 16, 1), ("relu", "relu", "linear"), bias=True)
    params = init_params(network, 0)
    x = np.random.default_rng(1).normal(size=(8, 2))
    run = train(network, params, x, x[:, :1], 0.01, 1000, [], history_budget=20_000)
    assert len(run.history) * network.param_count <= 20_000
    assert run.history_epochs[0] == 0 and run.history_epochs[-1] == 1000
    np.testing.assert_array_equal(run.history[-1], run.params_after.theta)


def test_seeded_initialisation_is_reproducible():
    network = Network((2, 3, 1), ("tanh", "sigmoid"), "bce", bias=True)
    a, b, c = init_params(network, 7), init_params(network, 7), init_params(network, 8)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, c.theta)


def test_engine_imports_without_flask():
    code = (
        "import sys; sys.modules['flask'] = None\n"
        "import webapp.engine, webapp.service\n"
        "assert 'werkzeug' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_auto_trains_tiny_networks_with_the_scalar_loop():
    assert choose_engine(WORKSHEET, 1) == "scalar"
    assert choose_engine(WORKSHEET, SCALAR_MAX_WORK // WORKSHEET.param_count + 1) == "numpy"
    assert choose_engine(Network((2, 16, 16, 1), ("relu", "relu", "linear"), bias=True), 1) == "numpy"
    assert choose_engine(Network((2, 16, 16, 1), ("relu", "relu", "linear")), 1, "scalar") == "scalar"
    with pytest.raises(ValueError, match="unknown engine"):
        train(WORKSHEET, init_params(WORKSHEET, 0), [[1.0]], [[1.0]], 0.1, 1, engine="fast")


SPECIAL = [0.0, -0.0, 1e-320, -1e-320, 0.5, -0.5, 3.0, -3.0, 19.0, -19.0, 40.0, -40.0, 800.0, -800.0]
SPECIAL += [math.inf, -math.inf, math.nan]
EXACT = ("relu", "leaky_relu", "linear")  # no libm call: the float version must match bit for bit


def same_floats(got, expected, exact):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    if exact:
        np.testing.assert_array_equal(got, expected)
        assert np.array_equal(np.signbit(got), np.signbit(expected)), (got, expected)
    else:
        # A few ulps apart; absolutely so where 1 − tanh² or 1 − σ cancels.
        np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_activation_computes_the_same_on_floats_as_on_arrays(name):
    activation = ACTIVATIONS[name]
    z = np.array(SPECIAL + np.random.default_rng(0).normal(scale=5, size=200).tolist())
    with np.errstate(all="ignore"):
        forward, derivative = activation.forward(z), activation.derivative(z)
    same_floats([activation.scalar_forward(v) for v in z.tolist()], forward, name in EXACT)
    same_floats([activation.scalar_derivative(v) for v in z.tolist()], derivative, name in EXACT)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("samples", [1, 3, 7])
def test_each_loss_computes_the_same_on_floats_as_on_arrays(name, samples):
    """Exactly, but for libm calls and numpy's pairwise sums of eight or more numbers."""
    loss = LOSSES[name]
    rng = np.random.default_rng(samples)
    z = rng.normal(scale=3, size=(samples, 2))
    z[0, 0] = -1000.0  # a sigmoid output that underflows to 0
    yhat = ACTIVATIONS["sigmoid"].forward(z) if name == "bce" else z
    y = rng.uniform(size=z.shape) if name == "bce" else rng.normal(size=z.shape)
    flat = [yhat.ravel().tolist(), y.ravel().tolist(), z.ravel().tolist(), samples]
    with np.errstate(all="ignore"):
        same_floats(loss.scalar_cost(*flat), loss.cost(yhat, y, z), name != "bce" and z.size < 8)
        same_floats(loss.scalar_grad_yhat(*flat), loss.grad_yhat(yhat, y, z).ravel(), name != "bce")
        if loss.grad_z is not None:
            same_floats(loss.scalar_grad_z(*flat), loss.grad_z(yhat, y, z).ravel(), True)


finite = st.floats(-4.0, 4.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    activations=st.lists(st.sampled_from(EXACT), min_size=1, max_size=3),
    loss=st.sampled_from(["half_mse", "mse"]),
    bias=st.booleans(),
    numbers=st.lists(finite, min_size=8, max_size=8),
    learning_rate=st.sampled_from([0.01, 0.1, 1.0, 10.0, 100.0]),
    epochs=st.integers(1, 40),
)
def test_one_wide_networks_train_bit_for_bit_the_same_in_both_loops(
    activations, loss, bias, numbers, learning_rate, epochs
):
    """One sample through one-neuron layers: no sums, no libm, so both loops round exactly alike."""
    network = Network((1,) * (len(activations) + 1), tuple(activations), loss, bias)
    params = Params(network, np.array(numbers[: network.param_count]))
    x, y = [[numbers[-1]]], [[numbers[-2]]]
    runs = [
        train(network, params, x, y, learning_rate, epochs, range(1, epochs + 1), engine=engine) for engine in LOOPS
    ]
    assert_same_runs(*runs)


def test_worksheet_diverges_identically_in_both_loops():
    runs = [worksheet_run(10, 10.0, ("linear", "linear"), engine) for engine in LOOPS]
    assert runs[0].diverged_at == 6
    assert_same_runs(*runs)


def test_an_underflowing_sigmoid_diverges_only_where_its_detail_is_recorded(engine):
    """ŷ = σ(−1000) is 0, so dJ/dŷ is infinite; training itself needs only the finite dJ/dz."""
    network = Network((1, 1), ("sigmoid",), "bce")
    params = Params.from_lists(network, [[[1000.0]]])
    detailed = train(network, params, [[-1.0]], [[0.5]], 0.1, 3, [2], engine=engine)
    assert detailed.diverged_at == 2
    assert detailed.detail == {}, "epoch 1 has the same infinite dJ/dŷ: nothing finite to show"
    plain = train(network, params, [[-1.0]], [[0.5]], 0.1, 3, [], engine=engine)
    assert plain.diverged_at is None
    assert plain.costs[0] == pytest.approx(500.0)


def test_both_loops_keep_the_same_evenly_spaced_history():
    network = Network((1, 2, 1), ("tanh", "linear"), bias=True)
    params = init_params(network, 3)
    x = np.linspace(-1, 1, 4)[:, None]
    runs = [train(network, params, x, x**2, 0.1, 500, [1, 250, 500], 40, engine) for engine in LOOPS]
    assert 2 < len(runs[1].history) < 501
    np.testing.assert_array_equal(runs[1].history[-1], runs[1].params_after.theta)
    assert_same_runs(*runs, rtol=1e-12, atol=1e-14)
