"""A training config nests one config per phase, reachable from TOML tables and --table.key options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from induct.cli import main
from induct.compression import CompressionConfig
from induct.config import settings
from induct.errors import ConfigError, InductError
from induct.recognition import RecognitionConfig
from induct.search import SearchConfig
from induct.wake_sleep import TrainConfig, load_config
from induct.wake_sleep.config import FIXED, config_to_toml

# What the previous version wrote into a run's config.toml (one flat [train] table).
FLAT = """# induct train configuration
[train]
domain = "lists"
test_splits = ["test", "dropped"]
iterations = 2
batch_size = 9
task_order = "cyclic"
max_programs = 20000
timeout = 60
test_every = 1
test_max_programs = 15000
test_timeout = 30
max_test_tasks = 0
workers = 2
backend = "local"
address = ""
strategy = "enumerate"
frontier_size = 4
generative_wake = true
decompose = 0.5
recognition = false
recognition_steps = 10
recognition_seconds = 0.0
dreams = 12
compression = true
compression_iterations = 3
arity = 3
structure_penalty = 2.0
size_penalty = 0.5
pseudocounts = 20.0
top_k = 3
seed = 3
"""


def test_a_flat_config_of_the_previous_version_reads_into_the_nested_one(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(FLAT)
    config = load_config(path)
    assert (config.iterations, config.batch_size, config.task_order, config.test_splits) == (2, 9, "cyclic",
                                                                                             ("test", "dropped"))
    assert (config.test_max_programs, config.test_timeout, config.workers, config.seed) == (15000, 30.0, 2, 3)
    assert config.use_recognition is False and config.use_compression is True
    s = config.search
    assert (s.max_programs, s.timeout, s.max_frontier, s.decompose, s.seed) == (20000, 60.0, 4, 0.5, 3)
    c = config.compression
    assert (c.iterations, c.max_arity, c.pseudocounts, c.top_k) == (3, 3, 20.0, 3)
    # The old structure_penalty was the cost of each invention; the old size_penalty the cost per leaf.
    assert (c.library_size_penalty, c.invention_size_penalty) == (2.0, 0.5)
    r = config.recognition
    assert (r.steps, r.n_dreams, r.seconds) == (10, 12, None)   # recognition_seconds = 0: no time limit


def test_written_config_reads_back_equal(tmp_path):
    config = TrainConfig().replace(iterations=4, test_splits="a,b", seed=7,
                                   search={"max_programs": "none", "timeout": 3,
                                           "options": {"chains": 2, "burn_in": 10}},
                                   compression={"max_arity": 1, "max_expansions": None, "costs": {"leaf": 50}},
                                   recognition={"seconds": 2.5, "head": "unigram"})
    assert config.search.max_programs is None and config.compression.max_expansions is None
    assert config.search.seed == 7                       # the search's seed is the run's
    path = tmp_path / "config.toml"
    path.write_text(config_to_toml(config))
    text = path.read_text()
    assert "[search]" in text and "[compression.costs]" in text and "[recognition]" in text
    assert not re.search(r"^(structure_penalty|size_penalty) =", text, flags=re.M)
    assert load_config(path) == config
    assert load_config(path).to_dict() == config.to_dict()


def test_top_level_and_train_nested_tables_and_overrides(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[train]\nbatch_size = 4\n\n[search]\ntimeout = 5\n\n[train.compression]\nmax_arity = 1\n\n'
                    '[recognition]\nsteps = 7\n')
    config = load_config(path, **{"search.max_frontier": "2", "recognition.steps": "9", "timeout": None})
    assert (config.batch_size, config.search.timeout, config.search.max_frontier) == (4, 5.0, 2)
    assert (config.compression.max_arity, config.recognition.steps) == (1, 9)
    assert config.replace(**{"search.timeout": "1.5"}).search.timeout == 1.5
    path.write_text("[train]\nrecognition = false\n\n[recognition]\nsteps = 3\n")   # an old switch beside a table
    mixed = load_config(path)
    assert mixed.use_recognition is False and mixed.recognition.steps == 3
    assert config.replace(search={"timeout": 2}).search.max_frontier == 2     # a table updates, keeps the rest


@pytest.mark.parametrize("text, key", [
    ("[train]\nbatch_size = 3.7\n", "batch_size"),
    ("[train]\nbatch_sz = 3\n", "batch_sz"),
    ("[search]\ntimeout = -1\n", "search.timeout"),
    ("[search]\ntimeot = 1\n", "search.timeot"),
    ("[search]\nmax_programs = 1.5\n", "search.max_programs"),
    ("[search]\nseed = 1\n", "search.seed"),
    ("[search]\nlikelihood = \"noisy\"\n", "search.likelihood"),   # the domain names its likelihood
    ("[compression]\nlibrary_size_penalty = -1.0\n", "compression.library_size_penalty"),
    ("[compression.costs]\nleaf = 0\n", "compression.costs.leaf"),
    ("[recognition]\nsteps = -5\n", "recognition.steps"),
    ("[recognition]\nhead = \"trigram\"\n", "recognition.head"),
    ("[train]\nstructure_penalty = -1.0\n", "structure_penalty"),
    ("[extra]\nx = 1\n[train]\n", "[extra]"),
])
def test_bad_settings_are_one_line_naming_the_key_and_the_file(tmp_path, capsys, text, key):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: {key} ")
    assert main(["train", str(path), "--out", str(tmp_path / "run"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and key in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "run").exists()


def test_bad_options_name_the_option_and_the_command_line(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path / "run"), "--quiet", "--search.timeout", "soon"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "command line: search.timeout must be a number" in err[0]
    assert main(["train", "--out", str(tmp_path / "run"), "--quiet", "--dreams", "-3"]) == 2
    assert "dreams (now recognition.n_dreams) must be ≥ 0" in capsys.readouterr().err


def test_every_setting_has_an_option_and_old_flags_are_aliases(tmp_path, monkeypatch):
    import induct.wake_sleep as ws

    seen = {}

    def fake_train(config, out, **kwargs):
        seen["config"] = config
        raise InductError("stopped before training")

    monkeypatch.setattr(ws, "train", fake_train)
    path = tmp_path / "mine.toml"
    path.write_text("[search]\ntimeout = 5\nmax_frontier = 3\n")
    assert main(["train", str(path), "--quiet", "--out", str(tmp_path / "run"), "--search.timeout", "7",
                 "--compression.max-arity", "1", "--recognition.n-dreams", "5", "--compression.costs.leaf", "50",
                 "--search.options", '{"chains": 2}', "--max-programs", "123", "--recognition", "false",
                 "--structure-penalty", "4", "--batch-size", "6"]) == 2
    config = seen["config"]
    assert (config.search.timeout, config.search.max_frontier, config.search.max_programs) == (7.0, 3, 123)
    assert config.search.options == {"chains": 2}
    assert (config.compression.max_arity, config.compression.costs.leaf, config.compression.library_size_penalty) \
        == (1, 50, 4.0)
    assert (config.recognition.n_dreams, config.use_recognition, config.batch_size) == (5, False, 6)


def test_each_phase_config_is_the_phase_s_own_class_and_all_settings_are_reachable():
    config = TrainConfig()
    assert isinstance(config.search, SearchConfig)
    assert isinstance(config.compression, CompressionConfig)
    assert isinstance(config.recognition, RecognitionConfig)
    paths = {s.path for s in settings(TrainConfig, FIXED)}
    for prefix, cls in (("search.", SearchConfig), ("compression.", CompressionConfig),
                        ("recognition.", RecognitionConfig)):
        from dataclasses import fields

        expected = {prefix + f.name for f in fields(cls)} - FIXED - {"search.deductions", "compression.costs"}
        assert expected <= paths
    with pytest.raises(ConfigError, match="TrainConfig.search"):
        TrainConfig(search=CompressionConfig())  # type: ignore[arg-type]


def test_one_error_class_for_every_config():
    for make in (lambda: SearchConfig(timeout=-1), lambda: CompressionConfig(top_k=0),
                 lambda: RecognitionConfig(steps=-1), lambda: TrainConfig(batch_size=0),
                 lambda: SearchConfig(max_frontier=2.5), lambda: CompressionConfig(renamings="yes")):
        with pytest.raises(ConfigError):
            make()


def test_the_readme_config_example_is_a_valid_config(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
    assert blocks
    path = tmp_path / "readme.toml"
    path.write_text(blocks[0])
    config = load_config(path)
    assert config.search.max_programs == 100_000 and config.recognition.steps == 300
