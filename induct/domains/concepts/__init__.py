"""Boolean concept learning over objects with a colour, a shape and a size.

The tasks are generated: each labels random objects with a known rule (see
:func:`induct.domains.concepts.semantics.make_concept_task`), from a fixed seed.
"""

from pathlib import Path

import numpy as np

from induct.domain import Domain

HERE = Path(__file__).parent

RULES = (
    "(lambda (color-eq (color $0) red))",
    "(lambda (shape-eq (shape $0) circle))",
    "(lambda (size-eq (size $0) large))",
    "(lambda (not (color-eq (color $0) blue)))",
    "(lambda (and (color-eq (color $0) green) (shape-eq (shape $0) square)))",
    "(lambda (or (size-eq (size $0) small) (shape-eq (shape $0) triangle)))",
    "(lambda (and (not (size-eq (size $0) medium)) (color-eq (color $0) red)))",
    "(lambda (or (color-eq (color $0) blue) (color-eq (color $0) green)))",
)
"""The rules of the generated tasks: the even-numbered ones train, the others test."""


def concept_tasks(seed: int = 0, n_objects: int = 20) -> list:
    """One noiseless task per rule, labelling ``n_objects`` random objects."""
    from dataclasses import replace

    from induct.domains.concepts.semantics import make_concept_task

    rng = np.random.default_rng(seed)
    tasks = []
    for i, rule in enumerate(RULES):
        task = make_concept_task(rule, n_objects, 0, rng, name=f"concept {i}")
        tasks.append(replace(task, split="train" if i % 2 == 0 else "test"))
    return tasks


DOMAIN = Domain("concepts", HERE / "concepts.induct", concept_tasks, "train", ("test",), "tokens", deductions=(),
                description="boolean concepts over coloured shapes (rational-rules style), generated tasks")
