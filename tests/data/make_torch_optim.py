"""Writes tests/data/torch_optim.json: PyTorch's own SGD with momentum and Adam, in float64, step by step.

The fixture pins the update rules `tests/reference.py` writes out from the papers and PyTorch's
documentation: each case gives the starting θ, the optimizer's constants and, per step, the gradient
PyTorch used, θ after the step and the optimizer's state after it (momentum's buffer; Adam's exp_avg and
exp_avg_sq). Two kinds of case: fixed random gradients, and a narrow quadratic valley
J(θ) = ½·Σ aᵢ·θᵢ² whose gradients PyTorch's autograd takes at each θ.

torch is not a dependency of the project (its Linux wheel is gigabytes); re-run this with any Python
that has torch and numpy:

    /path/to/python-with-torch tests/data/make_torch_optim.py
"""

import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).with_name("torch_optim.json")
STEPS = 12

OPTIMIZERS = [
    ("momentum", {"beta": 0.9}, lambda p, lr, c: torch.optim.SGD([p], lr=lr, momentum=c["beta"])),
    ("momentum", {"beta": 0.5}, lambda p, lr, c: torch.optim.SGD([p], lr=lr, momentum=c["beta"])),
    ("adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
     lambda p, lr, c: torch.optim.Adam([p], lr=lr, betas=(c["beta1"], c["beta2"]), eps=c["eps"])),
    ("adam", {"beta1": 0.8, "beta2": 0.9, "eps": 1e-3},
     lambda p, lr, c: torch.optim.Adam([p], lr=lr, betas=(c["beta1"], c["beta2"]), eps=c["eps"])),
]  # fmt: skip

STATE = {"momentum": {"v": "momentum_buffer"}, "adam": {"m": "exp_avg", "v": "exp_avg_sq"}}


def run(name, constants, make, theta0, lr, gradient):
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = make(p, lr, constants)
    steps = []
    for t in range(STEPS):
        opt.zero_grad()
        p.grad = gradient(p, t)
        g = p.grad.tolist()
        opt.step()
        state = opt.state[p]
        steps.append(
            {
                "grad": g,
                "theta": p.detach().tolist(),
                "state": {key: state[torch_key].tolist() for key, torch_key in STATE[name].items()},
            }
        )
    return {"optimizer": name, "constants": constants, "learning_rate": lr, "theta0": theta0, "steps": steps}


def main():
    rng = np.random.Generator(np.random.PCG64(18))
    cases = []
    for name, constants, make in OPTIMIZERS:
        grads = rng.normal(size=(STEPS, 3)) * np.array([1.0, 0.01, 100.0])
        theta0 = rng.normal(size=3).tolist()
        fixed = run(
            name, constants, make, theta0, 0.05, lambda p, t, grads=grads: torch.tensor(grads[t], dtype=torch.float64)
        )
        cases.append({"kind": "gradients", **fixed})
        curvature = torch.tensor([1.0, 25.0], dtype=torch.float64)

        def valley(p, t, curvature=curvature):
            cost = 0.5 * (curvature * p * p).sum()
            return torch.autograd.grad(cost, p)[0]

        cases.append(
            {"kind": "valley", "curvature": curvature.tolist(), **run(name, constants, make, [-2.0, 1.0], 0.07, valley)}
        )
    OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
