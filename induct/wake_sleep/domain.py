"""Domains for the wake-sleep loop: a grammar file, its tasks, the splits, a featurizer.

The shipped domains are ``lists`` and ``text``; a user's domain is a :class:`Domain`
built in Python from their own grammar file (whose ``semantics`` line names their module)
and tasks (a JSON file or a list of :class:`induct.tasks.Task`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from induct.dsl import Library, load_library
from induct.errors import InductError
from induct.tasks import Task, load_tasks

__all__ = ["Domain", "DOMAINS", "resolve_domain"]


@dataclass(frozen=True)
class Domain:
    """What a wake-sleep run learns on.

    Attributes:
        name: a label for reports.
        grammar: path of the grammar file (or a shipped grammar's name).
        tasks: path of a task JSON file (or a shipped set's name), or the tasks themselves.
        train_split: the split the library and prior are fitted on.
        test_splits: the splits reported on.
        featurizer: the recognition model's featurizer name.
    """

    name: str
    grammar: str
    tasks: str | tuple[Task, ...]
    train_split: str = "train"
    test_splits: tuple[str, ...] = ("test",)
    featurizer: str = "tokens"

    def load_library(self) -> Library:
        return load_library(self.grammar)

    def load_tasks(self) -> tuple[list[Task], list[Task]]:
        """(train tasks, test tasks)."""
        if isinstance(self.tasks, tuple):
            all_tasks = list(self.tasks)
        else:
            all_tasks = load_tasks(self.tasks)
        train = [t for t in all_tasks if t.split == self.train_split]
        test = [t for t in all_tasks if t.split in self.test_splits]
        if not train:
            splits = sorted({t.split for t in all_tasks})
            raise InductError(f"domain {self.name!r}: no tasks in train split {self.train_split!r} "
                              f"(splits present: {', '.join(splits) or 'none'})")
        return train, test


DOMAINS: dict[str, Domain] = {
    "lists": Domain("lists", "lists", "lists", "train", ("test", "dropped_easy_test"), "tokens"),
    "text": Domain("text", "text", "text", "train", ("test",), "tokens"),
}


def resolve_domain(name: str, grammar: str | None = None, tasks: str | None = None,
                   train_split: str | None = None, test_splits: Sequence[str] | None = None) -> Domain:
    """A shipped domain by name, with optional overrides (grammar, tasks, splits)."""
    if name in DOMAINS:
        base = DOMAINS[name]
    elif grammar and tasks:
        base = Domain(name, grammar, tasks)
    else:
        raise InductError(f"unknown domain {name!r}: choose one of {', '.join(DOMAINS)} "
                          "or give both --grammar and --tasks")
    return Domain(base.name, grammar or base.grammar, tasks or base.tasks,
                  train_split or base.train_split, tuple(test_splits) if test_splits else base.test_splits,
                  base.featurizer)
