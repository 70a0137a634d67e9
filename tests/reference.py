"""An independent model of every number POST /api/train returns, shared with the webapp by nothing but the maths.

Two references:

- `autograd_run`: float64 forward passes written out layer by layer, every derivative taken by
  autograd from them: parameter gradients from the batch cost; a layer's per-sample dJ/dz and
  dJ/da from the batch cost of a network with an additive perturbation at that layer (zero, so
  the value is unchanged); local derivatives from the activation and the loss alone. Each number
  comes with a rounding scale (see `Quantity`).
- `mp_run`: the same numbers at 50 significant digits with mpmath, by the chain rule written out
  in forms that lose no digits, for saturated units where float64 itself under- or overflows.

Both name nodes and edges the way the API's contract does, from the layer widths alone.
"""

import math
from dataclasses import dataclass, field

import autograd.numpy as anp
import mpmath
import numpy as np
from autograd import elementwise_grad, grad

LEAKY_SLOPE = 0.01
ACTIVATION_NAMES = ("relu", "leaky_relu", "sigmoid", "tanh", "linear")
LOSS_NAMES = ("half_mse", "mse", "bce")
PIECEWISE_LINEAR = ("relu", "leaky_relu", "linear")
FLOAT_MAX = 1.7976931348623157e308
SMALLEST_NORMAL = 2.2250738585072014e-308
MP_DIGITS = 50


# ---------------------------------------------------------------- naming


def _suffix(index: int, width: int) -> str:
    return f"_{index + 1}" if width > 1 else ""


class Ids:
    """Node and edge ids of a network with these layer widths, as the API names them."""

    def __init__(self, layers: list[int], bias: bool):
        depth = len(layers) - 1
        self.x = [f"x{_suffix(i, layers[0])}" for i in range(layers[0])]
        self.y = [f"y{_suffix(k, layers[-1])}" for k in range(layers[-1])]
        self.z = [[f"z{lay}{_suffix(j, layers[lay])}" for j in range(layers[lay])] for lay in range(1, depth + 1)]
        self.a = [[f"a{lay}{_suffix(j, layers[lay])}" for j in range(layers[lay])] for lay in range(1, depth)]
        self.a.append([f"yhat{_suffix(k, layers[-1])}" for k in range(layers[-1])])
        self.w = []
        for lay in range(1, depth + 1):
            rows, cols = layers[lay], layers[lay - 1]
            if rows * cols == 1:
                self.w.append([[f"w{lay}"]])
            else:
                self.w.append([[f"w{lay}_{j + 1}_{i + 1}" for i in range(cols)] for j in range(rows)])
        self.b = [[f"b{lay}{_suffix(j, layers[lay])}" for j in range(layers[lay])] for lay in range(1, depth + 1)]
        if not bias:
            self.b = []

    def layer_inputs(self, k: int) -> list[str]:
        """Ids of the values feeding weight layer k (0-based)."""
        return self.x if k == 0 else self.a[k - 1]

    def edges(self) -> list[str]:
        edges = []
        for k, z_row in enumerate(self.z):
            for j, z_id in enumerate(z_row):
                for i, source in enumerate(self.layer_inputs(k)):
                    edges += [f"{self.w[k][j][i]}-{z_id}", f"{source}-{z_id}"]
                if self.b:
                    edges.append(f"{self.b[k][j]}-{z_id}")
            edges += [f"{z}-{a}" for z, a in zip(z_row, self.a[k], strict=True)]
        for yhat_id, y_id in zip(self.a[-1], self.y, strict=True):
            edges += [f"{yhat_id}-J", f"{y_id}-J"]
        return edges

    def nodes(self) -> list[str]:
        params = [w for matrix in self.w for row in matrix for w in row] + [b for row in self.b for b in row]
        per_sample = self.x + self.y + [i for row in self.z + self.a for i in row]
        return [*per_sample, *params, "J"]


# ---------------------------------------------------------------- float64 reference with autograd


