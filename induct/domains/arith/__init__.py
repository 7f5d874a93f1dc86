"""Integer arithmetic: the smallest complete domain, and the example of docs/adding-a-domain.md."""

from pathlib import Path

from induct.domain import Domain
from induct.domains.arith.tasks import arith_tasks

HERE = Path(__file__).parent

DOMAIN = Domain("arith", HERE / "arith.induct", arith_tasks, train_split="train", test_splits=("test",),
                featurizer="tokens", deductions=(), description="integer functions of one or two integers")
