"""The engine against the worksheet, and its divergence and dead-ReLU reporting."""

import subprocess
import sys

import numpy as np
import pytest

from tests.worksheet import EPOCHS, TOLERANCE
from webapp.engine import Network, Params, init_params, train
from webapp.engine.report import report

WORKSHEET = Network((1, 1, 1), ("relu", "relu"))


def worksheet_run(epochs=2, learning_rate=0.1, activations=("relu", "relu")):
    network = Network((1, 1, 1), activations)
    params = Params.from_lists(network, [[[0.5]], [[0.8]]])
    return train(network, params, [[3.0]], [[2.0]], learning_rate, epochs, range(1, epochs + 1))


@pytest.mark.parametrize("epoch", [1, 2])
def test_forward_values_match_the_worksheet(epoch):
    data = report(worksheet_run(), [0])["epochs"][epoch - 1]
    golden = EPOCHS[epoch - 1]
    for node, value in golden["values"].items():
        assert data["values"][node] == [pytest.approx(value, abs=TOLERANCE)], node
    assert data["values"]["J"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    assert data["cost"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    for weight, value in golden["weights"].items():
        assert data["values"][weight] == pytest.approx(value, abs=TOLERANCE)


@pytest.mark.parametrize("epoch", [1, 2])
def test_gradients_and_local_derivatives_match_the_worksheet(epoch):
    data = report(worksheet_run(), [0])["epochs"][epoch - 1]
    golden = EPOCHS[epoch - 1]
    for node, grad in golden["grads"].items():
        got = data["grads"][node]
        assert (got[0] if isinstance(got, list) else got) == pytest.approx(grad, abs=TOLERANCE), node
    for edge, value in golden["local"].items():
        assert data["local"][edge] == [pytest.approx(value, abs=TOLERANCE)], edge
    assert data["weight_grads"] == [[[pytest.approx(golden["grads"]["w1"])]], [[pytest.approx(golden["grads"]["w2"])]]]


@pytest.mark.parametrize("epoch", [1, 2])
def test_update_matches_the_worksheet(epoch):
    data = report(worksheet_run(), [0])["epochs"][epoch - 1]
    after = EPOCHS[epoch - 1]["after"]
    assert data["weights_after"] == [[[pytest.approx(after["w1"], abs=TOLERANCE)]], [[pytest.approx(after["w2"])]]]


def test_forward_again_gives_the_cost_of_the_next_epoch():
    one = worksheet_run(epochs=1)
    two = worksheet_run(epochs=2)
    assert one.final_cost == pytest.approx(EPOCHS[1]["cost"], abs=TOLERANCE)
    assert one.final_cost == two.costs[1]


def test_relu_derivative_at_zero_is_zero():
    network = Network((1, 1, 1), ("relu", "linear"))
    params = Params.from_lists(network, [[[0.0]], [[1.0]]])
    data = report(train(network, params, [[3.0]], [[2.0]], 0.1, 1, [1]), [0])["epochs"][0]
    assert data["local"]["z1-a1"] == [0.0]
    assert data["grads"]["w1"] == 0.0
    assert data["dead"] == ["a1"]


def test_linear_network_with_huge_step_diverges_at_epoch_6():
    run = worksheet_run(epochs=10, learning_rate=10.0, activations=("linear", "linear"))
    data = report(run, [0])
    assert data["diverged_at"] == 6
    assert data["status"] == "diverged"
    assert [e["epoch"] for e in data["epochs"]] == [1, 2, 3, 4, 5]
    assert data["epochs"][1]["cost"] == pytest.approx(2.846200e5, rel=1e-5)
    assert data["epochs"][2]["cost"] == pytest.approx(7.508563e22, rel=1e-5)
    assert data["final_cost"] is None
    assert data["epochs"][-1]["detail"] is True, "the last finite epoch is always returned in full"
    assert all(np.isfinite(v) for v in data["epochs"][-1]["weights_after"][0][0])


def test_relu_network_with_huge_step_dies_rather_than_diverges():
    data = report(worksheet_run(epochs=10, learning_rate=10.0), [0])
    assert data["diverged_at"] is None
    assert data["status"] == "dead"
    assert data["stuck_at"] == 3
    assert [e["cost"] for e in data["epochs"][2:]] == [2.0] * 8
    assert data["epochs"][-1]["dead"] == ["a1", "yhat"]
    assert "dead ReLU" in data["message"] and "a1" in data["message"]


def test_parameter_history_starts_at_the_initial_weights_and_follows_updates():
    data = report(worksheet_run(epochs=2), [0])
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
