"""The fast MCMC engine: the grammar compiled to a finite PCFG over ground types.

When every choice point reachable from the request has a ground requested type and
environment (true of monomorphic DSLs such as the concepts grammar), the prior is a
probabilistic context-free grammar whose nonterminals are (context grammar, request,
environment).  :class:`CompiledGrammar` builds its rule tables once, with each rule's
normalised log-probability and its children's nonterminals, so that no type is unified
while sampling (DeepSynth compiles its DSLs the same way).

Program trees are hash-consed :class:`Node` objects that cache their number of choice
points, their log prior and, for subtrees outside any inner λ, their *column*: the value
on every example of the task.  A subtree-regeneration proposal therefore samples the new
subtree, rebuilds only the path from it to the root, and evaluates only nodes it has not
seen before; the likelihood is scored from the root's column.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any, Callable, Sequence, cast

import numpy as np

from induct.grammar.core import VARIABLE_PARENT, Context, ROOT
from induct.grammar.protocol import Prior
from induct.programs import FAILED, Abstraction, Application, Index, Primitive, Program
from induct.programs import limits as _limits
from induct.programs.evaluation import Lazy
from induct.search.metropolis import metropolis_hastings
from induct.types import Substitution, Type, arguments_of, free_type_variables, return_of

__all__ = ["CompiledGrammar", "NotCompilable", "Node", "CompiledKernel", "root_environment"]

NEG_INF = -math.inf


class NotCompilable(Exception):
    """The grammar reaches a polymorphic (non-ground) or too large a set of choice points."""


class Reject(Exception):
    """A proposal the target gives probability zero (too deep, or a dead end)."""


def root_environment(request: Type) -> tuple[tuple[Type, ...], Type]:
    """The environment (innermost variable first) and return type under the request's λs."""
    args = arguments_of(request)
    return tuple(reversed(args)), return_of(request)


class Rule:
    """One candidate at one nonterminal, with what evaluation needs."""

    __slots__ = ("id", "nonterminal", "log_probability", "head", "production", "children", "lambdas",
                 "kind", "function", "variable", "leaf")

    def __init__(self, rid: int, nonterminal: int, log_probability: float, head: Program, production: int,
                 children: tuple[int, ...], lambdas: tuple[int, ...]):
        self.id = rid
        self.nonterminal = nonterminal
        self.log_probability = log_probability
        self.head = head
        self.production = production
        self.children = children
        self.lambdas = lambdas
        self.kind = ""
        self.function: Any = None
        self.variable = -1
        self.leaf: Node | None = None


class CompiledGrammar:
    """The rule tables of a (contextual) grammar at one request type.

    Raises:
        NotCompilable: when some reachable choice point has a non-ground type, or there are
            more than ``max_nonterminals`` of them.
    """

    def __init__(self, grammar: Prior, request: Type, max_nonterminals: int = 2000):
        self.grammar = grammar
        self.request = request
        env, ret = root_environment(request)
        if free_type_variables(request):
            raise NotCompilable("the request type is polymorphic")
        self.root_env = env
        self.keys: list[tuple] = []
        self.requests: list[Type] = []
        self.environments: list[tuple[Type, ...]] = []
        self.rules: list[list[Rule]] = []
        self.cumulative: list[list[float]] = []
        self.all_rules: list[Rule] = []
        index: dict[tuple, int] = {}
        pending: list[tuple[int, Context]] = []

        def nonterminal(req: Type, environment: tuple[Type, ...], ctx: Context) -> int:
            key = (id(grammar.grammar_for(ctx)), req, environment)
            nt = index.get(key)
            if nt is None:
                if len(self.keys) >= max_nonterminals:
                    raise NotCompilable(f"more than {max_nonterminals} distinct choice points")
                nt = index[key] = len(self.keys)
                self.keys.append(key)
                self.requests.append(req)
                self.environments.append(environment)
                self.rules.append([])
                self.cumulative.append([])
                pending.append((nt, ctx))
            return nt

        self.root = nonterminal(ret, env, ROOT)
        while pending:
            nt, ctx = pending.pop()
            req, environment = self.requests[nt], self.environments[nt]
            rules = []
            for c in grammar.candidates(req, Substitution(), environment, ctx):
                children, lambdas = [], []
                parent = c.production if c.production >= 0 else VARIABLE_PARENT
                for k, t in enumerate(c.argument_types):
                    t = c.substitution.apply(t)
                    if free_type_variables(t):
                        raise NotCompilable(f"a choice point of {req} has the polymorphic argument type {t}")
                    inner_env, inner_ret = root_environment(t)
                    children.append(nonterminal(inner_ret, inner_env + environment, (parent, k)))
                    lambdas.append(len(inner_env))
                rule = Rule(len(self.all_rules), nt, c.log_probability, c.program, c.production,
                            tuple(children), tuple(lambdas))
                self.all_rules.append(rule)
                rules.append(rule)
            self.rules[nt] = rules
            total, cumulative = 0.0, []
            for r in rules:
                total += math.exp(r.log_probability)
                cumulative.append(total)
            if cumulative:
                cumulative[-1] = 2.0  # guards against rounding: every u in [0, 1) finds a rule
            self.cumulative[nt] = cumulative


