"""Symbolic regression: real functions of one variable, constants inferred with numpyro.

The grammar (regression.induct), its symbolic semantics, the generated tasks (tasks.py) and
the Laplace/NUTS likelihood (likelihood.py).
"""

from pathlib import Path

HERE = Path(__file__).parent
GRAMMAR = HERE / "regression.induct"
