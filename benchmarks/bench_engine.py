"""Time per training epoch: the engine's two loops against micrograd and a scalar pure-Python floor.

Run from the repository root:

    python -m benchmarks.bench_engine

It prints figures and the targets beside them; nothing here asserts on time. Every engine figure
includes the recording the API does (per-epoch costs, parameter history, the detail epochs the
service would choose). `train()` picks its loop by size (engine="auto": the scalar loop for the
worksheet's network, the numpy loop for 2-16-16-1); the worksheet is also timed with the numpy
loop forced. micrograd builds the same networks from `Value`s, and its costs and final parameters
are checked against the engine's, as are the two loops' against each other.
"""

import json
import time
from collections.abc import Callable

import numpy as np
from micrograd.engine import Value

from webapp import create_app, limits, service
from webapp.engine import Network, Params, init_params, train
from webapp.engine.training import choose_engine
from webapp.presets import WORKSHEET

EPOCHS = 1000
REPEATS = 5
MICROGRAD_LARGE_EPOCHS = 3
LARGE_SAMPLES = 128
COST_TOLERANCE = 1e-9  # relative, micrograd against the engine
TARGET_WORKSHEET_SPEEDUP = 2.0
TARGET_LARGE_SPEEDUP = 1000.0
TARGET_API_MS = 50.0

# The worksheet preset, trained for EPOCHS epochs.
WORKSHEET_REQUEST = {**WORKSHEET, "biases": None, "epochs": EPOCHS}


def large_request() -> dict:
    """The 2-16-16-1 request: normal x from default_rng(0), y = sin(x0) + x1², weights from init_params(seed=0)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(LARGE_SAMPLES, 2))
    y = (np.sin(x[:, 0]) + x[:, 1] ** 2)[:, None]
    network = Network((2, 16, 16, 1), ("relu", "relu", "linear"), "half_mse", bias=True)
    params = init_params(network, seed=0)
    return {
        "layers": list(network.layers),
        "activations": list(network.activations),
        "bias": True,
        "loss": "half_mse",
        "x": x.tolist(),
        "y": y.tolist(),
        "weights": [w.tolist() for w in params.weights],
        "biases": [b.tolist() for b in params.biases],
        "learning_rate": 0.01,
        "epochs": EPOCHS,
    }


def best_seconds(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """The shortest of `repeats` wall-clock timings of fn()."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def relative_difference(a, b) -> float:
    """The largest |a − b| / max(|a|, |b|) over paired numbers, 0 where both are 0."""
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    return float(np.max(np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0), initial=0.0))


def engine_setup(request: dict) -> tuple[Network, Params, dict]:
    """The network, starting parameters and train() arguments exactly as `service.run` builds them."""
    req = service.validate(request)
    network = Network(tuple(req.layers), tuple(req.activations), req.loss, req.bias)
    params = Params.from_lists(network, req.weights, req.biases)
    detail_epochs, _ = service.choose_detail(req, network)
    kwargs = {
        "x": req.x,
        "y": req.y,
        "learning_rate": req.learning_rate,
        "epochs": req.epochs,
        "detail_epochs": detail_epochs,
        "history_budget": limits.HISTORY_BUDGET,
    }
    return network, params, kwargs


def time_engine_train(request: dict, engine: str = "auto") -> float:
    """Seconds per epoch of train() alone, with the service's detail epochs and history budget."""
    network, params, kwargs = engine_setup(request)
    return best_seconds(lambda: train(network, params, **kwargs, engine=engine)) / request["epochs"]


def engine_loop(request: dict) -> str:
    """The loop train() picks for the request's network and samples."""
    network, _, kwargs = engine_setup(request)
    return choose_engine(network, len(kwargs["x"]))


def time_engine_api(request: dict) -> float:
    """Seconds per epoch of validate + run (train, report) + json.dumps: the API minus HTTP."""

    def call():
        return json.dumps(service.run(service.validate(request)), allow_nan=False)

    return best_seconds(call) / request["epochs"]


def micrograd_worksheet(epochs: int) -> tuple[list[float], list[float]]:
    """Train the worksheet network built from Values; return each epoch's cost and the final [w1, w2]."""
    w1, w2 = Value(0.5), Value(0.8)
    x, y, learning_rate = 3.0, 2.0, 0.1
    costs = []
    for _ in range(epochs):
        z1 = w1 * x
        a1 = z1.relu()
        z2 = w2 * a1
        yhat = z2.relu()
        cost = (y - yhat) ** 2 / 2
        cost.backward()
        for w in (w1, w2):
            w.data -= learning_rate * w.grad
            w.grad = 0
        costs.append(cost.data)
    return costs, [w1.data, w2.data]


