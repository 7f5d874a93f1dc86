"""Case splits: ``if p then A else B``, where A and B each explain part of the examples.

A task whose examples follow two rules is out of reach of a search for one program and of
the shape-driven deductions alike: no single cheap program fits every example, and the
outputs share no shape.  Yet each rule alone is often cheap, and so is the test between
them.  This is the divide-and-conquer of EUSolver (Alur, Radhakrishna and Udupa, TACAS
2017) and the conditionals of FlashFill (Gulwani, POPL 2011):

1. *cover*: enumerate programs of the task's type in order of prior, each run on every
   example; keep the first (most probable) program for each set of examples it gets right,
   unless a program kept before gets a superset of them right;
2. *pair*: two kept programs whose sets together hold every example are the branches;
3. *predicate*: the test is a hole, a ``bool``-valued function of the task's arguments,
   true on the examples the first branch alone gets right and false on those of the
   second (examples both get right say nothing), searched like any other hole.

The whole program ``λ args. if (p args) (A args) (B args)`` is checked on every example
and scored by the task's grammar.  The deduction (:class:`CaseSplit`) applies to any DSL
with an ``if : bool -> a -> a -> a`` and is a last resort: it runs when the ordinary
search and the other deductions' holes failed, on its share of the budget.  Inside a map
deduction's hole it finds an element rule with two cases (``if (> x 3) (+ x 1) x``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Any, Sequence

from induct.programs import Abstraction, Index, Primitive, Program, application
from induct.programs.evaluation import compile_program, run_program
from induct.search.deductions import CaseSplit, call_hole, hole_examples, hole_task
from induct.search.driver import STEP_PROGRAMS, Budget
from induct.tasks import Task
from induct.types import tbool

__all__ = ["Branch", "cover_search", "branch_pairs", "predicate_tasks", "assemble_case"]


@dataclass(frozen=True)
class Branch:
    """A program that gets some of a task's examples right: ``mask`` has bit i set when it
    gets example i right; ``log_prior`` is its log prior under the task's grammar."""

    program: Program
    log_prior: float
    mask: int


class _Cover:
    """The cover search's score: finite for a program whose set of examples right is new and
    not inside a set seen before, so that enumeration records exactly the programs worth
    keeping as branches (``masks`` holds their sets, in the order found)."""

    def __init__(self, task: Task, limit: int):
        self.targets = [e.output for e in task.examples]
        self.full = (1 << len(self.targets)) - 1
        self.limit = limit
        self.masks: list[int] = []

    def scorer(self):
        targets = self.targets

        def score(outputs: Sequence[Any]) -> float:
            mask = 0
            for i, (y, t) in enumerate(zip(outputs, targets)):
                if y == t:
                    mask |= 1 << i
            if not mask or len(self.masks) >= self.limit or any(mask | m == m for m in self.masks):
                return -math.inf
            self.masks.append(mask)
            return 0.0

        return score

    def covered(self, since: int = 0) -> bool:
        """Whether a program kept from the ``since``-th on and another kept so far hold every
        example between them."""
        return any(new | m == self.full for new in self.masks[since:] for m in self.masks)


def cover_search(task: Task, grammar: Any, config: Any, deadline: float, max_programs: int | None,
                 split: CaseSplit) -> tuple[list[Branch], int]:
    """The cover step on the task's first ``split.max_examples`` examples: the branches kept
    (each with its set of those examples), and the programs tried.  It stops at the
    deadline, after ``max_programs``, or soon after two branches cover every example."""
    from induct.search.enumeration import EnumerationRun

    examples = task.examples[:split.max_examples]
    sub = Task(f"{task.name} [cases cover]", task.request_type, examples, task.split,
               {"decomposed_from": task.name})
    model = _Cover(sub, split.max_branches)
    cover_config = replace(config, decompose=0.0, deductions=(), stop_when_full=False, max_programs=None)
    run = EnumerationRun(sub, grammar, cover_config, scorer=model.scorer())
    limit = max_programs if max_programs is not None else math.inf
    branches: list[Branch] = []
    extra: int | None = None
    while not run.done and run.tried < limit and time.monotonic() < deadline:
        found = run.advance(Budget(int(min(STEP_PROGRAMS, limit - run.tried)), deadline))
        start = len(branches)
        for f, mask in zip(found, model.masks[start:]):
            branches.append(Branch(f.program, f.log_prior, mask))
        if extra is None and found and model.covered(since=start):
            # Go on for as long again as the cover took, at most one more step: a cheaper
            # pair may be a few programs away.
            extra = run.tried + min(run.tried, STEP_PROGRAMS)
        if extra is not None and run.tried >= extra:
            break
    return branches, run.tried


def branch_pairs(branches: Sequence[Branch], full: int, limit: int) -> list[tuple[Branch, Branch]]:
    """Up to ``limit`` pairs of branches that hold every example between them, the most
    probable pair (the largest sum of log priors) first."""
    pairs = [(a, b) for i, a in enumerate(branches) for b in branches[i + 1:] if a.mask | b.mask == full]
    pairs.sort(key=lambda ab: -(ab[0].log_prior + ab[1].log_prior))
    return pairs[:limit]


def _right(program: Program, task: Task, library: Any, limits: Any) -> list[bool]:
    compiled = compile_program(program, library, {})
    return [run_program(compiled, e.inputs, limits) == e.output for e in task.examples]


def predicate_tasks(task: Task, a: Program, b: Program, library: Any,
                    limits: Any) -> list[tuple[Task, Program, Program]]:
    """The test holes for the branches ``a`` and ``b``, on all of the task's examples, each
    with the branches in the order ``if test then other`` takes them: for ``if p a b``, ``p``
    true where ``a`` alone is right and false where ``b`` alone is, then the same with the
    branches swapped.  None when the two do not hold every example between them, or one of
    them holds them all."""
    right_a = _right(a, task, library, limits)
    right_b = _right(b, task, library, limits)
    if not all(x or y for x, y in zip(right_a, right_b)) or all(right_a) or all(right_b):
        return []
    holes = []
    for then, other, first in ((a, b, True), (b, a, False)):
        rows = [(e.inputs, x == first) for e, x, y in zip(task.examples, right_a, right_b) if x != y]
        examples = hole_examples(rows)
        if examples is not None:  # None: the same inputs asked to go both ways
            holes.append((hole_task(task, "cases test", None, tbool, examples), then, other))
    return holes


def assemble_case(test: Program, then: Program, other: Program, n: int) -> Program:
    """``λ x1 … xn. if (test x…) (then x…) (other x…)`` from three closed programs of the
    task's ``n`` arguments."""
    args = [Index(n - 1 - i) for i in range(n)]
    body = application(Primitive("if"), call_hole(test, args), call_hole(then, args), call_hole(other, args))
    for _ in range(n):
        body = Abstraction(body)
    return body
