"""Symbolic regression with numpyro: held-out tasks solved, candidates/s, calibration.

Generated tasks (induct/domains/regression/tasks.py): polynomials and rational functions,
50 points, x in [-5, 5), noise sigma 0.3.  For each test task the first N programs of
regression.induct in prior order (uniform weights) are traced, deduplicated by family of
functions (``semantics.family``: constants absorb what they meet), fitted in batched numpyro
MAP calls (one per size class) and scored by Laplace evidence + log prior; NUTS
runs on the best, and its posterior-predictive mean is compared on 50 unseen x:
**solved** means RMS(mean - f_true) <= 0.3 (the noise scale).
Calibration: NUTS on each task's generating structure; how often each constant's 90%
interval covers the true value.  Structure choice: how often the Laplace evidence of the
generating structure beats the same structure with one superfluous constant (x -> x + c).

Usage:  python benchmarks/regression.py [--quick] [--fresh]
Resumable: each task's row is appended to a journal in benchmarks/results/regression[_quick]_journal/
as it finishes, and a rerun does only the tasks not in it (``--fresh`` starts over).
Writes benchmarks/results/regression[_quick].json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import journal_rows, metadata as _metadata, write_result  # noqa: E402

import numpy as np  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="12 test and 52 calibration tasks, 3000 programs")
    ap.add_argument("--fresh", action="store_true", help="forget the journals of an earlier run")
    ap.add_argument("--journals", default=str(ROOT / "benchmarks" / "results"), help="where journals go")
    args = ap.parse_args()
    from induct.dsl import load_library
    from induct.grammar import Grammar
    from induct.programs.evaluation import compile_program
    from induct.search.enumeration import enumerate_programs
    from induct.types import parse_type
    from induct.domains.regression import GRAMMAR
    from induct.domains.regression.likelihood import fit_batch, posterior, predictive, task_data, trace
    from induct.domains.regression.semantics import family
    from induct.domains.regression.tasks import make_tasks

    meta = _metadata()
    # 6000 programs hold 1107 families, the first rational one at program 4392 (cubics lie
    # beyond 20000, where a full batched fit costs about 190 s per task on 2 cores).
    n_test, n_calib, n_programs = (12, 52, 3000) if args.quick else (60, 52, 6000)
    warmup, samples = (200, 300) if args.quick else (500, 1000)
    lib = load_library(GRAMMAR)
    grammar = Grammar.uniform(lib)
    cands, priors, seen = [], [], set()
    for p, lp in enumerate_programs(grammar, parse_type("real -> real"), max_programs=n_programs):
        c = trace(compile_program(p, lib))
        if c is not None and family(c.expr) not in seen:  # the most probable program of each family
            seen.add(family(c.expr))
            cands.append((str(p), c))
            priors.append(lp)
    tests = make_tasks(n_test, seed=1, split="test")
    # Speed, side by side on the first test task: all candidates padded to the largest in one
    # jitted call, against one call per size class.  Each is run once to compile, then timed.
    x0, y0 = task_data(tests[0])
    speed = {}
    for label, by_size in (("one_padded_batch", False), ("by_size", True)):
        t0 = time.monotonic()
        fit_batch([c for _, c in cands], x0, y0, by_size=by_size)
        first = time.monotonic() - t0
        t0 = time.monotonic()
        fit_batch([c for _, c in cands], x0, y0, by_size=by_size)
        warm = time.monotonic() - t0
        speed[label] = {"first_call_s": first, "warm_s": warm, "candidates_per_second": len(cands) / warm}
        print(f"{label:18s} {len(cands)} candidates: first call {first:6.1f} s (compiling), then {warm:6.2f} s "
              f"= {len(cands) / warm:7.0f}/s", flush=True)
    journals = Path(args.journals) / ("regression_quick_journal" if args.quick else "regression_journal")
    if args.fresh:
        shutil.rmtree(journals, ignore_errors=True)
    journals.mkdir(parents=True, exist_ok=True)
    test_journal, calib_journal = journals / "test.jsonl", journals / "calibration.jsonl"
    done = journal_rows(test_journal)
    if done:
        print(f"resuming: {len(done)} test tasks already in {test_journal}", flush=True)
    for task in tests:
        if task.name in done:
            continue
        x, y = task_data(task)
        t0 = time.monotonic()
        fits = fit_batch([c for _, c in cands], x, y)
        fit_s = time.monotonic() - t0
        total = [f["evidence"] + lp for f, lp in zip(fits, priors)]
        best = int(np.argmax(total))
        post = posterior(fits[best], x, y, warmup=warmup, samples=samples)
        pred = predictive(post, np.array(task.metadata["test_x"]), noise=False)
        rms = float(np.sqrt(np.mean((pred["mean"] - np.array(task.metadata["test_y"])) ** 2)))
        ok = rms <= 0.3
        row = {"task": task.name, "best": cands[best][0], "rms": rms, "solved": bool(ok),
               "scored": len(cands), "fit_s": fit_s}
        with test_journal.open("a") as out:
            out.write(json.dumps(row) + "\n")
        print(f"{task.name:24s} {cands[best][0]:48s} rms {rms:8.3f} {'solved' if ok else ''}", flush=True)
    done = journal_rows(test_journal)
    rows = [done[t.name] for t in tests]
    solved = sum(r["solved"] for r in rows)
    scored, fit_time = sum(r["scored"] for r in rows), sum(r["fit_s"] for r in rows)

    calib_tasks = make_tasks(n_calib, seed=2, split="calibration")
    done = journal_rows(calib_journal)
    for i, task in enumerate(calib_tasks):
        if task.name in done:
            continue
        x, y = task_data(task)
        prog = task.metadata["program"]
        true = trace(compile_program(lib.parse(prog), lib))
        spur = trace(compile_program(lib.parse(prog.replace("$0)", "(+ $0 REAL))", 1)), lib))
        a, b = fit_batch([true, spur], x, y)
        post = posterior(a, x, y, warmup=warmup, samples=samples)
        lo, hi = np.quantile(post["theta"], 0.05, axis=0), np.quantile(post["theta"], 0.95, axis=0)
        c = np.array(task.metadata["constants"])
        with calib_journal.open("a") as out:
            out.write(json.dumps({"task": task.name, "covered": int(np.sum((lo <= c) & (c <= hi))),
                                  "constants": len(c), "preferred": bool(a["evidence"] > b["evidence"])}) + "\n")
        if (i + 1) % 10 == 0:
            print(f"calibration: {i + 1}/{n_calib} tasks", flush=True)
    done = journal_rows(calib_journal)
    calib = [done[t.name] for t in calib_tasks]
    covered, total_c = sum(r["covered"] for r in calib), sum(r["constants"] for r in calib)
    preferred = sum(r["preferred"] for r in calib)

    result = dict(meta, quick=args.quick, tolerance="RMS(predictive mean - true f) <= 0.3 on 50 unseen x",
                  programs_enumerated=n_programs, candidates=len(cands), held_out_solved=solved,
                  held_out_tasks=n_test, candidates_per_second=scored / fit_time, fit_speed=speed, calibration_tasks=n_calib,
                  calibration_coverage=covered / total_c, constants=total_c,
                  true_structure_preferred=preferred / n_calib, rows=rows)
    path = write_result("regression_quick" if args.quick else "regression", result)
    print(f"\n{'held-out solved':32s} {solved}/{n_test}")
    print(f"{'candidates scored / s':32s} {scored / fit_time:.0f}  ({len(cands)} families of functions "
          f"among the first {n_programs} programs, per task)")
    print(f"{'90% interval coverage':32s} {covered}/{total_c} = {covered / total_c:.1%}  ({n_calib} tasks)")
    print(f"{'true structure preferred':32s} {preferred}/{n_calib} = {preferred / n_calib:.1%}")
    print(f"load before {meta['load_before']}, wrote {path}")


if __name__ == "__main__":
    main()