@dataclass
class Quantity:
    """A reference number (or array) and its rounding scale.

    The scale bounds, to first order and in units of float64's unit roundoff, how far any
    faithful float64 evaluation of the same maths may land from the exact value: every product
    and sum contributes the magnitudes of its terms, every function its result, and errors of the
    inputs are carried through by the absolute values of the partial derivatives, epoch after
    epoch. A number that came out of cancellation thus has a scale the size of what cancelled,
    where its relative accuracy means nothing.
    """

    value: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, value, scale) -> "Quantity":
        return cls(np.asarray(value, dtype=float), np.asarray(scale, dtype=float))


def _relu(z):
    return anp.where(z > 0, z, 0.0)  # ReLU'(0) = 0: where() passes no gradient at z = 0


def _leaky_relu(z):
    return anp.where(z > 0, z, LEAKY_SLOPE * z)  # slope 0.01 at z = 0


def _sigmoid(z):
    return anp.exp(-anp.logaddexp(0.0, -z))  # autograd's logaddexp derivative is σ(−z): σ' = σ(z)σ(−z)


def _linear(z):
    return 1.0 * z


ACTIVATIONS = {"relu": _relu, "leaky_relu": _leaky_relu, "sigmoid": _sigmoid, "tanh": anp.tanh, "linear": _linear}
ACTIVATION_DERIVATIVES = {name: elementwise_grad(f) for name, f in ACTIVATIONS.items()}


def _squared_errors(yhat, y):
    return anp.sum((y - yhat) ** 2)


def _bce_from_logit(z, y):
    # max(z, 0) − z·y + log(1 + e^−|z|): the cross-entropy of σ(z) without ever forming log(0).
    return anp.sum(anp.maximum(z, 0.0) - z * y + anp.log1p(anp.exp(-anp.abs(z))))


def batch_cost(loss: str, z_out, yhat, y):
    """J over the batch (rows are samples); bce reads the logit, the others ŷ."""
    n = y.shape[0]
    if loss == "half_mse":
        return _squared_errors(yhat, y) / (2 * n)
    if loss == "mse":
        return _squared_errors(yhat, y) / n
    return _bce_from_logit(z_out, y) / n


@dataclass(frozen=True)
class Spec:
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    bias: bool

    @property
    def depth(self) -> int:
        return len(self.layers) - 1


def _network_cost(spec: Spec, p: dict):
    """The batch cost with zero perturbations p["dz"][k] added to z and p["da"][k] to hidden a."""
    a = p["x"]
    z = None
    for k, w in enumerate(p["weights"]):
        z = anp.dot(a, anp.transpose(w)) + p["dz"][k]
        if spec.bias:
            z = z + p["biases"][k]
        a = ACTIVATIONS[spec.activations[k]](z)
        if k < spec.depth - 1:
            a = a + p["da"][k]
    return batch_cost(spec.loss, z, a, p["y"])


def _forward(spec: Spec, weights, biases, x):
    zs, activations = [], []
    a = x
    for k, w in enumerate(weights):
        z = a @ w.T + (biases[k] if spec.bias else 0.0)
        a = ACTIVATIONS[spec.activations[k]](z)
        zs.append(z)
        activations.append(a)
    return zs, activations


def _grad_yhat(spec: Spec, z_out, yhat, y):
    """∂J/∂ŷ per sample."""
    if spec.loss != "bce":
        return grad(lambda h: batch_cost(spec.loss, z_out, h, y))(yhat)
    # ŷ = σ(z) is one-to-one, so ∂J/∂ŷ = (∂J/∂z)/σ'(z). Differentiating the cost written in ŷ
    # instead would need 1 − ŷ, which has lost the digits of σ(−z) when ŷ is near 1.
    grad_logit = grad(lambda s: batch_cost("bce", s, yhat, y))(z_out)
    return grad_logit / ACTIVATION_DERIVATIVES["sigmoid"](z_out)


def _grad_y(spec: Spec, z_out, yhat, y):
    """∂J/∂y per sample, the network's output held fixed."""
    return grad(lambda t: batch_cost(spec.loss, z_out, yhat, t))(y)


@dataclass
class EpochReference:
    """One epoch's numbers keyed as the API keys them: per-sample ones are samples × 1 columns."""

    cost: Quantity
    values: dict[str, Quantity]
    grads: dict[str, Quantity]
    local: dict[str, Quantity]
    weight_grads: list[Quantity]
    weights_after: list[Quantity]
    bias_grads: list[Quantity]
    biases_after: list[Quantity]
    dead: set[str]
    # Pre-activations of ReLU-like layers with their scales: where the kink makes a derivative
    # depend on the sign of a number rounding could flip.
    kinks: list[Quantity] = field(default_factory=list)


