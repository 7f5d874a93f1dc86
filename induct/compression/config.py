"""Configuration of abstraction learning, and the one size measure used for compression ratios."""

from __future__ import annotations

from dataclasses import dataclass

from induct.config import at_least, finite, identifier, in_range, non_negative, one_of, positive, validate

__all__ = ["CostModel", "CompressionConfig", "STITCH_COSTS"]


@dataclass(frozen=True, slots=True)
class CostModel:
    """Cost of each node kind, as in Stitch's default cost model (POPL 2023, §5).

    A primitive, an invention or a variable costs ``leaf``; each λ costs ``lam``; each
    application costs ``app``.  The compression ratio of a corpus is its total cost
    before rewriting divided by its total cost after.
    """

    leaf: int = 100
    lam: int = 1
    app: int = 1

    def __post_init__(self) -> None:
        # leaf > 0: an invention use must cost something
        validate(self, {"leaf": positive, "lam": non_negative, "app": non_negative})


STITCH_COSTS = CostModel()


@dataclass(frozen=True, slots=True)
class CompressionConfig:
    """How abstractions are searched for and accepted.

    Attributes:
        iterations: at most this many inventions are added (one per greedy step).
        max_arity: most holes an invention may have (0–3 are supported well).
        invention_size_penalty: μ, the objective's cost per unit of invention body size (each
            symbol of a body counts 1, each variable 0.1).
        library_size_penalty: λ, the objective's cost per production of the library (what each
            new invention costs, whatever its body).
        pseudocounts: added to every production's use count when θ is re-estimated.
        top_k: programs kept per task (highest posterior weight) by ``compress_frontiers``.
        stop: ``"objective"`` accepts an abstraction only if DreamCoder's objective
            improves (the default); ``"utility"`` accepts the best abstraction while it
            shrinks the corpus plus library under the cost model (Stitch's rule).
        candidates: how many of the best abstractions (by utility) are checked against the
            objective and the type checker at each step (under ``stop="utility"`` with no
            library to type-check, only the best is searched for: it prunes harder).
        min_uses: an abstraction must match at least this many places in the corpus.
        costs: the cost model used to rank abstractions and count compression.
        name_prefix: inventions are named from their body's head symbols; this prefix is
            used when the body has no usable symbol name.
        max_expansions: per step, the search stops after visiting this many match states
            (partial abstraction × location) and takes the best found so far (None: run until the
            bound proves optimality).  About a second per million on one core; most steps end
            well within it, and long-chain corpora need 10–20 million to reach the optimum.
        renamings: also learn bodies that only rename a production — η-equivalent to it, like
            ``λλ(map $1 $0)``, or it applied to bare variables, like ``λλ(f $0 $1)`` — and
            bodies that only apply one of their arguments to symbols, like ``λλ($1 mod $0)``.
            They add nothing to a library, so they are off by default; Stitch allows them, and
            they do shrink a corpus (for like-for-like comparisons of compression ratio).
        across_programs: only learn abstractions that match in at least two programs (Stitch's
            single-task pruning, with each program its own task): a fragment repeated inside
            one program only is not reused across the corpus, and cutting such branches
            early makes the search much faster.
    """

    iterations: int = 10
    max_arity: int = 3
    invention_size_penalty: float = 1.5
    library_size_penalty: float = 1.0
    pseudocounts: float = 30.0
    top_k: int = 2
    stop: str = "objective"
    candidates: int = 4
    min_uses: int = 2
    costs: CostModel = STITCH_COSTS
    name_prefix: str = "f"
    max_expansions: int | None = 20_000_000
    renamings: bool = False
    across_programs: bool = False

    def __post_init__(self) -> None:
        # pseudocounts > 0: θ would be log 0 for unused productions
        validate(self, {"iterations": non_negative, "max_arity": in_range(0, 6),
                        "invention_size_penalty": non_negative & finite, "library_size_penalty": non_negative & finite,
                        "pseudocounts": positive & finite, "top_k": at_least(1), "stop": one_of("objective", "utility"),
                        "candidates": at_least(1), "min_uses": at_least(1), "max_expansions": at_least(1),
                        "name_prefix": identifier})
