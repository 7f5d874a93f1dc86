"""Configuration of abstraction learning, and the one size measure used for compression ratios."""

from __future__ import annotations

from dataclasses import dataclass

from induct.errors import InductError

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
        for name in ("leaf", "lam", "app"):
            if getattr(self, name) < 0:
                raise InductError(f"CostModel.{name} must be ≥ 0, got {getattr(self, name)}")
        if self.leaf == 0:
            raise InductError("CostModel.leaf must be > 0 (an invention use must cost something)")


STITCH_COSTS = CostModel()


@dataclass(frozen=True, slots=True)
class CompressionConfig:
    """How abstractions are searched for and accepted.

    Attributes:
        iterations: at most this many inventions are added (one per greedy step).
        max_arity: most holes an invention may have (0–3 are supported well).
        structure_penalty: μ, the prior's cost per leaf of an invention body.
        aic: λ, the cost per production of the library.
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
    structure_penalty: float = 1.5
    aic: float = 1.0
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
        if not isinstance(self.iterations, int) or self.iterations < 0:
            raise InductError(f"CompressionConfig.iterations must be an int ≥ 0, got {self.iterations!r}")
        if not isinstance(self.max_arity, int) or not 0 <= self.max_arity <= 6:
            raise InductError(f"CompressionConfig.max_arity must be an int in 0..6, got {self.max_arity!r}")
        for name in ("structure_penalty", "aic", "pseudocounts"):
            if getattr(self, name) < 0:
                raise InductError(f"CompressionConfig.{name} must be ≥ 0, got {getattr(self, name)!r}")
        if self.pseudocounts <= 0:
            raise InductError("CompressionConfig.pseudocounts must be > 0 (θ would be log 0 for unused productions)")
        if not isinstance(self.top_k, int) or self.top_k < 1:
            raise InductError(f"CompressionConfig.top_k must be an int ≥ 1, got {self.top_k!r}")
        if self.stop not in ("objective", "utility"):
            raise InductError(f"CompressionConfig.stop must be 'objective' or 'utility', got {self.stop!r}")
        if not isinstance(self.candidates, int) or self.candidates < 1:
            raise InductError(f"CompressionConfig.candidates must be an int ≥ 1, got {self.candidates!r}")
        if not isinstance(self.min_uses, int) or self.min_uses < 1:
            raise InductError(f"CompressionConfig.min_uses must be an int ≥ 1, got {self.min_uses!r}")
        if self.max_expansions is not None and (not isinstance(self.max_expansions, int) or self.max_expansions < 1):
            raise InductError(f"CompressionConfig.max_expansions must be None or an int ≥ 1, got {self.max_expansions!r}")
        if not isinstance(self.across_programs, bool):
            raise InductError(f"CompressionConfig.across_programs must be a bool, got {self.across_programs!r}")
        if not isinstance(self.renamings, bool):
            raise InductError(f"CompressionConfig.renamings must be a bool, got {self.renamings!r}")
        if not self.name_prefix.isidentifier():
            raise InductError(f"CompressionConfig.name_prefix must be an identifier, got {self.name_prefix!r}")
