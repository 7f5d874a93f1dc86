"""Domains: what induct learns on, one value per domain, found without registration calls.

A domain is a grammar file (whose ``semantics`` line names its Python semantics), a task
set, the splits to fit on and to report on, the recognition model's featurizer and the
deductions its search may use.  The domains that ship are packages under
:mod:`induct.domains` (``induct/domains/<name>/``), each holding all of that and exporting
one ``DOMAIN``; a third-party package can offer more through the ``induct.domains`` entry
point group; and a user's own domain is the same kind of value built in user code::

    from induct.domain import Domain
    mine = Domain("mine", "mine.induct", "mine_tasks.json")

:func:`registered_domains` finds the shipped and installed ones by listing packages (it
imports a domain only when it is asked for), so adding a domain touches only its own
package.  The core of induct imports no domain.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, Union

from induct.errors import InductError
from induct.search.deductions import STANDARD_DEDUCTIONS, Deduction
from induct.tasks import Task, load_tasks

__all__ = ["Domain", "TaskSource", "registered_domains", "domain_names", "get_domain", "resolve_domain"]

TaskSource = Union[str, Path, tuple[Task, ...], Callable[[], Sequence[Task]]]
"""Where a domain's tasks come from: a JSON file, the tasks themselves, or a function
that builds them (generated from a seed, or read from an optional dependency)."""

ENTRY_POINT_GROUP = "induct.domains"


@dataclass(frozen=True)
class Domain:
    """What a wake-sleep run learns on.

    Attributes:
        name: the domain's name (``induct train --domain NAME``), a label in reports.
        grammar: path of the grammar file (or the name of a registered domain's grammar).
        tasks: a task JSON file, the tasks themselves, or a zero-argument function returning them.
        train_split: the split the library and prior are fitted on.
        test_splits: the splits reported on.
        featurizer: the recognition model's featurizer name (see :mod:`induct.recognition.features`).
        deductions: the deductions the search may split this domain's tasks with; each applies
            only where the task's types and the grammar's primitives fit (by default the
            standard list-shaped ones: map, filter, positions, gather).
        description: one line for ``induct domains``.
        likelihood: the name of the likelihood model its searches use (``exact`` by default).
        likelihoods: the likelihood models this domain provides, by name (e.g. regression's
            ``laplace``, which infers a candidate's constants); found by that name anywhere a
            likelihood is named (``--likelihood``, ``SearchConfig.likelihood``).
    """

    name: str
    grammar: str | Path
    tasks: TaskSource
    train_split: str = "train"
    test_splits: tuple[str, ...] = ("test",)
    featurizer: str = "tokens"
    deductions: tuple[Deduction, ...] = field(default=STANDARD_DEDUCTIONS, compare=False)
    description: str = ""
    likelihood: str = "exact"
    likelihoods: Mapping[str, Callable[..., Any]] = field(default_factory=dict, compare=False)

    def load_library(self) -> Any:
        from induct.dsl import load_library

        return load_library(self.grammar)

    def all_tasks(self) -> list[Task]:
        """Every task of the domain, whatever its split."""
        if isinstance(self.tasks, tuple):
            return list(self.tasks)
        if callable(self.tasks):
            found = list(self.tasks())
            if not all(isinstance(t, Task) for t in found):
                raise InductError(f"domain {self.name!r}: its task function returned something other than tasks")
            return found
        return load_tasks(self.tasks)

    def load_tasks(self) -> tuple[list[Task], list[Task]]:
        """(train tasks, test tasks)."""
        all_tasks = self.all_tasks()
        train = [t for t in all_tasks if t.split == self.train_split]
        test = [t for t in all_tasks if t.split in self.test_splits]
        if not train:
            splits = sorted({t.split for t in all_tasks})
            raise InductError(f"domain {self.name!r}: no tasks in train split {self.train_split!r} "
                              f"(splits present: {', '.join(splits) or 'none'})")
        return train, test

    @property
    def tasks_path(self) -> str | None:
        """The task file's path when the tasks come from one (else None)."""
        return str(self.tasks) if isinstance(self.tasks, (str, Path)) else None


# --- the registry ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _sources() -> dict[str, Callable[[], Any]]:
    """Each registered domain's name -> how to import the object that holds its DOMAIN."""
    import induct.domains

    found: dict[str, Callable[[], Any]] = {}
    for info in pkgutil.iter_modules(induct.domains.__path__):
        if info.ispkg and not info.name.startswith("_"):
            found[info.name] = functools.partial(importlib.import_module, f"induct.domains.{info.name}")
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.load)
    return found


def domain_names() -> list[str]:
    """The names of the shipped and installed domains (none of them imported)."""
    return sorted(_sources())


@lru_cache(maxsize=None)
def get_domain(name: str) -> Domain:
    """The registered domain called ``name``.

    Raises:
        InductError: when no domain has that name, or its package exports no ``DOMAIN``.
    """
    sources = _sources()
    if name not in sources:
        raise InductError(f"unknown domain {name!r}: choose one of {', '.join(domain_names())}")
    loaded = sources[name]()
    domain = loaded if isinstance(loaded, Domain) else getattr(loaded, "DOMAIN", None)
    if not isinstance(domain, Domain):
        raise InductError(f"domain package {name!r} exports no DOMAIN (a induct.domain.Domain)")
    if domain.name != name:
        raise InductError(f"domain package {name!r} exports a DOMAIN named {domain.name!r}")
    return domain


def registered_domains() -> dict[str, Domain]:
    """Every registered domain by name (importing each)."""
    return {name: get_domain(name) for name in domain_names()}


def resolve_domain(name: str, grammar: str | None = None, tasks: str | None = None,
                   train_split: str | None = None, test_splits: Sequence[str] | None = None) -> Domain:
    """A registered domain by name, with optional overrides (grammar, tasks, splits); or a
    domain made of ``grammar`` and ``tasks`` when ``name`` is no registered domain."""
    if name in _sources():
        base = get_domain(name)
    elif grammar and tasks:
        base = Domain(name, grammar, tasks)
    else:
        raise InductError(f"unknown domain {name!r}: choose one of {', '.join(domain_names())} "
                          "or give both --grammar and --tasks")
    return replace(base, grammar=grammar or base.grammar, tasks=tasks or base.tasks,
                   train_split=train_split or base.train_split,
                   test_splits=tuple(test_splits) if test_splits else base.test_splits)
