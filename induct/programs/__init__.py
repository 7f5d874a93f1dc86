"""Programs: typed λ-terms with de Bruijn indices, their syntax, types and evaluation."""

from induct.programs.evaluation import FAILED, Lazy, compile_program, curry, run_examples, run_program
from induct.programs.inference import check_type, infer_type
from induct.programs.limits import EvaluationLimit, Limits, charge
from induct.programs.nodes import (
    Abstraction, Application, Index, Invented, Primitive, Program, application, lambdas, spine, subterms,
)
from induct.programs.syntax import parse_program, show
from induct.programs.transform import (
    beta_normal_form, depth, free_variables, inline_inventions, shift, size, substitute,
)

__all__ = [
    "FAILED", "Lazy", "compile_program", "curry", "run_examples", "run_program", "check_type",
    "infer_type", "EvaluationLimit", "Limits", "charge", "Abstraction", "Application", "Index",
    "Invented", "Primitive", "Program", "application", "lambdas", "spine", "subterms",
    "parse_program", "show", "beta_normal_form", "depth", "free_variables", "inline_inventions",
    "shift", "size", "substitute",
]
