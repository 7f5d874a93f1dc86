"""The grammar compiled for one request: memoised programs per choice state, by cost.

A *state* is a choice point up to renaming of type variables: the requested type, the
types of the variables in scope, and the (context) grammar that scores the choice.  Its
*rules* are the grammar's candidates there (computed once, so the inner loop never
unifies types), or one λ rule when the request is an arrow (programs are η-long).

Each state keeps the programs derivable from it, sorted by cost (−log prior), complete
up to a bound that grows on demand (:meth:`Table.ensure`).  Programs are built from the
children's entries, so every subprogram — its closure, its cached values — is built once
and shared by all the programs that contain it.  This is DreamCoder's enumeration in
cost bands, made bottom-up and memoised (the programs of a state at cost ≤ C are reused
by every parent that needs them).

Under a contextual grammar one choice point is a different state per parent context (the
rules' costs differ), but a rule's children do not depend on that context: each rule's
programs are built once, in a *body* state whose costs leave the head out
(:attr:`Rule.body`), and every context's state lists those same entries with its own head
cost added.  What can be chosen at a request (which productions unify, with which argument
types) is computed once per request and environment and weighed per grammar.

Polymorphism is exact: choosing a child may bind type variables of the later children
(``map``'s ``a`` is decided by its function argument), so a state's entries are grouped
by the binding they make (:attr:`State.groups`), and the next child's state is looked up
per binding.  Costs are exactly the prior's (:meth:`Grammar.log_prior`), including the
normalisation over the candidates that unify at each point.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any, Callable, Iterator, Sequence, cast

from induct.errors import InductError
from induct.grammar.core import ROOT, VARIABLE_PARENT, ContextualGrammar
from induct.grammar.protocol import Prior
from induct.programs import Abstraction, Program, application
from induct.programs.limits import DEFAULT_LIMITS, Limits
from induct.search.closures import UNSET, closure_factory, compute_factory, head_info
from induct.types import (
    Substitution, Type, TypeConstructor, TypeVariable, arguments_of, is_arrow, rename_variables, return_of, unify,
    variables_in_order,
)

__all__ = ["Table", "State", "Rule", "Entry", "EPS"]

EPS = 1e-9
MIN_STEP = 0.25
"""Narrowest pass of :meth:`Table.ensure` (cycles cheaper than this are handled, slower)."""
"""Slack on cost windows: a program's cost decides its band exactly, ranges are supersets."""


class Entry:
    """One program of a state: its cost, how it was built, and how it runs.

    ``cost`` is the cost in the state that built it (a shared body's entry leaves its head's
    cost out; each state that lists it keeps its own cost beside it).

    ``run`` is a closure of the environment (under a λ) or ``i -> value on example i``
    (outside every λ; values cached in ``vals``).
    """

    __slots__ = ("cost", "rule", "kids", "run", "vals", "_program")

    def __init__(self, cost: float, rule: "Rule", kids: tuple) -> None:
        self.cost = cost
        self.rule = rule
        self.kids = kids
        self.run: Any = None
        self.vals: Any = None
        self._program: Program | None = None

    @property
    def program(self) -> Program:
        p = self._program
        if p is None:
            p = build_program(self.rule, self.kids)
            self._program = p
        return p


def build_program(rule: "Rule", kids: Sequence[Entry]) -> Program:
    if rule.head is None:
        return Abstraction(kids[0].program)
    return application(rule.head, *[k.program for k in kids])


class Rule:
    """One candidate of a state: cost, head, argument types (under ``substitution``)."""

    __slots__ = ("cost", "head", "production", "arg_types", "substitution", "child_grammars",
                 "extend", "factory", "info", "lower_states", "body")

    def __init__(self, cost: float, head: Program | None, production: int, arg_types: tuple[Type, ...],
                 substitution: Substitution, child_grammars: tuple, extend: Type | None) -> None:
        self.cost = cost
        self.head = head
        self.production = production
        self.arg_types = arg_types
        self.substitution = substitution
        self.child_grammars = child_grammars
        self.extend = extend
        self.factory: Any = None
        self.info: Any = None
        self.lower_states: list | None = None
        self.body: State | None = None
        """The shared state of this rule's programs without the head's cost (contextual grammars)."""

    @property
    def arity(self) -> int:
        return len(self.arg_types)

    def with_cost(self, cost: float) -> "Rule":
        """The same choice at another cost (another grammar's weight for it)."""
        rule = Rule(cost, self.head, self.production, self.arg_types, self.substitution,
                    self.child_grammars, self.extend)
        rule.factory, rule.info = self.factory, self.info
        return rule