@dataclass
class RunReference:
    epochs: list[EpochReference]
    final_cost: Quantity
    final_weights: list[Quantity]
    final_biases: list[Quantity]
    kinks: list[Quantity]  # those of the final forward pass


def _curvature_bound(name: str, derivative: np.ndarray) -> np.ndarray:
    """A bound on |f''(z)|: 0 for piecewise-linear f; |σ''| = σ'|1 − 2σ| ≤ σ', |tanh''| = 2|tanh|·tanh' ≤ 2 tanh'."""
    if name in PIECEWISE_LINEAR:
        return np.zeros_like(derivative)
    return 2.0 * np.abs(derivative)


def _loss_scales(spec: Spec, z, yhat, y, d, z_scale, yhat_scale, d_scale, g_yhat, g_z, cost):
    """Rounding scales of J, ∂J/∂ŷ, dJ/dz of the output and ∂J/∂y (see Quantity)."""
    n = y.shape[0]
    if spec.loss == "bce":
        sig = _sigmoid(z)
        g_z_scale = (d * z_scale + sig + np.abs(y)) / n
        # ∂J/∂ŷ = (dJ/dz)/σ'(z): σ' is an exponential of about −|z|, so |z| ulps of it.
        g_yhat_scale = g_z_scale / d + np.abs(g_yhat) * (z_scale + np.abs(z) + 1.0)
        terms = np.abs(z) * (1.0 + np.abs(y)) + np.log1p(np.exp(-np.abs(z)))
        cost_scale = np.sum(np.abs(sig - y) * z_scale + terms) / n + abs(cost)
        g_y_scale = (z_scale + np.abs(z)) / n
        return cost_scale, g_yhat_scale, g_z_scale, g_y_scale
    factor = 2.0 if spec.loss == "mse" else 1.0
    spread = yhat_scale + np.abs(yhat) + np.abs(y)
    g_yhat_scale = factor * spread / n
    g_z_scale = np.abs(d) * g_yhat_scale + np.abs(g_yhat) * d_scale + np.abs(g_z)
    cost_scale = factor * np.sum(np.abs(yhat - y) * spread) / n + abs(cost)
    return cost_scale, g_yhat_scale, g_z_scale, g_yhat_scale


def _forward_scales(spec: Spec, weights, biases, weight_scales, bias_scales, x, zs, activations):
    """Rounding scales of z, a and f'(z) per layer."""
    a_prev, a_prev_scale = x, np.zeros_like(x)
    z_scales, a_scales, d_scales, derivatives = [], [], [], []
    for k, w in enumerate(weights):
        z, a = zs[k], activations[k]
        terms = np.abs(a_prev) @ np.abs(w).T
        z_scale = a_prev_scale @ np.abs(w).T + np.abs(a_prev) @ weight_scales[k].T + terms
        if spec.bias:
            z_scale = z_scale + bias_scales[k] + np.abs(biases[k])
        d = ACTIVATION_DERIVATIVES[spec.activations[k]](z)
        # exp-based functions are good to about |z| ulps: their argument carries an error of |z| ulps.
        a_scale = np.abs(d) * z_scale + np.abs(a) * (1.0 + np.abs(z))
        d_scale = _curvature_bound(spec.activations[k], d) * z_scale + np.abs(d) * (1.0 + np.abs(z))
        z_scales.append(z_scale)
        a_scales.append(a_scale)
        d_scales.append(d_scale)
        derivatives.append(d)
        a_prev, a_prev_scale = a, a_scale
    return z_scales, a_scales, d_scales, derivatives


def _kinks(spec: Spec, zs, z_scales) -> list[Quantity]:
    return [Quantity(zs[k], z_scales[k]) for k in range(spec.depth) if spec.activations[k] in ("relu", "leaky_relu")]


