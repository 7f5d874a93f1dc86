"""The recognition loss: −log Q(program | task), from padded likelihood-summary arrays.

For one choice point with context row ``c``, chosen column ``j`` and candidate columns
``S`` (DreamCoder's normalisation over the type-compatible candidates),

    log Q(choice) = logits[c, j] + constant − logsumexp_{i ∈ S} logits[c, i]

and log Q(program) sums its choice points.  A task's loss is the posterior-weighted sum
over its frontier's programs; a batch's loss is the mean over tasks with programs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from induct.recognition.targets import ProgramBatch

__all__ = ["program_log_probabilities", "task_losses", "batch_loss"]


def program_log_probabilities(logits: jax.Array, context: jax.Array, chosen: jax.Array,
                              candidates: jax.Array, constant: jax.Array, choice_mask: jax.Array) -> jax.Array:
    """log Q of each program: ``logits`` (B, C, O), the rest (B, K, L[, O]) -> (B, K)."""
    rows = jax.vmap(lambda lg, ctx: lg[ctx])(logits, context)               # (B, K, L, O)
    picked = jnp.take_along_axis(rows, chosen[..., None], axis=-1)[..., 0]  # (B, K, L)
    normaliser = jax.nn.logsumexp(jnp.where(candidates, rows, -jnp.inf), axis=-1)
    per_choice = jnp.where(choice_mask, picked + constant - normaliser, 0.0)
    return jnp.sum(per_choice, axis=-1)


def task_losses(logits: jax.Array, batch: ProgramBatch | dict) -> jax.Array:
    """−Σ_k w_k log Q(program_k | task) for each task of the batch, shape (B,)."""
    get = batch.__getitem__ if isinstance(batch, dict) else lambda k: getattr(batch, k)
    logq = program_log_probabilities(logits, get("context"), get("chosen"), get("candidates"),
                                     get("constant"), get("choice_mask"))
    return -jnp.sum(get("weight") * logq, axis=-1)


def batch_loss(logits: jax.Array, batch: ProgramBatch | dict) -> jax.Array:
    """Mean of :func:`task_losses` over the tasks that have weight (padding tasks have none)."""
    get = batch.__getitem__ if isinstance(batch, dict) else lambda k: getattr(batch, k)
    has = jnp.sum(get("weight"), axis=-1) > 0
    losses = task_losses(logits, batch)
    count = jnp.sum(has.astype(losses.dtype))
    return jnp.sum(jnp.where(has, losses, 0.0)) / jnp.maximum(count, 1.0)
