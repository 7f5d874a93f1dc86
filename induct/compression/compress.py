"""Greedy library learning: find the best abstraction, rewrite the corpus with it, repeat."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from induct.compression.config import CompressionConfig
from induct.compression.corpus import LEAF, Corpus
from induct.compression.objective import Objective, objective, production_counts
from induct.compression.rewrite import rewrite_corpus
from induct.compression.search import Pattern, find_abstractions, pattern_body
from induct.errors import InductError
from induct.programs.nodes import Invented, Primitive, Program, subterms
from induct.programs.syntax import show
from induct.types import Type, show_type

__all__ = ["Invention", "CompressionResult", "compress_programs", "compress_frontiers", "format_table"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Invention:
    """One learned abstraction.

    Attributes:
        name: its readable name.
        body: the closed body (λs for its arguments around the pattern).
        type: its inferred polymorphic type, or None for an untyped corpus.
        arity: number of arguments.
        uses: posterior-weighted number of uses in the rewritten corpus.
        gain: how much it raised the objective J when it was added.
        utility: how much it shrank corpus plus library under the cost model.
    """

    name: str
    body: Program
    type: Type | None
    arity: int
    uses: float
    gain: float
    utility: float

    @property
    def invented(self) -> Invented:
        return Invented(self.body, self.name)


@dataclass(frozen=True)
class CompressionResult:
    """What :func:`compress_programs` learned.

    Attributes:
        inventions: in the order they were added.
        programs: the input programs rewritten with the inventions.
        objectives: J before any invention, then after each one (never decreasing).
        cost_before, cost_after: corpus cost under the cost model before and after.
        library: the grown library when one was given, else None.
    """

    inventions: tuple[Invention, ...]
    programs: tuple[Program, ...]
    objectives: tuple[float, ...]
    cost_before: float
    cost_after: float
    library: object | None = None

    @property
    def compression_ratio(self) -> float:
        return self.cost_before / self.cost_after if self.cost_after else float("inf")

    def table(self) -> str:
        return format_table(self.inventions)


def format_table(inventions: Sequence[Invention]) -> str:
    """A plain-text table: name, type, uses, gain, body."""
    rows = [("name", "type", "uses", "gain", "body")]
    for inv in inventions:
        rows.append((inv.name, show_type(inv.type) if inv.type is not None else "-", f"{inv.uses:g}",
                     f"{inv.gain:.1f}", show(inv.body, name_inventions=True)))
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    return "\n".join("  ".join(r[k].ljust(widths[k]) for k in range(4)) + "  " + r[4] for r in rows)


_SPELLED = {"+": "plus", "-": "minus", "*": "times", "/": "div", "<": "lt", ">": "gt", "=": "eq",
            "?": "p", ".": "", "%": "mod", "!": "not", "&": "and", "|": "or", "^": "pow"}


def _readable(name: str) -> str:
    text = "".join(_SPELLED.get(ch, ch) for ch in name)
    return re.sub(r"[^A-Za-z0-9_]", "", text).strip("_")


def _invention_name(pattern: Pattern, corpus: Corpus, taken: set[str], prefix: str) -> str:
    words = []
    for kind, v in pattern.tokens:
        symbol = corpus.symbols[v] if kind == LEAF else None
        if isinstance(symbol, Primitive) or (isinstance(symbol, Invented) and symbol.name):
            w = _readable(symbol.name)  # type: ignore[arg-type]
            if w and not w[0].isdigit() and w not in words:
                words.append(w)
        if len(words) == 2:
            break
    base = "_".join(words) if words else (prefix.rstrip("_") or "f")
    name, k = base, 1
    while name in taken:
        name = f"{base}_{k}"
        k += 1
    return name


def _all_symbols(programs: Sequence[Program]) -> set[str]:
    names = set()
    for p in programs:
        for q in subterms(p):
            if isinstance(q, Primitive):
                names.add(q.name)
            elif isinstance(q, Invented) and q.name:
                names.add(q.name)
    return names


def compress_programs(programs: Sequence[Program], config: CompressionConfig = CompressionConfig(),
                      library=None, weights: Sequence[float] | None = None,
                      request_types: Sequence[Type | None] | None = None) -> CompressionResult:
    """Learn up to ``config.iterations`` inventions from ``programs`` and rewrite them.

    Args:
        programs: the corpus (closed or open programs; untyped symbols are fine).
        config: search and acceptance settings.
        library: optional :class:`induct.dsl.Library`; when given, every invention is
            type-checked (body and all rewritten programs) and the grown library is returned.
        weights: optional weight of each program (posterior weights); default 1 each.
        request_types: optional request type of each program, checked after rewriting.

    Returns:
        A :class:`CompressionResult`; ``result.objectives`` never decreases.
    """
    programs = list(programs)
    weights = [1.0] * len(programs) if weights is None else [float(w) for w in weights]
    if len(weights) != len(programs):
        raise InductError(f"compress_programs: {len(programs)} programs but {len(weights)} weights")
    if request_types is not None and len(request_types) != len(programs):
        raise InductError(f"compress_programs: {len(programs)} programs but {len(request_types)} request types")
    base = {p.name for p in library.productions} if library is not None else _all_symbols(programs)
    taken = set(base) | _all_symbols(programs)
    inventions: list[Invention] = []
    current = _score(programs, weights, base, [], config)
    objectives = [current.value]
    cost_before = Corpus(programs, costs=config.costs).total_cost()
    lib = library
    known = {p.program.body: p.program for p in library.inventions} if library is not None else {}
    for step in range(config.iterations):
        corpus = Corpus(programs, weights, config.costs)
        accept = _type_filter(corpus, lib) if lib is not None else None
        # Under the utility rule with nothing to type-check only the best pattern is used, and
        # keeping just one lets the search prune against the best utility, not the k-th.
        keep = 1 if config.stop == "utility" and lib is None else config.candidates
        patterns = find_abstractions(corpus, config.max_arity, keep, config.min_uses, accept,
                                     config.max_expansions, config.renamings, config.across_programs)
        chosen = None
        reused = False
        for pattern in patterns:
            body = pattern_body(pattern, corpus)
            if body in known:
                # Programs found without the library's invention (e.g. built by a decomposition)
                # re-derive it: they are rewritten to use the one the library has.
                rewritten = rewrite_corpus(corpus, pattern, known[body])
                if lib is not None and not _rewrites_type_check(rewritten, lib, known[body], request_types):
                    continue
                score = _score(rewritten, weights, base, [i.invented for i in inventions], config)
                if score.value < current.value:
                    continue
                programs, current = rewritten, score
                objectives[-1] = score.value
                reused = True
                break
            name = _invention_name(pattern, corpus, taken, config.name_prefix)
            invented = Invented(body, name)
            rewritten = rewrite_corpus(corpus, pattern, invented)
            if lib is not None and not _rewrites_type_check(rewritten, lib, invented, request_types):
                continue
            score = _score(rewritten, weights, base, [i.invented for i in inventions] + [invented], config)
            if chosen is None or (config.stop == "objective" and score.value > chosen[2].value):
                chosen = (pattern, invented, score, rewritten)
            if config.stop == "utility":
                break
        if reused:
            continue
        if chosen is None:
            break
        pattern, invented, score, rewritten = chosen
        if config.stop == "objective" and score.value <= current.value:
            break
        typ = None
        assert invented.name is not None  # every candidate invention is given its name when it is made
        name = invented.name
        if lib is not None:
            typ = lib.infer(invented.body)
            lib = lib.with_inventions([(name, invented.body)])
        uses = production_counts(rewritten, weights).get("#" + name, 0.0)
        inventions.append(Invention(name, invented.body, typ, pattern.arity, uses,
                                    score.value - current.value, pattern.utility))
        taken.add(invented.name)
        log.info("step %d: %s (utility %.0f, objective %.2f -> %.2f)", step, invented.name,
                 pattern.utility, current.value, score.value)
        current = score
        objectives.append(score.value)
        programs = rewritten
    cost_after = Corpus(programs, costs=config.costs).total_cost()
    return CompressionResult(tuple(inventions), tuple(programs), tuple(objectives), cost_before, cost_after, lib)


def _score(programs, weights, base, inventions, config: CompressionConfig) -> Objective:
    return objective(programs, weights, base, inventions, config.library_size_penalty,
                     config.invention_size_penalty, config.pseudocounts)


def _type_filter(corpus: Corpus, library):
    def accept(pattern: Pattern) -> bool:
        try:
            library.infer(pattern_body(pattern, corpus))
        except InductError:
            return False
        return True

    return accept


def _rewrites_type_check(rewritten: Sequence[Program], library, invented: Invented,
                         request_types: Sequence[Type | None] | None) -> bool:
    for k, p in enumerate(rewritten):
        if invented not in set(subterms(p)):
            continue
        try:
            request = request_types[k] if request_types is not None else None
            if request is not None:
                library.check(p, request)
            else:
                library.infer(p)
        except InductError:
            return False
    return True


def compress_frontiers(frontiers: Mapping[str, Sequence[tuple[Program, float]]], library,
                       config: CompressionConfig = CompressionConfig(),
                       request_types: Mapping[str, Type] | None = None):
    """Abstraction sleep over frontiers: the new library, rewritten frontiers and a table.

    Each task keeps its ``config.top_k`` programs of highest posterior weight, with the
    weights renormalised over what is kept.

    Args:
        frontiers: task name -> list of (program, posterior weight).
        library: the current :class:`induct.dsl.Library` (or None for untyped programs).
        config: the compression settings.
        request_types: optional task name -> request type, checked after rewriting.

    Returns:
        ``(new_library, rewritten_frontiers, inventions)``: the library with the inventions
        added (None if ``library`` was None), task name -> list of (rewritten program,
        weight), and the tuple of :class:`Invention` rows (see :func:`format_table`).
    """
    owners: list[str] = []
    programs: list[Program] = []
    weights: list[float] = []
    requests: list[Type | None] = []
    for task, entries in frontiers.items():
        kept = sorted(entries, key=lambda e: -e[1])[:config.top_k]
        total = sum(w for _, w in kept)
        for p, w in kept:
            owners.append(task)
            programs.append(p)
            weights.append(w / total if total > 0 else 1.0 / len(kept))
            requests.append(request_types.get(task) if request_types else None)
    result = compress_programs(programs, config, library, weights, requests if request_types else None)
    rewritten: dict[str, list[tuple[Program, float]]] = {task: [] for task in frontiers}
    for task, p, w in zip(owners, result.programs, weights):
        rewritten[task].append((p, w))
    return result.library, rewritten, result.inventions
