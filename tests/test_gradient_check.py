"""Backpropagation beside central differences: they agree on smooth networks and the check names its limits."""

import numpy as np
import pytest

from webapp.engine import Network, init_params, record_pass
from webapp.engine.landscape import central_differences


@pytest.mark.parametrize("numbers", [10, 2_000_000])
def test_central_differences_agree_with_backpropagation_in_chunks_or_at_once(numbers):
    network = Network((2, 3, 2), ("tanh", "sigmoid"), "bce", bias=True)
    theta = init_params(network, 2).theta
    x = np.random.default_rng(0).normal(size=(5, 2))
    y = np.random.default_rng(1).uniform(size=(5, 2))
    backprop = record_pass(network, theta, x, y).grad_theta
    estimate = central_differences(network, theta, x, y, 1e-6, numbers)
    np.testing.assert_allclose(estimate, backprop, rtol=1e-6, atol=1e-9)


def test_the_worksheet_checks_out_epoch_by_epoch(client):
    for epoch in (1, 2, 5):
        data = client.post("/api/gradient-check", json={"epoch": epoch}).get_json()
        run = client.post("/api/train", json={"epochs": epoch, "detail_epochs": [epoch]}).get_json()
        grads = run["epochs"][epoch - 1]["grads"]
        assert data["epoch"] == epoch
        for row in data["params"]:
            assert row["backprop"] == grads[row["id"]]
            assert row["numeric"] == pytest.approx(row["backprop"], rel=1e-7)
            assert row["relative_error"] < 1e-7


def test_near_convergence_tiny_gradients_are_judged_by_absolute_difference(client):
    """By epoch 15 the worksheet's gradients are about 10⁻⁹: their relative difference would compare rounding
    noise, so the check gives the absolute one and says why."""
    run = client.post("/api/train", json={"epochs": 15, "detail_epochs": [15]}).get_json()
    grads = next(e for e in run["epochs"] if e["epoch"] == 15)["grads"]
    assert 0 < max(abs(grads["w1"]), abs(grads["w2"])) < 1e-8
    data = client.post("/api/gradient-check", json={"epoch": 15}).get_json()
    for row in data["params"]:
        assert row["backprop"] == grads[row["id"]]
        assert row["relative_error"] is None
        assert row["difference"] == abs(row["backprop"] - row["numeric"]) < 1e-14
    assert "compared by absolute difference" in data["message"] and "tiny" in data["message"]
    first = client.post("/api/gradient-check", json={"epoch": 1}).get_json()
    assert first["message"].startswith("Epoch 1: the largest relative difference is")
    assert "absolute" not in first["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"epoch": 0}, "epoch"),
        ({"epoch": "two"}, "epoch"),
        ({"epoch": 10_001}, "epoch"),
        ({"layers": [16] * 6, "bias": True, "x": [[0.1] * 16] * 256, "y": [[0.5] * 16] * 256}, "x"),
        ({"activations": ["linear", "linear"], "learning_rate": 10.0, "epoch": 8}, "epoch"),
    ],
)
def test_what_cannot_be_checked_is_refused_naming_its_field(client, body, field):
    response = client.post("/api/gradient-check", json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field
