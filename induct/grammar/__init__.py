"""The prior over programs: Grammar, ContextualGrammar, likelihood summaries, sampling, EM.

Example:
    >>> from induct.dsl import load_library
    >>> from induct.types import parse_type
    >>> lib = load_library("lists")
    >>> g = Grammar.uniform(lib)
    >>> p = lib.parse("(lambda (map (lambda (+ $0 1)) $0))")
    >>> round(g.log_prior(p, parse_type("list(int) -> list(int)")), 3) < 0
    True
"""

from induct.grammar.core import (
    NO_PARENT, ROOT, VARIABLE_PARENT, Candidate, Context, ContextualGrammar, Grammar, PriorError,
    eta_long, log_sum_exp,
)
from induct.grammar.protocol import Prior
from induct.grammar.estimation import fit_contextual_grammar, fit_grammar
from induct.grammar.sampling import sample_at, sample_program
from induct.grammar.summary import ChoicePoint, LikelihoodSummary, summarize

__all__ = [
    "NO_PARENT", "ROOT", "VARIABLE_PARENT", "Candidate", "Context", "ContextualGrammar", "Grammar",
    "Prior", "PriorError", "eta_long", "log_sum_exp", "fit_contextual_grammar", "fit_grammar", "sample_at",
    "sample_program", "ChoicePoint", "LikelihoodSummary", "summarize",
]
