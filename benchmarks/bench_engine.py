"""Time per training epoch: the engine against micrograd and a pure-Python floor, and the API call.

Run from the repository root:

    python -m benchmarks.bench_engine

Nothing here asserts on time: it prints figures and the targets beside them. What is compared is
measured interleaved, round after round (engine, micrograd, floor, engine, …), and each figure is
the median over the rounds of the ratio measured within one round, so a burst of load on a shared
machine moves both sides of a ratio rather than flipping it. Every engine figure includes the
recording the API does (costs, parameter history, the detail epochs the API would choose), and
micrograd's and the floor's costs and parameters are checked against the engine's.
"""

import json
import statistics
import time
from collections.abc import Callable

import numpy as np
from micrograd.engine import Value

from webapp import create_app
from webapp.engine import Network, init_params
from webapp.request.presets import WORKSHEET
from webapp.request.resolve import resolve
from webapp.service import train_resolved

EPOCHS = 1000
ROUNDS = 7
LARGE_SAMPLES = 128
LARGE_ENGINE_EPOCHS = 200
COST_TOLERANCE = 1e-9  # relative, micrograd and the floor against the engine
TARGET_WORKSHEET_SPEEDUP = 2.0
TARGET_LARGE_SPEEDUP = 1000.0
TARGET_API_MS = 50.0

WORKSHEET_REQUEST = {**WORKSHEET, "epochs": EPOCHS}


def large_request() -> dict:
    """2-16-16-1 on 128 samples: normal x from default_rng(0), y = sin(x0) + x1², weights from seed 0."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(LARGE_SAMPLES, 2))
    network = Network((2, 16, 16, 1), ("relu", "relu", "linear"), "half_mse", bias=True)
    params = init_params(network, seed=0)
    return {
        "layers": list(network.layers),
        "activations": list(network.activations),
        "bias": True,
        "x": x.tolist(),
        "y": (np.sin(x[:, 0]) + x[:, 1] ** 2)[:, None].tolist(),
        **params.nested(),
        "learning_rate": 0.01,
        "epochs": LARGE_ENGINE_EPOCHS,
    }


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def engine_run(request: dict, epochs: int | None = None):
    """train() exactly as the API calls it for this request."""
    return train_resolved(resolve({**request, "epochs": epochs or request["epochs"]}))


def micrograd_worksheet(epochs: int) -> tuple[list[float], list[float]]:
    """The worksheet network built from Values; each epoch's cost and the final [w1, w2]."""
    w1, w2 = Value(0.5), Value(0.8)
    costs = []
    for _ in range(epochs):
        yhat = (w2 * (w1 * 3.0).relu()).relu()
        cost = (2.0 - yhat) ** 2 / 2
        cost.backward()
        for w in (w1, w2):
            w.data -= 0.1 * w.grad
            w.grad = 0
        costs.append(cost.data)
    return costs, [w1.data, w2.data]


def floor_worksheet(epochs: int) -> tuple[list[float], list[float]]:
    """The worksheet network in plain floats, costs recorded: the floor for any Python implementation."""
    w1, w2 = 0.5, 0.8
    x, y, learning_rate = 3.0, 2.0, 0.1
    costs = []
    for _ in range(epochs):
        z1 = w1 * x
        a1 = z1 if z1 > 0 else 0.0
        z2 = w2 * a1
        yhat = z2 if z2 > 0 else 0.0
        costs.append((y - yhat) ** 2 / 2)
        grad_z2 = yhat - y if z2 > 0 else 0.0
        grad_z1 = grad_z2 * w2 if z1 > 0 else 0.0
        w2 -= learning_rate * grad_z2 * a1
        w1 -= learning_rate * grad_z1 * x
    return costs, [w1, w2]


def micrograd_epoch(layers, x, y, learning_rate: float) -> float:
    """One full-batch half-MSE epoch of a ReLU, ReLU, linear network of Values; the cost before the update."""
    total = Value(0.0)
    for inputs, targets in zip(x, y, strict=True):
        a = inputs
        for k, (weights, biases) in enumerate(layers):
            z = [sum((w * v for w, v in zip(row, a, strict=True)), b) for row, b in zip(weights, biases, strict=True)]
            a = [zj.relu() for zj in z] if k < len(layers) - 1 else z
        for yhat, target in zip(a, targets, strict=True):
            total = total + (target - yhat) ** 2
    cost = total / (2 * len(x))
    cost.backward()
    for weights, biases in layers:
        for p in [*(w for row in weights for w in row), *biases]:
            p.data -= learning_rate * p.grad
            p.grad = 0
    return cost.data


def micrograd_layers(request: dict):
    return [
        ([[Value(w) for w in row] for row in matrix], [Value(b) for b in vector])
        for matrix, vector in zip(request["weights"], request["biases"], strict=True)
    ]


def relative_difference(a, b) -> float:
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1.0), 0.0), initial=0.0))


