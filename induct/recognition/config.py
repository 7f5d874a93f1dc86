"""RecognitionConfig: what shapes a recognition model and its training (importing it loads no jax)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from induct.config import at_least, in_range, non_negative, one_of, positive, validate
from induct.errors import ConfigError

__all__ = ["RecognitionConfig", "HEADS", "ENCODER_CELLS"]

HEADS = ("contextual", "unigram")
"""The model's output heads: a distribution per parent/argument, or one unigram distribution."""

ENCODER_CELLS = ("conv", "gru")


@dataclass(frozen=True)
class RecognitionConfig:
    """Everything that shapes a recognition model and its training (validated on construction).

    Attributes:
        head: ``"contextual"`` (a distribution per parent/argument) or ``"unigram"``.
        encoder: sequence cell, ``"conv"`` or ``"gru"`` (ignored by grid/points featurizers).
        embedding_dim, hidden_dim: network widths.
        grid_pool: the grid encoder max-pools its first convolution's map by this factor
            before the second (1: both at full resolution).
        head_init_scale: standard deviation of the head kernel at initialisation.
        prior_offset: the network predicts a correction to the library's own log-weights
            (its fitted unigram prior) rather than the log-weights themselves, so an
            untrained or little-trained model searches like the library's prior.
        prior_mix: weight of the library's prior in the grammars used for search: each
            context's distribution is ``(1 − prior_mix)·network + prior_mix·library``.  A
            confident network can make a production nearly certain in its own argument
            (``cons`` under ``cons``), and such near-free cycles flood enumeration with
            programs of almost equal cost; the mixture bounds every choice's probability.
        batch_size: tasks per gradient step (the batch is always padded to this size).
        learning_rate: Adam's step size.
        steps: gradient steps of one :func:`~induct.recognition.train` call.
        seconds: optional wall-time budget of one training call (stops whichever comes first).
        dream_fraction: share of each batch drawn from dreams (rest: replays).
        n_dreams: distinct fantasies to aim for per training call.
        dream_method: ``"enumerate"`` (programs in prior order) or ``"sample"`` (from the prior).
        dream_seconds: optional wall-time budget for making dreams.
        dream_max_depth: depth bound of sampled programs.
        max_programs: programs per frontier used in the loss (the most probable ones).
        max_choices: longest program (choice points) used in the loss; longer ones are skipped.
        progress: print a progress line on stderr while training.
    """

    head: str = "contextual"
    encoder: str = "conv"
    embedding_dim: int = 32
    hidden_dim: int = 64
    grid_pool: int = 2
    head_init_scale: float = 0.01
    prior_offset: bool = True
    prior_mix: float = 0.25
    batch_size: int = 32
    learning_rate: float = 1e-3
    steps: int = 2000
    seconds: float | None = None
    dream_fraction: float = 0.5
    n_dreams: int = 2000
    dream_method: str = "enumerate"
    dream_seconds: float | None = None
    dream_max_depth: int = 6
    max_programs: int = 4
    max_choices: int = 64
    progress: bool = True

    def __post_init__(self) -> None:
        validate(self, {"head": one_of(*HEADS), "encoder": one_of(*ENCODER_CELLS),
                        **{name: at_least(1) for name in ("embedding_dim", "hidden_dim", "batch_size", "max_programs",
                                                           "max_choices", "dream_max_depth", "grid_pool")},
                        "steps": non_negative, "n_dreams": non_negative, "dream_method": one_of("enumerate", "sample"),
                        "dream_seconds": positive, "prior_mix": in_range(0.0, 1.0, include_high=False),
                        "dream_fraction": in_range(0.0, 1.0), "learning_rate": positive, "seconds": positive})

    def replace(self, **changes: Any) -> "RecognitionConfig":
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ConfigError(f"unknown RecognitionConfig option(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(sorted(known))}")
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return RecognitionConfig(**values)

    def architecture(self) -> dict[str, Any]:
        """The options that fix the parameters' shapes and meaning (written into saved models)."""
        return {"head": self.head, "encoder": self.encoder, "embedding_dim": self.embedding_dim,
                "hidden_dim": self.hidden_dim, "grid_pool": self.grid_pool, "head_init_scale": self.head_init_scale,
                "prior_offset": self.prior_offset}
