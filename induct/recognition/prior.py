"""The neural prior as search uses it: one predicted grammar per task.

Example (what ``induct solve --prior MODEL`` does)::

    grammars = task_grammars(load(path, library), tasks)
    # grammars[task.name] is that task's ContextualGrammar
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from induct.dsl import Library
from induct.grammar import ContextualGrammar, Grammar
from induct.tasks import Task

from induct.recognition.model import RecognitionModel, predict_grammars
from induct.recognition.persistence import load

__all__ = ["task_grammars", "load_prior"]


def task_grammars(model: RecognitionModel, tasks: Sequence[Task]) -> dict[str, ContextualGrammar | Grammar]:
    """Task name -> the grammar the model predicts for it (one batched forward pass)."""
    return {t.name: g for t, g in zip(tasks, predict_grammars(model, tasks))}


def load_prior(path: str | Path, library: Library, tasks: Sequence[Task]) -> dict[str, ContextualGrammar | Grammar]:
    """:func:`task_grammars` of the model saved at ``path`` (for ``library``)."""
    return task_grammars(load(path, library), tasks)
