"""A training run turned into plain, JSON-ready data keyed by the graph's node and edge ids."""

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import Names
from webapp.engine.losses import LOSSES
from webapp.engine.network import Params
from webapp.engine.training import Pass, Run, dead_relus


def _columns(ids: list[str], matrix: np.ndarray, out: dict) -> None:
    """Put column j of a samples × neurons matrix under ids[j]."""
    for node_id, column in zip(ids, matrix.T.tolist(), strict=True):
        out[node_id] = column


def _params_by_id(names: Names, params: Params, out: dict) -> None:
    for ids, w in zip(names.weights, params.weights, strict=True):
        for id_row, w_row in zip(ids, w.tolist(), strict=True):
            out.update(zip(id_row, w_row, strict=True))
    for ids, b in zip(names.biases, params.biases, strict=True):
        out.update(zip(ids, b.tolist(), strict=True))


def nested(params: Params) -> dict:
    """Weights (and biases) in the API's nested-list layout."""
    out = {"weights": [w.tolist() for w in params.weights]}
    if params.network.bias:
        out["biases"] = [b.tolist() for b in params.biases]
    return out


def epoch_detail(run: Run, names: Names, record: Pass, samples: list[int]) -> dict:
    """Every node's value and gradient and every edge's local derivative, for the chosen samples."""
    network = run.network
    rows = np.asarray(samples, dtype=int)
    count = len(rows)
    x, y = run.x[rows], run.y[rows]
    values: dict = {}
    grads: dict = {}
    local: dict = {}
    _columns(names.inputs, x, values)
    _columns(names.targets, y, values)
    yhat, z_out = record.a[-1][rows], record.z[-1][rows]
    for k in range(network.depth):
        _columns(names.z[k], record.z[k][rows], values)
        _columns(names.a[k], record.a[k][rows], values)
        _columns(names.z[k], record.grad_z[k][rows], grads)
        _columns(names.a[k], record.grad_a[k][rows], grads)
        a_prev = x if k == 0 else record.a[k - 1][rows]
        w = record.params.weights[k]
        sources = names.layer_inputs(k + 1)
        for j, z_id in enumerate(names.z[k]):
            for i, source in enumerate(sources):
                local[f"{source}-{z_id}"] = [float(w[j, i])] * count
                local[f"{names.weights[k][j][i]}-{z_id}"] = a_prev[:, i].tolist()
            if network.bias:
                local[f"{names.biases[k][j]}-{z_id}"] = [1.0] * count
        derivative = ACTIVATIONS[network.activations[k]].derivative(record.z[k][rows])
        for j, (z_id, a_id) in enumerate(zip(names.z[k], names.a[k], strict=True)):
            local[f"{z_id}-{a_id}"] = derivative[:, j].tolist()
    loss = LOSSES[network.loss]
    for k, (yhat_id, y_id) in enumerate(zip(names.a[-1], names.targets, strict=True)):
        local[f"{yhat_id}-J"] = grads[yhat_id]
        local[f"{y_id}-J"] = loss.grad_y(yhat, y, z_out)[:, k].tolist()
    values["J"] = record.cost
    grads["J"] = 1.0
    _params_by_id(names, record.params, values)
    _params_by_id(names, record.grads, grads)
    after = Params(network, record.params.theta - run.learning_rate * record.grads.theta)
    dead = [names.a[k][j] for k, j in dead_relus(network, record.z)]
    return {
        "values": values,
        "grads": grads,
        "local": local,
        "weight_grads": [g.tolist() for g in record.grads.weights],
        "weights_after": [w.tolist() for w in after.weights],
        **({"bias_grads": [g.tolist() for g in record.grads.biases]} if network.bias else {}),
        **({"biases_after": [b.tolist() for b in after.biases]} if network.bias else {}),
        "dead": dead,
    }


def status_of(run: Run, names: Names) -> dict:
    """What happened, in words a student can act on."""
    if run.diverged_at is not None:
        return {
            "status": "diverged",
            "message": (
                f"Training diverged at epoch {run.diverged_at}: the numbers grew past what a computer "
                "can represent. The learning rate is too large for this network; try a smaller one."
            ),
        }
    if run.stuck_at is not None and run.dead_at_stuck and run.final_cost:
        dead = ", ".join(names.a[k][j] for k, j in run.dead_at_stuck)
        return {
            "status": "dead",
            "message": (
                f"From epoch {run.stuck_at} every gradient is 0: the ReLU at {dead} gets an input ≤ 0 "
                "for every sample, so it outputs 0 and passes no gradient back (a dead ReLU). "
                "This is not divergence: the cost stays where it is. Try a smaller learning rate."
            ),
        }
    return {"status": "ok", "message": ""}


def report(run: Run, samples: list[int]) -> dict:
    """The API's view of a run: per-epoch costs, full detail where recorded, parameter history."""
    names = Names(run.network)
    epochs = []
    for epoch, cost in enumerate(run.costs.tolist(), start=1):
        entry = {"epoch": epoch, "cost": cost}
        if epoch in run.detail:
            entry.update(detail=True, **epoch_detail(run, names, run.detail[epoch], samples))
        epochs.append(entry)
    param_ids: dict = {}
    _params_by_id(names, Params(run.network, np.arange(len(run.params_after.theta), dtype=float)), param_ids)
    order = sorted(param_ids, key=param_ids.get)
    history_columns = run.history.T.tolist()
    return {
        "epochs": epochs,
        "final_cost": run.final_cost,
        "diverged_at": run.diverged_at,
        "stuck_at": run.stuck_at,
        **status_of(run, names),
        "detail_epochs": sorted(run.detail),
        "detail_samples": samples,
        "final": nested(run.params_after),
        "history": {
            "epochs": run.history_epochs.tolist(),
            "params": dict(zip(order, history_columns, strict=True)),
        },
    }
