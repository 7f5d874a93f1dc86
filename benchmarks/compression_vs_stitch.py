"""induct's compressor beside Stitch (stitch_core) on the 19 Stitch benchmark corpora.

Both systems get the same corpus, 10 iterations and arity 3.  Compression ratio is counted
one way for both: total cost before ÷ after under induct.compression.CostModel (Stitch's
default costs: 100 per primitive, invention or variable, 1 per λ and per application),
computed on the rewritten programs each system returns.  induct runs with stop="utility"
(Stitch's acceptance rule); its DreamCoder-objective mode is the library default.
CPU time is time.process_time(); memory is the process's max RSS after induct's run (an
upper bound on its peak) and the max RSS growth during stitch_core's run.

Usage: python benchmarks/compression_vs_stitch.py [--quick] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "stitch"
DREAMCODER = ["list_it11", "list_it18", "logo_it8", "logo_it13", "origami_it3", "physics_it0", "physics_it7",
              "text_it5", "text_it19", "towers_it1", "towers_it9"]
COGSCI = ["nuts-bolts", "bridge", "castle", "city", "dials", "furniture", "house", "wheels"]
QUICK = ["list_it11", "towers_it9", "text_it5", "nuts-bolts"]


def corpus_path(name: str) -> Path:
    return DATA / ("dreamcoder" if name in DREAMCODER else "cogsci") / f"{name}.json"


def run_induct(texts, iterations, arity):
    from induct.compression import CompressionConfig, compress_programs
    from induct.programs import parse_program

    programs = [parse_program(t) for t in texts]
    t0 = time.process_time()
    result = compress_programs(programs, CompressionConfig(iterations=iterations, max_arity=arity, stop="utility"))
    cpu = time.process_time() - t0
    # tracemalloc would slow the run several-fold, so memory is the process's max RSS so far
    # (an upper bound on this run's peak: it includes the interpreter and earlier corpora).
    return result, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_stitch(texts, iterations, arity):
    import stitch_core

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.process_time()
    result = stitch_core.compress(texts, iterations=iterations, max_arity=arity)
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result, cpu, max(0, rss - rss0) * 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--arity", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    from induct.compression import Corpus
    from induct.programs import parse_program

    names = QUICK if args.quick else DREAMCODER + COGSCI
    rows = []
    for name in names:
        texts = json.loads(corpus_path(name).read_text())
        # stitch first: its RSS growth is measured from this point.
        s_result, s_cpu, s_mem = run_stitch(texts, args.iterations, args.arity)
        i_result, i_cpu, i_mem = run_induct(texts, args.iterations, args.arity)
        before = Corpus([parse_program(t) for t in texts]).total_cost()
        s_after = Corpus([parse_program(t) for t in s_result.rewritten]).total_cost()
        row = {
            "corpus": name, "programs": len(texts), "cost_before": before,
            "induct_ratio": before / i_result.cost_after, "stitch_ratio": before / s_after,
            "stitch_reported_ratio": s_result.json["compression_ratio"],
            "induct_inventions": len(i_result.inventions), "stitch_inventions": len(s_result.abstractions),
            "induct_cpu_s": i_cpu, "stitch_cpu_s": s_cpu,
            "induct_max_rss_mb": i_mem / 2**20, "stitch_peak_rss_growth_mb": s_mem / 2**20,
        }
        rows.append(row)
        print(f"{name:12s} ratio induct {row['induct_ratio']:.3f} stitch {row['stitch_ratio']:.3f}   "
              f"cpu induct {i_cpu:7.2f}s stitch {s_cpu:6.2f}s   mem induct {row['induct_max_rss_mb']:.0f} MB",
              flush=True)
    wins = sum(r["induct_ratio"] >= r["stitch_ratio"] - 1e-9 for r in rows)
    geo = math.exp(sum(math.log(r["induct_cpu_s"] / max(r["stitch_cpu_s"], 1e-3)) for r in rows) / len(rows))
    largest = max(rows, key=lambda r: r["cost_before"])
    summary = {
        "corpora": len(rows), "induct_ratio_ge_stitch": wins,
        "cpu_ratio_geometric_mean": geo,
        "largest_corpus": largest["corpus"], "largest_corpus_induct_max_rss_mb": largest["induct_max_rss_mb"],
        "targets": {"ratio_ge_stitch_on": "15 of 19", "cpu_geomean_within": 10, "peak_mb_largest": 1024},
    }
    print(f"\ninduct ratio ≥ stitch on {wins}/{len(rows)} corpora; CPU time induct/stitch geometric mean "
          f"{geo:.1f}x; peak memory on the largest corpus ({largest['corpus']}) {largest['induct_max_rss_mb']:.0f} MB")
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = None
    report = {
        "benchmark": "compression_vs_stitch", "quick": args.quick, "iterations": args.iterations,
        "arity": args.arity, "commit": commit, "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu_count": os.cpu_count()},
        "load": os.getloadavg(), "rows": rows, "summary": summary,
    }
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / (
        "compression_vs_stitch_quick.json" if args.quick else "compression_vs_stitch.json")
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
