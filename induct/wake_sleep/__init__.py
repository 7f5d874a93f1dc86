"""The wake-sleep loop: runs, checkpoints, resume and reports.

Example (a user domain defined in Python)::

    from induct.wake_sleep import Domain, TrainConfig, train
    domain = Domain("mine", "my_dsl.induct", "my_tasks.json", "train", ("test",))
    result = train(TrainConfig(iterations=2), "runs/mine", domain=domain)
    print(result.library.to_text())
"""

from pathlib import Path

from induct.wake_sleep.checkpoint import CheckpointError
from induct.wake_sleep.config import ConfigError, TrainConfig, load_config
from induct.wake_sleep.domain import Domain, domain_names, get_domain, registered_domains, resolve_domain
from induct.wake_sleep.loop import RunResult, RunState, load_run, load_state, open_run, resume, train

__all__ = ["CheckpointError", "ConfigError", "TrainConfig", "load_config", "Domain", "domain_names", "get_domain", "registered_domains",
           "resolve_domain", "RunResult", "RunState", "load_run", "load_state", "open_run", "resume", "train", "write_run_report"]


def write_run_report(run_dir: str | Path) -> dict[str, Path]:
    """Write the PNG learning curve, library table and HTML summary of a run."""
    from induct.wake_sleep.report import write_report

    config, domain, state = load_run(run_dir)
    if state is None:
        from induct.errors import InductError

        raise InductError(f"{run_dir} has no complete checkpoint yet")
    train_tasks, _ = domain.load_tasks()
    return write_report(Path(run_dir), config, domain, state, len(train_tasks))