def agreement(label: str, costs, params, run) -> str:
    cost_diff = relative_difference(costs, run.costs[: len(costs)])
    param_diff = relative_difference(params, run.final_theta)
    verdict = "ok" if max(cost_diff, param_diff) <= COST_TOLERANCE else "MISMATCH"
    return f"  {label:<36} costs max rel diff {cost_diff:.1e}, final parameters {param_diff:.1e}: {verdict}"


def main() -> None:
    worksheet, large = WORKSHEET_REQUEST, large_request()
    client = create_app().test_client()
    gzip = {"Accept-Encoding": "gzip"}

    def api_call():
        response = client.post("/api/train", json={"epochs": EPOCHS}, headers=gzip)
        if response.status_code != 200:
            raise RuntimeError(f"/api/train answered {response.status_code}")

    def trivial_call():
        client.get("/api/presets", headers=gzip)

    rounds: dict[str, list[float]] = {}
    layers = micrograd_layers(large)
    for _ in range(ROUNDS):
        measured = {
            "ws_engine": seconds(lambda: engine_run(worksheet)) / EPOCHS,
            "ws_micrograd": seconds(lambda: micrograd_worksheet(EPOCHS)) / EPOCHS,
            "ws_floor": seconds(lambda: floor_worksheet(EPOCHS)) / EPOCHS,
            "ws_report": seconds(lambda: json.dumps(client.post("/api/train", json={"epochs": EPOCHS}).get_json()))
            / EPOCHS,
            "lg_engine": seconds(lambda: engine_run(large)) / LARGE_ENGINE_EPOCHS,
            "lg_micrograd": seconds(lambda: micrograd_epoch(layers, large["x"], large["y"], large["learning_rate"])),
            "api": seconds(api_call),
            "trivial": seconds(trivial_call),
        }
        for key, value in measured.items():
            rounds.setdefault(key, []).append(value)

    def median_ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(rounds[a], rounds[b], strict=True))

    def median_us(key: str) -> float:
        return statistics.median(rounds[key]) * 1e6

    print(f"{ROUNDS} interleaved rounds; times are medians, ratios medians of each round's ratio.\n")
    print(f"{'network':<22} {'implementation':<34} {'µs/epoch':>12}   ratio")
    rows = [
        ("worksheet 1-1-1", "engine train()", "ws_engine", "1"),
        ("worksheet 1-1-1", "API call, test client (no gzip)", "ws_report", f"{median_ratio('ws_report', 'ws_engine'):.2f}x"),
        ("worksheet 1-1-1", "micrograd", "ws_micrograd", f"engine {median_ratio('ws_micrograd', 'ws_engine'):.2f}x faster"),
        ("worksheet 1-1-1", "plain-float loop (floor)", "ws_floor", f"{median_ratio('ws_floor', 'ws_engine'):.3f}x"),
        ("2-16-16-1, N=128", "engine train()", "lg_engine", "1"),
        ("2-16-16-1, N=128", "micrograd", "lg_micrograd", f"engine {median_ratio('lg_micrograd', 'lg_engine'):.0f}x faster"),
    ]  # fmt: skip
    for network, implementation, key, ratio in rows:
        print(f"{network:<22} {implementation:<34} {median_us(key):>12.2f}   {ratio}")

    print("\nSame maths:")
    reference = engine_run(worksheet)
    print(agreement("micrograd, worksheet", *micrograd_worksheet(EPOCHS), reference))
    print(agreement("plain-float loop, worksheet", *floor_worksheet(EPOCHS), reference))
    fresh = micrograd_layers(large)
    costs = [micrograd_epoch(fresh, large["x"], large["y"], large["learning_rate"]) for _ in range(3)]
    flat = [w.data for matrix, _ in fresh for row in matrix for w in row] + [b.data for _, v in fresh for b in v]
    print(agreement("micrograd, 2-16-16-1 (3 epochs)", costs, flat, engine_run(large, 3)))

    api_ms = statistics.median(rounds["api"]) * 1e3
    print(
        f"\nPOST /api/train {{'epochs': {EPOCHS}}} with Accept-Encoding: gzip: {api_ms:.1f} ms "
        f"({median_ratio('api', 'trivial'):.0f}x GET /api/presets in the same rounds)"
    )
    print("\nTargets:")
    for what, target, measured, met in (
        ("engine vs micrograd, worksheet", f">= {TARGET_WORKSHEET_SPEEDUP:g}x", median_ratio("ws_micrograd", "ws_engine"), None),
        ("engine vs micrograd, 2-16-16-1", f">= {TARGET_LARGE_SPEEDUP:g}x", median_ratio("lg_micrograd", "lg_engine"), None),
        ("API call, 1000 worksheet epochs", f"< {TARGET_API_MS:g} ms", api_ms, api_ms < TARGET_API_MS),
    ):  # fmt: skip
        if met is None:
            met = measured >= float(target.split()[1].rstrip("x"))
        print(f"  {what:<36} {target:<10} {measured:>10.2f}   {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