def micrograd_layers(request: dict) -> list[tuple[list[list[Value]], list[Value]]]:
    """Each layer's weights (outputs × inputs) and biases as Values, from the request's numbers."""
    return [
        ([[Value(w) for w in row] for row in matrix], [Value(b) for b in vector])
        for matrix, vector in zip(request["weights"], request["biases"], strict=True)
    ]


def micrograd_epoch(layers, activations, x, y, learning_rate: float) -> float:
    """One full-batch epoch of half-MSE gradient descent on Values; return the cost before the update."""
    total = Value(0.0)
    for inputs, targets in zip(x, y, strict=True):
        a = inputs
        for (weights, biases), activation in zip(layers, activations, strict=True):
            z = [sum((w * v for w, v in zip(row, a, strict=True)), b) for row, b in zip(weights, biases, strict=True)]
            a = [zj.relu() for zj in z] if activation == "relu" else z
        for yhat, target in zip(a, targets, strict=True):
            total = total + (target - yhat) ** 2
    cost = total / (2 * len(x))
    cost.backward()
    for weights, biases in layers:
        for p in [*(w for row in weights for w in row), *biases]:
            p.data -= learning_rate * p.grad
            p.grad = 0
    return cost.data


def micrograd_parameters(layers) -> list[float]:
    """The Values' numbers in the engine's flat order: every weight matrix, then every bias vector."""
    weights = [w.data for matrix, _ in layers for row in matrix for w in row]
    return weights + [b.data for _, vector in layers for b in vector]


def scalar_worksheet(epochs: int) -> tuple[list[float], list[float]]:
    """The worksheet network in plain floats, costs recorded: the floor for any Python implementation."""
    w1, w2 = 0.5, 0.8
    x, y, learning_rate = 3.0, 2.0, 0.1
    costs = []
    for _ in range(epochs):
        z1 = w1 * x
        a1 = z1 if z1 > 0 else 0.0
        z2 = w2 * a1
        yhat = z2 if z2 > 0 else 0.0
        d = y - yhat
        costs.append(d * d / 2)
        grad_z2 = yhat - y if z2 > 0 else 0.0
        grad_z1 = grad_z2 * w2 if z1 > 0 else 0.0
        w2 -= learning_rate * grad_z2 * a1
        w1 -= learning_rate * grad_z1 * x
    return costs, [w1, w2]


def engine_reference(request: dict, epochs: int, engine: str = "auto") -> tuple[list[float], list[float]]:
    """The engine's costs and final flat parameters after `epochs` epochs of the request."""
    network, params, kwargs = engine_setup(request)
    run = train(network, params, **{**kwargs, "epochs": epochs, "detail_epochs": ()}, engine=engine)
    return run.costs.tolist(), run.params_after.theta.tolist()


def agreement(label: str, costs, params, reference: tuple[list[float], list[float]]) -> str:
    """One line saying how closely an implementation's costs and parameters match the engine's."""
    cost_diff = relative_difference(costs, reference[0])
    param_diff = relative_difference(params, reference[1])
    verdict = "ok" if max(cost_diff, param_diff) <= COST_TOLERANCE else "MISMATCH"
    return (
        f"  {label:<44} costs of {len(costs)} epochs max rel diff {cost_diff:.1e}, "
        f"final parameters {param_diff:.1e}: {verdict} (tolerance {COST_TOLERANCE:.0e})"
    )


def time_api_call_ms() -> float:
    """Milliseconds of POST /api/train {"epochs": 1000} through Flask's test client (the worksheet preset)."""
    client = create_app().test_client()

    def call():
        response = client.post("/api/train", json={"epochs": EPOCHS})
        if response.status_code != 200:
            raise RuntimeError(f"/api/train answered {response.status_code}: {response.get_data(as_text=True)}")

    return best_seconds(call) * 1e3


def speedup(other_seconds: float, engine_seconds: float) -> str:
    """How much faster (or slower) the engine is than another implementation, in words."""
    ratio = other_seconds / engine_seconds
    if ratio >= 1:
        return f"engine is {ratio:.{1 if ratio < 100 else 0}f}x faster"
    return f"engine is {1 / ratio:.1f}x SLOWER"


def target_line(what: str, target: str, measured: str, met: bool) -> str:
    """One row of the targets table."""
    return f"  {what:<40} {target:<18} {measured:<14} {'met' if met else 'NOT MET'}"