def autograd_run(spec: Spec, weights, biases, x, y, learning_rate: float, epochs: int) -> RunReference:
    """Every epoch's numbers, the trajectory of full-batch gradient descent and the final cost."""
    ids = Ids(list(spec.layers), spec.bias)
    weights = [np.asarray(w, dtype=float) for w in weights]
    biases = [np.asarray(b, dtype=float) for b in biases] if spec.bias else []
    weight_scales = [np.zeros_like(w) for w in weights]
    bias_scales = [np.zeros_like(b) for b in biases]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    records = []
    for _ in range(epochs):
        record, weights, biases, weight_scales, bias_scales = _epoch(
            spec, ids, weights, biases, weight_scales, bias_scales, x, y, learning_rate
        )
        records.append(record)
    zs, activations = _forward(spec, weights, biases, x)
    z_scales, a_scales, d_scales, derivatives = _forward_scales(
        spec, weights, biases, weight_scales, bias_scales, x, zs, activations
    )
    final_cost = float(batch_cost(spec.loss, zs[-1], activations[-1], y))
    cost_scale = _loss_scales(
        spec, zs[-1], activations[-1], y, derivatives[-1], z_scales[-1], a_scales[-1], d_scales[-1],
        np.zeros_like(y), np.zeros_like(y), final_cost,
    )[0]  # fmt: skip
    return RunReference(
        records,
        Quantity.of(final_cost, cost_scale),
        [Quantity(w, s) for w, s in zip(weights, weight_scales, strict=True)],
        [Quantity(b, s) for b, s in zip(biases, bias_scales, strict=True)],
        _kinks(spec, zs, z_scales),
    )