class Node:
    """A hash-consed program tree node (a choice point with its arguments).

    Attributes:
        uid: unique id (hash-consing key of parents).
        rule: the :class:`Rule` chosen here.
        children: argument nodes (bodies under the argument's λs).
        size: number of choice points in this subtree.
        log_prior: log-probability of this subtree given its nonterminal.
        column: the value on each example (None under an inner λ).
        failed: whether some entry of the column is FAILED.
        log_likelihood: cached score when this node has been a root.
    """

    __slots__ = ("uid", "rule", "children", "size", "log_prior", "column", "failed", "shash",
                 "log_likelihood", "_program")

    uid: int
    rule: Rule
    children: tuple[Node, ...]
    size: int
    log_prior: float
    column: list[Any] | None
    failed: bool
    shash: int
    log_likelihood: float | None
    _program: Program | None

    def __hash__(self) -> int:
        return self.shash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Node) or self.shash != other.shash or self.rule.id != other.rule.id:
            return False
        return all(a == b for a, b in zip(self.children, other.children))

    def program(self) -> Program:
        """This subtree as an induct Program (λs restored around arguments)."""
        p = self._program
        if p is None:
            p = self.rule.head
            for child, n in zip(self.children, self.rule.lambdas):
                arg = child.program()
                for _ in range(n):
                    arg = Abstraction(arg)
                p = Application(p, arg)
            self._program = p
        return p


