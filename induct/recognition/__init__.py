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

from induct.recognition.dreams import DREAM_METHODS, Dream, dream, dream_by_enumeration, numpy_rng
from induct.recognition.features import (
    FEATURIZERS, Featurizer, GridFeaturizer, PointsFeaturizer, TokenFeaturizer, make_featurizer,
    register_featurizer,
)
from induct.recognition.loss import batch_loss, program_log_probabilities, task_losses
from induct.recognition.model import (
    RecognitionConfig, RecognitionError, RecognitionModel, grammar_from_logits, grow, grow_model,
    grow_params, init_params, predict_grammar, predict_grammars, predict_logits,
)
from induct.recognition.persistence import load, read_header, save
from induct.recognition.prior import load_prior, task_grammars
from induct.recognition.targets import ContextLayout, ProgramArrays, collate_programs, program_arrays
from induct.recognition.training import (
    TrainingItem, evaluate_loss, make_batch, make_dreams, train, training_items,
)

__all__ = [
    "DREAM_METHODS", "Dream", "dream", "dream_by_enumeration", "make_dreams", "numpy_rng", "FEATURIZERS", "Featurizer", "GridFeaturizer", "PointsFeaturizer",
    "TokenFeaturizer", "make_featurizer", "register_featurizer", "batch_loss", "program_log_probabilities",
    "task_losses", "RecognitionConfig", "RecognitionError", "RecognitionModel", "grammar_from_logits",
    "grow", "grow_model", "grow_params", "init_params", "predict_grammar", "predict_grammars",
    "predict_logits", "load", "read_header", "save", "load_prior", "task_grammars", "ContextLayout", "ProgramArrays",
    "collate_programs", "program_arrays", "TrainingItem", "evaluate_loss", "make_batch", "train",
    "training_items",
]
