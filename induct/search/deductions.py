"""Deductions: when a task's examples have a known shape, split it into a search for a hole.

Some programs are hard to reach whole and easy in parts.  ``λxs. fold xs empty (λx acc.
if (eq? (mod x 3) 0) (cons x acc) acc)`` costs some 30 nats under a plain list grammar,
out of reach of a search of seconds; yet when every example's output is the input with
some elements left out, the examples themselves say which elements the predicate must
accept, and the predicate alone (about 12 nats) is a small search over its own examples.
This is the deduction step of λ² (Feser, Chaudhuri and Dillig, PLDI 2015).

A :class:`Deduction` looks at a task's examples and, when they have its shape, returns
:class:`Subproblem` s: a task for the missing function (the *hole*) and how to build the
whole program around a solution of it.  The whole program is a :class:`Template`, an
s-expression parsed once, so a deduction is not tied to one DSL: it applies to every
grammar that has the template's primitives and whose task types fit.  The standard
deductions here need a ``list`` type and the list primitives (``map``, ``fold``, ``cons``
...), so they serve DreamCoder's list domain and its text domain (strings are
``list(char)``) alike, and any user DSL that declares those primitives.

A domain says which deductions its search uses (``Domain.deductions``); the search runs
them through :func:`induct.search.decompose.search_with_decompositions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable, Protocol, Sequence, runtime_checkable

from induct.errors import InductError
from induct.programs import Abstraction, Application, Index, Primitive, Program, application, parse_program
from induct.programs.transform import beta_normal_form
from induct.tasks import Example, Task
from induct.types import TypeConstructor, arguments_of, arrow, return_of, tbool, tint

__all__ = ["Subproblem", "Deduction", "Template", "STANDARD_DEDUCTIONS", "Elementwise", "Selection",
           "Positional", "Gather", "Slice", "Concatenation", "CaseSplit", "call_hole", "hole_examples", "hole_task",
           "list_arguments"]


@dataclass(frozen=True)
class Subproblem:
    """A hole to search for and the whole program around it (or several holes).

    Attributes:
        task: the hole's task: its request type and its examples, deduced from the task's
            (None when the deduction left nothing to search).
        assemble: a closed program for ``task`` (one for each of ``task`` and ``more``, in
            order) -> the whole (closed, η-long) program.
        label: what the hole is (``"map"``, ``"filter"`` ...), also in the hole task's name.
        more: further holes, each searched on its own examples; the whole program is built
            from a solution of every hole (a part of the output each, say).
        deduction: the name of the deduction that made it (set by the search); its holes
            are split by the other deductions only.
    """

    task: Task | None
    assemble: Callable[..., Program]
    label: str
    more: tuple[Task, ...] = ()
    deduction: str = ""

    @property
    def holes(self) -> tuple[Task, ...]:
        """Every hole's task, ``task`` first (none when ``task`` is None: ``assemble()``
        builds the whole program with nothing to search)."""
        return () if self.task is None else (self.task, *self.more)


@runtime_checkable
class Deduction(Protocol):
    """Turns a task into subproblems when its examples have the right shape (else none).

    Attributes:
        name: what the deduction is called in statistics and reports.
        last_resort: its holes are searched only when the ordinary search failed, on the
            share of the budget kept for them.
        weight: each of its holes gets ``weight`` times the share of a weight-1 hole.
    """

    @property
    def name(self) -> str: ...

    @property
    def last_resort(self) -> bool: ...

    @property
    def weight(self) -> float: ...

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]: ...


# --- templates -----------------------------------------------------------------------------

_HOLE, _LIST, _ARGS = "?hole", "?xs", "?args"


class Template:
    """The whole program around a hole, as an s-expression over the DSL's primitives.

    The template is the body under the task's λs.  Three names are placeholders:
    ``?xs`` is the task's list argument the deduction found; ``?args`` stands for all of
    the task's arguments, in order; ``(?hole a b ...)`` applies the hole's solution to its
    arguments (β-reduced, so the hole's λs become them).  ``$i`` are the template's own
    λ-bound variables.  For example the map deduction's template is
    ``(map (lambda (?hole $0 ?args)) ?xs)``.
    """

    def __init__(self, text: str):
        self.text = text
        self.program = parse_program(text)
        self.primitives = frozenset(_primitive_names(self.program)) - {_HOLE, _LIST, _ARGS}

    def fits(self, library: Any) -> bool:
        """True when ``library`` has every primitive the template uses."""
        return all(name in library for name in self.primitives)

    def assemble(self, n: int, k: int) -> Callable[[Program], Program]:
        """A function from the hole's solution to the whole closed program of a task with
        ``n`` arguments whose list argument is the ``k``-th."""

        def build(hole: Program) -> Program:
            body = _fill(self.program, 0, hole, n, k)
            for _ in range(n):
                body = Abstraction(body)
            return body

        return build

    def __repr__(self) -> str:
        return f"Template({self.text!r})"

    def __reduce__(self):
        return (Template, (self.text,))


def _primitive_names(p: Program) -> Iterable[str]:
    if isinstance(p, Primitive):
        yield p.name
    elif isinstance(p, Abstraction):
        yield from _primitive_names(p.body)
    elif isinstance(p, Application):
        yield from _primitive_names(p.f)
        yield from _primitive_names(p.x)


def _spine(p: Program) -> tuple[Program, list[Program]]:
    args: list[Program] = []
    while isinstance(p, Application):
        args.append(p.x)
        p = p.f
    return p, args[::-1]


def _fill(p: Program, depth: int, hole: Program, n: int, k: int) -> Program:
    """The template ``p`` (under ``depth`` of its own λs) with its placeholders filled."""
    if isinstance(p, Abstraction):
        return Abstraction(_fill(p.body, depth + 1, hole, n, k))
    if isinstance(p, Primitive):
        if p.name == _LIST:
            return Index(depth + n - 1 - k)
        if p.name in (_HOLE, _ARGS):
            raise InductError(f"template placeholder {p.name} used outside an application")
        return p
    if isinstance(p, Application):
        head, args = _spine(p)
        filled: list[Program] = []
        for a in args:
            if isinstance(a, Primitive) and a.name == _ARGS:
                filled.extend(Index(depth + n - 1 - i) for i in range(n))
            else:
                filled.append(_fill(a, depth, hole, n, k))
        if isinstance(head, Primitive) and head.name == _HOLE:
            return call_hole(hole, filled)
        return application(_fill(head, depth, hole, n, k), *filled)
    return p


# --- helpers for writing deductions ----------------------------------------------------------

def call_hole(hole: Program, arguments: Sequence[Program]) -> Program:
    """``hole`` applied to ``arguments`` and β-reduced (the hole's λs become the arguments)."""
    return beta_normal_form(application(hole, *arguments), inline=False)


def list_arguments(task: Task) -> list[tuple[int, Any]]:
    """``(position, element type)`` of each of the task's list-typed arguments."""
    found = []
    for k, t in enumerate(arguments_of(task.request_type)):
        if isinstance(t, TypeConstructor) and t.name == "list" and len(t.args) == 1:
            found.append((k, t.args[0]))
    return found


def list_output(task: Task) -> Any:
    """The element type of the task's output when it is a list (else None)."""
    out = return_of(task.request_type)
    return out.args[0] if isinstance(out, TypeConstructor) and out.name == "list" and len(out.args) == 1 else None


def hole_examples(rows: Iterable[tuple[tuple, Any]]) -> tuple[Example, ...] | None:
    """Examples from ``(inputs, output)`` rows, once each; None if two rows disagree."""
    seen: dict[str, Any] = {}
    examples = []
    for inputs, output in rows:
        key = repr(inputs)
        if key in seen:
            if seen[key] != output:
                return None
            continue
        seen[key] = output
        examples.append(Example(tuple(inputs), output))
    return tuple(examples) if examples else None


def hole_task(task: Task, label: str, element: Any, output: Any,
              examples: tuple[Example, ...]) -> Task:
    """The hole's task: ``element -> (the task's arguments) -> output`` (with ``element``
    None, a function of the task's arguments alone)."""
    request = arrow(*([] if element is None else [element]), *arguments_of(task.request_type), output)
    return Task(f"{task.name} [{label}]", request, examples, task.split, {"decomposed_from": task.name})


# --- the standard list-shaped deductions -----------------------------------------------------

class _ListDeduction:
    """A deduction over the task's list arguments, with one or two templates."""

    name: ClassVar[str]
    last_resort: ClassVar[bool] = False
    weight: ClassVar[float] = 1.0
    templates: ClassVar[tuple[Template, ...]]

    def applies(self, task: Task, library: Any) -> Any:
        """The output's element type when the templates fit the library and the task (else None)."""
        if not all(t.fits(library) for t in self.templates):
            return None
        return list_output(task)

    def same_type_lists(self, task: Task, library: Any) -> Iterable[tuple[int, int, Any]]:
        """``(n, k, element)`` for each list argument ``k`` (of ``n``) whose element type is the
        output's, when the templates fit and every example's output is a list."""
        out = self.applies(task, library)
        if out is None or not all(isinstance(e.output, list) for e in task.examples):
            return
        n = len(arguments_of(task.request_type))
        for k, element in list_arguments(task):
            if element == out:
                yield n, k, element

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class Elementwise(_ListDeduction):
    """``map f xs``: every output is a list as long as the list argument ``xs``, and equal
    elements (with the same other arguments) go to equal outputs.  The hole is ``f``, as a
    function of the element and of the task's arguments."""

    name = "map"
    templates = (Template("(map (lambda (?hole $0 ?args)) ?xs)"),)

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        out = self.applies(task, library)
        if out is None:
            return
        n = len(arguments_of(task.request_type))
        for k, element in list_arguments(task):
            if not all(isinstance(e.output, list) and len(e.output) == len(e.inputs[k]) for e in task.examples):
                continue
            if all(e.output == e.inputs[k] for e in task.examples):
                continue  # the identity: nothing to deduce
            rows = [((x, *e.inputs), y) for e in task.examples for x, y in zip(e.inputs[k], e.output)]
            examples = hole_examples(rows)
            if examples is None:
                continue
            yield Subproblem(hole_task(task, "map", element, out, examples), self.templates[0].assemble(n, k), "map")


class Selection(_ListDeduction):
    """``fold xs empty (λx acc. if (p x) (cons x acc) acc)``, a filter written with the
    list primitives, and its complement (the branches swapped): every output is the list
    argument with some elements left out, in order, and equal elements are all kept or all
    dropped.  The hole is ``p``; its examples say which elements are kept (or dropped)."""

    name = "filter"
    templates = (Template("(fold ?xs empty (lambda (lambda (if (?hole $1 ?args) (cons $1 $0) $0))))"),
                 Template("(fold ?xs empty (lambda (lambda (if (?hole $1 ?args) $0 (cons $1 $0)))))"))

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        for n, k, element in self.same_type_lists(task, library):
            if not all(e.output == [x for x in e.inputs[k] if x in e.output] for e in task.examples):
                continue
            if all(e.output == e.inputs[k] for e in task.examples) or not any(e.output for e in task.examples):
                continue  # keeps everything or nothing: no predicate to learn
            rows = [((x, *e.inputs), x in e.output) for e in task.examples for x in e.inputs[k]]
            yield from _keep_and_remove(task, ("filter", "remove"), element, rows, self.templates, n, k)


class Positional(_ListDeduction):
    """``fold (range (length xs)) empty (λi acc. if (p i) (cons (index i xs) acc) acc)`` and
    its complement: every output is the list argument with the elements at some *positions*
    left out, where equal values are not all kept or all dropped (else :class:`Selection`
    applies).  The hole is ``p``, a function of the position and of the task's arguments; its
    examples come from the examples whose kept positions are certain (one way to align the
    output with ``xs``).  A last resort: many such tasks (tail, take, drop, slices) have short
    whole programs that the search finds; the fold over positions is for those it does not."""

    name = "positions"
    last_resort = True
    templates = (
        Template("(fold (range (length ?xs)) empty (lambda (lambda (if (?hole $1 ?args) (cons (index $1 ?xs) $0) $0))))"),
        Template("(fold (range (length ?xs)) empty (lambda (lambda (if (?hole $1 ?args) $0 (cons (index $1 ?xs) $0)))))"))

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        for n, k, element in self.same_type_lists(task, library):
            if all(e.output == [x for x in e.inputs[k] if x in e.output] for e in task.examples):
                continue  # a selection of values: Selection's
            kept = [_kept_positions(e.inputs[k], e.output) for e in task.examples]
            if any(positions is False for positions in kept):
                continue  # some output is no subsequence of xs
            known = [(e, positions) for e, positions in zip(task.examples, kept) if isinstance(positions, set)]
            if not known:
                continue
            rows = [((i, *e.inputs), i in positions) for e, positions in known for i in range(len(e.inputs[k]))]
            yield from _keep_and_remove(task, ("positions", "remove positions"), tint, rows, self.templates, n, k)


class Gather(_ListDeduction):
    """``map (λi. index (g i xs) xs) (range (length xs))``: every output is as long as the
    list argument ``xs`` and made of its elements, rearranged (a rotation, a reversal, a
    swap).  The hole is ``g``, the position in ``xs`` that output position ``i`` takes its
    element from, as a function of ``i`` and of the task's arguments; its examples come from
    the output positions whose element occurs once in ``xs``.  A last resort, with twice the
    usual share: the hole is position arithmetic (``mod (- i k) (length xs)`` for a rotation)
    that a grammar conditioned on the whole task does not favour, and the share comes out of
    the budget of few tasks, only those shaped like a rearrangement."""

    name = "gather"
    last_resort = True
    weight = 2.0
    templates = (Template("(map (lambda (index (?hole $0 ?args) ?xs)) (range (length ?xs)))"),)

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        for n, k, element in self.same_type_lists(task, library):
            if not all(len(e.output) == len(e.inputs[k]) for e in task.examples):
                continue
            if all(e.output == e.inputs[k] for e in task.examples):
                continue  # the identity: nothing to deduce
            rows = []
            for e in task.examples:
                xs = e.inputs[k]
                if sorted(map(repr, e.output)) != sorted(map(repr, xs)):
                    break  # not a rearrangement of xs
                for i, y in enumerate(e.output):
                    if xs.count(y) == 1:
                        rows.append(((i, *e.inputs), xs.index(y)))
            else:
                examples = hole_examples(rows)
                if examples is not None:
                    yield Subproblem(hole_task(task, "gather", tint, tint, examples),
                                     self.templates[0].assemble(n, k), "gather")


class Slice(_ListDeduction):
    """``xs[s : s + l]``: every output is a contiguous, non-empty run of the list argument
    ``xs``, so the examples give, for each, where it starts and how long it is (or how many
    elements it leaves at the end).  Two holes, each a function of the task's arguments to an
    integer: the start ``s`` and the length ``l`` (``map (λi. index (+ i s) xs) (range l)``),
    or the start and the count ``r`` left at the end (the length ``(- (- (length xs) s) r)``).
    A run that occurs more than once in ``xs`` starts at its first occurrence (and, as a second
    subproblem, at its last).  This is FlashFill's substring at positions and a list's take,
    drop and slice; the integers are often constants or the length of a part that another
    function marks.  A last resort: short slices (``cdr``, ``take 2``) the whole-program
    search finds, while a predicate on positions needs comparisons a DSL may lack."""

    name = "slice"
    last_resort = True
    templates = (Template("(map (lambda (index (+ $0 $0) ?xs)) (range (- (length ?xs) (length ?xs))))"),)

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        for n, k, _ in self.same_type_lists(task, library):
            pairs = [(e.inputs[k], e.output) for e in task.examples]
            if not all(ys and len(ys) < len(xs) for xs, ys in pairs):
                continue  # an empty run has no start; the whole list is no slice
            runs = [_occurrences(xs, ys) for xs, ys in pairs]
            if not all(runs):
                continue
            inputs = [e.inputs for e in task.examples]
            length = _int_hole(task, "slice length", ((i, len(ys)) for i, (_, ys) in zip(inputs, pairs)))
            seen = set()
            for starts in ([r[0] for r in runs], [r[-1] for r in runs]):
                if tuple(starts) in seen:
                    continue
                seen.add(tuple(starts))
                start = _int_hole(task, "slice start", zip(inputs, starts))
                if start is None:
                    continue
                rest = _int_hole(task, "slice rest", ((i, len(xs) - s - len(ys))
                                                      for i, s, (xs, ys) in zip(inputs, starts, pairs)))
                if length is not None:
                    yield Subproblem(start, _slice(n, k, to_end=False), "slice", (length,))
                if rest is not None:
                    yield Subproblem(start, _slice(n, k, to_end=True), "slice to end", (rest,))


def _int_hole(task: Task, label: str, rows: Iterable[tuple[tuple, int]]) -> Task | None:
    """A hole from the task's arguments to an integer, from ``(inputs, integer)`` rows."""
    examples = hole_examples(rows)
    return None if examples is None else hole_task(task, label, None, tint, examples)


def _occurrences(xs: list, ys: list) -> list[int]:
    """Every position where ``ys`` occurs in ``xs`` as a contiguous run."""
    m = len(ys)
    return [i for i in range(len(xs) - m + 1) if xs[i:i + m] == ys]


def _slice(n: int, k: int, to_end: bool) -> Callable[..., Program]:
    """The whole program from the start hole's solution and the length's (or the rest's)."""
    plus, minus, length = Primitive("+"), Primitive("-"), Primitive("length")

    def build(start: Program, size: Program) -> Program:
        outer = [Index(n - 1 - i) for i in range(n)]  # the task's arguments under its λs
        inner = [Index(n - i) for i in range(n)]  # ... and under the map's λ
        at = application(Primitive("index"), application(plus, Index(0), call_hole(start, inner)), inner[k])
        count = call_hole(size, outer)
        if to_end:
            count = application(minus, application(minus, application(length, outer[k]), call_hole(start, outer)),
                                count)
        body: Program = application(Primitive("map"), Abstraction(at), application(Primitive("range"), count))
        for _ in range(n):
            body = Abstraction(body)
        return body

    return build


def _keep_and_remove(task: Task, labels: tuple[str, str], element: Any, rows: list, templates: tuple[Template, ...],
                     n: int, k: int) -> Iterable[Subproblem]:
    """Two holes from ``(inputs, kept)`` rows: the predicate that keeps (labelled
    ``labels[0]``, built by ``templates[0]``) and its complement (``templates[1]``)."""
    for keep, label, template in zip((True, False), labels, templates):
        examples = hole_examples([(inputs, kept == keep) for inputs, kept in rows])
        if examples is not None:
            yield Subproblem(hole_task(task, label, element, tbool, examples), template.assemble(n, k), label)


def _kept_positions(xs: list, ys: list) -> set[int] | bool | None:
    """The positions of ``xs`` that ``ys`` keeps: False if ``ys`` is no subsequence of ``xs``,
    None if it is one in more than one way."""
    first, j = [], 0
    for i, x in enumerate(xs):
        if j < len(ys) and x == ys[j]:
            first.append(i)
            j += 1
    if j < len(ys):
        return False
    last, j = [], len(ys) - 1
    for i in range(len(xs) - 1, -1, -1):
        if j >= 0 and xs[i] == ys[j]:
            last.append(i)
            j -= 1
    # Every alignment lies between the leftmost and the rightmost one: equal, it is the only one.
    return set(first) if first == last[::-1] else None


class Concatenation:
    """``A ++ d1 ++ B ++ d2 ++ ...``: every output holds the same constants in the same order,
    so each output splits at them into parts, and each part is a hole of its own (a function
    of the task's arguments), searched on its own examples: the concatenation rule of
    FlashFill (Gulwani, POPL 2011), for any list type.

    A constant is a task-bound literal of the output's type (text's ``STRING``) or an
    element as a one-element list (a task-bound one such as the lists' ``K``, or a nullary
    primitive: ``SPACE``, ``0``), when every output holds it equally often.  An argument of
    the task, of the output's type (or of its element type, as a one-element list), is cut
    at too, wherever every example's output holds that example's argument equally often:
    FlashFill's concatenation of input fields (``name ++ ", " ++ city``, ``xs ++ [k] ++ ys``).
    Up to four splits are tried: at every such constant and argument (read left to right,
    the longest first at each place), at the constants alone, at the arguments alone, and
    at the one that covers the most of the outputs.
    A part that takes two values, each spelled by the constants or empty, is searched as a
    test between them (see :func:`_choice`).
    Parts empty in every example are left out (when every part is, the first is kept, a
    hole for ``empty``); the whole program joins the rest with ``fold`` (a right fold with
    ``cons`` appends).  A last resort: it writes as a join what a task's own search might
    find shorter, and it serves the tasks that search fails on."""

    name = "concat"
    last_resort = True
    weight = 1.0

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        element = list_output(task)
        if element is None or not all(name in library for name in ("fold", "cons", "empty")):
            return
        outputs = [e.output for e in task.examples]
        if not outputs or not all(isinstance(y, list) for y in outputs):
            return
        out = return_of(task.request_type)
        fixed_values = list(_delimiters(library, element, out))
        constants = [(program, [value] * len(outputs)) for program, value in fixed_values]
        # Only what every output holds equally often can cut all outputs alike.
        constants = [c for c in constants if _held_alike(outputs, c[1])]
        arguments = [c for c in _argument_delimiters(task, element, out) if _held_alike(outputs, c[1])]
        cuts = constants + arguments
        splits = [_split(outputs, cuts)]
        if constants and arguments:  # and at the constants alone, as if no argument were there,
            splits.append(_split(outputs, constants))
            # and at the arguments alone: a constant that some outputs also hold inside an
            # argument, or after it in some examples only, cuts those outputs unlike the rest
            splits.append(_split(outputs, arguments))
        if cuts:  # and at the one covering the most (held alike, it cuts every output)
            best = max(cuts, key=lambda c: len(c[1][0]) * _count(outputs[0], c[1][0]))
            splits.append(_split(outputs, [best]))
        n = len(arguments_of(task.request_type))
        seen = set()
        for split in splits:
            if split is None or repr(split[1]) in seen:
                continue
            seen.add(repr(split[1]))
            parts, delimiters = split
            # A part empty in every example is left out; if all are, the first stays (``empty``),
            # unless the output is one cut alone (an argument, or a constant).
            kept = [j for j in range(len(parts[0])) if any(p[j] for p in parts)]
            if not kept:
                if len(delimiters) < 2:
                    continue
                kept = [0]
            # A part that is the same in every example and that the constants spell is written
            # out (FlashFill's constant string), not searched for.
            fixed = {j: c for j in kept if all(p[j] == parts[0][j] for p in parts)
                     and (c := _spelled(parts[0][j], fixed_values)) is not None}
            searched = [j for j in kept if j not in fixed]
            label = "concat " + " ".join(map(str, delimiters))
            choices = {j: choice for j in searched
                       if (choice := _choice(task, [p[j] for p in parts], fixed_values, library,
                                             f"{label} {j} test")) is not None}
            holes = [choices[j][0] if j in choices else
                     Task(f"{task.name} [{label} {j}]", task.request_type,
                          tuple(Example(e.inputs, p[j]) for e, p in zip(task.examples, parts)), task.split,
                          {"decomposed_from": task.name}) for j in searched]
            join = _concatenation(delimiters, searched, n, fixed, {j: ch[1:] for j, ch in choices.items()})
            yield Subproblem(holes[0] if holes else None, join, label, tuple(holes[1:]))

    def __repr__(self) -> str:
        return "Concatenation()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash("Concatenation")


def _delimiters(library: Any, element: Any, output: Any) -> Iterable[tuple[Program, list]]:
    """``(program, value)`` of each constant list a concatenation may split at: the task's
    bound constants of the output's type, those of the element type and the nullary
    primitives of the element type (each as a one-element list)."""
    families = set(getattr(library, "task_literals", {}) or {})
    cons, empty = Primitive("cons"), Primitive("empty")
    for family in sorted(families):
        t = library.type_of(family)
        if t not in (output, element):
            continue
        for name in library.constants(family) or ():
            try:
                value = library.value(name)
            except InductError:
                continue
            if t == element:
                yield application(cons, Primitive(name), empty), [value]
            elif isinstance(value, list) and value:
                yield Primitive(name), value
    for p in library.primitives:
        if p.name in families or p.type != element:
            continue
        try:
            value = library.value(p.name)
        except InductError:
            continue
        yield application(cons, Primitive(p.name), empty), [value]


def _argument_delimiters(task: Task, element: Any, output: Any) -> list[tuple[Program, list]]:
    """``(program, value in each example)`` of each argument a concatenation may cut at: an
    argument of the output's type (or of its element type, as a one-element list) that is
    not empty in any example."""
    types = arguments_of(task.request_type)
    n = len(types)
    found: list[tuple[Program, list]] = []
    for k, t in enumerate(types):
        if t == output:
            program: Program = Index(n - 1 - k)
            values = [e.inputs[k] for e in task.examples]
        elif t == element:
            program = application(Primitive("cons"), Index(n - 1 - k), Primitive("empty"))
            values = [[e.inputs[k]] for e in task.examples]
        else:
            continue
        if all(isinstance(v, list) and v for v in values):
            found.append((program, values))
    return found


def _spelled(value: list, constants: list[tuple[Program, list]]) -> Program | None:
    """A program for the list ``value`` from the constants (``(program, value)``, as
    :func:`_delimiters` gives them): a constant list that is ``value``, or ``value``'s elements
    consed from one-element constants; None if they cannot spell it."""
    for program, v in constants:
        if v == value:
            return program
    elements = []
    for x in value:
        # a one-element constant is (cons e empty): its element program e
        e = next((_spine(p)[1][0] for p, v in constants if len(v) == 1 and v[0] == x and _spine(p)[1]), None)
        if e is None:
            return None
        elements.append(e)
    body: Program = Primitive("empty")
    for e in reversed(elements):
        body = application(Primitive("cons"), e, body)
    return body


def _count(ys: list, d: list) -> int:
    """Non-overlapping occurrences of ``d`` in ``ys``, from the left."""
    count, i = 0, 0
    while i + len(d) <= len(ys):
        if ys[i:i + len(d)] == d:
            count += 1
            i += len(d)
        else:
            i += 1
    return count


def _held_alike(outputs: list[list], values: list[list]) -> bool:
    """Every output holds its example's value at least once, and all of them equally often."""
    counts = {_count(ys, d) for ys, d in zip(outputs, values)}
    return len(counts) == 1 and 0 not in counts


def _split(outputs: list[list], cuts: list[tuple[Program, list[list]]]) -> tuple[list[list[list]], list[Program]] | None:
    """Each output cut where the cuts' values (that example's) occur, read left to right (at
    each place the longest that starts there): ``(parts of each output, the cuts between
    them)``, when every output holds the same cuts in the same order (and at least one)."""
    found = None
    cut = []
    for e, ys in enumerate(outputs):
        order = sorted(range(len(cuts)), key=lambda k: -len(cuts[k][1][e]))
        parts, between, start, i = [], [], 0, 0
        while i < len(ys):
            for k in order:
                d = cuts[k][1][e]
                if ys[i:i + len(d)] == d:
                    parts.append(ys[start:i])
                    between.append(k)
                    i += len(d)
                    start = i
                    break
            else:
                i += 1
        parts.append(ys[start:])
        if not between or found not in (None, between):
            return None
        found = between
        cut.append(parts)
    return (cut, [cuts[k][0] for k in found]) if found is not None else None


def _choice(task: Task, values: list[list], constants: list[tuple[Program, list]], library: Any,
            label: str) -> tuple[Task, Program, Program] | None:
    """A part that takes two values, each one the constants spell (or empty), as a test
    between them: ``(the test's hole, the part where it holds, where it fails)``.
    FlashFill's conditional: an optional suffix (``", USA"`` or nothing), or one of two
    separators, reads as a ``bool`` function of the task's arguments, a smaller search
    than the part itself.  The test holds where the part is the first example's value,
    or, when one of the two is empty, where the part is present.
    None when the part takes other than two values, one of them has no spelling, the
    library has no ``if``, or two examples with the same arguments disagree."""
    distinct: list[list] = []
    for v in values:
        if v not in distinct:
            distinct.append(v)
    if len(distinct) != 2 or "if" not in library:
        return None
    if not distinct[0]:  # an optional part: the test says where it is present
        distinct.reverse()
    # (a concatenation's library has ``empty``)
    then, other = (Primitive("empty") if not v else _spelled(v, constants) for v in distinct)
    examples = hole_examples((e.inputs, v == distinct[0]) for e, v in zip(task.examples, values))
    if then is None or other is None or examples is None:
        return None
    return hole_task(task, label, None, tbool, examples), then, other


def _concatenation(delimiters: list[Program], kept: list[int], n_args: int,
                   fixed: dict[int, Program] | None = None,
                   choices: dict[int, tuple[Program, Program]] | None = None) -> Callable[..., Program]:
    """The whole program from the kept parts' solutions (and the ``fixed`` parts' constant
    programs): the parts and constants in order, appended right to left
    (``fold A B (λx acc. cons x acc)`` is ``A ++ B``).  A part in ``choices`` (its two
    values' programs) is solved by a test: ``if test then-value else-value``."""
    fixed, choices = fixed or {}, choices or {}
    fold = Primitive("fold")
    consing = Abstraction(Abstraction(application(Primitive("cons"), Index(1), Index(0))))
    arguments = [Index(n_args - 1 - i) for i in range(n_args)]

    def join(*holes: Program) -> Program:
        solved = dict(zip(kept, holes))
        pieces: list[Program] = []
        for j in range(len(delimiters) + 1):
            if j in solved and j in choices:
                pieces.append(application(Primitive("if"), call_hole(solved[j], arguments), *choices[j]))
            elif j in solved:
                pieces.append(call_hole(solved[j], arguments))
            elif j in fixed:
                pieces.append(fixed[j])
            if j < len(delimiters):
                pieces.append(delimiters[j])
        body = pieces[-1]
        for piece in reversed(pieces[:-1]):
            body = application(fold, piece, body, consing)
        for _ in range(n_args):
            body = Abstraction(body)
        return body

    return join


class CaseSplit:
    """``if p then A else B``: two programs that each get part of the examples right, and a
    test between them (see :mod:`induct.search.cases`, which searches for all three).  Unlike
    the other deductions it reads no shape off the examples, so :meth:`split` gives no holes:
    the search finds the branches by enumeration, then the test as a hole.  It applies to
    any DSL with ``if`` and to any task with two examples or more; a last resort.

    Attributes:
        max_examples: the branches are looked for on at most this many of the task's
            examples (each candidate runs on all of them); the whole program is checked on
            every example.
        max_branches: programs kept as branches, at most.
        max_pairs: pairs of branches whose test is searched for, at most.
        cover_share: the part of the deduction's budget the search for branches may take;
            the tests get the rest.
    """

    name = "cases"
    last_resort = True
    weight = 0.5
    max_examples = 12
    max_branches = 256
    max_pairs = 3
    cover_share = 0.5

    def applies(self, task: Task, library: Any) -> bool:
        return "if" in library and len(task.examples) >= 2

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        return ()

    def __repr__(self) -> str:
        return "CaseSplit()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


STANDARD_DEDUCTIONS: tuple[Deduction, ...] = (Elementwise(), Selection(), Positional(), Gather(), Slice(),
                                              Concatenation(), CaseSplit())
"""A task shaped like a map or a filter of its list argument (of its values or of its
positions), or like a rearrangement or a slice of it, split into a search for the function
applied to each element or position (or for the slice's bounds); or an output that is parts
joined by a constant, a search for each part; or, failing all else, two cases and a test
between them.  Each applies to any DSL with the primitives its templates use."""