class State:
    """A choice point up to renaming: request, environment, grammar, and its programs."""

    __slots__ = ("request", "env", "n_vars", "grammar", "top", "rules", "groups", "bound",
                 "busy", "held", "transitions", "outputs", "seen", "is_arrow", "lower", "bindings", "binding_ids", "step")

    def __init__(self, request: Type, env: tuple[Type, ...], n_vars: int, grammar: Any, top: bool) -> None:
        self.request, self.env, self.n_vars, self.grammar, self.top = request, env, n_vars, grammar, top
        self.rules: list[Rule] | None = None  # computed when first needed (Table.rules_of)
        # group id -> (costs, entries), sorted by cost; a group id stands for a binding of the
        # state's type variables (``bindings[id]``; ground states have one group, id 0).
        self.groups: dict[int, tuple[list[float], list[Entry]]] = {}
        self.bindings: list[tuple] = []
        self.binding_ids: dict[tuple, int] = {}
        self.bound = -1.0
        self.busy = False
        self.held = 0
        self.transitions: dict = {}
        self.outputs: dict = {}
        self.seen: set | None = None
        self.is_arrow = is_arrow(request)
        self.lower = 0.0  # a lower bound on any program's cost here (Table.request_lower)
        self.step = math.inf  # how far one pass of ensure may extend (see Table.ensure)


    def min_cost(self) -> float:
        """A lower bound on the cost of this state's programs (exact once one is known)."""
        best = math.inf
        for costs, _ in self.groups.values():
            if costs and costs[0] < best:
                best = costs[0]
        return best if best < math.inf else max(self.bound, self.lower)

    def __len__(self) -> int:
        return sum(len(c) for c, _ in self.groups.values())


