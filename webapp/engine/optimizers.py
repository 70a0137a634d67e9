"""How a step turns a batch's gradient into an update: plain gradient descent, momentum and Adam.

Each optimizer keeps its update rule and the TeX of its equations side by side, as `graph.py` keeps a
kind's formula beside its numpy function. The rules follow PyTorch's documented forms:

- sgd: θ := θ − α·g
- momentum (PyTorch's `SGD(momentum=β)`, dampening 0): v := β·v + g; θ := θ − α·v. Some books scale
  the gradient by (1 − β) or fold α into v; this is PyTorch's form, with v starting at 0.
- adam (Kingma & Ba 2015, PyTorch's `Adam`): m := β₁·m + (1 − β₁)·g; v := β₂·v + (1 − β₂)·g²;
  m̂ = m / (1 − β₁ᵗ); v̂ = v / (1 − β₂ᵗ); θ := θ − α·m̂ / (√v̂ + ε), t the step's number from 1,
  m and v starting at 0.

Every function is elementwise, so the same call updates one step's θ or several steps' θ stacked as
rows (the report recomputes recorded steps that way, with the very same arithmetic as the loop).
"""

from dataclasses import dataclass

import numpy as np

State = dict[str, np.ndarray]


@dataclass(frozen=True)
class Optimizer:
    """One optimizer with its constants. `kept` names the state carried from step to step (and from a
    run to its continuation); `shown` names what a step computes on the way and the page writes out."""

    name: str
    constants: dict[str, float]
    kept: tuple[str, ...]
    shown: tuple[str, ...]
    equations: tuple[tuple[str, str, str], ...]  # (what it gives, TeX, numbers): see SGD_EQUATIONS

    def tex(self, symbols: dict[str, str]) -> list[str]:
        """Each equation's TeX, with these symbols for θ, g, v, m, m̂ and v̂."""
        return [fill(tex, symbols) for _, tex, _ in self.equations]

    def initial(self, count: int) -> State:
        """The state before the first step: zeros."""
        return {key: np.zeros(count) for key in self.kept}

    def step(self, theta: np.ndarray, grad: np.ndarray, state: State, rate: float, t) -> tuple[np.ndarray, State]:
        """θ after one step, and the state after it (`kept` and `shown`); `t` is the step's number from 1."""
        c = self.constants
        if self.name == "sgd":
            return theta - grad * rate, {}
        if self.name == "momentum":
            v = c["beta"] * state["v"] + grad
            return theta - rate * v, {"v": v}
        b1, b2 = c["beta1"], c["beta2"]
        m = b1 * state["m"] + (1 - b1) * grad
        v = b2 * state["v"] + (1 - b2) * (grad * grad)
        t = np.asarray(t, dtype=float)  # one step's number, or a column of them for stacked steps
        m_hat = m / (1 - np.power(b1, t))
        v_hat = v / (1 - np.power(b2, t))
        return theta - rate * m_hat / (np.sqrt(v_hat) + c["eps"]), {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}


# Each equation a step applies to one parameter, in order: the number it gives (`theta`: θ after the step;
# otherwise a state's name), its TeX (θ, g, v, m, m̂, v̂ as {theta}, {g}, {v}, … for the parameter's own
# symbols) and the same with numbers. In `numbers`, {v} is the state before the step, {v'} after it,
# {alpha}, {beta}, {beta1}, {beta2} and {eps} the constants, {beta1^t} and {beta2^t} their step's powers.
# The page substitutes the numbers; its equation checker reads them back.
SGD_EQUATIONS = (("theta", r"{theta} \coloneqq {theta} - \alpha {g}", "{theta} − {alpha} · {g}"),)
MOMENTUM_EQUATIONS = (
    ("v", r"{v} \coloneqq \beta \cdot {v} + {g}", "{beta} · {v} + {g}"),
    ("theta", r"{theta} \coloneqq {theta} - \alpha \cdot {v}", "{theta} − {alpha} · {v'}"),
)
ADAM_EQUATIONS = (
    ("m", r"{m} \coloneqq \beta_1 {m} + (1 - \beta_1)\, {g}", "{beta1} · {m} + (1 − {beta1}) · {g}"),
    ("v", r"{v} \coloneqq \beta_2 {v} + (1 - \beta_2) \left({g}\right)^2", "{beta2} · {v} + (1 − {beta2}) · {g}²"),
    ("m_hat", r"{m_hat} = \frac{{m}}{1 - \beta_1^{\,t}}", "{m'} / (1 − {beta1^t})"),
    ("v_hat", r"{v_hat} = \frac{{v}}{1 - \beta_2^{\,t}}", "{v'} / (1 − {beta2^t})"),
    (
        "theta",
        r"{theta} \coloneqq {theta} - \alpha \frac{{m_hat}}{\sqrt{{v_hat}} + \varepsilon}",
        "{theta} − {alpha} · {m_hat'} / (√({v_hat'}) + {eps})",
    ),
)
# The TeX with the general symbols, as the API's `optimizer.equations` gives it.
GENERAL = {"theta": r"\theta", "g": r"\tfrac{\partial J}{\partial \theta}", "v": "v", "m": "m"}
GENERAL |= {"m_hat": r"\hat{m}", "v_hat": r"\hat{v}"}


def fill(template: str, symbols: dict[str, str]) -> str:
    """A template with each {name} of `symbols` replaced (TeX's own braces stay as they are)."""
    for name, text in symbols.items():
        template = template.replace("{" + name + "}", text)
    return template


def optimizer(name: str = "sgd", **constants: float) -> Optimizer:
    """The optimizer of a request's `optimizer` field (its name and constants)."""
    if name == "sgd":
        return Optimizer("sgd", {}, (), (), SGD_EQUATIONS)
    if name == "momentum":
        return Optimizer("momentum", {"beta": constants.get("beta", 0.9)}, ("v",), ("v",), MOMENTUM_EQUATIONS)
    if name == "adam":
        defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
        return Optimizer("adam", {**defaults, **constants}, ("m", "v"), ("m", "v", "m_hat", "v_hat"), ADAM_EQUATIONS)
    raise ValueError(f"unknown optimizer {name!r}")


SGD = optimizer("sgd")


def batches(n: int, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """The samples of each step of `epoch`: all of them in order when a batch holds them all; otherwise
    the samples shuffled by numpy's `Generator(PCG64([seed, epoch])).permutation(n)` and cut into batches
    of `batch_size` in turn, the last one smaller when `batch_size` does not divide n. Each epoch's
    order depends on the seed and the epoch alone, so a run continued from any epoch draws the same."""
    if batch_size >= n:
        return [np.arange(n)]
    order = np.random.Generator(np.random.PCG64([seed, epoch])).permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def steps_per_epoch(n: int, batch_size: int) -> int:
    return -(-n // min(batch_size, n))
