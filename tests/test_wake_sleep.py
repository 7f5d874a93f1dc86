"""End-to-end tests of the wake-sleep loop on a tiny domain: learning, resume, checkpoints."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import msgpack
import pytest

from induct.cli import main
from induct.wake_sleep import CheckpointError, Domain, TrainConfig, load_run, resume, train, write_run_report
from induct.wake_sleep.checkpoint import latest_checkpoint

DATA = Path(__file__).parent / "data"
DOMAIN = Domain("tiny", str(DATA / "tiny.induct"), str(DATA / "tiny_tasks.json"), "train", ("test",))
CONFIG = TrainConfig(iterations=2, batch_size=9, max_programs=20_000, timeout=60, test_timeout=60,
                     workers=2, recognition_steps=10, dreams=10, compression_iterations=3, seed=3)


def _entries(run_dir: Path) -> dict:
    """Frontier programs and log priors of the last checkpoint (timings left out)."""
    ck = latest_checkpoint(run_dir)
    data = json.loads((ck / "frontiers.json").read_text())
    return {name: [(e["program"], e["log_prior"], e["log_likelihood"]) for e in f["entries"]]
            for name, f in data.items()}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("runs") / "tiny"
    result = train(CONFIG, run_dir, domain=DOMAIN, progress=False)
    return run_dir, result


def test_tiny_domain_learns_an_invention_that_is_used(finished_run):
    run_dir, result = finished_run
    assert [m["iteration"] for m in result.metrics] == [1, 2]
    inventions = result.library.inventions
    assert inventions, "no invention was learned"
    used = [row for row in _rows(result) if row["uses"] > 0]
    assert used, "no learned invention is used by any frontier"
    # The learned library is written back as a grammar file that loads with its inventions.
    from induct.dsl import parse_library

    again = parse_library((run_dir / "library.induct").read_text())
    assert {p.name for p in again.inventions} == {p.name for p in inventions}
    assert result.metrics[-1]["train_solved_total"] >= result.metrics[0]["train_solved_batch"]


def _rows(result):
    from induct.wake_sleep.report import library_rows

    return library_rows(result.state)


def test_report_and_library_commands(finished_run, capsys):
    run_dir, result = finished_run
    paths = write_run_report(run_dir)
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = paths["html"].read_text()
    assert "Learned library" in page and result.library.inventions[0].name in page
    assert main(["library", str(run_dir)]) == 0
    out = capsys.readouterr().out
    assert result.library.inventions[0].name in out


def test_checkpoints_contain_no_pickle(finished_run):
    run_dir, _ = finished_run
    files = [p for p in run_dir.rglob("*") if p.is_file()]
    assert files
    for p in files:
        data = p.read_bytes()
        assert not data.startswith(b"\x80"), f"{p} looks like a pickle"
        assert p.suffix in {".json", ".jsonl", ".induct", ".msgpack", ".toml", ".txt", ".png", ".html", ".md"}, p
    model = next(run_dir.rglob("recognition.msgpack"))
    assert isinstance(msgpack.unpackb(model.read_bytes(), raw=False), dict)


def _copy_run(finished_run, tmp_path) -> Path:
    run_dir, _ = finished_run
    dest = tmp_path / "copy"
    shutil.copytree(run_dir, dest)
    return dest


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_damaged_checkpoint_is_refused(finished_run, tmp_path, damage, capsys):
    run_dir = _copy_run(finished_run, tmp_path)
    target = latest_checkpoint(run_dir) / "frontiers.json"
    data = bytearray(target.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x20
    else:
        data = data[: len(data) // 3]
    target.write_bytes(bytes(data))
    with pytest.raises(CheckpointError) as err:
        load_run(run_dir)
    word = "corrupted" if damage == "flip" else "truncated"
    assert word in str(err.value) and "frontiers.json" in str(err.value)
    assert main(["resume", str(run_dir), "--quiet"]) == 2
    assert word in capsys.readouterr().err


def test_interrupted_write_is_not_a_checkpoint(finished_run, tmp_path):
    run_dir = _copy_run(finished_run, tmp_path)
    last = latest_checkpoint(run_dir)
    partial = last.with_name("iteration_0003.partial")
    partial.mkdir()
    (partial / "frontiers.json").write_text("{")
    assert latest_checkpoint(run_dir) == last


_SCRIPT = """
import sys
from pathlib import Path
from induct.wake_sleep import Domain, TrainConfig, train