class CompiledKernel:
    """Subtree-regeneration Metropolis–Hastings on compiled grammar tables, for one task.

    Args:
        compiled: the grammar's tables at the task's request.
        library: gives primitives their meaning.
        inputs: each example's inputs.
        scorer: outputs -> log likelihood (from a likelihood model's ``output_scorer``).
        max_depth: the bound on nested choice points; the target is the prior restricted to it.
        rng: the source of randomness.
        limits: evaluation bounds per example.
        hastings: include the proposal ratio (False only to demonstrate the bias without it).
        max_nodes: the hash-consing table is cleared when it grows past this many nodes.
    """

    def __init__(self, compiled: CompiledGrammar, library: Any, inputs: Sequence[Sequence[Any]],
                 scorer: Callable[[Sequence[Any]], float], max_depth: int, rng: np.random.Generator,
                 limits: _limits.Limits = _limits.DEFAULT_LIMITS, hastings: bool = True,
                 max_nodes: int = 300_000):
        self.g = compiled
        self.library = library
        self.envs = [tuple(reversed(tuple(x))) for x in inputs]
        self.n_examples = len(self.envs)
        self.scorer = scorer
        self.max_depth = max_depth
        self.rng = rng
        self.limits = limits
        self.hastings = hastings
        self.max_nodes = max_nodes
        self.table: dict[Any, Node] = {}
        self._next_uid = 0
        self._buffer: list[float] = []
        self._position = 0
        self._prepare_rules()

    # --- evaluation ---------------------------------------------------------------------
    def _prepare_rules(self) -> None:
        root_env = self.g.root_env
        for r in self.g.all_rules:
            at_root = self.g.environments[r.nonterminal] == root_env
            head = r.head
            if not at_root:
                r.kind = "inner"
            elif isinstance(head, Index) and not r.children:
                r.kind, r.variable = "variable", head.i
            elif isinstance(head, Primitive) and self.library.arity(head.name) == len(r.children) \
                    and not any(r.lambdas):
                value = self.library.value(head.name)
                if not r.children:
                    r.kind = "closure" if isinstance(value, Lazy) else "constant"
                else:
                    r.kind = "lazy" if isinstance(value, Lazy) else "direct"
                r.function = value.function if isinstance(value, Lazy) else value
            else:
                r.kind = "closure"
            if not r.children:
                r.leaf = self._make(r, ())

    def _column(self, rule: Rule, children: tuple[Node, ...], node: Node) -> tuple[list[Any] | None, bool]:
        kind = rule.kind
        if kind == "direct":
            fn = rule.function
            # A direct rule has no λs and sits at the root environment, so every argument
            # has a column.
            columns = cast("list[list[Any]]", [c.column for c in children])
            if not any(c.failed for c in children):
                _limits.start(self.limits)
                try:
                    if len(columns) == 1:
                        return list(map(fn, columns[0])), False
                    if len(columns) == 2:
                        return list(map(fn, columns[0], columns[1])), False
                    return list(map(fn, *columns)), False
                except Exception:
                    pass
            return self._elementwise(fn, columns, False)
        if kind == "variable":
            j = rule.variable
            return [env[j] for env in self.envs], False
        if kind == "constant":
            return [rule.function] * self.n_examples, False
        if kind == "lazy":
            return self._elementwise(rule.function, [c.column for c in children], True)
        if kind == "inner":
            return None, False
        return self._run_closure(node)

    def _elementwise(self, fn: Any, columns: list, lazy: bool) -> tuple[list[Any], bool]:
        out, failed = [], False
        for values in zip(*columns):
            _limits.start(self.limits)
            try:
                if lazy:
                    v = fn(*[(lambda v=v: v) for v in values])
                elif any(v is FAILED for v in values):
                    v = FAILED
                else:
                    v = fn(*values)
            except Exception:
                v = FAILED
            if v is FAILED:
                failed = True
            out.append(v)
        return out, failed

    def _run_closure(self, node: Node) -> tuple[list[Any], bool]:
        try:
            compiled = self.library.compile(node.program())
        except RecursionError:
            return [FAILED] * self.n_examples, True
        out, failed = [], False
        for env in self.envs:
            _limits.start(self.limits)
            try:
                v = compiled(env)
            except Exception:
                v = FAILED
            if v is FAILED:
                failed = True
            out.append(v)
        return out, failed

    # --- trees --------------------------------------------------------------------------
    def _make(self, rule: Rule, children: tuple[Node, ...]) -> Node:
        if not children:
            key: Any = rule.id
        elif len(children) == 1:
            key = (rule.id, children[0].uid)
        elif len(children) == 2:
            key = (rule.id, children[0].uid, children[1].uid)
        else:
            key = (rule.id,) + tuple(c.uid for c in children)
        node = self.table.get(key)
        if node is not None:
            return node
        if len(self.table) >= self.max_nodes:
            self.table.clear()
        node = Node()
        node.uid = self._next_uid
        self._next_uid += 1
        node.rule = rule
        node.children = children
        size, log_prior = 1, rule.log_probability
        for c in children:
            size += c.size
            log_prior += c.log_prior
        node.size = size
        node.log_prior = log_prior
        node.shash = hash((rule.id,) + tuple(c.shash for c in children))
        node.log_likelihood = None
        node._program = None
        node.column, node.failed = self._column(rule, children, node)
        self.table[key] = node
        return node

    def _uniform(self) -> float:
        i = self._position
        if i >= len(self._buffer):
            self._buffer = self.rng.random(4096).tolist()
            i = 0
        self._position = i + 1
        return self._buffer[i]

    def _sample(self, nt: int, budget: int) -> Node:
        if budget <= 0:
            raise Reject
        rules = self.g.rules[nt]
        if len(rules) == 1:
            rule = rules[0]
        elif rules:
            rule = rules[bisect_right(self.g.cumulative[nt], self._uniform())]
        else:
            raise Reject
        if rule.leaf is not None:
            return rule.leaf
        budget -= 1
        return self._make(rule, tuple([self._sample(c, budget) for c in rule.children]))

    def initial(self, max_tries: int = 1000) -> Node:
        """A program drawn from the prior restricted to the depth bound."""
        for _ in range(max_tries):
            try:
                return self._sample(self.g.root, self.max_depth)
            except (Reject, RecursionError):
                continue
        raise Reject(f"no program of depth <= {self.max_depth} found in {max_tries} draws")

    def program_of(self, root: Node) -> Program:
        """The closed program of a root node (the request's λs around it)."""
        p = root.program()
        for _ in self.g.root_env:
            p = Abstraction(p)
        return p

    def log_likelihood(self, root: Node) -> float:
        ll = root.log_likelihood
        if ll is None:
            # A root sits at the request's environment, so it has a column.
            ll = root.log_likelihood = self.scorer(cast("list[Any]", root.column))
        return ll

    # --- Metropolis–Hastings ------------------------------------------------------------
    def run(self, state: Node, steps: int, temperature: float, visit: Callable[[Node, int], None] | None) -> tuple[Node, int]:
        """``steps`` MH steps at ``temperature`` from ``state``; returns (state, accepted).

        ``visit(node, n)`` is told each state the chain holds and for how many steps (run
        lengths, so that counting the samples costs one call per change, not per step).
        """
        return metropolis_hastings(self._propose, state, self.log_likelihood(state), steps, temperature,
                                   self._uniform, visit)

    def _propose(self, current: Node) -> tuple[Node, float, float] | None:
        """Redraw the subtree at a uniformly chosen choice point from its nonterminal."""
        n = current.size
        k = int(self._uniform() * n)
        # Walk down to the k-th choice point in pre-order, remembering the path.
        node, path, level = current, [], 1
        while k:
            k -= 1
            for i, child in enumerate(node.children):
                if k < child.size:
                    path.append((node, i))
                    node, level = child, level + 1
                    break
                k -= child.size
        try:
            new = self._sample(node.rule.nonterminal, self.max_depth - level + 1)
        except (Reject, RecursionError):
            return None
        if new is node:
            return None
        old, sub = node, new
        make = self._make
        for parent, i in reversed(path):
            children = parent.children
            new = make(parent.rule, children[:i] + (new,) + children[i + 1:])
        ll_new = new.log_likelihood
        if ll_new is None:
            ll_new = self.log_likelihood(new)
        # log q(current | proposal) − log q(proposal | current), with
        # q(p' | p) = P(new subtree | its nonterminal) / |choice points of p|.
        log_q = (old.log_prior - math.log(new.size)) - (sub.log_prior - math.log(n)) if self.hastings else 0.0
        return new, ll_new, log_q