def _epoch(spec: Spec, ids: Ids, weights, biases, weight_scales, bias_scales, x, y, learning_rate):
    depth = spec.depth
    zs, activations = _forward(spec, weights, biases, x)
    z_out, yhat = zs[-1], activations[-1]
    cost = float(batch_cost(spec.loss, z_out, yhat, y))
    point = {
        "weights": weights,
        "biases": biases,
        "x": x,
        "y": y,
        "dz": [np.zeros_like(z) for z in zs],
        "da": [np.zeros_like(a) for a in activations[:-1]],
    }
    g = grad(lambda p: _network_cost(spec, p))(point)
    g_z, g_hidden_a = g["dz"], g["da"]
    g_yhat = _grad_yhat(spec, z_out, yhat, y)
    g_y = _grad_y(spec, z_out, yhat, y)
    g_a = [*g_hidden_a, g_yhat]

    z_scales, a_scales, d_scales, derivatives = _forward_scales(
        spec, weights, biases, weight_scales, bias_scales, x, zs, activations
    )
    cost_scale, g_yhat_scale, g_z_out_scale, g_y_scale = _loss_scales(
        spec, z_out, yhat, y, derivatives[-1], z_scales[-1], a_scales[-1], d_scales[-1], g_yhat, g_z[-1], cost
    )
    g_z_scales = [None] * depth
    g_a_scales = [None] * depth
    g_w_scales = [None] * depth
    g_b_scales = [None] * depth
    g_a_scales[-1] = g_yhat_scale
    g_z_scale = g_z_out_scale
    g_x_scale = None
    for k in range(depth - 1, -1, -1):
        g_z_scales[k] = g_z_scale
        a_in = activations[k - 1] if k else x
        a_in_scale = a_scales[k - 1] if k else np.zeros_like(x)
        gz = np.abs(g_z[k])
        g_w_scales[k] = g_z_scale.T @ np.abs(a_in) + gz.T @ a_in_scale + gz.T @ np.abs(a_in)
        g_b_scales[k] = g_z_scale.sum(axis=0) + gz.sum(axis=0)
        g_in_scale = g_z_scale @ np.abs(weights[k]) + gz @ weight_scales[k] + gz @ np.abs(weights[k])
        if k:
            g_a_scales[k - 1] = g_in_scale
            g_z_scale = (
                np.abs(derivatives[k - 1]) * g_in_scale + np.abs(g_a[k - 1]) * d_scales[k - 1] + np.abs(g_z[k - 1])
            )
        else:
            g_x_scale = g_in_scale

    if not spec.bias:
        g_b_scales = []
    weights_after = [w - learning_rate * gw for w, gw in zip(weights, g["weights"], strict=True)]
    biases_after = [b - learning_rate * gb for b, gb in zip(biases, g["biases"], strict=True)]
    weight_scales_after = [
        s + learning_rate * gs + np.abs(w) + learning_rate * np.abs(gw)
        for s, gs, w, gw in zip(weight_scales, g_w_scales, weights, g["weights"], strict=True)
    ]
    bias_scales_after = [
        s + learning_rate * gs + np.abs(b) + learning_rate * np.abs(gb)
        for s, gs, b, gb in zip(bias_scales, g_b_scales, biases, g["biases"], strict=True)
    ]

    values: dict[str, Quantity] = {}
    grads: dict[str, Quantity] = {}
    local: dict[str, Quantity] = {}

    def columns(target: dict, names: list[str], data, scale):
        for j, name in enumerate(names):
            target[name] = Quantity.of(data[:, j], scale[:, j])

    columns(values, ids.x, x, np.zeros_like(x))
    columns(values, ids.y, y, np.zeros_like(y))
    columns(grads, ids.x, g["x"], g_x_scale)
    columns(grads, ids.y, g_y, g_y_scale)
    columns(local, [f"{name}-J" for name in ids.a[-1]], g_yhat, g_yhat_scale)
    columns(local, [f"{name}-J" for name in ids.y], g_y, g_y_scale)
    ones = np.ones(x.shape[0])
    for k in range(depth):
        columns(values, ids.z[k], zs[k], z_scales[k])
        columns(values, ids.a[k], activations[k], a_scales[k])
        columns(grads, ids.z[k], g_z[k], g_z_scales[k])
        columns(grads, ids.a[k], g_a[k], g_a_scales[k])
        columns(local, [f"{z}-{a}" for z, a in zip(ids.z[k], ids.a[k], strict=True)], derivatives[k], d_scales[k])
        a_in = activations[k - 1] if k else x
        a_in_scale = a_scales[k - 1] if k else np.zeros_like(x)
        for j, z_id in enumerate(ids.z[k]):
            for i, source in enumerate(ids.layer_inputs(k)):
                w_id = ids.w[k][j][i]
                values[w_id] = Quantity.of(weights[k][j, i], weight_scales[k][j, i])
                grads[w_id] = Quantity.of(g["weights"][k][j, i], g_w_scales[k][j, i])
                local[f"{w_id}-{z_id}"] = Quantity.of(a_in[:, i], a_in_scale[:, i])
                local[f"{source}-{z_id}"] = Quantity.of(weights[k][j, i] * ones, weight_scales[k][j, i] * ones)
            if spec.bias:
                b_id = ids.b[k][j]
                values[b_id] = Quantity.of(biases[k][j], bias_scales[k][j])
                grads[b_id] = Quantity.of(g["biases"][k][j], g_b_scales[k][j])
                local[f"{b_id}-{z_id}"] = Quantity.of(ones, 0 * ones)
    values["J"] = Quantity.of(cost, cost_scale)
    grads["J"] = Quantity.of(1.0, 0.0)

    dead = {
        ids.a[k][j]
        for k in range(depth)
        if spec.activations[k] == "relu"
        for j in range(spec.layers[k + 1])
        if (zs[k][:, j] <= 0).all()
    }
    record = EpochReference(
        cost=values["J"],
        values=values,
        grads=grads,
        local=local,
        weight_grads=[Quantity(gw, s) for gw, s in zip(g["weights"], g_w_scales, strict=True)],
        weights_after=[Quantity(w, s) for w, s in zip(weights_after, weight_scales_after, strict=True)],
        bias_grads=[Quantity(gb, s) for gb, s in zip(g["biases"], g_b_scales, strict=True)],
        biases_after=[Quantity(b, s) for b, s in zip(biases_after, bias_scales_after, strict=True)],
        dead=dead,
        kinks=_kinks(spec, zs, z_scales),
    )
    return record, weights_after, biases_after, weight_scales_after, bias_scales_after


# ---------------------------------------------------------------- 50-digit reference with mpmath


