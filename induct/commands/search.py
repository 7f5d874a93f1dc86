"""``induct solve``: search every task of a task file with one strategy, in parallel."""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

from induct.cli import UsageError, add_command
from induct.search.base import SearchConfig, get_strategy
from induct.search.frontier import Frontier
from induct.search.parallel import Progress, solve_tasks

__all__ = ["progress_printer", "summary_lines"]


def _search_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", metavar="RUN", help="a trained run: search with its final library and recognition model")
    p.add_argument("--trust-semantics", action="append", default=[], metavar="MODULE",
                   help="with --run: also allow importing this semantics module (a run's own shipped "
                        "domain is always allowed; see README, Trust and limits)")
    p.add_argument("--grammar", help="a .induct file or a domain's name (lists, text ...); not with --run")
    p.add_argument("--tasks", required=True, help="a task JSON file or a domain's name (lists, text ...)")
    p.add_argument("--split", action="append", help="keep only tasks of this split (repeatable)")
    p.add_argument("--strategy", default="enumerate", help="search strategy (default enumerate)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per task (default 10)")
    p.add_argument("--max-programs", type=int, metavar="N",
                   help="stop each task's search after N programs (reproducible whatever the load)")
    p.add_argument("--workers", type=int, help="processes (default: all cores; 0 = in this process)")
    p.add_argument("--frontier-size", type=int, default=5, help="programs kept per task (default 5)")
    p.add_argument("--backend", choices=("local", "ray"), default="local",
                   help="where tasks run: local worker processes (default) or a Ray cluster")
    p.add_argument("--address", help="the Ray cluster to use with --backend ray (default: start a local one)")
    p.add_argument("--likelihood", default="exact", help="likelihood model (default exact)")
    p.add_argument("--decompose", type=float, default=0.25, metavar="SHARE",
                   help="share of each task's time first given to the deductions, e.g. a search for the "
                        "function a map- or filter-shaped task applies (default 0.25; 0: off)")
    p.add_argument("--limit", type=int, help="solve only the first N tasks")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--prior", metavar="MODEL",
                   help="a saved recognition model: search each task with the grammar it predicts")


def _search(args: argparse.Namespace) -> tuple[Any, list, dict[str, Frontier], float]:
    """Search the tasks ``args`` name: (library, tasks, frontiers, seconds)."""
    from induct.dsl import load_library
    from induct.grammar import Grammar
    from induct.tasks import check_task_types, load_tasks

    get_strategy(args.strategy)  # unknown strategy: the error lists the options
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers must be 0 or more, got {args.workers}")
    if args.max_programs is not None and args.max_programs < 1:
        raise UsageError(f"--max-programs must be at least 1, got {args.max_programs}")
    if bool(args.run) == bool(args.grammar):
        raise UsageError("give either --grammar or --run")
    if args.run and args.prior:
        raise UsageError("--prior comes with --grammar; a run brings its own recognition model")
    deductions: dict[str, Any] = {}
    model = None
    if args.run:
        from induct.wake_sleep import open_run

        _, domain, state = open_run(args.run, args.trust_semantics)
        if state is None:
            raise UsageError(f"{args.run} has no complete checkpoint yet")
        library, model = state.library, state.model
        deductions = {"deductions": domain.deductions}
    else:
        library = load_library(args.grammar)
    config = SearchConfig(timeout=args.timeout, max_frontier=args.frontier_size, likelihood=args.likelihood,
                          decompose=args.decompose, max_programs=args.max_programs, **deductions)
    tasks = load_tasks(args.tasks, split=args.split)
    if args.limit is not None:
        tasks = tasks[:args.limit]
    if not tasks:
        raise UsageError("no tasks to solve")
    check_task_types(tasks, library.type_constructors)
    if model is not None:
        from induct.recognition.prior import task_grammars

        grammar: Any = task_grammars(model, tasks)
    else:
        grammar = grammar_for_tasks(args, Grammar.from_library(library), tasks)
    printer = None if args.quiet else progress_printer(len(tasks))
    started = time.monotonic()
    frontiers = solve_tasks(tasks, grammar, args.strategy, config, args.workers, printer,
                            backend=args.backend, address=args.address)
    if printer is not None:
        print(file=sys.stderr)
    return library, tasks, frontiers, time.monotonic() - started


@add_command("solve", "search for programs that solve each task (wake), in parallel")
def _solve(p: argparse.ArgumentParser):
    _search_arguments(p)
    p.add_argument("--out", help="write the frontiers as JSON to this file")

    def run(args: argparse.Namespace) -> int:
        if args.out:
            _check_writable(args.out)  # before the search, so its results are not lost
        _, _, frontiers, seconds = _search(args)
        for line in summary_lines(frontiers, seconds):
            print(line)
        if args.out:
            _write(args, frontiers, args.timeout)
        solved = sum(f.solved for f in frontiers.values())
        print(f"solved {solved}/{len(frontiers)}")
        return 0

    return run