if __name__ == "__main__":
    domain = Domain("tiny", {grammar!r}, {tasks!r}, "train", ("test",))
    config = TrainConfig(**{config!r})
    train(config, Path(sys.argv[1]), domain=domain, progress=False)
"""


def test_sigkill_mid_iteration_then_resume_matches_uninterrupted(finished_run, tmp_path):
    reference_dir, reference = finished_run
    run_dir = tmp_path / "killed"
    script = tmp_path / "run_tiny.py"
    fields = {k: v for k, v in CONFIG.to_dict().items() if v is not None}
    script.write_text(textwrap.dedent(_SCRIPT).format(grammar=DOMAIN.grammar, tasks=DOMAIN.tasks, config=fields))
    proc = subprocess.Popen([sys.executable, str(script), str(run_dir)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 240
        first = run_dir / "checkpoints" / "iteration_0001" / "MANIFEST.json"
        while not first.exists():
            assert proc.poll() is None, "the training process ended before its first checkpoint"
            assert time.time() < deadline, "no checkpoint within the time limit"
            time.sleep(0.05)
        time.sleep(1.0)  # well inside iteration 2
        assert proc.poll() is None, "the run finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert latest_checkpoint(run_dir).name == "iteration_0001"
    result = resume(run_dir, domain=DOMAIN, progress=False)
    assert result.state.iteration == 2
    assert (run_dir / "library.induct").read_text() == (reference_dir / "library.induct").read_text()
    assert _entries(run_dir) == _entries(reference_dir)
    # Nothing checkpointed was redone: iteration 1's metrics are the ones written before the kill.
    assert result.metrics[0] == json.loads((run_dir / "metrics.jsonl").read_text().splitlines()[0])


def test_progress_lines_estimate_the_time_left():
    import time

    from induct.wake_sleep.loop import _eta

    assert _eta(time.time() - 10, 2, 10) == ", ETA 0:00:40"  # 5 s a task, 8 left
    assert _eta(time.time(), 0, 5) == ""  # nothing to go on yet
    assert _eta(time.time() - 3, 5, 5) == ""  # the phase is over


def test_unsolved_first_batches_search_unsolved_tasks_before_solved_ones():
    from induct.wake_sleep.config import ConfigError
    from induct.wake_sleep.loop import _batch

    tasks, _ = DOMAIN.load_tasks()
    config = CONFIG.replace(batch_size=3)
    cyclic = config.replace(task_order="cyclic")
    # Before anything is solved both orders give the same batches.
    assert [t.name for t in _batch(tasks, config, 2, {})] == [t.name for t in _batch(tasks, cyclic, 2, {})]
    # A solved task of the cyclic batch gives way to the next unsolved one in the rotation.
    first = _batch(tasks, cyclic, 1, {})
    frontiers = {first[0].name: _SolvedStub()}
    batch = _batch(tasks, config, 1, frontiers)
    assert first[0].name not in [t.name for t in batch]
    assert [t.name for t in batch[:2]] == [t.name for t in first[1:]]
    with pytest.raises(ConfigError, match="task_order"):
        config.replace(task_order="random")


class _SolvedStub:
    """What the batch rule reads of a frontier."""

    solved = True


def test_generative_wake_searches_again_with_the_library_prior(monkeypatch):
    """Tasks the model's grammars leave unsolved are searched with the library's own prior."""
    import math

    import induct.recognition.prior as prior
    from induct.grammar import ContextualGrammar, Grammar
    from induct.wake_sleep import phases

    tasks, _ = DOMAIN.load_tasks()
    task = next(t for t in tasks if t.name == "add-2")
    library = DOMAIN.load_library()
    plain = Grammar.from_library(library)
    plus = [p.name for p in library.productions].index("+")
    # A "model" whose grammars give + no weight: add-2 cannot be found with them.
    blind = plain.with_log_weights([-math.inf if i == plus else w for i, w in enumerate(plain.log_weights)],
                                   plain.log_variable)
    monkeypatch.setattr(prior, "task_grammars",
                        lambda model, ts: {t.name: ContextualGrammar.from_grammar(blind) for t in ts})
    config = CONFIG.replace(workers=1)
    passes: list[str] = []

    def progress(what, done, total, solved):
        passes.append(what)

    only_model = phases.wake([task], library, object(), config, 20_000, 60, progress)
    assert not only_model["add-2"].solved
    report: dict = {}
    both = phases.wake([task], library, object(), config, 20_000, 60, progress, generative=True, report=report)
    assert both["add-2"].solved and report == {"generative_solved": 1}
    assert "library prior" in passes
    assert "+" in str(both["add-2"].best.program)


def _plant_semantics(run_dir: Path, tmp_path: Path, monkeypatch) -> Path:
    """Point the last checkpoint's library at a module that leaves a marker when imported,
    with a manifest that matches (as someone handing over a run could)."""
    import hashlib

    marker = tmp_path / "imported.txt"
    (tmp_path / "planted_semantics.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nPRIMITIVES = {{}}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    ck = latest_checkpoint(run_dir)
    lines = (ck / "library.induct").read_text().splitlines(keepends=True)
    k = next(i for i, line in enumerate(lines) if line.startswith("semantics "))
    lines[k] = "semantics planted_semantics\n"
    data = "".join(lines).encode()
    (ck / "library.induct").write_bytes(data)
    manifest = json.loads((ck / "MANIFEST.json").read_text())
    manifest["files"]["library.induct"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    (ck / "MANIFEST.json").write_text(json.dumps(manifest))
    return marker


def test_opening_a_run_imports_nothing_it_names(finished_run, tmp_path, monkeypatch, capsys):
    run_dir = _copy_run(finished_run, tmp_path)
    marker = _plant_semantics(run_dir, tmp_path, monkeypatch)
    assert main(["library", str(run_dir)]) == 0
    assert main(["library", str(run_dir), "--grammar-file"]) == 0
    assert "semantics planted_semantics" in capsys.readouterr().out
    assert main(["report", str(run_dir)]) == 0
    assert not marker.exists()


def test_resume_refuses_an_untrusted_semantics_module(finished_run, tmp_path, monkeypatch, capsys):
    run_dir = _copy_run(finished_run, tmp_path)
    marker = _plant_semantics(run_dir, tmp_path, monkeypatch)
    assert main(["resume", str(run_dir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--trust-semantics planted_semantics" in err and len(err.strip().splitlines()) >= 1
    assert not marker.exists()
    # A Python caller naming the domain trusts the domain's own module, not the planted one.
    with pytest.raises(CheckpointError):
        resume(run_dir, domain=DOMAIN, progress=False)
    assert not marker.exists()


def test_resume_trusts_a_module_shipped_with_induct_and_one_the_user_names(finished_run, tmp_path, monkeypatch,
                                                                            capsys):
    plain = _copy_run(finished_run, tmp_path)
    assert main(["resume", str(plain), "--quiet"]) == 0  # tiny.induct names induct.domains.lists
    planted = tmp_path / "planted"
    shutil.move(plain, planted)
    marker = _plant_semantics(planted, tmp_path, monkeypatch)
    # Named by the user, the module is imported (and here found wanting).
    assert main(["resume", str(planted), "--quiet", "--trust-semantics", "planted_semantics"]) == 2
    assert marker.exists()
    assert "no semantics" in capsys.readouterr().err


def test_a_run_directory_is_used_by_one_process_at_a_time(finished_run, tmp_path, capsys):
    import fcntl

    run_dir = _copy_run(finished_run, tmp_path)
    with open(run_dir / "lock.txt", "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["resume", str(run_dir), "--quiet"]) == 2
    assert "in use by another induct process" in capsys.readouterr().err


def test_train_refuses_a_directory_of_user_files_and_a_file(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "library.induct").write_text("my notes\n")
    assert main(["train", "--out", str(mine), "--quiet", "--iterations", "1"]) == 2
    assert "not a run" in capsys.readouterr().err
    assert sorted(p.name for p in mine.iterdir()) == ["library.induct"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["train", "--out", str(a_file), "--quiet", "--iterations", "1"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_a_failed_start_writes_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--out", str(out), "--quiet", "--iterations", "1",
                 "--grammar", str(tmp_path / "missing.induct")]) == 2
    assert not out.exists() or not any(out.iterdir())
    capsys.readouterr()
