"""Training against the worksheet, and what a run says happened: divergence, dead ReLUs, history."""

import subprocess
import sys

import numpy as np
import pytest

from tests.worksheet import EPOCHS, TOLERANCE
from webapp.engine import Graph, Network, Params, init_params, record_pass, train
from webapp.presentation.report import report

WORKSHEET = Network((1, 1, 1), ("relu", "relu"))


def worksheet_run(epochs=2, learning_rate=0.1, activations=("relu", "relu"), detail=None):
    network = Network((1, 1, 1), activations)
    params = Params.from_lists(network, [[[0.5]], [[0.8]]])
    detail = range(1, epochs + 1) if detail is None else detail
    return train(network, params, [[3.0]], [[2.0]], learning_rate, epochs, detail)


def worksheet_report(**kwargs):
    run = worksheet_run(**kwargs)
    return report(run, Graph(run.network), [0])


@pytest.mark.parametrize("epoch", [1, 2])
def test_forward_values_match_the_worksheet(epoch):
    data = worksheet_report()["epochs"][epoch - 1]
    golden = EPOCHS[epoch - 1]
    for node, value in golden["values"].items():
        assert data["values"][node] == [pytest.approx(value, abs=TOLERANCE)], node
    assert data["values"]["J"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    assert data["cost"] == pytest.approx(golden["cost"], abs=TOLERANCE)
    for weight, value in golden["weights"].items():
        assert data["values"][weight] == pytest.approx(value, abs=TOLERANCE)


@pytest.mark.parametrize("epoch", [1, 2])
def test_gradients_and_local_derivatives_match_the_worksheet(epoch):
    data = worksheet_report()["epochs"][epoch - 1]
    golden = EPOCHS[epoch - 1]
    for node, grad in golden["grads"].items():
        got = data["grads"][node]
        assert (got[0] if isinstance(got, list) else got) == pytest.approx(grad, abs=TOLERANCE), node
    for edge, value in golden["local"].items():
        assert data["local"][edge] == [pytest.approx(value, abs=TOLERANCE)], edge
    for param in ("w1", "w2"):
        assert data["terms"][param] == [pytest.approx(golden["grads"][param], abs=TOLERANCE)]


@pytest.mark.parametrize("epoch", [1, 2])
def test_update_matches_the_worksheet(epoch):
    data = worksheet_report()["epochs"][epoch - 1]
    after = EPOCHS[epoch - 1]["after"]
    assert data["after"] == {p: pytest.approx(v, abs=TOLERANCE) for p, v in after.items()}


def test_forward_again_gives_the_cost_of_the_next_epoch():
    one = worksheet_run(epochs=1)
    two = worksheet_run(epochs=2)
    assert one.final_cost == pytest.approx(EPOCHS[1]["cost"], abs=TOLERANCE)
    assert one.final_cost == two.costs[1]


def test_a_recorded_epoch_is_the_epoch_that_was_trained():
    """record(e) recomputes epoch e from its θ: the same cost the loop met, whatever else was detailed."""
    network = Network((2, 3, 1), ("tanh", "sigmoid"), "bce", bias=True)
    x = np.random.default_rng(0).normal(size=(5, 2))
    y = (x[:, :1] > 0).astype(float)
    params = init_params(network, 4)
    alone = train(network, params, x, y, 0.5, 30, [17])
    among = train(network, params, x, y, 0.5, 30, range(1, 31))
    assert alone.record(17).cost == alone.costs[16] == among.record(17).cost
    np.testing.assert_array_equal(alone.record(17).grad_theta, among.record(17).grad_theta)
    np.testing.assert_array_equal(alone.costs, among.costs)
    np.testing.assert_array_equal(alone.final_theta, among.final_theta)


def test_relu_derivative_at_zero_is_zero():
    network = Network((1, 1, 1), ("relu", "linear"))
    params = Params.from_lists(network, [[[0.0]], [[1.0]]])
    run = train(network, params, [[3.0]], [[2.0]], 0.1, 1, [1])
    data = report(run, Graph(network), [0])["epochs"][0]
    assert data["local"]["z1-a1"] == [0.0]
    assert data["grads"]["w1"] == 0.0
    assert data["dead"] == ["a1"]


def test_linear_network_with_huge_step_diverges_at_epoch_6():
    data = worksheet_report(epochs=10, learning_rate=10.0, activations=("linear", "linear"), detail=[])
    assert data["diverged_at"] == 6
    assert data["status"] == "diverged"
    assert "learning rate" in data["message"]
    assert [e["epoch"] for e in data["epochs"]] == [1, 2, 3, 4, 5]
    assert data["epochs"][1]["cost"] == pytest.approx(2.846200e5, rel=1e-5)
    assert data["epochs"][2]["cost"] == pytest.approx(7.508563e22, rel=1e-5)
    assert data["final_cost"] is None
    last = data["epochs"][-1]
    assert last["detail"] is True, "the last epoch of a diverged run is always returned in full"
    # Its update gave finite weights so large that the next cost overflowed.
    assert all(v is not None and v > 1e170 for v in last["after"].values())
    assert "cost" in data["message"]


def test_relu_network_with_huge_step_dies_rather_than_diverges():
    data = worksheet_report(epochs=10, learning_rate=10.0)
    assert data["diverged_at"] is None
    assert data["status"] == "dead"
    assert data["stuck_at"] == 3
    assert [e["cost"] for e in data["epochs"][2:]] == [2.0] * 8
    assert data["epochs"][-1]["dead"] == ["a1", "yhat"]
    assert "dead ReLU" in data["message"] and "a₁" in data["message"]
    assert "smaller learning rate" in data["message"], "a step killed a live network"


def test_a_network_dead_from_the_start_names_its_relus_and_not_the_learning_rate():
    network = Network((1, 1, 1), ("relu", "relu"))
    params = Params.from_lists(network, [[[-0.5]], [[0.8]]])
    run = train(network, params, [[3.0]], [[2.0]], 0.1, 5, [])
    data = report(run, Graph(network), [0])
    assert data["status"] == "dead" and data["stuck_at"] == 1
    assert "a₁" in data["message"] and "starting weights" in data["message"] and "−1.5" in data["message"]
    assert "learning rate" not in data["message"]


def test_status_never_depends_on_what_is_detailed():
    """A saturated sigmoid: dJ/dŷ overflows for display, which neither stops nor changes the run."""
    network = Network((1, 1, 1), ("sigmoid", "sigmoid"), "bce")
    params = Params.from_lists(network, [[[1000.0]], [[-1000.0]]])
    runs = [train(network, params, [[1.0]], [[0.5]], 0.1, 3, detail) for detail in ([], [1], [3], [1, 2, 3])]
    for run in runs:
        assert run.diverged_at is None
        np.testing.assert_array_equal(run.costs, runs[0].costs)
        np.testing.assert_array_equal(run.final_theta, runs[0].final_theta)


def test_parameter_history_starts_at_the_initial_weights_and_follows_updates():
    data = worksheet_report(epochs=2)
    assert data["history"]["epochs"] == [0, 1, 2]
    assert data["history"]["params"]["w1"] == [0.5, pytest.approx(0.692), pytest.approx(0.71686208)]


def test_long_runs_keep_evenly_spaced_parameters_within_budget():
    network = Network((2, 16, 16, 1), ("relu", "relu", "linear"), bias=True)
    params = init_params(network, 0)
    x = np.random.default_rng(1).normal(size=(8, 2))
    run = train(network, params, x, x[:, :1], 0.01, 1000, [], history_budget=20_000)
    assert len(run.history) * network.param_count <= 20_000
    assert run.history_epochs[0] == 0 and run.history_epochs[-1] == 1000
    np.testing.assert_array_equal(run.history[-1], run.final_theta)


def test_seeded_initialisation_is_reproducible():
    network = Network((2, 3, 1), ("tanh", "sigmoid"), "bce", bias=True)
    a, b, c = init_params(network, 7), init_params(network, 7), init_params(network, 8)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, c.theta)


def test_record_pass_keeps_the_whole_batchs_one_over_n_for_a_subset_of_samples():
    network = Network((1, 1), ("linear",))
    rec = record_pass(network, np.array([1.0]), [[1.0], [2.0], [3.0]], [[0.0], [0.0], [0.0]])
    part = rec.samples([2])
    assert part.n == 3
    assert part.grad_a[-1].tolist() == [[pytest.approx(3.0 / 3)]]


def test_engine_imports_without_flask():
    code = (
        "import sys; sys.modules['flask'] = None\n"
        "import webapp.engine, webapp.service\n"
        "assert 'werkzeug' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
