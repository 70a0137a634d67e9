"""A training run turned into plain, JSON-ready data keyed by the graph's node and edge ids."""

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import Names
from webapp.engine.losses import LOSSES
from webapp.engine.network import Params
from webapp.engine.training import Run


def nested(params: Params) -> dict:
    """Weights (and biases) in the API's nested-list layout."""
    out = {"weights": [w.tolist() for w in params.weights]}
    if params.network.bias:
        out["biases"] = [b.tolist() for b in params.biases]
    return out


class _Columns:
    """Blocks of epochs × samples × columns, side by side, and the column each id landed in."""

    def __init__(self):
        self.blocks: list[np.ndarray] = []
        self.width = 0

    def add(self, block: np.ndarray, ids: list[str]) -> dict[str, int]:
        self.blocks.append(block)
        self.width += block.shape[2]
        return dict(zip(ids, range(self.width - block.shape[2], self.width), strict=True))

    def per_epoch(self) -> list[list[list[float]]]:
        """Epochs × columns × samples as lists: one list per node or edge and epoch."""
        return np.concatenate(self.blocks, axis=2).transpose(0, 2, 1).tolist()


def _theta_layout(network) -> tuple[list[list[slice]], list[slice]]:
    """Slices of theta: each weight matrix's rows, each bias vector."""
    weight_rows, biases = [], []
    offset = 0
    for rows, cols in network.weight_shapes():
        weight_rows.append([slice(offset + j * cols, offset + (j + 1) * cols) for j in range(rows)])
        offset += rows * cols
    if network.bias:
        for width in network.layers[1:]:
            biases.append(slice(offset, offset + width))
            offset += width
    return weight_rows, biases