class Table:
    """The programs of one request type under one (contextual) grammar, grown by cost.

    Args:
        grammar: a Grammar or ContextualGrammar.
        request: the requested type (arrows become leading λs).
        envs: per example, the inputs as an environment tuple (last input first); None
            builds no evaluators (enumeration only).
        limits: per-example evaluation bounds.
        observational: keep one program per distinct behaviour on the examples among the
            subprograms outside every λ (observational equivalence).
    """

    def __init__(self, grammar: Prior, request: Type, envs: Sequence[tuple] | None = None,
                 limits: Limits = DEFAULT_LIMITS, observational: bool = False) -> None:
        self.grammar = grammar
        self.library = grammar.library
        self.request = request
        self.envs = list(envs) if envs is not None else None
        self.evaluate = envs is not None
        self.n_examples = len(self.envs) if self.envs is not None else 0
        self.limits = limits
        self.observational = observational and self.evaluate
        self.states: dict[tuple, State] = {}
        self._shapes: dict[tuple, list] = {}
        self.share = isinstance(grammar, ContextualGrammar)
        """Build each rule's programs once for every parent context (see the module docstring);
        off, the same programs are built once per context."""
        self._infos: dict[Any, Any] = {}
        self._lower_cache: dict[tuple, float] = {}
        self.stored = 0
        """Entries stored over all states (what the table's memory grows with)."""
        self.interrupt: Callable[[], None] | None = None
        """Called now and then while tables grow; a search raises from it at its deadline."""
        self._ticks = 0
        self._holds = 0
        """How many times a busy state was asked for more than it had (see :meth:`ensure`)."""
        inputs = arguments_of(request)
        self.n_lambdas = len(inputs)
        self.root_depth = len(inputs)
        env: tuple[Type, ...] = ()
        for t in inputs:
            env = (t,) + env
        self.root, _ = self.state(return_of(request), env, grammar.grammar_for(ROOT))

    # --- states ------------------------------------------------------------------------
    def state(self, request: Type, env: tuple[Type, ...], grammar: Any) -> tuple[State, list[int]]:
        """The state for a choice point, and the renaming (canonical variable -> original)."""
        order: list[int] = []
        variables_in_order(request, order)
        for e in env:
            variables_in_order(e, order)
        if order:
            mapping = {v: TypeVariable(i) for i, v in enumerate(order)}
            request = rename_variables(request, mapping)
            env = tuple(rename_variables(e, mapping) for e in env)
        key = (id(grammar), request, env)
        s = self.states.get(key)
        if s is None:
            s = State(request, env, len(order), grammar, len(env) == self.root_depth)
            if self.observational and s.top and not s.is_arrow:
                s.seen = set()
            s.lower = self.request_lower(request, grammar)
            self.states[key] = s
        return s, order

    def rules_of(self, s: State) -> list[Rule]:
        rules = s.rules
        if rules is None:
            self._make_rules(s)
            rules = s.rules
            assert rules is not None
        return rules

    def _make_rules(self, s: State) -> None:
        base = Substitution().reserve(s.n_vars)
        s.rules = []
        if s.is_arrow:
            arg, ret = cast(TypeConstructor, s.request).args
            rule = Rule(0.0, None, -1, (ret,), base, (s.grammar,), arg)
            self._attach(s, rule)
            s.rules.append(rule)
            body = self.transition(s, 0, ())[0]
            self.rules_of(body)
            s.step = body.step
            return
        productions, variables = s.grammar.fitting(s.request, s.env, s.n_vars)
        shapes = self._shapes.get((s.request, s.env))
        if shapes is None:
            shapes = self._shapes[(s.request, s.env)] = [None] * (len(productions) + len(variables))
        share = self.share and s is not self.root
        for k, lp in enumerate(s.grammar.log_probabilities(productions, variables)):
            if lp == -math.inf:
                continue
            shape = shapes[k]
            if shape is None:
                shape = shapes[k] = self._shape(s, *(productions[k] if k < len(productions)
                                                      else _variable_choice(variables[k - len(productions)])))
            rule = shape.with_cost(-lp)
            s.rules.append(rule)
            if rule.arity:
                s.step = min(s.step, max(rule.cost, MIN_STEP))
                if share:
                    if shape.body is None:
                        shape.body = self._body(s, shape)
                    rule.body = shape.body

    def _shape(self, s: State, head: Program, production: int, arg_types: tuple, sub: Substitution) -> Rule:
        """A choice at ``s``'s request and environment, whatever the grammar's weights."""
        parent = production if production >= 0 else VARIABLE_PARENT
        grammars = tuple(self.grammar.grammar_for((parent, k)) for k in range(len(arg_types)))
        shape = Rule(0.0, head, production, arg_types, sub, grammars, None)
        self._attach(s, shape)
        return shape

    def _body(self, s: State, shape: Rule) -> State:
        """The state of a rule's programs at ``s``'s choice point, costs without the head's."""
        b = State(s.request, s.env, s.n_vars, None, s.top)
        b.rules = [shape.with_cost(0.0)]  # a copy: shape.body becomes b, b's rule has no body
        b.step = MIN_STEP
        return b

    def _attach(self, s: State, rule: Rule) -> None:
        envs = self.envs
        if envs is None:  # enumeration only (self.evaluate is False)
            return
        info = self._infos.get(rule.head)
        if info is None:
            try:
                info = head_info(rule.head, self.library)
            except InductError as e:
                raise InductError(f"cannot search with this library: {e}") from None
            self._infos[rule.head] = info
        rule.info = info
        if s.top:
            rule.factory = compute_factory(info, rule.arity, envs, self.limits)
        else:
            rule.factory = closure_factory(info, rule.arity)

    # --- moving from one child to the next ------------------------------------------------
    def transition(self, s: State, r: int, path: tuple) -> tuple[State, list[int], Substitution]:
        """The state of child ``len(path)`` of rule ``r`` after the earlier children's bindings."""
        key = (r, path)
        t = s.transitions.get(key)
        if t is not None:
            return t
        rules = s.rules
        assert rules is not None  # made before any child of the state is visited
        rule = rules[r]
        if path:
            prev, renaming, sub = self.transition(s, r, path[:-1])
            if prev.n_vars:
                sub = _bind(sub, renaming, prev.bindings[path[-1]], prev.n_vars)
        else:
            sub = rule.substitution
        j = len(path)
        env = tuple(sub.apply(e) for e in s.env) if s.n_vars else s.env
        if rule.extend is not None:
            env = (sub.apply(rule.extend),) + env
        child, renaming = self.state(sub.apply(rule.arg_types[j]), env, rule.child_grammars[j])
        t = (child, renaming, sub)
        s.transitions[key] = t
        return t

    def output(self, s: State, r: int, path: tuple) -> int:
        """The group of a program: the binding it makes for the state's type variables."""
        if s.n_vars == 0:
            return 0
        key = (r, path)
        out = s.outputs.get(key)
        if out is None:
            rules = s.rules
            assert rules is not None  # made before any child of the state is visited
            rule = rules[r]
            if path:
                prev, renaming, sub = self.transition(s, r, path[:-1])
                if prev.n_vars:
                    sub = _bind(sub, renaming, prev.bindings[path[-1]], prev.n_vars)
            else:
                sub = rule.substitution
            out = self._group_of(s, _output_key(sub, s.n_vars))
            s.outputs[key] = out
        return out

    def lower_rest(self, s: State, r: int, j: int) -> float:
        """A lower bound on the cost of children ``j+1 ...`` of rule ``r``."""
        rules = s.rules
        assert rules is not None  # made before any child of the state is visited
        rule = rules[r]
        lows = rule.lower_states
        if lows is None:
            lows = []
            sub = rule.substitution
            env = tuple(sub.apply(e) for e in s.env)
            if rule.extend is not None:
                env = (sub.apply(rule.extend),) + env
            env_ground = not any(_has_vars(e) for e in env)
            for k, t in enumerate(rule.arg_types):
                t = sub.apply(t)
                if env_ground and not _has_vars(t):
                    # Ground: the very state every path reaches (its minimum becomes exact).
                    lows.append(self.state(t, env, rule.child_grammars[k])[0])
                else:
                    lows.append(self.request_lower(t, rule.child_grammars[k]))
            rule.lower_states = lows
        total = 0.0
        for c in lows[j + 1:]:
            total += c if isinstance(c, float) else c.min_cost()
        return total

    def request_lower(self, request: Type, grammar: Any) -> float:
        """A lower bound on the cost of a program at ``request`` (any environment), valid also
        for every specialisation of its type variables.

        Binding type variables can only remove candidates, never add any, so a candidate's
        probability is at most its weight over itself plus the weights of the productions
        that fit *every* specialisation (return type at least as general as the request);
        a variable's share is bounded the same way.
        """
        while is_arrow(request):
            request = cast(TypeConstructor, request).args[1]
        order: list[int] = []
        variables_in_order(request, order)
        if order:
            request = rename_variables(request, {v: TypeVariable(i) for i, v in enumerate(order)})
        key = (id(grammar), request)
        got = self._lower_cache.get(key)
        if got is not None:
            return got
        n = len(order)
        weights = grammar.log_weights
        # One candidate per production: the constants of a task-bound family share its weight.
        cands = list({c.production: c for c in grammar.candidates(request, Substitution().reserve(n), ())}.values())
        always = [c for c in cands if _fits_every_specialisation(c.substitution, n)]
        w_always = sum(math.exp(weights[c.production]) for c in always)
        best = math.inf
        for c in cands:
            w = math.exp(weights[c.production])
            rest = w_always - (w if c in always else 0.0)
            best = min(best, -math.log(w / (w + max(rest, 0.0))))
        if grammar.log_variable > -math.inf:
            w = math.exp(grammar.log_variable)
            best = min(best, -math.log(w / (w + w_always)))
        got = max(best, 0.0) if best < math.inf else 0.0
        self._lower_cache[key] = got
        return got

    # --- growing a state's programs ------------------------------------------------------
    def ensure(self, s: State, bound: float) -> float:
        """Make ``s``'s entries complete up to cost ``bound``; returns the bound achieved.

        A state already being extended (a recursive type) answers with what it has; the
        caller then knows its own entries are complete only up to a lower bound and
        extends again (each cycle costs a positive amount, so this makes progress).
        """
        if s.bound >= bound:
            return s.bound
        if s.busy:
            s.held += 1
            self._holds += 1
            return s.bound
        if s.rules is None:
            if bound < s.lower - EPS:
                s.bound = bound  # nothing costs less than the static lower bound
                return bound
            self._make_rules(s)
        rules = s.rules
        assert rules is not None
        s.busy = True
        try:
            while s.bound < bound:
                lo = s.bound
                s.held = 0
                holds = self._holds
                # A program of s that contains another program of s costs at least one rule
                # with children more, so a pass of at most that width never needs entries of
                # s (busy here) beyond s.bound.  A pass that no cycle held back doubles the
                # width; one that a cycle cut short keeps what it completed (the rest is
                # recomputed) and narrows to that.
                target = min(bound, max(lo, 0.0) + s.step)
                found: list[tuple[float, tuple, tuple, Rule]] = []
                complete = target
                for r in range(len(rules)):
                    complete = min(complete, self._collect_rule(s, r, lo, target, found))
                # Which busy states held this pass back: s itself (a cycle through s, which
                # a narrower pass avoids; settled here, so s's callers do not count them) or
                # a state that s's caller is extending (only that caller can make progress).
                own = s.held > 0
                self._holds -= s.held
                if complete <= lo:
                    if own or self._holds == holds:
                        # A cycle cheaper than the step: narrow it and redo the pass.  Below a
                        # millionth of a nat only a zero-cost cycle (an empty language) remains.
                        if s.step > 1e-6:
                            s.step /= 4
                            continue
                        complete = target
                    else:
                        break
                elif complete >= target - EPS:
                    if target < bound:
                        s.step *= 2  # no cycle bound this pass: try a wider one next
                elif own and complete - lo < s.step:
                    s.step = complete - lo  # the width the cycle allowed
                self._store(s, [f for f in found if f[0] <= complete], complete)
        finally:
            s.busy = False
        return s.bound

    def _store(self, s: State, found: list, complete: float) -> None:
        """Append a pass's programs (sorted) to their groups; all or nothing if interrupted."""
        found.sort(key=_first)
        groups = s.groups
        sizes = {key: len(g[0]) for key, g in groups.items()}
        added: list = []
        interrupt = self.interrupt
        stored = self.stored
        try:
            for n, (cost, key, kids, rule) in enumerate(found):
                if interrupt is not None and not (n + 1) & 2047:
                    interrupt()
                e = kids if rule is None else self.make_entry(s, rule, kids, cost)
                if s.seen is not None:
                    signature = (key, _behaviour(e, self.n_examples))
                    if signature in s.seen:
                        continue
                    s.seen.add(signature)
                    added.append(signature)
                g = groups.get(key)
                if g is None:
                    g = groups[key] = ([], [])
                g[0].append(cost)
                g[1].append(e)
                if rule is not None:  # a shared body's entry is counted where it was built
                    self.stored += 1
        except BaseException:
            # Leave the state as it was, so that the pass can be redone later.
            for key in list(groups):
                if key not in sizes:
                    del groups[key]
                else:
                    del groups[key][0][sizes[key]:]
                    del groups[key][1][sizes[key]:]
            if s.seen is not None:
                s.seen.difference_update(added)
            self.stored = stored
            raise
        s.bound = complete

    def make_entry(self, s: State, rule: Rule, kids: tuple, cost: float) -> Entry:
        e = Entry(cost, rule, kids)
        if self.evaluate:
            if s.top:
                e.vals = [UNSET] * self.n_examples
                e.run = rule.factory(kids)
            else:
                e.run = rule.factory([k.run for k in kids])
        return e

    def _collect_rule(self, s: State, r: int, lo: float, hi: float, found: list) -> float:
        """Append rule ``r``'s programs with cost in (lo, hi]; returns the bound they are complete to."""
        rules = s.rules
        assert rules is not None  # made before any child of the state is visited
        rule = rules[r]
        if rule.arity == 0:
            if lo < rule.cost <= hi:
                found.append((rule.cost, self.output(s, r, ()), (), rule))
            return hi
        if rule.body is not None:
            return self._collect_shared(s, rule.body, rule.cost, lo, hi, found)
        if rule.arity <= 2:
            return self._collect_small(s, r, rule, lo, hi, found)
        complete = hi
        interrupt = self.interrupt
        for cost, kids, path, missing in self.combinations(s, r, lo, hi, rule.arity):
            if interrupt is not None:
                self._ticks += 1
                if not self._ticks & 255:
                    interrupt()
            if missing > 0:
                complete = min(complete, hi - missing)
                continue
            found.append((cost, self.output(s, r, path), kids, rule))
        return complete

    def _collect_shared(self, s: State, body: State, base: float, lo: float, hi: float, found: list) -> float:
        """:meth:`_collect_rule` from a rule's shared ``body``: its entries, the head's cost ``base`` added."""
        need = hi - base
        if need < 0:
            return hi
        got = self.ensure(body, need)
        bindings = body.bindings

        def group(key: int) -> int:
            return self._group_of(s, bindings[key]) if s.n_vars else 0

        self._window(body, base, lo, hi, group, None, found)
        return hi if got >= need else hi - (need - got)

    def _window(self, child: State, base: float, lo: float, hi: float, output, rule: Rule | None,
                found: list) -> None:
        """Append ``child``'s entries whose cost plus ``base`` lies in (lo, hi], each group's
        under ``output(key)``: as a rule's only argument (``rule`` given), or as a shared
        body's own entry (``rule`` None)."""
        for key, (costs, entries) in child.groups.items():
            a = bisect_right(costs, lo - base - EPS)
            b = bisect_right(costs, hi - base + EPS)
            if a >= b:
                continue
            out = output(key)
            for i in range(a, b):
                total = base + costs[i]
                if lo < total <= hi:
                    found.append((total, out, entries[i] if rule is None else (entries[i],), rule))

    def _group_of(self, s: State, binding: tuple) -> int:
        out = s.binding_ids.get(binding)
        if out is None:
            out = s.binding_ids[binding] = len(s.bindings)
            s.bindings.append(binding)
        return out

    def _collect_small(self, s: State, r: int, rule: Rule, lo: float, hi: float, found: list) -> float:
        """:meth:`_collect_rule` for one or two arguments, without generators (the common case)."""
        if self.interrupt is not None:
            self.interrupt()
        complete = hi
        base = rule.cost
        first, _, _ = self.transition(s, r, ())
        if rule.arity == 1:
            need = hi - base
            if need < 0:
                return hi
            got = self.ensure(first, need)
            self._window(first, base, lo, hi, lambda key: self.output(s, r, (key,)), rule, found)
            return hi if got >= need else hi - (need - got)
        need = hi - base - self.lower_rest(s, r, 0)
        if need < 0:
            return hi
        got = self.ensure(first, need)
        if got < need:
            complete = hi - (need - got)
        for key, (costs, entries) in first.groups.items():
            b = bisect_right(costs, need + EPS)
            if not b:
                continue
            path = (key,)
            second, _, _ = self.transition(s, r, path)
            for i in range(b):
                partial = base + costs[i]
                need2 = hi - partial
                got = self.ensure(second, need2)
                if got < need2:
                    complete = min(complete, hi - (need2 - got))
                e = entries[i]
                for key2, (costs2, entries2) in second.groups.items():
                    a2 = bisect_right(costs2, lo - partial - EPS)
                    b2 = bisect_right(costs2, need2 + EPS)
                    if a2 >= b2:
                        continue
                    out = self.output(s, r, (key, key2))
                    for j in range(a2, b2):
                        total = partial + costs2[j]
                        if lo < total <= hi:
                            found.append((total, out, (e, entries2[j]), rule))
        return complete

    def combinations(self, s: State, r: int, lo: float, hi: float, upto: int
                     ) -> Iterator[tuple[float, tuple, tuple, float]]:
        """Children for the first ``upto`` arguments of rule ``r`` whose cost can fit in (lo, hi].

        Yields ``(cost so far, kids, path, missing)``: when a child state could not be
        extended as far as needed (a recursive type being built), ``missing`` > 0 is how
        far short it fell, and the prefix is only a marker.  With ``upto`` equal to the
        rule's arity the window (lo, hi] is enforced exactly.
        """
        rules = s.rules
        assert rules is not None  # made before any child of the state is visited
        rule = rules[r]
        arity = rule.arity
        full = upto == arity

        def rec(j: int, cost: float, kids: tuple, path: tuple) -> Iterator:
            if j == upto:
                yield cost, kids, path, 0.0
                return
            child, _, _ = self.transition(s, r, path)
            need = hi - cost - self.lower_rest(s, r, j)
            if need < 0:
                return
            got = self.ensure(child, need)
            if got < need:
                yield cost, kids, path, need - got
            if full and j == arity - 1:
                # The last argument: the window (lo, hi] decides, no further recursion.
                for key, (costs, entries) in child.groups.items():
                    b = bisect_right(costs, need + EPS)
                    a = bisect_right(costs, lo - cost - EPS)
                    if a >= b:
                        continue
                    p = path + (key,)
                    for i in range(a, b):
                        total = cost + costs[i]
                        if lo < total <= hi:
                            yield total, kids + (entries[i],), p, 0.0
                return
            for key, (costs, entries) in child.groups.items():
                b = bisect_right(costs, need + EPS)
                for i in range(b):
                    yield from rec(j + 1, cost + costs[i], kids + (entries[i],), path + (key,))

        return rec(0, rule.cost, (), ())

    # --- past a memory bound: programs built on the fly, not stored ------------------------
    def stream(self, s: State, lo: float, hi: float) -> Iterator[tuple[float, int, Entry]]:
        """``s``'s programs with cost in (lo, hi], as ``(cost, group, entry)``, storing nothing.

        Those up to ``s.bound`` come from the state's entries; the dearer ones are built from
        the children's (streamed in turn) and dropped after use, so memory stays what the
        table already holds while the search goes on in the same order of prior — at the cost
        of building each such subprogram again for every parent.  No state is extended.
        Bounds carry :data:`EPS` of slack; callers check their own totals exactly.
        """
        for key, (costs, entries) in s.groups.items():
            a = bisect_right(costs, lo - EPS)
            b = bisect_right(costs, hi + EPS)
            for i in range(a, b):
                yield costs[i], key, entries[i]
        if hi + EPS <= s.bound:
            return
        if s.rules is None:
            if hi < s.lower - EPS:
                return
            self._make_rules(s)
        rules = s.rules
        assert rules is not None
        above = max(lo - EPS, s.bound)  # what is stored is not built again
        seen = s.seen
        for r, rule in enumerate(rules):
            if rule.body is not None:
                base = rule.cost
                bindings = rule.body.bindings
                for cost, key, e in self.stream(rule.body, above - base, hi - base):
                    total = base + cost
                    if above < total <= hi + EPS:
                        out = self._group_of(s, bindings[key]) if s.n_vars else 0
                        if seen is None or (out, _behaviour(e, self.n_examples)) not in seen:
                            yield total, out, e
                continue
            for total, out, kids in self.stream_rule(s, r, above, hi):
                e = self.make_entry(s, rule, kids, total)
                if seen is None or (out, _behaviour(e, self.n_examples)) not in seen:
                    yield total, out, e

    def stream_rule(self, s: State, r: int, lo: float, hi: float) -> Iterator[tuple[float, int, tuple]]:
        """Rule ``r``'s programs at ``s`` with cost in (lo, hi + EPS], as ``(cost, group, kids)``,
        their children streamed (:meth:`stream`)."""
        rules = s.rules
        assert rules is not None
        rule = rules[r]
        arity = rule.arity
        if arity == 0:
            if lo < rule.cost <= hi + EPS:
                yield rule.cost, self.output(s, r, ()), ()
            return
        interrupt = self.interrupt

        def rec(j: int, cost: float, kids: tuple, path: tuple) -> Iterator[tuple[float, int, tuple]]:
            child, _, _ = self.transition(s, r, path)
            need = hi - cost - self.lower_rest(s, r, j)
            if need < 0:
                return
            last = j == arity - 1
            for c, key, e in self.stream(child, lo - cost if last else -1.0, need):
                if interrupt is not None:
                    self._ticks += 1
                    if not self._ticks & 1023:
                        interrupt()
                total = cost + c
                if last:
                    if lo < total <= hi + EPS:
                        yield total, self.output(s, r, path + (key,)), kids + (e,)
                else:
                    yield from rec(j + 1, total, kids + (e,), path + (key,))

        yield from rec(0, rule.cost, (), ())

    def band(self, lo: float, hi: float) -> Iterator[tuple[float, Rule, tuple]]:
        """The root's programs with cost in (lo, hi], streamed (not stored), unordered."""
        s = self.root
        for r, rule in enumerate(self.rules_of(s)):
            if rule.arity == 0:
                if lo < rule.cost <= hi:
                    yield rule.cost, rule, ()
                continue
            for cost, kids, _, missing in self.combinations(s, r, lo, hi, rule.arity):
                if missing == 0:
                    yield cost, rule, kids

    def wrap(self, body: Program) -> Program:
        """The root body under the request's leading λs."""
        for _ in range(self.n_lambdas):
            body = Abstraction(body)
        return body

    def size(self) -> int:
        """Entries stored over all states (the memory the table holds)."""
        return sum(len(s) for s in self.states.values())