def _mp_sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _mp_activation(name: str, z):
    """f(z) and f'(z), each in a form that subtracts nothing close to itself."""
    if name == "relu":
        return (z, mpmath.mpf(1)) if z > 0 else (mpmath.mpf(0), mpmath.mpf(0))
    if name == "leaky_relu":
        slope = mpmath.mpf(LEAKY_SLOPE)
        return (z, mpmath.mpf(1)) if z > 0 else (slope * z, slope)
    if name == "sigmoid":
        return _mp_sigmoid(z), _mp_sigmoid(z) * _mp_sigmoid(-z)
    if name == "tanh":
        return mpmath.tanh(z), mpmath.sech(z) ** 2
    return z, mpmath.mpf(1)


def _mp_loss(loss: str, z, yhat, y, n):
    """This sample's term of J, ∂J/∂ŷ, dJ/dz (output) given ∂ŷ/∂z later, and ∂J/∂y."""
    if loss == "bce":
        term = (max(z, 0) - z * y + mpmath.log1p(mpmath.exp(-abs(z)))) / n
        # σ(z) − y and its quotient by σ(z)σ(−z), written so that 1 − σ(z) is σ(−z) itself.
        grad_z = ((1 - y) * _mp_sigmoid(z) - y * _mp_sigmoid(-z)) / n
        grad_yhat = ((1 - y) / _mp_sigmoid(-z) - y / _mp_sigmoid(z)) / n
        return term, grad_yhat, grad_z, -z / n
    if loss == "mse":
        return (y - yhat) ** 2 / n, 2 * (yhat - y) / n, None, 2 * (y - yhat) / n
    return (y - yhat) ** 2 / (2 * n), (yhat - y) / n, None, (y - yhat) / n


def mp_run(spec: Spec, weights, biases, x, y, learning_rate: float, epochs: int) -> dict:
    """Per epoch: cost, values, grads and local keyed as the API keys them (per-sample ones as lists),
    weights_after and biases_after; then final_cost and the final parameters. Every number is an mpf."""
    ids = Ids(list(spec.layers), spec.bias)
    mpf = mpmath.mpf
    with mpmath.workdps(MP_DIGITS):
        w = [[[mpf(v) for v in row] for row in matrix] for matrix in weights]
        b = [[mpf(v) for v in vector] for vector in biases] if spec.bias else []
        xs = [[mpf(v) for v in sample] for sample in x]
        ys = [[mpf(v) for v in sample] for sample in y]
        rate = mpf(learning_rate)
        records = []
        for _ in range(epochs):
            record, gw, gb = _mp_epoch(spec, ids, w, b, xs, ys)
            w = [[[v - rate * g for v, g in zip(r, gr, strict=True)] for r, gr in zip(m, gm, strict=True)]
                 for m, gm in zip(w, gw, strict=True)]  # fmt: skip
            b = [[v - rate * g for v, g in zip(r, gr, strict=True)] for r, gr in zip(b, gb, strict=True)]
            record["weights_after"], record["biases_after"] = w, b
            records.append(record)
        final_cost = _mp_epoch(spec, ids, w, b, xs, ys)[0]["cost"]
    return {"epochs": records, "final_cost": final_cost, "final_weights": w, "final_biases": b}


