"""The README's examples run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def _bash_block_after(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(heading, 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quickstart_is_two_commands_install_train_and_test():
    lines = _bash_block_after("## Quickstart")
    assert len(lines) == 2
    assert "induct train" in lines[0] and "pip install" in lines[0]
    assert "pytest" in lines[1] and "pip install" in lines[1]
    ci = (README.parent / ".ci" / "run").read_text()
    assert lines[1].strip() in ci


def test_library_api_example_trains_a_user_domain(tmp_path):
    blocks = _python_blocks()
    assert blocks, "the README has no Python example"
    script = tmp_path / "example.py"
    script.write_text(blocks[0])
    # The example runs this checkout's induct, whatever is installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(README.parent), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "test task(s) solved" in done.stdout
    assert (tmp_path / "runs" / "arith" / "checkpoints" / "iteration_0002" / "MANIFEST.json").exists()


def test_lower_level_example_solves_tasks():
    blocks = _python_blocks()
    namespace: dict = {"__name__": "__main__"}
    exec(compile(blocks[1], "README.md", "exec"), namespace)
    frontiers = namespace["frontiers"]
    assert set(frontiers) == {t.name for t in namespace["tasks"]}
    assert all(f.stats.programs_tried > 0 for f in frontiers.values())


def test_strategy_example_is_driven_to_a_solution():
    from induct.dsl import load_library
    from induct.grammar import Grammar
    from induct.search import STRATEGIES, SearchConfig, solve_task
    from induct.tasks import Example, Task
    from induct.types import parse_type

    block = next(b for b in _python_blocks() if "register_strategy(" in b)
    try:
        exec(compile(block, "README.md", "exec"), {"__name__": "__main__"})
        task = Task("length", parse_type("list(int) -> int"),
                    tuple(Example((x,), len(x)) for x in ([1, 2], [], [3, 4, 5])))
        # decompose 0: every program of the budget goes to the strategy (no deduction keeps a share)
        frontier = solve_task(task, Grammar.uniform(load_library("lists")), "prior_samples",
                              SearchConfig(timeout=10, max_programs=3000, decompose=0.0))
    finally:
        STRATEGIES._added.pop("prior_samples", None)
    assert frontier.solved and frontier.stats.strategy == "prior_samples"
    assert frontier.stats.programs_tried == 3000
    assert "(lambda (length $0))" in {str(e.program) for e in frontier.entries}
