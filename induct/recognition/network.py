"""The flax networks: an encoder per featurizer kind, examples pooled, a grammar head.

The head outputs ``(B, n_contexts, n_productions + 1)`` logits: row ``c`` is the
(unnormalised) log-weight vector of context ``c`` of a ContextualGrammar (see
:class:`~induct.recognition.targets.ContextLayout`), its last column the variable weight.
The head's parameters are one kernel ``(hidden, contexts, outputs)`` and one bias
``(contexts, outputs)`` so that a growing library adds rows and columns to them
(:func:`~induct.recognition.model.grow`).
"""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

__all__ = ["SequenceEncoder", "GridEncoder", "PointsEncoder", "GrammarHead", "RecognitionNetwork", "ENCODERS"]


def _masked_mean(x: jax.Array, mask: jax.Array, axis: int) -> jax.Array:
    """Mean of ``x`` over ``axis`` where ``mask``; zero where the mask is empty."""
    m = mask.astype(x.dtype)[..., None]
    total = jnp.sum(x * m, axis=axis)
    count = jnp.maximum(jnp.sum(m, axis=axis), 1.0)
    return total / count


def _masked_max(x: jax.Array, mask: jax.Array, axis: int) -> jax.Array:
    neg = jnp.where(mask[..., None], x, -1e9)
    out = jnp.max(neg, axis=axis)
    return jnp.where(jnp.any(mask, axis=axis)[..., None], out, 0.0)


class SequenceEncoder(nn.Module):
    """Token sequences ``(B, E, T)`` -> one vector per example ``(B, E, hidden)``.

    ``cell="conv"``: two 1-D convolutions, max and mean pooled over tokens (fast on CPUs).
    ``cell="gru"``: a GRU over the tokens, its state at the last real token.
    """

    vocabulary_size: int
    embedding_dim: int = 32
    hidden_dim: int = 64
    cell: str = "conv"

    @nn.compact
    def __call__(self, features: dict[str, jax.Array]) -> tuple[jax.Array, jax.Array]:
        tokens = features["tokens"]
        b, e, t = tokens.shape
        token_mask = tokens != 0
        x = nn.Embed(self.vocabulary_size, self.embedding_dim, name="embed")(tokens)
        x = x.reshape(b * e, t, self.embedding_dim)
        flat_mask = token_mask.reshape(b * e, t)
        if self.cell == "gru":
            lengths = jnp.sum(flat_mask, axis=-1).astype(jnp.int32)
            carry, _ = nn.RNN(nn.GRUCell(self.hidden_dim), return_carry=True, name="gru")(
                x, seq_lengths=jnp.maximum(lengths, 1))
            h = carry
        elif self.cell == "conv":
            h = nn.relu(nn.Conv(self.hidden_dim, (5,), name="conv1")(x))
            h = nn.relu(nn.Conv(self.hidden_dim, (5,), name="conv2")(h)) + h
            h = jnp.concatenate([_masked_max(h, flat_mask, 1), _masked_mean(h, flat_mask, 1)], axis=-1)
        else:
            raise ValueError(f"unknown sequence cell {self.cell!r} (use 'conv' or 'gru')")
        h = nn.relu(nn.Dense(self.hidden_dim, name="example")(h))
        return h.reshape(b, e, self.hidden_dim), features["example_mask"]


class GridEncoder(nn.Module):
    """Grids ``(B, E, 2, S, S)`` of colour indices -> ``(B, E, hidden)``.

    Input and output are one-hot and stacked cell by cell; a 3×3 convolution reads them at
    full resolution, ``pool`` × ``pool`` max-pooling shrinks the map, a second (residual)
    convolution reads the pooled map, and the cells are max- and mean-pooled.  Pooling
    before the wider convolution is what keeps a 30 × 30 grid cheap on a CPU; ``pool=1``
    convolves both layers at full resolution.
    """

    n_colors: int = 10
    hidden_dim: int = 64
    pool: int = 1

    @nn.compact
    def __call__(self, features: dict[str, jax.Array]) -> tuple[jax.Array, jax.Array]:
        grids = features["grids"]
        b, e, _, s, _ = grids.shape
        onehot = jax.nn.one_hot(grids, self.n_colors + 1)                  # (B,E,2,S,S,C+1)
        x = jnp.moveaxis(onehot, 2, 4).reshape(b * e, s, s, 2 * (self.n_colors + 1))
        cells = jnp.any(grids != self.n_colors, axis=2).reshape(b * e, s, s, 1)
        h = nn.relu(nn.Conv(self.hidden_dim, (3, 3), name="conv1")(x))
        if self.pool > 1:
            window = (self.pool, self.pool)
            h = nn.max_pool(h, window, strides=window, padding="SAME")
            cells = nn.max_pool(cells.astype(h.dtype), window, strides=window, padding="SAME") > 0
        h = nn.relu(nn.Conv(self.hidden_dim, (3, 3), name="conv2")(h)) + h
        n = h.shape[1] * h.shape[2]
        h = h.reshape(b * e, n, self.hidden_dim)
        cell_mask = cells.reshape(b * e, n)
        h = jnp.concatenate([_masked_max(h, cell_mask, 1), _masked_mean(h, cell_mask, 1)], axis=-1)
        h = nn.relu(nn.Dense(self.hidden_dim, name="example")(h))
        return h.reshape(b, e, self.hidden_dim), features["example_mask"]


class PointsEncoder(nn.Module):
    """Points ``(B, N, d)`` -> one vector per point ``(B, N, hidden)`` (an MLP)."""

    hidden_dim: int = 64

    @nn.compact
    def __call__(self, features: dict[str, jax.Array]) -> tuple[jax.Array, jax.Array]:
        h = nn.relu(nn.Dense(self.hidden_dim, name="point1")(features["points"]))
        h = nn.relu(nn.Dense(self.hidden_dim, name="point2")(h))
        return h, features["example_mask"]


ENCODERS = {"sequence": SequenceEncoder, "grid": GridEncoder, "points": PointsEncoder}


class GrammarHead(nn.Module):
    """Task vector ``(B, hidden)`` -> logits ``(B, n_contexts, n_outputs)``."""

    n_contexts: int
    n_outputs: int
    init_scale: float = 0.01

    @nn.compact
    def __call__(self, h: jax.Array) -> jax.Array:
        kernel = self.param("kernel", nn.initializers.normal(self.init_scale),
                            (h.shape[-1], self.n_contexts, self.n_outputs))
        bias = self.param("bias", nn.initializers.zeros, (self.n_contexts, self.n_outputs))
        return jnp.einsum("bh,hco->bco", h, kernel) + bias[None]


class RecognitionNetwork(nn.Module):
    """Encoder, mean over the task's examples, an MLP, then the grammar head."""

    encoder: nn.Module
    n_contexts: int
    n_outputs: int
    hidden_dim: int = 64
    init_scale: float = 0.01

    @nn.compact
    def __call__(self, features: dict[str, Any]) -> jax.Array:
        per_example, example_mask = self.encoder(features)
        h = _masked_mean(per_example, example_mask, 1)
        h = nn.relu(nn.Dense(self.hidden_dim, name="task")(h))
        return GrammarHead(self.n_contexts, self.n_outputs, self.init_scale, name="head")(h)