def _mp_epoch(spec: Spec, ids: Ids, w, b, xs, ys):
    n = len(xs)
    depth = spec.depth
    zs, acts, ders = [], [], []  # per sample, per layer, per neuron
    cost = mpmath.mpf(0)
    grad_z_out, grad_yhat, grad_y = [], [], []
    for s, x in enumerate(xs):
        a = x
        z_layers, a_layers, d_layers = [], [], []
        for k in range(depth):
            z = [mpmath.fsum(w[k][j][i] * a[i] for i in range(len(a))) + (b[k][j] if spec.bias else 0)
                 for j in range(len(w[k]))]  # fmt: skip
            pairs = [_mp_activation(spec.activations[k], v) for v in z]
            a = [p[0] for p in pairs]
            z_layers.append(z)
            a_layers.append(a)
            d_layers.append([p[1] for p in pairs])
        zs.append(z_layers)
        acts.append(a_layers)
        ders.append(d_layers)
        gz_row, gyhat_row, gy_row = [], [], []
        for o in range(spec.layers[-1]):
            term, g_yhat, g_z, g_y = _mp_loss(spec.loss, z_layers[-1][o], a_layers[-1][o], ys[s][o], n)
            cost += term
            gyhat_row.append(g_yhat)
            gz_row.append(g_z if g_z is not None else g_yhat * d_layers[-1][o])
            gy_row.append(g_y)
        grad_z_out.append(gz_row)
        grad_yhat.append(gyhat_row)
        grad_y.append(gy_row)

    grad_z = [[None] * depth for _ in range(n)]
    grad_a = [[None] * depth for _ in range(n)]
    for s in range(n):
        grad_z[s][-1] = grad_z_out[s]
        grad_a[s][-1] = grad_yhat[s]
        for k in range(depth - 1, 0, -1):
            ga = [mpmath.fsum(grad_z[s][k][j] * w[k][j][i] for j in range(len(w[k]))) for i in range(len(w[k][0]))]
            grad_a[s][k - 1] = ga
            grad_z[s][k - 1] = [g * d for g, d in zip(ga, ders[s][k - 1], strict=True)]
    inputs = [[xs[s], *acts[s][:-1]] for s in range(n)]
    gw = [[[mpmath.fsum(grad_z[s][k][j] * inputs[s][k][i] for s in range(n)) for i in range(len(w[k][0]))]
           for j in range(len(w[k]))] for k in range(depth)]  # fmt: skip
    gb = [[mpmath.fsum(grad_z[s][k][j] for s in range(n)) for j in range(len(w[k]))] for k in range(depth)]
    gb = gb if spec.bias else []

    values, grads, local = {}, {}, {}
    for i, name in enumerate(ids.x):
        values[name] = [x[i] for x in xs]
        grads[name] = [mpmath.fsum(grad_z[s][0][j] * w[0][j][i] for j in range(len(w[0]))) for s in range(n)]
    for o, name in enumerate(ids.y):
        values[name] = [y[o] for y in ys]
        grads[name] = [grad_y[s][o] for s in range(n)]
        local[f"{name}-J"] = [grad_y[s][o] for s in range(n)]
        local[f"{ids.a[-1][o]}-J"] = [grad_yhat[s][o] for s in range(n)]
    for k in range(depth):
        for j in range(spec.layers[k + 1]):
            z_id, a_id = ids.z[k][j], ids.a[k][j]
            values[z_id] = [zs[s][k][j] for s in range(n)]
            values[a_id] = [acts[s][k][j] for s in range(n)]
            grads[z_id] = [grad_z[s][k][j] for s in range(n)]
            grads[a_id] = [grad_a[s][k][j] for s in range(n)]
            local[f"{z_id}-{a_id}"] = [ders[s][k][j] for s in range(n)]
            for i, source in enumerate(ids.layer_inputs(k)):
                w_id = ids.w[k][j][i]
                values[w_id], grads[w_id] = w[k][j][i], gw[k][j][i]
                local[f"{w_id}-{z_id}"] = [inputs[s][k][i] for s in range(n)]
                local[f"{source}-{z_id}"] = [w[k][j][i]] * n
            if spec.bias:
                b_id = ids.b[k][j]
                values[b_id], grads[b_id] = b[k][j], gb[k][j]
                local[f"{b_id}-{z_id}"] = [mpmath.mpf(1)] * n
    values["J"] = cost
    grads["J"] = mpmath.mpf(1)
    record = {"cost": cost, "values": values, "grads": grads, "local": local, "weight_grads": gw, "bias_grads": gb}
    return record, gw, gb


def representable(value) -> bool:
    """Whether a real number rounds to a finite float64: below 2^1024 − 2^970, half an ulp past the largest."""
    with mpmath.workdps(MP_DIGITS):
        return abs(mpmath.mpf(value)) < mpmath.mpf(2) ** 1024 - mpmath.mpf(2) ** 970


# ---------------------------------------------------------------- optimizers and mini-batches
#
# Written from the update rules as published, element by element in Python floats, not from the
# engine: PyTorch's documented SGD with momentum (dampening 0, not Nesterov: b := μ·b + g, θ := θ − γ·b,
# b starting as g, which is μ·0 + g) and Adam as in Kingma & Ba's Algorithm 1 (PyTorch's `Adam`,
# no weight decay, not AMSGrad). tests/data/torch_optim.json pins them to PyTorch's own steps.