def _variable_choice(choice: tuple) -> tuple:
    index, arg_types, sub = choice
    return index, -1, arg_types, sub


def _fits_every_specialisation(sub: Substitution, n: int) -> bool:
    seen = set()
    for v in range(n):
        t = sub.apply(TypeVariable(v))
        if not isinstance(t, TypeVariable) or t.index in seen:
            return False
        seen.add(t.index)
    return True


def _first(x: tuple) -> float:
    return x[0]


def _behaviour(e: Entry, n: int) -> tuple:
    from induct.search.closures import value_of

    return tuple(_freeze(value_of(e, i)) for i in range(n))


def _freeze(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    try:
        hash(v)
    except TypeError:
        return ("unhashable", id(v))
    if callable(v):
        return ("function", id(v))
    return (type(v).__name__, v) if isinstance(v, (bool, int, float)) else v


def _has_vars(t: Type) -> bool:
    if isinstance(t, TypeVariable):
        return True
    return any(_has_vars(a) for a in t.args)


def _bind(sub: Substitution, renaming: list[int], key: tuple, m: int) -> Substitution:
    """Apply a child's binding ``key`` (over its canonical variables) to the parent's ``sub``."""
    if not key:
        return sub
    fresh: dict[int, Type] = {}
    mapping: dict[int, Type] = {}
    for v in range(m):
        mapping[v] = TypeVariable(renaming[v])

    def translate(t: Type) -> Type:
        nonlocal sub
        if isinstance(t, TypeVariable):
            if t.index < m:
                return mapping[t.index]
            got = fresh.get(t.index)
            if got is None:
                got, sub = sub.fresh()
                fresh[t.index] = got
            return got
        if not t.args:
            return t
        return TypeConstructor(t.name, tuple(translate(a) for a in t.args))

    for v, t in enumerate(key):
        if isinstance(t, TypeVariable) and t.index == v:
            continue
        target = translate(t)
        sub = unify(TypeVariable(renaming[v]), target, sub)
    return sub


def _output_key(sub: Substitution, n: int) -> tuple:
    out = [sub.apply(TypeVariable(v)) for v in range(n)]
    order: list[int] = []
    for t in out:
        variables_in_order(t, order)
    mapping: dict[int, Type] = {}
    nxt = n
    for v in order:
        if v >= n:
            mapping[v] = TypeVariable(nxt)
            nxt += 1
    if mapping:
        out = [rename_variables(t, mapping) for t in out]
    return tuple(out)
