"""The Frontier: the posterior over programs that a search found for one task.

It is the contract between wake and sleep: search writes it, compression and the neural
prior read it, checkpoints store it as JSON.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from induct.errors import InductError
from induct.programs import FAILED, Program, show
from induct.types import Type, parse_type, show_type

__all__ = ["FrontierEntry", "SearchStats", "Frontier"]


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """One program of a frontier with its log prior and log likelihood."""

    program: Program
    log_prior: float
    log_likelihood: float

    @property
    def log_posterior(self) -> float:
        """Unnormalised log posterior (log prior + log likelihood)."""
        return self.log_prior + self.log_likelihood


@dataclass(frozen=True, slots=True)
class SearchStats:
    """What a search did: programs tried, seconds spent, time to the first solution."""

    programs_tried: int = 0
    seconds: float = 0.0
    time_to_first_solution: float | None = None
    programs_before_first_solution: int | None = None
    timed_out: bool = False
    strategy: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Frontier:
    """The best programs found for a task, best (highest log posterior) first."""

    task_name: str
    request_type: Type
    entries: tuple[FrontierEntry, ...] = ()
    stats: SearchStats = field(default_factory=SearchStats)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.entries, key=lambda e: -e.log_posterior))
        object.__setattr__(self, "entries", ordered)

    @property
    def solved(self) -> bool:
        """True when some program has a finite likelihood."""
        return any(e.log_likelihood > -math.inf for e in self.entries)

    @property
    def best(self) -> FrontierEntry | None:
        return self.entries[0] if self.entries else None

    def posterior_weights(self) -> list[float]:
        """Normalised posterior weight of each entry (sums to one when solved)."""
        scores = [e.log_posterior for e in self.entries]
        finite = [s for s in scores if s > -math.inf]
        if not finite:
            return [0.0 for _ in scores]
        m = max(finite)
        z = sum(math.exp(s - m) for s in finite)
        return [math.exp(s - m) / z if s > -math.inf else 0.0 for s in scores]

    def top(self, k: int) -> "Frontier":
        return Frontier(self.task_name, self.request_type, self.entries[:k], self.stats)

    def combine(self, other: "Frontier", keep: int = 10) -> "Frontier":
        """Union of two frontiers for the same task (duplicates dropped), best ``keep`` kept."""
        seen: dict[Program, FrontierEntry] = {}
        for e in self.entries + other.entries:
            if e.program not in seen or seen[e.program].log_posterior < e.log_posterior:
                seen[e.program] = e
        entries = sorted(seen.values(), key=lambda e: -e.log_posterior)[:keep]
        return Frontier(self.task_name, self.request_type, tuple(entries), other.stats)

    def predict(self, library: Any, inputs: Sequence[Any]) -> dict[Any, float]:
        """Posterior predictive: output (as JSON text) -> probability, over the entries."""
        import json

        out: dict[str, float] = defaultdict(float)
        for e, w in zip(self.entries, self.posterior_weights()):
            if w <= 0:
                continue
            v = library.run(e.program, inputs)
            key = "FAILED" if v is FAILED else json.dumps(v)
            out[key] += w
        return dict(out)

    # --- persistence -----------------------------------------------------------------
    def to_json(self) -> dict:
        s = self.stats
        return {
            "task": self.task_name,
            "type": show_type(self.request_type),
            "entries": [{"program": show(e.program), "log_prior": _num(e.log_prior),
                         "log_likelihood": _num(e.log_likelihood)} for e in self.entries],
            "stats": {"programs_tried": s.programs_tried, "seconds": s.seconds,
                      "time_to_first_solution": s.time_to_first_solution,
                      "programs_before_first_solution": s.programs_before_first_solution,
                      "timed_out": s.timed_out, "strategy": s.strategy, "error": s.error},
        }

    @staticmethod
    def from_json(data: dict, library: Any) -> "Frontier":
        """Read a frontier written by :meth:`to_json`; programs are parsed with ``library``."""
        try:
            entries = tuple(FrontierEntry(library.parse(e["program"]), float(e["log_prior"]),
                                          float(e["log_likelihood"])) for e in data["entries"])
            stats = SearchStats(**data.get("stats", {}))
            return Frontier(data["task"], parse_type(data["type"]), entries, stats)
        except (KeyError, TypeError, ValueError) as e:
            raise InductError(f"malformed frontier JSON: {e}") from None


def _num(x: float) -> float | str:
    if x == -math.inf:
        return "-inf"
    return x
