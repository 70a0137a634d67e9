"""The cost surface: every grid point is the engine's own cost there, dead ReLUs are marked, the path is the run's."""

import json

import numpy as np
import pytest

from webapp.engine import Network, Params, init_params
from webapp.engine.landscape import cost_surface
from webapp.engine.training import cost_of, record_pass
from webapp.request import limits
from webapp.request.resolve import resolve


@pytest.mark.parametrize(
    ("network", "first", "second"),
    [
        (Network((1, 1, 1), ("relu", "relu")), 0, 1),
        (Network((2, 3, 1), ("tanh", "sigmoid"), "bce", bias=True), 2, 10),
        (Network((2, 2, 2), ("leaky_relu", "linear"), "mse", bias=True), 0, 9),
    ],
)
def test_every_grid_point_is_the_engines_cost_at_that_point(network, first, second):
    rng = np.random.default_rng(3)
    theta = init_params(network, 5).theta
    x = rng.normal(size=(4, network.layers[0]))
    y = rng.uniform(0.1, 0.9, size=(4, network.layers[-1]))
    u, v = np.linspace(-1.5, 2.0, 7), np.linspace(-0.5, 1.0, 5)
    surface = cost_surface(network, theta, x, y, first, second, u, v)
    assert surface.cost.shape == (5, 7)
    for row, b in enumerate(v):
        for column, a in enumerate(u):
            point = theta.copy()
            point[first], point[second] = a, b
            assert surface.cost[row, column] == pytest.approx(cost_of(network, point, x, y), rel=1e-12, abs=1e-15)


def test_the_worksheets_dead_relus_are_where_a_weight_is_not_positive():
    network = Network((1, 1, 1), ("relu", "relu"))
    theta = Params.from_lists(network, [[[0.5]], [[0.8]]]).theta
    u = v = np.linspace(-1.0, 1.0, 9)
    surface = cost_surface(network, theta, [[3.0]], [[2.0]], 0, 1, u, v)
    expected = (u[None, :] <= 0) | (v[:, None] <= 0)  # x = 3 > 0: z1 ≤ 0 iff w1 ≤ 0, then z2 ≤ 0 iff w2 ≤ 0
    np.testing.assert_array_equal(surface.dead, expected)
    assert np.all(surface.cost[expected] == pytest.approx(2.0)), "dead: ŷ = 0, so J = (2 − 0)²/2"


def post(client, body):
    return client.post("/api/landscape", json=body)


def test_the_path_is_the_runs_and_its_costs_are_the_runs(client):
    data = post(client, {"epochs": 20}).get_json()
    run = client.post("/api/train", json={"epochs": 20}).get_json()
    assert data["path"]["epochs"] == run["history"]["epochs"]
    assert data["path"]["u"] == run["history"]["params"]["w1"]
    assert data["path"]["v"] == run["history"]["params"]["w2"]
    costs = [e["cost"] for e in run["epochs"]] + [run["final_cost"]]
    assert data["path"]["cost"] == [costs[k] for k in data["path"]["epochs"]]
    assert min(data["u"]) < 0 < max(data["u"]), "the range takes in 0, where the ReLUs die"
    assert any(any(row) for row in data["flat"]) and not all(all(row) for row in data["flat"])
    json.dumps(data, allow_nan=False)


def gradient_on_axes(resolved, axes, a, b):
    """The engine's own ∂J/∂p and ∂J/∂q, by backpropagation, at p = a and q = b, the rest at the start."""
    theta = resolved.params.theta.copy()
    first, second = (resolved.graph.param_position[axis] for axis in axes)
    theta[first], theta[second] = a, b
    grad = record_pass(resolved.network, theta, resolved.request.x, resolved.request.y).grad_theta
    return grad[first], grad[second]


@pytest.mark.parametrize(
    ("body", "axes", "some_flat"),
    [({"preset": "two_hidden"}, ["w1_2_1", "b2"], False), ({}, ["w1", "w2"], True)],
)
def test_flat_marks_only_points_where_the_gradient_on_both_axes_is_zero(client, body, axes, some_flat):
    """Two hidden neurons, across w₁,₂,₁ and up b₂: the second neuron is dead wherever w₁,₂,₁ ≤ 0, yet b₂ still moves
    J, so nothing there is flat. The worksheet's w₁ ≤ 0 kills everything after it: flat there."""
    data = post(client, {**body, "axes": axes, "epochs": 20}).get_json()
    resolved = resolve({**body, "epochs": 1})
    flat = np.array(data["flat"])
    assert flat.any() == some_flat
    for row, b in enumerate(data["v"]):
        for column, a in enumerate(data["u"]):
            gradient = gradient_on_axes(resolved, axes, a, b)
            if flat[row, column]:
                assert gradient == (0, 0), (a, b)
    if not some_flat:  # the engine itself sees a dead neuron on this plane: it is the label that was wrong
        surface_dead = cost_surface(
            resolved.network, resolved.params.theta, resolved.request.x, resolved.request.y,
            *(resolved.graph.param_position[axis] for axis in axes), data["u"], data["v"],
        ).dead  # fmt: skip
        assert surface_dead.any()


def test_a_diverged_run_gets_a_surface_where_its_cost_is_a_float_and_says_why(client):
    data = post(client, {"preset": "diverging", "epochs": 64}).get_json()
    json.dumps(data, allow_nan=False)
    costs = data["path"]["cost"]
    assert None in costs, "the run diverged: its cost passed a float's range"
    last = costs.index(None)
    assert all(np.isfinite(c) for row in data["cost"] for c in row if c is not None)
    assert any(c is not None for row in data["cost"] for c in row)
    for u, v in zip(data["path"]["u"][:last], data["path"]["v"][:last], strict=True):
        assert data["u"][0] <= u <= data["u"][-1] and data["v"][0] <= v <= data["v"][-1]
    assert f"epoch {data['path']['epochs'][last] + 1}" in data["note"] and "past a float's range" in data["note"]
    assert post(client, {"epochs": 20}).get_json()["note"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"axes": ["w1"]}, "axes"),
        ({"axes": ["w1", "w1"]}, "axes"),
        ({"axes": ["w1", "w7"]}, "axes"),
        ({"axes": "w1,w2"}, "axes"),
        ({"steps": 3}, "steps"),
        ({"steps": 10_000}, "steps"),
        ({"steps": "many"}, "steps"),
        ({"layers": [1, 1]}, "axes"),
        ({"epochs": 0}, "epochs"),
    ],
)
def test_bad_requests_name_their_field(client, body, field):
    response = post(client, body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field


def test_wide_networks_on_many_samples_get_a_coarser_grid_within_memory(client):
    body = {
        "layers": [16, 16, 16, 1],
        "bias": True,
        "x": [[0.1] * 16] * 256,
        "y": [[0.5]] * 256,
        "epochs": 2,
        "axes": ["w1_1_1", "w3_1_16"],
    }
    data = post(client, body).get_json()
    steps = len(data["u"])
    assert limits.LANDSCAPE_MIN_STEPS <= steps < limits.LANDSCAPE_MAX_STEPS
    assert steps * steps * 256 * 16 <= limits.LANDSCAPE_NUMBERS
    assert data["held"]
