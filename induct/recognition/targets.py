"""The boundary between programs and arrays: likelihood summaries as padded int arrays.

A :class:`ContextLayout` numbers the contexts of a library's ContextualGrammar —
0 = no parent, 1 = parent is a variable, then one per (production, argument index) in
production order — so that growing a library only appends contexts.  A program's
:class:`~induct.grammar.LikelihoodSummary` becomes :class:`ProgramArrays` (one row per
choice point), and :func:`collate_programs` pads many of them into the ``(B, K, L)``
arrays that the jitted loss reads.  Python ``Program`` objects stop here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from induct.dsl import Library
from induct.grammar import NO_PARENT, VARIABLE_PARENT, Context, Grammar, LikelihoodSummary, summarize
from induct.programs import Program
from induct.types import Type, arguments_of

from induct.recognition.config import HEADS
from induct.recognition.features import bucket

__all__ = ["ContextLayout", "ProgramArrays", "program_arrays", "collate_programs", "HEADS"]



@dataclass(frozen=True)
class ContextLayout:
    """Where each grammar context lives in the head's output.

    Attributes:
        names: production names, in library order (column ``i`` is production ``i``;
            column ``len(names)`` is "a variable").
        arities: number of arguments of each production.
        head: ``"contextual"`` (one distribution per context) or ``"unigram"`` (one in all).
    """

    names: tuple[str, ...]
    arities: tuple[int, ...]
    head: str = "contextual"

    def __post_init__(self) -> None:
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}")
        offsets, total = [], 2
        for a in self.arities:
            offsets.append(total)
            total += a
        object.__setattr__(self, "_offsets", tuple(offsets))
        object.__setattr__(self, "_total", total)

    @staticmethod
    def of(library: Library, head: str = "contextual") -> "ContextLayout":
        return ContextLayout(tuple(p.name for p in library.productions),
                             tuple(len(arguments_of(p.type)) for p in library.productions), head)

    @property
    def n_productions(self) -> int:
        return len(self.names)

    @property
    def n_outputs(self) -> int:
        """Columns of the head: one per production plus one for variables."""
        return len(self.names) + 1

    @property
    def n_contexts(self) -> int:
        return 1 if self.head == "unigram" else self._total  # type: ignore[attr-defined]

    def index(self, context: Context) -> int:
        """Row of the head for a grammar context."""
        if self.head == "unigram":
            return 0
        parent, k = context
        if parent == NO_PARENT:
            return 0
        if parent == VARIABLE_PARENT:
            return 1
        return self._offsets[parent] + k  # type: ignore[attr-defined]

    def contexts(self) -> list[Context]:
        """The grammar context of each row (for a unigram head: just the root)."""
        if self.head == "unigram":
            return [(NO_PARENT, 0)]
        out: list[Context] = [(NO_PARENT, 0), (VARIABLE_PARENT, 0)]
        for i, a in enumerate(self.arities):
            out.extend((i, k) for k in range(a))
        return out


@dataclass(frozen=True)
class ProgramArrays:
    """One program's choice points: context row, chosen column, candidate columns, constant."""

    context: np.ndarray     # (L,) int32
    chosen: np.ndarray      # (L,) int32
    candidates: np.ndarray  # (L, n_outputs) bool
    constant: np.ndarray    # (L,) float32

    @property
    def length(self) -> int:
        return int(self.context.shape[0])


def summary_arrays(summary: LikelihoodSummary, layout: ContextLayout) -> ProgramArrays:
    n = len(summary.choices)
    ctx = np.zeros(n, dtype=np.int32)
    chosen = np.zeros(n, dtype=np.int32)
    cands = np.zeros((n, layout.n_outputs), dtype=bool)
    const = np.zeros(n, dtype=np.float32)
    for i, c in enumerate(summary.choices):
        ctx[i] = layout.index(c.context)
        chosen[i] = c.chosen
        cands[i, list(c.candidates)] = True
        const[i] = c.constant
    return ProgramArrays(ctx, chosen, cands, const)


def program_arrays(program: Program, request: Type, library: Library, layout: ContextLayout,
                   _grammar_cache: dict | None = None, task: Any = None) -> ProgramArrays:
    """The arrays of ``program`` at ``request`` (its summary under a grammar with finite weights),
    for ``task`` when given (its task-bound literals' constants then count as they did in search).

    Raises:
        PriorError: the program is not η-long or not typeable at ``request``.
    """
    # Which candidates exist depends only on types when every weight is finite, so a
    # uniform grammar gives the summary that any predicted grammar would give.
    if task is not None:
        library = library.bind(task)
    grammar = Grammar.uniform(library) if _grammar_cache is None else _grammar_cache.setdefault(
        library, Grammar.uniform(library))
    return summary_arrays(summarize(grammar, program, request), layout)


@dataclass(frozen=True)
class ProgramBatch:
    """Padded choice points of ``K`` programs for each of ``B`` tasks (see :func:`collate_programs`)."""

    context: np.ndarray     # (B, K, L) int32
    chosen: np.ndarray      # (B, K, L) int32
    candidates: np.ndarray  # (B, K, L, O) bool
    constant: np.ndarray    # (B, K, L) float32
    choice_mask: np.ndarray  # (B, K, L) bool
    weight: np.ndarray      # (B, K) float32: posterior weight of each program (0 = padding)


def collate_programs(programs: Sequence[Sequence[tuple[ProgramArrays, float]]], n_outputs: int,
                     max_programs: int, max_choices: int) -> ProgramBatch:
    """Pad the weighted programs of each task to ``(B, max_programs, L)``; L a power of two.

    Padded choice points choose column 0 among {0} so that every row has a finite
    normaliser; they are masked out of the loss by ``choice_mask``.
    """
    longest = max((a.length for task in programs for a, _ in task[:max_programs]), default=1)
    length = bucket(longest, 8, max(max_choices, 8))
    b_, k_ = len(programs), max_programs
    ctx = np.zeros((b_, k_, length), dtype=np.int32)
    chosen = np.zeros((b_, k_, length), dtype=np.int32)
    cands = np.zeros((b_, k_, length, n_outputs), dtype=bool)
    cands[..., 0] = True
    const = np.zeros((b_, k_, length), dtype=np.float32)
    mask = np.zeros((b_, k_, length), dtype=bool)
    weight = np.zeros((b_, k_), dtype=np.float32)
    for b, task in enumerate(programs):
        for k, (a, w) in enumerate(task[:max_programs]):
            n = min(a.length, length)
            ctx[b, k, :n] = a.context[:n]
            chosen[b, k, :n] = a.chosen[:n]
            cands[b, k, :n] = a.candidates[:n]
            const[b, k, :n] = a.constant[:n]
            mask[b, k, :n] = True
            weight[b, k] = w
    return ProgramBatch(ctx, chosen, cands, const, mask, weight)
