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


def journaled_search(label: str, tasks: list, prior_for, strategy: str, config, workers: int, journal: Path,
                     row_of, tally: str) -> list[dict]:
    """Search ``tasks`` in chunks, appending ``{"task": name, **row_of(task, frontier)}`` to
    ``journal`` as each chunk finishes; tasks already in the journal are not searched again,
    so an interrupted benchmark resumes.  ``prior_for(chunk)`` gives the chunk's prior;
    progress counts the rows whose ``tally`` field is true.  Returns the rows, in task order."""
    import time

    from induct.search import solve_tasks

    done = journal_rows(journal)
    left = [t for t in tasks if t.name not in done]
    chunk = max(2, 4 * workers)
    started = time.monotonic()
    for k in range(0, len(left), chunk):
        part = left[k:k + chunk]
        frontiers = solve_tasks(part, prior_for(part), strategy, config, workers)
        with journal.open("a") as out:
            for t in part:
                out.write(json.dumps({"task": t.name, **row_of(t, frontiers[t.name])}) + "\n")
        done = journal_rows(journal)
        count = sum(1 for t in tasks if done.get(t.name, {}).get(tally))
        print(f"{label}: {sum(t.name in done for t in tasks)}/{len(tasks)} searched, {tally} {count}, "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    return [done[t.name] for t in tasks]
