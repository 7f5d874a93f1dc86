"""RecognitionConfig, RecognitionModel and what a model predicts: task-conditioned grammars.

Example:
    >>> import jax
    >>> from induct.dsl import load_library
    >>> from induct.tasks import load_tasks
    >>> lib = load_library("lists")
    >>> model = RecognitionModel.init(jax.random.key(0), lib, make_featurizer("tokens"))
    >>> g = predict_grammar(model, load_tasks("lists")[0])
    >>> g.n_productions == len(lib.productions)
    True
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from induct.dsl import Library
from induct.errors import InductError
from induct.grammar import ContextualGrammar, Grammar
from induct.tasks import Task

from induct.recognition.config import RecognitionConfig
from induct.recognition.features import Featurizer, make_featurizer
from induct.recognition.network import ENCODERS, RecognitionNetwork
from induct.recognition.targets import ContextLayout

__all__ = [
    "RecognitionConfig", "RecognitionModel", "RecognitionError", "predict_logits", "predict_grammar",
    "predict_grammars", "grammar_from_logits", "prior_logits", "grow", "grow_params", "grow_model", "init_params",
]


class RecognitionError(InductError):
    """A recognition model that cannot be built, trained, loaded or applied as asked."""


@dataclass(frozen=True)
class RecognitionModel:
    """A network, its parameters, and the library and featurizer it was built for.

    ``params`` is a pytree (nested dicts of arrays); the rest is static.
    """

    library: Library
    featurizer: Featurizer
    config: RecognitionConfig
    params: Any

    @property
    def layout(self) -> ContextLayout:
        return ContextLayout.of(self.library, self.config.head)

    @staticmethod
    def init(key: jax.Array, library: Library, featurizer: Featurizer | str = "tokens",
             config: RecognitionConfig | None = None) -> "RecognitionModel":
        """Fresh parameters for ``library`` (head init: small random, zero bias)."""
        config = config or RecognitionConfig()
        if isinstance(featurizer, str):
            featurizer = make_featurizer(featurizer)
        params = init_params(key, ContextLayout.of(library, config.head), featurizer, config)
        return RecognitionModel(library, featurizer, config, params)

    def with_params(self, params: Any) -> "RecognitionModel":
        return RecognitionModel(self.library, self.featurizer, self.config, params)


def init_params(key: jax.Array, layout: ContextLayout, featurizer: Featurizer,
                config: RecognitionConfig) -> Any:
    """Fresh parameters of the network for ``layout`` (a pytree of arrays)."""
    net = network(config, featurizer, layout)
    dummy = featurizer.collate([_dummy_features(featurizer)])
    return _jitted_init(net)(key, {k: jnp.asarray(v) for k, v in dummy.items()})["params"]


def _dummy_features(featurizer: Featurizer) -> dict[str, np.ndarray]:
    from induct.tasks import Example
    from induct.types import parse_type

    kind = featurizer.kind
    if kind == "grid":
        task = Task("dummy", parse_type("grid -> grid"), (Example(([[0]],), [[0]]),))
    else:
        task = Task("dummy", parse_type("int -> int"), (Example((0,), 0),))
    return featurizer.featurize(task)


@functools.lru_cache(maxsize=64)
def network(config: RecognitionConfig, featurizer: Featurizer, layout: ContextLayout) -> RecognitionNetwork:
    """The flax module for a (config, featurizer, layout); cached so jit caches are shared."""
    kind = featurizer.kind
    if kind not in ENCODERS:
        raise RecognitionError(f"no encoder for featurizer kind {kind!r}; kinds: {', '.join(ENCODERS)}")
    if kind == "sequence":
        encoder = ENCODERS[kind](featurizer.vocabulary_size, config.embedding_dim,  # type: ignore[attr-defined]
                                 config.hidden_dim, config.encoder)
    elif kind == "grid":
        encoder = ENCODERS[kind](featurizer.n_colors, config.hidden_dim, config.grid_pool)  # type: ignore[attr-defined]
    else:
        encoder = ENCODERS[kind](config.hidden_dim)
    return RecognitionNetwork(encoder, layout.n_contexts, layout.n_outputs, config.hidden_dim,
                              config.head_init_scale)


@functools.lru_cache(maxsize=64)
def _jitted_init(net: RecognitionNetwork):
    return jax.jit(net.init)


@functools.lru_cache(maxsize=64)
def _jitted_apply(net: RecognitionNetwork):
    return jax.jit(lambda params, feats: net.apply({"params": params}, feats))


def prior_logits(model: RecognitionModel) -> np.ndarray:
    """What the network's output is added to: the library's log-weights, the variable last.

    Zeros when ``config.prior_offset`` is off.  Shape ``(n_productions + 1,)``.
    """
    weights = _library_log_weights(model.library)
    if not model.config.prior_offset:
        weights = np.zeros_like(weights)
    return weights.astype(np.float32)


def _library_log_weights(library: Library) -> np.ndarray:
    """The library's production log-weights, the variable's last."""
    return np.asarray([p.log_weight for p in library.productions] + [library.variable_log_weight],
                      dtype=np.float64)


def predict_logits(model: RecognitionModel, tasks: Sequence[Task], batch_size: int = 64) -> np.ndarray:
    """Logits ``(len(tasks), n_contexts, n_productions + 1)`` (batches padded to ``batch_size``)."""
    net = network(model.config, model.featurizer, model.layout)
    apply = _jitted_apply(net)
    offset = prior_logits(model)[None, None, :]
    out = []
    feats = [model.featurizer.featurize(t) for t in tasks]
    for start in range(0, len(feats), batch_size):
        chunk = feats[start:start + batch_size]
        padded = chunk + [chunk[-1]] * (batch_size - len(chunk))
        batch = model.featurizer.collate(padded)
        logits = apply(model.params, {k: jnp.asarray(v) for k, v in batch.items()})
        out.append(np.asarray(logits)[: len(chunk)] + offset)
    if not out:
        return np.zeros((0, model.layout.n_contexts, model.layout.n_outputs), dtype=np.float32)
    return np.concatenate(out, axis=0)


def grammar_from_logits(logits: np.ndarray, library: Library, head: str = "contextual",
                        prior_mix: float = 0.0) -> ContextualGrammar | Grammar:
    """A ContextualGrammar (or, for a unigram head, a Grammar) with these log-weights.

    With ``prior_mix`` > 0 every context's distribution is mixed with the library's own
    (``(1 − prior_mix)·softmax(row) + prior_mix·softmax(library log-weights)``).
    """
    layout = ContextLayout.of(library, head)
    logits = np.asarray(logits, dtype=np.float64)
    if logits.shape != (layout.n_contexts, layout.n_outputs):
        raise RecognitionError(f"logits of shape {logits.shape} do not fit a {head} head over "
                               f"{layout.n_productions} productions ({layout.n_contexts}, {layout.n_outputs})")
    if prior_mix > 0:
        logits = np.logaddexp(math.log1p(-prior_mix) + _log_softmax(logits),
                              math.log(prior_mix) + _log_softmax(_library_log_weights(library))[None, :])
    n = layout.n_productions

    def row(r: int) -> Grammar:
        return Grammar(library, tuple(float(x) for x in logits[r, :n]), float(logits[r, n]))

    if head == "unigram":
        return row(0)
    nested = []
    for i, arity in enumerate(layout.arities):
        nested.append(tuple(row(layout.index((i, k))) for k in range(arity)))
    return ContextualGrammar(row(0), row(1), tuple(nested))


def _log_softmax(x: np.ndarray) -> np.ndarray:
    return x - np.logaddexp.reduce(x, axis=-1, keepdims=True)


def predict_grammars(model: RecognitionModel, tasks: Sequence[Task]) -> list[ContextualGrammar | Grammar]:
    """One task-conditioned grammar per task (batched), mixed with the library's prior
    by ``config.prior_mix``."""
    logits = predict_logits(model, tasks)
    return [grammar_from_logits(lg, model.library, model.config.head, model.config.prior_mix) for lg in logits]


def predict_grammar(model: RecognitionModel, task: Task) -> ContextualGrammar | Grammar:
    """The grammar the model predicts for ``task`` (a ContextualGrammar unless the head is unigram)."""
    return predict_grammars(model, [task])[0]


def grow(params: Any, old_library: Library, new_library: Library, head: str = "contextual") -> Any:
    """Parameters for ``new_library`` that keep what was learned for ``old_library``.

    Head rows (contexts) and columns (productions) are matched by production name; the
    variable column stays last.  Contexts and productions the old library lacks start at
    zero (so the new production starts with log-weight 0 before training).  The encoder
    is untouched.

    Raises:
        RecognitionError: a production of the old library is missing from the new one
            with a different arity, which would make its contexts ambiguous.
    """
    return grow_params(params, ContextLayout.of(old_library, head), ContextLayout.of(new_library, head))


def grow_params(params: Any, old: ContextLayout, new: ContextLayout) -> Any:
    """:func:`grow` on layouts (production names and arities) rather than libraries."""
    if old.head != new.head:
        raise RecognitionError(f"cannot grow a {old.head} head into a {new.head} head")
    head = new.head
    old_arity = dict(zip(old.names, old.arities))
    for name, a in zip(new.names, new.arities):
        if name in old_arity and old_arity[name] != a:
            raise RecognitionError(f"production {name!r} changed arity ({old_arity[name]} -> {a}); "
                                   "train a fresh model for this library")
    old_col = {name: i for i, name in enumerate(old.names)}
    cols_new, cols_old = [], []
    for j, name in enumerate(new.names):
        if name in old_col:
            cols_new.append(j)
            cols_old.append(old_col[name])
    cols_new.append(new.n_productions)
    cols_old.append(old.n_productions)
    rows_new, rows_old = list(range(min(2, new.n_contexts))), list(range(min(2, old.n_contexts)))
    if head == "contextual":
        for j, name in enumerate(new.names):
            if name in old_col:
                for k in range(new.arities[j]):
                    rows_new.append(new.index((j, k)))
                    rows_old.append(old.index((old_col[name], k)))
    head_params = params["head"]
    kernel = np.asarray(head_params["kernel"])
    bias = np.asarray(head_params["bias"])
    new_kernel = np.zeros((kernel.shape[0], new.n_contexts, new.n_outputs), dtype=kernel.dtype)
    new_bias = np.zeros((new.n_contexts, new.n_outputs), dtype=bias.dtype)
    rn, ro = np.asarray(rows_new)[:, None], np.asarray(rows_old)[:, None]
    cn, co = np.asarray(cols_new)[None, :], np.asarray(cols_old)[None, :]
    new_kernel[:, rn, cn] = kernel[:, ro, co]
    new_bias[rn, cn] = bias[ro, co]
    out = dict(params)
    out["head"] = {"kernel": jnp.asarray(new_kernel), "bias": jnp.asarray(new_bias)}
    return out


def grow_model(model: RecognitionModel, new_library: Library) -> RecognitionModel:
    """The model with its head grown to ``new_library`` (see :func:`grow`)."""
    params = grow(model.params, model.library, new_library, model.config.head)
    return RecognitionModel(new_library, model.featurizer, model.config, params)
