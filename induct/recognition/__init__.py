"""The neural prior: a recognition model mapping a task to a task-conditioned grammar.

A featurizer turns a task's examples into padded arrays; a flax network maps them to the
logits of a ContextualGrammar over the current library; training minimises
−log Q(program | task) on replays (solved frontiers) and dreams (fantasies sampled from
the library), with optax.  Parameters are saved as msgpack with a JSON header.

The calls a wake-sleep loop makes::

    model = RecognitionModel.init(key, library, "tokens", RecognitionConfig())
    model, metrics = train(model, frontiers_by_task, train_tasks, library, config, key)
    grammars = predict_grammars(model, tasks)      # one ContextualGrammar per task
    save(model, path); model = load(path, library)
    model = grow_model(model, new_library)         # after compression added inventions
"""

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "RecognitionConfig": "induct.recognition.config",
    **dict.fromkeys(('DREAM_METHODS', 'Dream', 'dream', 'dream_by_enumeration', 'numpy_rng'), "induct.recognition.dreams"),
    **dict.fromkeys(('FEATURIZERS', 'Featurizer', 'GridFeaturizer', 'PointsFeaturizer', 'TokenFeaturizer', 'make_featurizer', 'register_featurizer'), "induct.recognition.features"),
    **dict.fromkeys(('batch_loss', 'program_log_probabilities', 'task_losses'), "induct.recognition.loss"),
    **dict.fromkeys(('RecognitionError', 'RecognitionModel', 'grammar_from_logits', 'grow', 'grow_model', 'grow_params', 'init_params', 'predict_grammar', 'predict_grammars', 'predict_logits'), "induct.recognition.model"),
    **dict.fromkeys(('load', 'read_header', 'save'), "induct.recognition.persistence"),
    **dict.fromkeys(('load_prior', 'task_grammars'), "induct.recognition.prior"),
    **dict.fromkeys(('ContextLayout', 'ProgramArrays', 'collate_programs', 'program_arrays'), "induct.recognition.targets"),
    **dict.fromkeys(('TrainingItem', 'evaluate_loss', 'make_batch', 'make_dreams', 'train', 'training_items'), "induct.recognition.training"),
}
"""Where each exported name lives: a submodule is imported when one of its names is first used, so
that importing ``RecognitionConfig`` (to configure a run) loads no jax."""

if TYPE_CHECKING:  # the names as the type checker sees them
    from induct.recognition.dreams import DREAM_METHODS, Dream, dream, dream_by_enumeration, numpy_rng
    from induct.recognition.features import (
        FEATURIZERS, Featurizer, GridFeaturizer, PointsFeaturizer, TokenFeaturizer, make_featurizer,
        register_featurizer,
    )
    from induct.recognition.loss import batch_loss, program_log_probabilities, task_losses
    from induct.recognition.config import RecognitionConfig
    from induct.recognition.model import (
        RecognitionError, RecognitionModel, grammar_from_logits, grow, grow_model,
        grow_params, init_params, predict_grammar, predict_grammars, predict_logits,
    )
    from induct.recognition.persistence import load, read_header, save
    from induct.recognition.prior import load_prior, task_grammars
    from induct.recognition.targets import ContextLayout, ProgramArrays, collate_programs, program_arrays
    from induct.recognition.training import (
        TrainingItem, evaluate_loss, make_batch, make_dreams, train, training_items,
    )


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


__all__ = [
    "DREAM_METHODS", "Dream", "dream", "dream_by_enumeration", "make_dreams", "numpy_rng", "FEATURIZERS", "Featurizer", "GridFeaturizer", "PointsFeaturizer",
    "TokenFeaturizer", "make_featurizer", "register_featurizer", "batch_loss", "program_log_probabilities",
    "task_losses", "RecognitionConfig", "RecognitionError", "RecognitionModel", "grammar_from_logits",
    "grow", "grow_model", "grow_params", "init_params", "predict_grammar", "predict_grammars",
    "predict_logits", "load", "read_header", "save", "load_prior", "task_grammars", "ContextLayout", "ProgramArrays",
    "collate_programs", "program_arrays", "TrainingItem", "evaluate_loss", "make_batch", "train",
    "training_items",
]
