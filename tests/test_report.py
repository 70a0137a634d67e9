"""The JSON view of a run: keyed by id, numbers too large for floats as null with a reason, statuses in words."""

import json

import pytest

from webapp.engine import Graph, Network, Params, train
from webapp.presentation.report import report


def saturated_run(epochs=3, detail=(1, 2, 3)):
    network = Network((1, 1, 1), ("sigmoid", "sigmoid"), "bce")
    params = Params.from_lists(network, [[[1000.0]], [[-1000.0]]])
    run = train(network, params, [[1.0]], [[0.5]], 0.1, epochs, detail)
    return report(run, Graph(network), [0])


def test_a_number_beyond_floats_is_null_with_its_reason_and_the_run_goes_on():
    data = saturated_run()
    assert data["status"] == "ok" and data["diverged_at"] is None and len(data["epochs"]) == 3
    first = data["epochs"][0]
    assert first["grads"]["yhat"] == [None] and first["local"]["yhat-J"] == [None]
    assert set(first["unrepresentable"]) == {"grads.yhat", "local.yhat-J"}
    assert "64-bit float" in first["unrepresentable"]["grads.yhat"]
    # The gradient the update needs comes from the logit and is finite.
    assert first["grads"]["z2"] == [pytest.approx(-0.5)]
    json.dumps(data, allow_nan=False)


def test_each_parameters_terms_sum_to_its_gradient():
    network = Network((2, 2, 1), ("tanh", "linear"), bias=True)
    params = Params.from_lists(network, [[[0.5, -0.3], [0.2, 0.8]], [[1.0, -1.0]]], [[0.1, -0.1], [0.3]])
    x, y = [[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]], [[1.0], [0.0], [2.0]]
    epoch = report(train(network, params, x, y, 0.1, 1, [1]), Graph(network), [0, 1, 2])["epochs"][0]
    for pid in Graph(network).params:
        assert sum(epoch["terms"][pid]) == pytest.approx(epoch["grads"][pid], rel=1e-12, abs=1e-15)
        assert epoch["after"][pid] == pytest.approx(epoch["values"][pid] - 0.1 * epoch["grads"][pid])


def test_detail_of_some_samples_keeps_everyones_one_over_n():
    network = Network((1, 1), ("linear",))
    params = Params.from_lists(network, [[[1.0]]])
    run = train(network, params, [[1.0], [2.0], [3.0], [4.0]], [[0.0]] * 4, 0.1, 1, [1])
    epoch = report(run, Graph(network), [3])["epochs"][0]
    assert epoch["values"]["x"] == [4.0]
    assert epoch["grads"]["yhat"] == [pytest.approx(4.0 / 4)]
    assert epoch["terms"]["w1"] == [pytest.approx(4.0 * 4.0 / 4)]


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ([[[-1.0]], [[1.0]]], "the ReLU at a₁ (z₁ at most −1) gets an input z ≤ 0 for every sample, so it outputs 0 and passes no"),
        ([[[-1.0], [-2.0]], [[1.0, 1.0]]], "the ReLUs at a₁,₁ (z₁,₁ at most −1) and a₁,₂ (z₁,₂ at most −2) get inputs z ≤ 0 for every sample, so they output 0 and pass no"),
        ([[[-1.0], [-2.0], [-3.0]], [[1.0, 1.0, 1.0]]], "the ReLUs at a₁,₁ (z₁,₁ at most −1), a₁,₂ (z₁,₂ at most −2) and a₁,₃ (z₁,₃ at most −3) get"),
    ],
)  # fmt: skip
def test_dead_relu_messages_agree_with_how_many_died(weights, words):
    """One dead ReLU is "the ReLU at … gets … it outputs"; several are "the ReLUs at … and … get … they output"."""
    network = Network((1, len(weights[0]), 1), ("relu", "linear"))
    run = train(network, Params.from_lists(network, weights), [[1.0]], [[5.0]], 0.1, 2, [1])
    data = report(run, Graph(network), [0])
    assert data["status"] == "dead" and words in data["message"], data["message"]