def optimizer_step(name: str, constants: dict, theta: list, g: list, state: dict, lr: float, t: int):
    """θ after one step and the state after it (Adam's with m̂ and v̂ as well)."""
    if name == "sgd":
        return [p - lr * d for p, d in zip(theta, g, strict=True)], {}
    if name == "momentum":
        mu = constants["beta"]
        b = [mu * old + d for old, d in zip(state.get("v", [0.0] * len(g)), g, strict=True)]
        return [p - lr * v for p, v in zip(theta, b, strict=True)], {"v": b}
    beta1, beta2, eps = constants["beta1"], constants["beta2"], constants["eps"]
    m = [beta1 * old + (1 - beta1) * d for old, d in zip(state.get("m", [0.0] * len(g)), g, strict=True)]
    v = [beta2 * old + (1 - beta2) * d * d for old, d in zip(state.get("v", [0.0] * len(g)), g, strict=True)]
    m_hat = [value / (1 - beta1**t) for value in m]
    v_hat = [value / (1 - beta2**t) for value in v]
    after = [p - lr * mh / (math.sqrt(vh) + eps) for p, mh, vh in zip(theta, m_hat, v_hat, strict=True)]
    return after, {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}


def seeded_batches(n: int, batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """The API's documented batches: every sample in order, or numpy's
    Generator(PCG64([seed, epoch])).permutation(n) cut into runs of batch_size."""
    if batch_size >= n:
        return [list(range(n))]
    order = np.random.Generator(np.random.PCG64([seed, epoch])).permutation(n).tolist()
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@dataclass
class StepReference:
    step: int
    samples: list[int]
    cost: float
    theta: dict[str, float]  # before the step
    grad: dict[str, float]
    state_before: dict[str, dict[str, float]]
    state_after: dict[str, dict[str, float]]
    after: dict[str, float]
    zs: list  # the batch's pre-activations, to see a ReLU's kink


def _cost_of(spec: Spec, weights, biases, x, y):
    zs, activations = _forward(spec, weights, biases, x)
    return batch_cost(spec.loss, zs[-1], activations[-1], y)


def optimizer_run(spec: Spec, weights, biases, x, y, lr, epochs, name, constants, batch_size, seed):
    """Every step of training with mini-batches and an optimizer: (epoch costs over every sample, steps)."""
    ids = Ids(list(spec.layers), spec.bias)
    order = [w for matrix in ids.w for row in matrix for w in row] + [b for row in ids.b for b in row]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    weights = [np.asarray(w, dtype=float) for w in weights]
    biases = [np.asarray(b, dtype=float) for b in biases] if spec.bias else []

    def flat(ws, bs):
        return [float(v) for w in ws for v in np.ravel(w)] + [float(v) for b in bs for v in np.ravel(b)]

    def unflat(theta):
        ws, i = [], 0
        for w in weights:
            ws.append(np.array(theta[i : i + w.size]).reshape(w.shape))
            i += w.size
        bs = []
        for b in biases:
            bs.append(np.array(theta[i : i + b.size]))
            i += b.size
        return ws, bs

    theta = flat(weights, biases)
    state: dict = {}
    costs, steps, t = [], [], 0
    for epoch in range(1, epochs + 1):
        ws, bs = unflat(theta)
        costs.append(float(_cost_of(spec, ws, bs, x, y)))
        for batch in seeded_batches(len(x), batch_size or len(x), seed, epoch):
            t += 1
            ws, bs = unflat(theta)
            xb, yb = x[batch], y[batch]
            gw, gb = grad(lambda wb, xb=xb, yb=yb: _cost_of(spec, wb[0], wb[1], xb, yb))((ws, bs))
            g = flat(gw, gb)
            after, new_state = optimizer_step(name, constants, theta, g, state, lr, t)

            def named(values):
                return dict(zip(order, values, strict=True))

            steps.append(
                StepReference(
                    t, list(batch), float(_cost_of(spec, ws, bs, xb, yb)), named(theta), named(g),
                    {k: named(v) for k, v in state.items()}, {k: named(v) for k, v in new_state.items()},
                    named(after), [np.asarray(z) for z in _forward(spec, ws, bs, xb)[0]],
                )
            )  # fmt: skip
            theta = after
            state = {k: v for k, v in new_state.items() if k in ("v", "m")}
    return costs, steps