def main() -> None:
    """Measure everything, print the table, the checks and the targets."""
    worksheet, large = WORKSHEET_REQUEST, large_request()
    large_name = f"2-16-16-1, N={LARGE_SAMPLES}"

    ws_train = time_engine_train(worksheet)
    ws_numpy = time_engine_train(worksheet, "numpy")
    ws_api = time_engine_api(worksheet)
    ws_micrograd = best_seconds(lambda: micrograd_worksheet(EPOCHS)) / EPOCHS
    ws_scalar = best_seconds(lambda: scalar_worksheet(EPOCHS)) / EPOCHS

    lg_train = time_engine_train(large)
    lg_api = time_engine_api(large)
    layers = micrograd_layers(large)
    lg_costs, lg_epoch_seconds = [], []
    for _ in range(MICROGRAD_LARGE_EPOCHS):
        start = time.perf_counter()
        lg_costs.append(micrograd_epoch(layers, large["activations"], large["x"], large["y"], large["learning_rate"]))
        lg_epoch_seconds.append(time.perf_counter() - start)
    lg_micrograd = min(lg_epoch_seconds)

    api_ms = time_api_call_ms()

    ws_loop, lg_loop = engine_loop(worksheet), engine_loop(large)
    rows = [
        ("worksheet 1-1-1", f"engine train() (auto: {ws_loop})", ws_train, "1.00x"),
        ("worksheet 1-1-1", "engine train(), numpy loop forced", ws_numpy, f"{ws_numpy / ws_train:.2f}x"),
        ("worksheet 1-1-1", "engine + report + json (API)", ws_api, f"{ws_api / ws_train:.2f}x"),
        ("worksheet 1-1-1", "micrograd", ws_micrograd, speedup(ws_micrograd, ws_train)),
        ("worksheet 1-1-1", "scalar Python loop (floor)", ws_scalar, f"{ws_scalar / ws_train:.3f}x"),
        (large_name, f"engine train() (auto: {lg_loop})", lg_train, "1.00x"),
        (large_name, "engine + report + json (API)", lg_api, f"{lg_api / lg_train:.2f}x"),
        (large_name, "micrograd", lg_micrograd, speedup(lg_micrograd, lg_train)),
    ]
    print(f"Per-epoch times, {EPOCHS} epochs per engine run, best of {REPEATS} runs", end="")
    print(f" (micrograd on {large_name}: best of {MICROGRAD_LARGE_EPOCHS} single epochs).")
    print("Ratios are against the first `engine train()` row of the same network.\n")
    print(f"{'network':<20} {'implementation':<36} {'us/epoch':>12}   ratio vs engine")
    for network, implementation, seconds, ratio in rows:
        print(f"{network:<20} {implementation:<36} {seconds * 1e6:>12.2f}   {ratio}")

    print("\nSame maths (micrograd, the floor and the numpy loop against the engine's auto choice):")
    print(agreement("micrograd, worksheet 1-1-1", *micrograd_worksheet(EPOCHS), engine_reference(worksheet, EPOCHS)))
    print(
        agreement("scalar Python loop, worksheet 1-1-1", *scalar_worksheet(EPOCHS), engine_reference(worksheet, EPOCHS))
    )
    print(
        agreement(
            "numpy loop, worksheet 1-1-1",
            *engine_reference(worksheet, EPOCHS, "numpy"),
            engine_reference(worksheet, EPOCHS),
        )
    )
    print(
        agreement(
            f"micrograd, {large_name}",
            lg_costs,
            micrograd_parameters(layers),
            engine_reference(large, MICROGRAD_LARGE_EPOCHS),
        )
    )
    print(
        agreement(
            f"scalar loop, {large_name}",
            *engine_reference(large, MICROGRAD_LARGE_EPOCHS, "scalar"),
            engine_reference(large, MICROGRAD_LARGE_EPOCHS),
        )
    )

    print(
        f"\nPOST /api/train {{'epochs': {EPOCHS}}} (worksheet) via Flask test client, best of {REPEATS}: {api_ms:.2f} ms"
    )

    ws_speedup, lg_speedup = ws_micrograd / ws_train, lg_micrograd / lg_train
    print("\nTargets:")
    print(f"  {'':<40} {'target':<18} {'measured':<14} verdict")
    print(
        target_line(
            "engine vs micrograd, worksheet 1-1-1",
            f">= {TARGET_WORKSHEET_SPEEDUP:g}x faster",
            f"{ws_speedup:.2f}x",
            ws_speedup >= TARGET_WORKSHEET_SPEEDUP,
        )
    )
    print(
        target_line(
            f"engine vs micrograd, {large_name}",
            f">= {TARGET_LARGE_SPEEDUP:g}x faster",
            f"{lg_speedup:.0f}x",
            lg_speedup >= TARGET_LARGE_SPEEDUP,
        )
    )
    print(
        target_line(
            f"API call, {EPOCHS} worksheet epochs",
            f"< {TARGET_API_MS:g} ms",
            f"{api_ms:.1f} ms",
            api_ms < TARGET_API_MS,
        )
    )


if __name__ == "__main__":
    main()
