"""Symbolic regression: real functions of one variable, constants inferred with numpyro.

The grammar (regression.induct), its symbolic semantics, the generated tasks (tasks.py) and
the Laplace/NUTS likelihood (likelihood.py).
"""

from pathlib import Path

HERE = Path(__file__).parent
GRAMMAR = HERE / "regression.induct"

from induct.domain import Domain  # noqa: E402
from induct.domains.regression.tasks import load_tasks  # noqa: E402

DOMAIN = Domain("regression", GRAMMAR, load_tasks, train_split="train", test_splits=("test",), featurizer="points",
                deductions=(), description="real functions of one variable, constants inferred with numpyro")
