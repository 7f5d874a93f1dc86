"""Generated regression tasks: polynomials and rational functions of x on [-5, 5).

Each task is one of a few generating structures (program texts of regression.induct) with
constants drawn from a seed; 50 training points x ~ U[-5, 5), y = f(x) + N(0, sigma²), and
50 unseen points (``metadata["test_x"]``, noise-free ``metadata["test_y"]``) to check
predictions.  The true constants, in the order of the program's ``REAL`` occurrences, are in
``metadata["constants"]``; the generating program in ``metadata["program"]``.
"""

from __future__ import annotations

import numpy as np

from induct.tasks import Example, Task
from induct.types import parse_type

__all__ = ["STRUCTURES", "make_tasks", "load_tasks", "N_POINTS", "NOISE"]

N_POINTS = 50
NOISE = 0.3

# name, program, a sampler of its constants
STRUCTURES = (
    ("linear", "(lambda (+ (* REAL $0) REAL))", lambda r: [_coef(r), _coef(r)]),
    ("quadratic", "(lambda (+ (* REAL (* $0 $0)) REAL))", lambda r: [_coef(r), _coef(r)]),
    ("rational", "(lambda (/ REAL (+ (* $0 $0) REAL)))", lambda r: [_coef(r) * 3, float(r.uniform(1.0, 4.0))]),
    ("cubic", "(lambda (+ (* REAL (* $0 (* $0 $0))) (* REAL $0)))",
     lambda r: [_coef(r) / 3, _coef(r)]),
)


def _coef(r: np.random.Generator) -> float:
    c = float(r.uniform(0.5, 3.0))
    return c if r.random() < 0.5 else -c


def _evaluate(name: str, c: list[float], x: np.ndarray) -> np.ndarray:
    if name == "linear":
        return c[0] * x + c[1]
    if name == "quadratic":
        return c[0] * x * x + c[1]
    if name == "rational":
        return c[0] / (x * x + c[1])
    return c[0] * x ** 3 + c[1] * x


def make_tasks(n: int, seed: int = 0, split: str = "train") -> list[Task]:
    """``n`` tasks cycling through :data:`STRUCTURES`, drawn from ``seed``."""
    r = np.random.default_rng(seed)
    request = parse_type("real -> real")
    tasks = []
    for i in range(n):
        name, program, sampler = STRUCTURES[i % len(STRUCTURES)]
        c = sampler(r)
        x = r.uniform(-5.0, 5.0, N_POINTS)
        y = _evaluate(name, c, x) + r.normal(0.0, NOISE, N_POINTS)
        tx = r.uniform(-5.0, 5.0, N_POINTS)
        examples = tuple(Example((float(a),), float(b)) for a, b in zip(x, y))
        tasks.append(Task(f"{split}-{i:03d}-{name}", request, examples, split,
                          {"structure": name, "program": program, "constants": c, "sigma": NOISE,
                           "test_x": [float(v) for v in tx],
                           "test_y": [float(v) for v in _evaluate(name, c, tx)]}))
    return tasks


def load_tasks() -> list[Task]:
    """The domain's task set: 40 training and 60 test tasks (seeds 0 and 1)."""
    return make_tasks(40, seed=0, split="train") + make_tasks(60, seed=1, split="test")
