"""Semantics of the boolean concept-learning DSL (concepts.induct beside this module), and task makers.

An object is a mapping with a ``color``, a ``shape`` and a ``size`` (strings); a concept
is a program of type ``object -> bool``.  :func:`make_concept_task` labels random objects
with a known rule and flips a few labels, the noisy setting of Goodman et al. (2008),
"A rational analysis of rule-based concept learning".
"""

from __future__ import annotations

import operator
from typing import Any, Mapping, Sequence

import numpy as np

from induct.tasks import Example, Task
from induct.types import parse_type

__all__ = ["PRIMITIVES", "FEATURES", "random_objects", "make_concept_task"]

FEATURES: Mapping[str, tuple[str, ...]] = {
    "color": ("red", "green", "blue"),
    "shape": ("circle", "square", "triangle"),
    "size": ("small", "medium", "large"),
}
"""Each feature and its values (the constants of the DSL)."""

PRIMITIVES: dict[str, Any] = {
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "not": operator.not_,
    "true": True,
    "color": operator.itemgetter("color"),
    "shape": operator.itemgetter("shape"),
    "size": operator.itemgetter("size"),
    "color-eq": operator.eq,
    "shape-eq": operator.eq,
    "size-eq": operator.eq,
}
PRIMITIVES.update({value: value for values in FEATURES.values() for value in values})


def random_objects(n: int, rng: np.random.Generator) -> list[dict[str, str]]:
    """``n`` objects with features drawn uniformly and independently."""
    return [{f: values[int(rng.integers(len(values)))] for f, values in FEATURES.items()} for _ in range(n)]


def make_concept_task(rule: str, n_objects: int, n_flipped: int, rng: np.random.Generator,
                      name: str | None = None, objects: Sequence[Mapping[str, str]] | None = None) -> Task:
    """A task labelling objects with ``rule`` (a program text), ``n_flipped`` labels wrong.

    Args:
        rule: the true concept, e.g. ``"(lambda (and (color-eq (color $0) red) (not (size-eq (size $0) small))))"``.
        n_objects: how many random objects to label (ignored when ``objects`` is given).
        n_flipped: how many labels, chosen at random, are mislabelled.
        rng: the source of randomness.
        name: the task name (defaults to the rule).
        objects: fixed objects to label instead of random ones.
    """
    from induct.dsl import load_library

    library = load_library("concepts")
    program = library.parse(rule)
    objs = [dict(o) for o in objects] if objects is not None else random_objects(n_objects, rng)
    labels = [bool(library.run(program, [o])) for o in objs]
    if not 0 <= n_flipped <= len(objs):
        raise ValueError(f"n_flipped must be between 0 and {len(objs)}, got {n_flipped}")
    for i in rng.choice(len(objs), size=n_flipped, replace=False):
        labels[int(i)] = not labels[int(i)]
    examples = tuple(Example((o,), y) for o, y in zip(objs, labels))
    return Task(name or rule, parse_type("object -> bool"), examples, "train",
                {"rule": rule, "flipped": n_flipped})
