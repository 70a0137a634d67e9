"""The data sets courses use, made from a seed: the same seed gives the same samples on every machine.

The shapes are TensorFlow Playground's, scaled to the unit disc (its coordinates run to 5 or 6; a
network with a seeded start learns faster on inputs near 1). Classes are 1 and 0, so they suit both
a sigmoid output with cross-entropy and a squared error.

| name    | inputs → output | samples                                                         | noise                                     |
|---------|-----------------|-----------------------------------------------------------------|-------------------------------------------|
| xor     | 2 → 1           | uniform in the square [−1, 1]², kept 0.06 off both axes         | the label is read at a point moved by up to ±noise: 1 where x₁·x₂ ≥ 0 |
| circles | 2 → 1           | half at a radius of 0 to 0.5, half at 0.7 to 1, any angle       | the label is read at a point moved by up to ±noise: 1 within radius 0.5 |
| gauss   | 2 → 1           | half around (0.4, 0.4) (class 1), half around (−0.4, −0.4) (0)  | spread: standard deviation √(0.5 + 7·noise) / 5 |
| spiral  | 2 → 1           | two arms of 1.75 turns from the centre to radius 1, half turn apart (classes 1 and 0) | each point moved by up to ±noise |
| sine    | 1 → 1           | x uniform in [−1, 1], target sin(πx)                             | the target moved by up to ±noise          |

Every random number is `numpy.random.Generator(PCG64(seed)).random()`, whose stream numpy keeps
the same across versions and machines; the samples are rounded to 4 decimals, so that a last-digit
difference in a platform's sin or log cannot change them (and the tables show them whole).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DECIMALS = 4
PADDING = 0.06  # TensorFlow Playground's 0.3 on its scale of 5


@dataclass(frozen=True)
class Dataset:
    title: str
    inputs: int
    outputs: int
    classes: bool  # targets are 0 and 1 (a classification), or real numbers (a regression)
    make: Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]


def _uniform(rng: np.random.Generator, low: float, high: float, size) -> np.ndarray:
    return low + (high - low) * rng.random(size)


def _normal(rng: np.random.Generator, size: int) -> np.ndarray:
    """Standard normal numbers by Box and Muller from `random()` alone (whose stream numpy guarantees)."""
    u, v = rng.random(size), rng.random(size)
    return np.sqrt(-2.0 * np.log1p(-u)) * np.cos(2.0 * np.pi * v)


def _round(values: np.ndarray) -> np.ndarray:
    return np.round(values, DECIMALS) + 0.0  # + 0.0: no −0


def _xor(rng, n, noise):
    x = _uniform(rng, -1.0, 1.0, (n, 2))
    x += np.where(x > 0, PADDING, -PADDING)
    x = _round(x)
    moved = x + _uniform(rng, -1.0, 1.0, (n, 2)) * noise
    return x, (moved[:, 0] * moved[:, 1] >= 0).astype(float)[:, None]


def _circles(rng, n, noise):
    inner = n - n // 2
    radius = np.concatenate([_uniform(rng, 0.0, 0.5, inner), _uniform(rng, 0.7, 1.0, n // 2)])
    angle = _uniform(rng, 0.0, 2 * np.pi, n)
    x = _round(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
    moved = x + _uniform(rng, -1.0, 1.0, (n, 2)) * noise
    return x, (np.hypot(moved[:, 0], moved[:, 1]) < 0.5).astype(float)[:, None]


def _gauss(rng, n, noise):
    first = n - n // 2
    spread = np.sqrt(0.5 + 7.0 * noise) / 5.0
    centre = np.where(np.arange(n) < first, 0.4, -0.4)[:, None]
    x = _round(centre + spread * _normal(rng, 2 * n).reshape(n, 2))
    return x, (np.arange(n) < first).astype(float)[:, None]


def _spiral(rng, n, noise):
    first = n - n // 2
    arm = np.arange(n) >= first  # 0 for the first arm's samples, 1 for the second's
    count = np.where(arm, n // 2, first)
    i = np.where(arm, np.arange(n) - first, np.arange(n))
    radius = i / count
    angle = 1.75 * radius * 2 * np.pi + np.pi * arm
    x = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    x = _round(x + _uniform(rng, -1.0, 1.0, (n, 2)) * noise)
    return x, (~arm).astype(float)[:, None]


def _sine(rng, n, noise):
    x = _round(_uniform(rng, -1.0, 1.0, (n, 1)))
    y = np.sin(np.pi * x) + _uniform(rng, -1.0, 1.0, (n, 1)) * noise
    return x, _round(y)


DATASETS: dict[str, Dataset] = {
    "xor": Dataset("XOR: four quadrants", 2, 1, True, _xor),
    "circles": Dataset("A disc inside a ring", 2, 1, True, _circles),
    "gauss": Dataset("Two Gaussian blobs", 2, 1, True, _gauss),
    "spiral": Dataset("Two spirals", 2, 1, True, _spiral),
    "sine": Dataset("A noisy sine (regression)", 1, 1, False, _sine),
}


def generate(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` samples of data set `name` (inputs n × inputs, targets n × outputs), from `seed`."""
    rng = np.random.Generator(np.random.PCG64(seed))
    return DATASETS[name].make(rng, n, float(noise))