def epoch_details(run: Run, names: Names, samples: list[int]) -> dict[int, dict]:
    """Per detail epoch: every node's value and gradient and every edge's local derivative, for the chosen samples."""
    # All recorded epochs are stacked into one array per layer and worked on together, so the
    # numpy calls do not grow with the number of detail epochs; per epoch, dicts are filled from lists.
    if not run.detail:
        return {}
    network = run.network
    records = list(run.detail.values())
    count, depth = len(records), network.depth
    rows = np.asarray(samples, dtype=int)
    width = len(rows)

    def stacked(part: str) -> list[np.ndarray]:
        """Per layer: epochs × all samples × neurons."""
        return [np.array([getattr(r, part)[k] for r in records]) for k in range(depth)]

    def each_epoch(data: np.ndarray) -> np.ndarray:
        return np.broadcast_to(data[rows], (count, width, data.shape[1]))

    zs, activations, grad_zs, grad_as = stacked("z"), stacked("a"), stacked("grad_z"), stacked("grad_a")
    table = _Columns()
    value_at = table.add(each_epoch(run.x), names.inputs) | table.add(each_epoch(run.y), names.targets)
    grad_at: dict[str, int] = {}
    local_at: dict[str, int] = {}
    for k in range(depth):
        value_at |= table.add(zs[k][:, rows], names.z[k]) | table.add(activations[k][:, rows], names.a[k])
        grad_at |= table.add(grad_zs[k][:, rows], names.z[k]) | table.add(grad_as[k][:, rows], names.a[k])
        # The edge w_ji → z_j carries a_i: each neuron's inputs again, once per neuron.
        a_in = each_epoch(run.x) if k == 0 else activations[k - 1][:, rows]
        weight_edges = [f"{w}-{z}" for z, w_row in zip(names.z[k], names.weights[k], strict=True) for w in w_row]
        local_at |= table.add(np.tile(a_in, network.layers[k + 1]), weight_edges)
        derivative = ACTIVATIONS[network.activations[k]].derivative(zs[k][:, rows])
        local_at |= table.add(derivative, [f"{z}-{a}" for z, a in zip(names.z[k], names.a[k], strict=True)])
    # Samples first, so that len(y) inside the loss is N, every sample's, as in training.
    grad_y = LOSSES[network.loss].grad_y(
        activations[-1].transpose(1, 0, 2), run.y[:, None, :], zs[-1].transpose(1, 0, 2)
    )
    local_at |= table.add(grad_as[-1][:, rows], [f"{yhat}-J" for yhat in names.a[-1]])
    local_at |= table.add(grad_y.transpose(1, 0, 2)[:, rows], [f"{y}-J" for y in names.targets])
    columns = table.per_epoch()

    param_index = {name: i for i, name in enumerate(names.params())}
    local_order = _local_order(network, names, local_at, param_index)

    thetas = np.array([r.theta for r in records])
    grads = np.array([r.grad_theta for r in records])
    afters = (thetas - run.learning_rate * grads).tolist()
    weight_rows, bias_slices = _theta_layout(network)
    dead = {k: (zs[k] <= 0).all(axis=1).tolist() for k, name in enumerate(network.activations) if name == "relu"}
    details = {}
    for e, (epoch, theta, grad, after) in enumerate(
        zip(run.detail, thetas.tolist(), grads.tolist(), afters, strict=True)
    ):
        cols = columns[e]
        values = {node: cols[i] for node, i in value_at.items()}
        values["J"] = records[e].cost
        values.update(zip(param_index, theta, strict=True))
        node_grads = {node: cols[i] for node, i in grad_at.items()}
        node_grads["J"] = 1.0
        node_grads.update(zip(param_index, grad, strict=True))
        local = {}
        for edge, column, weight in local_order:
            if column is not None:
                local[edge] = cols[column]
            elif weight is not None:
                local[edge] = [theta[weight]] * width  # dz/da is the weight
            else:
                local[edge] = [1.0] * width  # dz/db
        details[epoch] = {
            "values": values,
            "grads": node_grads,
            "local": local,
            "weight_grads": [[grad[row] for row in layer] for layer in weight_rows],
            "weights_after": [[after[row] for row in layer] for layer in weight_rows],
            **({"bias_grads": [grad[b] for b in bias_slices]} if network.bias else {}),
            **({"biases_after": [after[b] for b in bias_slices]} if network.bias else {}),
            "dead": [names.a[k][j] for k, masks in dead.items() for j, is_dead in enumerate(masks[e]) if is_dead],
        }
    return details


def _local_order(network, names: Names, local_at: dict[str, int], param_index: dict[str, int]) -> list[tuple]:
    """Each edge, in the graph's order, with where its local derivative comes from."""
    # (edge, column, None): a stacked column; (edge, None, i): the weight theta[i]; (edge, None, None): 1.
    order: list[tuple] = []
    for k in range(network.depth):
        for j, z_id in enumerate(names.z[k]):
            for i, source in enumerate(names.layer_inputs(k + 1)):
                w_id = names.weights[k][j][i]
                order += [
                    (f"{source}-{z_id}", None, param_index[w_id]),
                    (f"{w_id}-{z_id}", local_at[f"{w_id}-{z_id}"], None),
                ]
            if network.bias:
                order.append((f"{names.biases[k][j]}-{z_id}", None, None))
        order += [(f"{z}-{a}", local_at[f"{z}-{a}"], None) for z, a in zip(names.z[k], names.a[k], strict=True)]
    for yhat_id, y_id in zip(names.a[-1], names.targets, strict=True):
        order += [(f"{yhat_id}-J", local_at[f"{yhat_id}-J"], None), (f"{y_id}-J", local_at[f"{y_id}-J"], None)]
    return order


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
    epochs = [{"epoch": epoch, "cost": cost} for epoch, cost in enumerate(run.costs.tolist(), start=1)]
    for epoch, detail in epoch_details(run, names, samples).items():
        epochs[epoch - 1].update(detail=True, **detail)
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
            "params": dict(zip(names.params(), history_columns, strict=True)),
        },
    }