@add_command("predict", "the posterior predictive: search each task, then the most probable outputs on new inputs")
def _predict(p: argparse.ArgumentParser):
    _search_arguments(p)
    p.add_argument("--inputs", metavar="JSON",
                   help="a JSON list of input lists, each run through every task's posterior "
                        "(default: a task's test inputs when it has them, else its examples' inputs)")
    p.add_argument("--top", type=int, default=3, help="outputs shown per input (default 3)")

    def run(args: argparse.Namespace) -> int:
        if args.top < 1:
            raise UsageError(f"--top must be at least 1, got {args.top}")
        given = _parse_inputs(args.inputs) if args.inputs is not None else None
        library, tasks, frontiers, _ = _search(args)
        for task in tasks:
            f = frontiers[task.name]
            print(f"{task.name}: {'solved' if f.solved else 'not solved'}"
                  + (f", best {f.best.program}" if f.solved and f.best else ""))
            if not f.solved:
                continue
            inputs = given if given is not None else _default_inputs(task)
            for xs in inputs:
                shown = ", ".join(json.dumps(x) for x in xs)
                ranked = sorted(f.predict(library, xs).items(), key=lambda kv: -kv[1])[:args.top]
                print(f"  ({shown}) -> " + "; ".join(f"{out} ({w:.2f})" for out, w in ranked))
        return 0

    return run


def _parse_inputs(text: str) -> list[tuple]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise UsageError(f"--inputs is not JSON: {e}") from None
    if not isinstance(data, list) or not all(isinstance(x, list) for x in data):
        raise UsageError("--inputs must be a JSON list of input lists, e.g. [[[1, 2, 3]], [[4, 5]]]")
    return [tuple(x) for x in data]


def _default_inputs(task: Any) -> list[tuple]:
    test = task.metadata.get("test_inputs")
    if isinstance(test, list) and test:
        return [tuple(x) for x in test]
    return [e.inputs for e in task.examples]


def grammar_for_tasks(args: argparse.Namespace, grammar: Any, tasks: list) -> Any:
    """The grammar each task is searched with: one for all, or with ``--prior`` one per task."""
    if getattr(args, "prior", None):
        from induct.recognition import load_prior

        return load_prior(args.prior, grammar.library, tasks)
    return grammar


def progress_printer(total: int, stream: Any = None) -> Callable[[Progress], None]:
    """A progress callback drawing ``[####....] 12/40 tasks  solved 7  31 s`` with ``\\r``."""
    out = stream if stream is not None else sys.stderr
    width = 30

    def show(p: Progress) -> None:
        filled = int(width * p.done / max(total, 1))
        out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {p.done}/{total} tasks  "
                  f"solved {p.solved}  {p.elapsed:.0f} s ")
        out.flush()

    return show


def summary_lines(frontiers: dict[str, Frontier], seconds: float) -> list[str]:
    """A table of the tasks (solved or not, time to solve, best program) and totals."""
    rows = []
    width = min(max((len(n) for n in frontiers), default=4), 40)
    rows.append(f"{'task':<{width}}  {'solved':>6}  {'time':>7}  {'programs':>10}  best program")
    times = []
    for name, f in frontiers.items():
        s = f.stats
        t = s.time_to_first_solution
        if t is not None and f.solved:
            times.append(t)
        best = str(f.best.program) if f.best and f.solved else (s.error or "")
        rows.append(f"{name[:width]:<{width}}  {'yes' if f.solved else 'no':>6}  "
                    f"{(f'{t:.2f}s' if t is not None and f.solved else '-'):>7}  {s.programs_tried:>10,}  {best}")
    solved = sum(f.solved for f in frontiers.values())
    median = f"{statistics.median(times):.2f} s" if times else "-"
    rows.append(f"{solved} of {len(frontiers)} solved in {seconds:.1f} s; median time to solve {median}")
    return rows


def _check_writable(out: str) -> None:
    """Refuse an output path that cannot be written, without creating anything."""
    path = Path(out)
    parent = path.parent
    if path.is_dir():
        raise UsageError(f"--out {out} is a directory; give a file name such as {path / 'frontiers.json'}")
    if not parent.exists():
        raise UsageError(f"--out {out}: directory {parent} does not exist; create it first")
    if not parent.is_dir():
        raise UsageError(f"--out {out}: {parent} is not a directory")
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise UsageError(f"--out {out}: {target} is not writable")


def _write(args: argparse.Namespace, frontiers: dict[str, Frontier], timeout: float) -> None:
    data = {"grammar": args.grammar or args.run, "tasks": args.tasks, "strategy": args.strategy,
            "timeout": timeout, "frontiers": [f.to_json() for f in frontiers.values()]}
    try:
        Path(args.out).write_text(json.dumps(data, indent=1, default=_json_default) + "\n")
    except OSError as e:
        raise UsageError(f"cannot write {args.out}: {e.strerror}") from None


def _json_default(x: Any) -> Any:
    if isinstance(x, float) and math.isinf(x):
        return str(x)
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")
