"""``induct solve --prior MODEL`` searches with the model's per-task grammars."""

from __future__ import annotations

import jax

from induct.cli import main
from induct.recognition import RecognitionConfig, RecognitionModel, load_prior, save
from induct.tasks import load_tasks


def test_solve_with_a_prior(lists_library, tmp_path, capsys):
    model = RecognitionModel.init(jax.random.key(0), lists_library, "tokens",
                                  RecognitionConfig(embedding_dim=8, hidden_dim=16))
    path = save(model, tmp_path / "prior.msgpack")
    tasks = load_tasks("lists")[:2]
    grammars = load_prior(path, lists_library, tasks)
    assert set(grammars) == {t.name for t in tasks}
    out = tmp_path / "frontiers.json"
    code = main(["solve", "--grammar", "lists", "--tasks", "lists", "--limit", "2", "--timeout", "2",
                 "--workers", "0", "--quiet", "--prior", str(path), "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "solved" in text and out.exists()


def test_solve_with_a_missing_prior_fails_cleanly(tmp_path, capsys):
    code = main(["solve", "--grammar", "lists", "--tasks", "lists", "--limit", "1", "--workers", "0",
                 "--quiet", "--prior", str(tmp_path / "absent.msgpack")])
    assert code == 2
    assert "cannot read recognition model" in capsys.readouterr().err
