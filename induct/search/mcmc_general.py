"""The general MCMC engine: subtree regeneration for any (polymorphic) grammar.

Each state is an η-long program walked once, in pre-order, recording every choice point
with the requested type, environment, context and type substitution *as the walk reached
it*.  A proposal picks a choice point uniformly, redraws its subtree from the prior at that
recorded state (so the new subtree is type-correct there), and walks the whole new program
again: under polymorphism a new subtree can change what later choice points may be (their
types, hence their candidates and probabilities) or make the program ill-typed, which the
target scores as probability zero.  The pre-order prefix before the chosen point is the
same in both programs, so the reverse proposal redraws the old subtree at the same state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from induct.grammar.core import VARIABLE_PARENT, Context, ROOT
from induct.grammar.sampling import _TooDeep, sample_at
from induct.programs import Abstraction, Program, application, lambdas, spine
from induct.search.metropolis import metropolis_hastings
from induct.types import Substitution, Type, free_type_variables, is_arrow

__all__ = ["ChoiceRecord", "GeneralState", "GeneralKernel", "walk_choices", "replace_at"]

NEG_INF = -math.inf


@dataclass(slots=True)
class ChoiceRecord:
    """One choice point of a program as the pre-order walk met it."""

    log_probability: float
    request: Type
    environment: tuple[Type, ...]
    context: Context
    substitution: Substitution
    level: int
    size: int
    path: tuple[int, ...]


class _IllTyped(Exception):
    pass


def walk_choices(grammar: Any, program: Program, request: Type) -> list[ChoiceRecord] | None:
    """The choice points of ``program`` at ``request`` in pre-order, or None if the prior gives it 0."""
    choices: list[ChoiceRecord] = []

    def visit(p: Program, req: Type, s: Substitution, env: tuple[Type, ...], ctx: Context, level: int,
              path: tuple[int, ...]) -> Substitution:
        req = s.apply(req)
        while is_arrow(req):
            if not isinstance(p, Abstraction):
                raise _IllTyped
            env = (req.args[0],) + env  # type: ignore[union-attr]
            req = s.apply(req.args[1])  # type: ignore[union-attr]
            p = p.body
        if isinstance(p, Abstraction):
            raise _IllTyped
        head, args = spine(p)
        chosen = None
        for c in grammar.candidates(req, s, env, ctx):
            if c.program == head:
                chosen = c
                break
        if chosen is None or len(args) != len(chosen.argument_types):
            raise _IllTyped
        record = ChoiceRecord(chosen.log_probability, req, env, ctx, s, level, 0, path)
        start = len(choices)
        choices.append(record)
        parent = chosen.production if chosen.production >= 0 else VARIABLE_PARENT
        s = chosen.substitution
        for k, (a, t) in enumerate(zip(args, chosen.argument_types)):
            s = visit(a, t, s, env, (parent, k), level + 1, path + (k,))
        record.size = len(choices) - start
        return s

    s = Substitution().reserve(max(free_type_variables(request), default=-1) + 1)
    try:
        visit(program, request, s, (), ROOT, 1, ())
    except (_IllTyped, RecursionError):
        return None
    return choices


def replace_at(program: Program, path: tuple[int, ...], new: Program) -> Program:
    """``program`` with the choice point at ``path`` (argument indices, λs skipped) replaced."""
    n, body = lambdas(program)
    if path:
        head, args = spine(body)
        args[path[0]] = replace_at(args[path[0]], path[1:], new)
        out = application(head, *args)
    else:
        out = new
    for _ in range(n):
        out = Abstraction(out)
    return out


class GeneralState:
    """A program with its choice points, log prior and (once scored) log likelihood."""

    __slots__ = ("program", "choices", "log_prior", "log_likelihood", "_hash")

    def __init__(self, program: Program, choices: list[ChoiceRecord]):
        self.program = program
        self.choices = choices
        self.log_prior = math.fsum(c.log_probability for c in choices)
        self.log_likelihood: float | None = None
        self._hash = hash(program)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, GeneralState) and self.program == other.program)

    @property
    def size(self) -> int:
        return len(self.choices)

    def subtree_log_prior(self, k: int) -> float:
        return math.fsum(c.log_probability for c in self.choices[k:k + self.choices[k].size])


class GeneralKernel:
    """Subtree-regeneration Metropolis–Hastings over any grammar, for one task.

    Args:
        grammar: a Grammar or ContextualGrammar.
        request: the task's request type.
        score: compiled program -> log likelihood.
        library: compiles programs.
        max_depth: the bound on nested choice points; the target is the prior restricted to it.
        rng: the source of randomness.
        hastings: include the proposal ratio (False only to demonstrate the bias without it).
        max_cached: how many scored states to remember.
    """

    def __init__(self, grammar: Any, request: Type, score: Callable[[Any], float], library: Any,
                 max_depth: int, rng: np.random.Generator, hastings: bool = True, max_cached: int = 100_000):
        self.grammar = grammar
        self.request = request
        self.score = score
        self.library = library
        self.max_depth = max_depth
        self.rng = rng
        self.hastings = hastings
        self.max_cached = max_cached
        self.cache: dict[Program, GeneralState | None] = {}

    def state(self, program: Program) -> GeneralState | None:
        """The state of ``program`` (None when the prior gives it probability zero)."""
        if program in self.cache:
            return self.cache[program]
        choices = walk_choices(self.grammar, program, self.request)
        st = GeneralState(program, choices) if choices is not None else None
        if len(self.cache) >= self.max_cached:
            self.cache.clear()
        self.cache[program] = st
        return st

    def initial(self, max_tries: int = 1000) -> GeneralState:
        for _ in range(max_tries):
            p = self.grammar.sample(self.request, self.rng, self.max_depth, max_tries=1)
            if p is not None:
                st = self.state(p)
                if st is not None:
                    return st
        raise _TooDeep(f"no program of depth <= {self.max_depth} found in {max_tries} draws")

    def program_of(self, st: GeneralState) -> Program:
        return st.program

    def log_likelihood(self, st: GeneralState) -> float:
        if st.log_likelihood is None:
            try:
                compiled = self.library.compile(st.program)
            except RecursionError:
                st.log_likelihood = NEG_INF
            else:
                st.log_likelihood = self.score(compiled)
        return st.log_likelihood

    def run(self, state: GeneralState, steps: int, temperature: float,
            visit: Callable[[GeneralState, int], None] | None) -> tuple[GeneralState, int]:
        """``steps`` MH steps at ``temperature``; see :meth:`CompiledKernel.run`."""
        return metropolis_hastings(self._propose, state, self.log_likelihood(state), steps, temperature,
                                   self.rng.random, visit)

    def _propose(self, current: GeneralState) -> tuple[GeneralState, float, float] | None:
        """Redraw the subtree at a uniformly chosen choice point from the prior there."""
        rng = self.rng
        n = current.size
        k = int(rng.random() * n)
        c = current.choices[k]
        try:
            body, _ = sample_at(self.grammar, c.request, rng, self.max_depth - c.level + 1,
                                c.environment, c.context, c.substitution)
        except (_TooDeep, RecursionError):
            return None
        program = replace_at(current.program, c.path, body)
        if program == current.program:
            return None
        proposal = self.state(program)
        if proposal is None:
            return None
        log_q = 0.0
        if self.hastings:
            # q(p' | p) = P(new subtree | state at k) / |choice points of p|, and the reverse.
            log_q = (current.subtree_log_prior(k) - math.log(proposal.size)) \
                - (proposal.subtree_log_prior(k) - math.log(n))
        return proposal, self.log_likelihood(proposal), log_q
