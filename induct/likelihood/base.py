"""The likelihood-model interface and the exact-match model.

A model scores a compiled program on a task (``log_likelihood``).  Search strategies that
already hold a program's outputs on every example (MCMC evaluates subtrees column-wise)
call ``output_scorer(task)`` once per task instead: it returns a function from the list of
outputs (one per example, :data:`~induct.programs.FAILED` where the program failed) to the
log likelihood, with the task's targets prepared once.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

from induct.programs import run_examples, run_program
from induct.programs.limits import DEFAULT_LIMITS, Limits
from induct.tasks import Task

__all__ = ["LikelihoodModel", "BatchLikelihood", "OutputScorer", "ExactMatch", "outputs_of", "make_likelihood"]

OutputScorer = Callable[[Sequence[Any]], float]
"""outputs (one per example, in the task's order) -> log likelihood."""


class LikelihoodModel(Protocol):
    """``log_likelihood(compiled, task)`` for a compiled closed program, and its column form."""

    name: str

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float: ...

    def output_scorer(self, task: Task) -> OutputScorer | None:
        """The score as a function of the outputs alone, or None for a model that needs the
        program itself (one that infers the program's constants, say): search then calls
        :meth:`log_likelihood` on each candidate."""
        ...


@runtime_checkable
class BatchLikelihood(Protocol):
    """A model that scores many programs at once faster than one by one (one that fits
    their constants in one vectorised call, say).  Enumeration then hands it its candidates
    ``batch_size`` at a time."""

    batch_size: int

    def log_likelihoods(self, compiled: Sequence[Callable[[tuple], Any]], task: Task) -> list[float]: ...


def outputs_of(compiled: Callable[[tuple], Any], task: Task, limits: Limits = DEFAULT_LIMITS) -> list[Any]:
    """The program's output on each example of ``task`` (``FAILED`` where it failed)."""
    return [run_program(compiled, e.inputs, limits) for e in task.examples]


class ExactMatch:
    """0 if the program reproduces every example exactly, else −∞ (stops at the first miss)."""

    name = "exact"

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float:
        return 0.0 if run_examples(compiled, task.io_pairs, self.limits) else -math.inf

    def output_scorer(self, task: Task) -> OutputScorer:
        targets = [e.output for e in task.examples]

        def score(outputs: Sequence[Any]) -> float:
            return 0.0 if list(outputs) == targets else -math.inf

        return score


def make_likelihood(spec: "str | LikelihoodModel", **options: Any) -> LikelihoodModel:
    """A model from its name and options, or as given.  Names are induct's own models
    (:data:`induct.likelihood.LIKELIHOODS`: ``exact``, ``noisy``, ``gaussian``) and those a
    registered domain provides (its ``Domain.likelihoods``, e.g. regression's ``laplace``).

    Raises:
        InductError: for an unknown name or options the model does not take.
    """
    from induct.errors import InductError

    if not isinstance(spec, str):
        if options:
            raise InductError("likelihood options apply only when the model is given by name")
        return spec
    from induct.likelihood import LIKELIHOODS

    factory = LIKELIHOODS.get(spec) or _domain_likelihoods().get(spec)
    if factory is None:
        known = sorted(set(LIKELIHOODS) | set(_domain_likelihoods()))
        raise InductError(f"unknown likelihood {spec!r}; choose one of: {', '.join(known)}")
    try:
        return factory(**options)
    except TypeError as e:
        raise InductError(f"likelihood {spec!r}: {e}") from None


def _domain_likelihoods() -> dict[str, Callable[..., LikelihoodModel]]:
    """The likelihood models the registered domains provide, by name."""
    from induct.domain import domain_names, get_domain
    from induct.errors import InductError

    out: dict[str, Callable[..., LikelihoodModel]] = {}
    for name in domain_names():
        try:
            out.update(get_domain(name).likelihoods)
        except InductError:
            continue  # a domain that cannot be loaded here provides nothing
    return out
