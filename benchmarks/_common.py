"""What every benchmark script records beside its figures: commit, date, machine and load."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def git_commit() -> str:
    """The checked-out commit, or "unknown" outside a git checkout."""
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip() or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def metadata() -> dict:
    """Commit, UTC date, machine and load average, for a result file."""
    return {"commit": git_commit(),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                        "python": platform.python_version(), "cpu_count": os.cpu_count()},
            "load_before": list(os.getloadavg())}


def write_result(name: str, result: dict) -> Path:
    """Write ``result`` (with the load after the run added) to benchmarks/results/NAME.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = dict(result)
    result["load_after"] = list(os.getloadavg())
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2))
    os.replace(tmp, path)
    return path


def journal_rows(path: Path) -> dict[str, dict]:
    """The rows of a resumable benchmark's journal (one JSON object per line, keyed by its
    ``task``); a line cut short by an interruption is skipped, so that task runs again."""
    rows: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            rows[row["task"]] = row
    return rows
