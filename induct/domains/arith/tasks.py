"""arith's tasks: integer functions, each given by its outputs on a fixed spread of inputs."""

from __future__ import annotations

from typing import Callable

from induct.tasks import Example, Task
from induct.types import parse_type

FUNCTIONS = {
    "add 3": lambda x: x + 3,
    "double": lambda x: 2 * x,
    "square": lambda x: x * x,
    "square plus one": lambda x: x * x + 1,
    "triple minus one": lambda x: 3 * x - 1,
    "cube": lambda x: x * x * x,
    "absolute value": abs,
    "clamp at zero": lambda x: max(x, 0),
    "negate": lambda x: -x,
    "four times": lambda x: 4 * x,
    "x squared minus x": lambda x: x * x - x,
    "at most five": lambda x: min(x, 5),
    "double plus two": lambda x: 2 * x + 2,
    "sign of": lambda x: (x > 0) - (x < 0),
    "x times x plus two": lambda x: x * (x + 2),
    "distance to three": lambda x: abs(x - 3),
}
"""Each task's name and its function; every other one (in this order) is a test task."""

TWO_ARGUMENTS: dict[str, Callable[[int, int], int]] = {
    "sum": lambda a, b: a + b,
    "product": lambda a, b: a * b,
    "larger": max,
    "difference": lambda a, b: a - b,
    "sum of squares": lambda a, b: a * a + b * b,
    "larger plus one": lambda a, b: max(a, b) + 1,
}


INPUTS = (-7, -3, -1, 0, 2, 5, 9)
"""The inputs of the one-argument tasks: negative and positive, small and large."""

PAIRS = ((1, -2), (-4, 3), (0, 5), (7, 7), (-6, -9), (3, 8))
"""The inputs of the two-argument tasks: either one the larger, both signs."""


def arith_tasks() -> list[Task]:
    """The tasks, every other one of each kind in the test split."""
    one, two = parse_type("int -> int"), parse_type("int -> int -> int")
    tasks = []
    for i, (name, f) in enumerate(FUNCTIONS.items()):
        tasks.append(Task(name, one, tuple(Example((x,), f(x)) for x in INPUTS), "train" if i % 2 == 0 else "test"))
    for i, (name, g) in enumerate(TWO_ARGUMENTS.items()):
        tasks.append(Task(name, two, tuple(Example(p, g(*p)) for p in PAIRS), "train" if i % 2 == 0 else "test"))
    return tasks
