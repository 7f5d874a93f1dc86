"""Abstraction sleep: learn a library by compressing the programs found.

Two entry points:

- :func:`compress_programs` ``(programs, config, library=None, weights=None,
  request_types=None) -> CompressionResult``: greedy library learning on a corpus.  At each
  of ``config.iterations`` steps a top-down search (after Stitch, POPL 2023) finds the
  abstractions — fragments with up to ``config.max_arity`` holes, higher-order ones
  included — that shrink the corpus most under the cost model; the candidates are
  checked (types, when a library is given) and scored by DreamCoder's objective
  ``log P(programs | library, θ) − λ·|library| − μ·Σ size(inventions)`` (see
  :mod:`induct.compression.objective`), and the best is added while the objective
  improves.  Every program is rewritten to use it (``Invented`` nodes applied to the
  arguments; a rewritten program β-reduces to the original).
- :func:`compress_frontiers` ``(frontiers, library, config) -> (new_library,
  rewritten_frontiers, inventions)``: the same over per-task frontiers of
  ``(program, posterior weight)``, keeping the top-k of each; this is what the wake-sleep
  loop calls.

The compression ratio of a result is its corpus cost before ÷ after under
:class:`CostModel` (Stitch's: 100 per leaf, 1 per λ and per application).

Example:
    >>> from induct.programs import parse_program
    >>> corpus = [parse_program(f"(f (g {x} 1) 2)") for x in "abcd"]
    >>> result = compress_programs(corpus, CompressionConfig(stop="utility"))
    >>> [str(i.body) for i in result.inventions]
    ['(lambda (f (g $0 1) 2))']
"""

from induct.compression.compress import (
    CompressionResult, Invention, compress_frontiers, compress_programs, format_table,
)
from induct.compression.config import STITCH_COSTS, CompressionConfig, CostModel
from induct.compression.corpus import Corpus, corpus_cost
from induct.compression.objective import Objective, objective

__all__ = [
    "CompressionConfig", "CostModel", "STITCH_COSTS", "CompressionResult", "Invention",
    "compress_programs", "compress_frontiers", "format_table", "Corpus", "corpus_cost",
    "Objective", "objective",
]
