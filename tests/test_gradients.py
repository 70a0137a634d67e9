"""Gradients against central finite differences on random networks nobody wrote by hand.

The reference here is an independent, loop-based implementation of the forward pass and the
costs; the engine's forward values are checked against it and its backward pass against
central differences of it; the report's local derivatives rebuild every gradient edge by edge.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from webapp.engine import ACTIVATIONS, LOSSES, Graph, Network, Params, init_params, train
from webapp.presentation.report import report

STEP = 1e-6
REL_TOLERANCE = 1e-5
ABS_TOLERANCE = 1e-7
KINK_MARGIN = 1e-3  # ReLU-like inputs closer than this to 0 would straddle the kink
# A BCE output closer than this to 0 or 1 makes the cost too steep for a step of STEP: the central
# difference's error grows as (STEP / ŷ)², 1e-4 relative at ŷ = 1e-4.
SATURATION_MARGIN = 1e-3


def reference_activation(name, z):
    return {
        "relu": max(z, 0.0),
        "leaky_relu": z if z > 0 else 0.01 * z,
        "sigmoid": 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)),
        "tanh": math.tanh(z),
        "linear": z,
    }[name]


def reference_cost(loss, yhats, ys):
    n = len(ys)
    total = 0.0
    for yhat, y in zip(yhats, ys, strict=True):
        for p, t in zip(yhat, y, strict=True):
            if loss == "half_mse":
                total += (t - p) ** 2 / (2 * n)
            elif loss == "mse":
                total += (t - p) ** 2 / n
            else:
                total -= (t * math.log(p) + (1 - t) * math.log(1 - p)) / n
    return total


def reference_forward(network, weights, biases, xs, nudge=None):
    """z and a per layer per sample, by loops; `nudge` = (layer, sample, neuron, kind, amount)."""
    zs, activations = [], []
    for s, x in enumerate(xs):
        a = list(x)
        z_layers, a_layers = [], []
        for k, w in enumerate(weights):
            z = [
                sum(w[j][i] * a[i] for i in range(len(a))) + (biases[k][j] if network.bias else 0.0)
                for j in range(len(w))
            ]
            if nudge and nudge[:2] == (k, s) and nudge[3] == "z":
                z[nudge[2]] += nudge[4]
            a = [reference_activation(network.activations[k], v) for v in z]
            if nudge and nudge[:2] == (k, s) and nudge[3] == "a":
                a[nudge[2]] += nudge[4]
            z_layers.append(z)
            a_layers.append(a)
        zs.append(z_layers)
        activations.append(a_layers)
    return zs, activations


def nested(params):
    """Weights and biases as nested lists, for the loop implementation."""
    return [w.tolist() for w in params.weights], [b.tolist() for b in params.biases]


def reference_run_cost(network, weights, biases, xs, ys, nudge=None):
    _, activations = reference_forward(network, weights, biases, xs, nudge)
    return reference_cost(network.loss, [a[-1] for a in activations], ys)


@st.composite
def problems(draw):
    depth = draw(st.integers(1, 3))
    layers = tuple(draw(st.integers(1, 3)) for _ in range(depth + 1))
    loss = draw(st.sampled_from(sorted(LOSSES)))
    hidden = [draw(st.sampled_from(sorted(ACTIVATIONS))) for _ in range(depth - 1)]
    output = "sigmoid" if loss == "bce" else draw(st.sampled_from(sorted(ACTIVATIONS)))
    network = Network(layers, (*hidden, output), loss, bias=draw(st.booleans()))
    samples = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(samples, layers[0]))
    y = rng.uniform(0.05, 0.95, size=(samples, layers[-1])) if loss == "bce" else rng.normal(size=(samples, layers[-1]))
    params = init_params(network, int(rng.integers(2**32)))
    for bias in params.biases:
        bias[:] = rng.normal(scale=0.5, size=len(bias))
    return network, params, x, y


def away_from_kinks(network, zs):
    for k, name in enumerate(network.activations):
        if name in ("relu", "leaky_relu") and np.abs(zs[k]).min() < KINK_MARGIN:
            return False
    return True


def away_from_saturation(network, activations):
    yhat = activations[-1]
    return network.loss != "bce" or min(yhat.min(), 1 - yhat.max()) >= SATURATION_MARGIN


@given(problems())
def test_forward_values_match_a_loop_implementation(problem):
    network, params, x, y = problem
    run = train(network, params, x, y, 0.1, 1, [1])
    record = run.record(1)
    weights, biases = nested(params)
    zs, activations = reference_forward(network, weights, biases, x.tolist())
    for k in range(network.depth):
        np.testing.assert_allclose(record.z[k], [z[k] for z in zs], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(record.a[k], [a[k] for a in activations], rtol=1e-12, atol=1e-12)
    expected = reference_cost(network.loss, [a[-1] for a in activations], y.tolist())
    assert record.cost == pytest.approx(expected, rel=1e-10, abs=1e-12)


def smooth_epoch(problem):
    """One epoch of the problem, where central differences are meaningful (no kink or saturation near)."""
    network, params, x, y = problem
    run = train(network, params, x, y, 0.1, 1, [1])
    record = run.record(1)
    assume(away_from_kinks(network, record.z) and away_from_saturation(network, record.a))
    return run, record


@given(problems())
def test_parameter_gradients_match_central_differences(problem):
    network, params, x, y = problem
    _, record = smooth_epoch(problem)
    theta = params.theta
    numeric = np.empty_like(theta)
    for i in range(len(theta)):
        costs = []
        for sign in (1, -1):
            nudged = Params(network, params.theta.copy())
            nudged.theta[i] += sign * STEP
            costs.append(reference_run_cost(network, *nested(nudged), x.tolist(), y.tolist()))
        numeric[i] = (costs[0] - costs[1]) / (2 * STEP)
    np.testing.assert_allclose(record.grad_theta, numeric, rtol=REL_TOLERANCE, atol=ABS_TOLERANCE)


@given(problems())
def test_node_gradients_match_central_differences(problem):
    network, params, x, y = problem
    run, _ = smooth_epoch(problem)
    graph = Graph(network)
    data = report(run, graph, list(range(len(x))))["epochs"][0]
    weights, biases = nested(params)
    for k in range(network.depth):
        for j in range(network.layers[k + 1]):
            for s in range(len(x)):
                for kind, node_kind in (("z", "sum"), ("a", "activation")):
                    up = reference_run_cost(network, weights, biases, x.tolist(), y.tolist(), (k, s, j, kind, STEP))
                    down = reference_run_cost(network, weights, biases, x.tolist(), y.tolist(), (k, s, j, kind, -STEP))
                    numeric = (up - down) / (2 * STEP)
                    node = graph.ids(node_kind, k + 1)[j]
                    assert data["grads"][node][s] == pytest.approx(numeric, rel=REL_TOLERANCE, abs=ABS_TOLERANCE)


@given(problems())
def test_chain_rule_through_local_derivatives_rebuilds_every_gradient(problem):
    """dJ/dsource = Σ over out-edges of dJ/dtarget · local derivative: the backward pass, edge by edge."""
    network, params, x, y = problem
    run = train(network, params, x, y, 0.1, 1, [1])
    graph = Graph(network)
    data = report(run, graph, list(range(len(x))))["epochs"][0]
    for node in graph.nodes:
        if node.kind in ("input", "target", "cost"):
            continue
        total = np.zeros(len(x))
        for e in graph.out_of(node.id):
            upstream = data["grads"][e.target]
            upstream = np.asarray(upstream) if graph.node[e.target].per_sample else np.full(len(x), upstream)
            total += upstream * np.asarray(data["local"][e.id])
        if node.param:
            # A parameter's gradient is the sum of its per-sample terms, each dJ/dz · dz/dθ.
            np.testing.assert_allclose(data["terms"][node.id], total, rtol=1e-9, atol=1e-12)
        expected = total if node.per_sample else total.sum()
        np.testing.assert_allclose(data["grads"][node.id], expected, rtol=1e-9, atol=1e-12)


def test_bce_stays_finite_when_the_output_saturates():
    network = Network((1, 1), ("sigmoid",), "bce")
    params = init_params(network, 0)
    params.theta[:] = 50.0
    run = train(network, params, [[1.0]], [[0.0]], 0.1, 1, [1])
    assert run.costs[0] == pytest.approx(50.0)
    np.testing.assert_allclose(run.record(1).grad_theta, [1.0])
