"""induct's compressor beside Stitch (stitch_core) on the 19 Stitch benchmark corpora.

Both systems get the same corpus, 10 iterations and arity 3.  Compression ratio is counted
one way for both: total cost before ÷ after under induct.compression.CostModel (Stitch's
default costs: 100 per primitive, invention or variable, 1 per λ and per application),
computed on the rewritten programs each system returns.  induct runs with stop="utility"
(Stitch's acceptance rule; its DreamCoder-objective mode is the library default) and with
renamings=True (Stitch's search space: it also learns bodies η-equivalent to a single
production, which induct's library default leaves out) and across_programs=True (Stitch's
single-task pruning: an abstraction must match in two programs or more).
CPU time is time.process_time().  Each system runs on each corpus in a fresh subprocess, so
its peak memory is that process's own max RSS (ru_maxrss: the interpreter, the parsed
corpus and the run, nothing from earlier corpora).

Usage: python benchmarks/compression_vs_stitch.py [--quick | --corpora a,b] [--out PATH]
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
    result = compress_programs(programs, CompressionConfig(iterations=iterations, max_arity=arity, stop="utility",
                                                                renamings=True, across_programs=True))
    cpu = time.process_time() - t0
    return {"rewritten_cost": result.cost_after, "inventions": len(result.inventions), "cpu_s": cpu}


def run_stitch(texts, iterations, arity):
    import stitch_core

    from induct.compression import Corpus
    from induct.programs import parse_program

    t0 = time.process_time()
    result = stitch_core.compress(texts, iterations=iterations, max_arity=arity)
    cpu = time.process_time() - t0
    after = Corpus([parse_program(t) for t in result.rewritten]).total_cost()
    return {"rewritten_cost": after, "inventions": len(result.abstractions), "cpu_s": cpu,
            "reported_ratio": result.json["compression_ratio"]}


def worker(system: str, name: str, iterations: int, arity: int) -> None:
    """Run one system on one corpus and print its figures as one JSON line."""
    texts = json.loads(corpus_path(name).read_text())
    row = (run_induct if system == "induct" else run_stitch)(texts, iterations, arity)
    row["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(row))


def in_subprocess(system: str, name: str, iterations: int, arity: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", system, name, "--iterations", str(iterations),
                          "--arity", str(arity)], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--corpora", default=None, help="comma-separated corpus names (default: all 19)")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--arity", type=int, default=3)
    parser.add_argument("--out", default=None)
    parser.add_argument("--worker", nargs=2, metavar=("SYSTEM", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], args.iterations, args.arity)
        return 0
    from induct.compression import Corpus
    from induct.programs import parse_program

    names = QUICK if args.quick else DREAMCODER + COGSCI
    if args.corpora:
        names = args.corpora.split(",")
        unknown = [n for n in names if n not in DREAMCODER + COGSCI]
        if unknown:
            parser.error(f"--corpora: unknown {', '.join(unknown)}; valid: {', '.join(DREAMCODER + COGSCI)}")
    load_before = os.getloadavg()
    rows = []
    for name in names:
        texts = json.loads(corpus_path(name).read_text())
        s = in_subprocess("stitch", name, args.iterations, args.arity)
        i = in_subprocess("induct", name, args.iterations, args.arity)
        before = Corpus([parse_program(t) for t in texts]).total_cost()
        row = {
            "corpus": name, "programs": len(texts), "cost_before": before,
            "induct_ratio": before / i["rewritten_cost"], "stitch_ratio": before / s["rewritten_cost"],
            "stitch_reported_ratio": s["reported_ratio"],
            "induct_inventions": i["inventions"], "stitch_inventions": s["inventions"],
            "induct_cpu_s": i["cpu_s"], "stitch_cpu_s": s["cpu_s"],
            "induct_peak_rss_mb": i["max_rss_mb"], "stitch_peak_rss_mb": s["max_rss_mb"],
        }
        rows.append(row)
        print(f"{name:12s} ratio induct {row['induct_ratio']:.3f} stitch {row['stitch_ratio']:.3f}   "
              f"cpu induct {i['cpu_s']:7.2f}s stitch {s['cpu_s']:6.2f}s   "
              f"peak induct {row['induct_peak_rss_mb']:.0f} MB stitch {row['stitch_peak_rss_mb']:.0f} MB",
              flush=True)
    wins = sum(r["induct_ratio"] >= r["stitch_ratio"] - 1e-9 for r in rows)
    geo = math.exp(sum(math.log(r["induct_cpu_s"] / max(r["stitch_cpu_s"], 1e-3)) for r in rows) / len(rows))
    largest = max(rows, key=lambda r: r["cost_before"])
    summary = {
        "corpora": len(rows), "induct_ratio_ge_stitch": wins,
        "cpu_ratio_geometric_mean": geo,
        "largest_corpus": largest["corpus"], "largest_corpus_induct_peak_rss_mb": largest["induct_peak_rss_mb"],
        "induct_peak_rss_mb_max": max(r["induct_peak_rss_mb"] for r in rows),
        "targets": {"ratio_ge_stitch_on": "15 of 19", "cpu_geomean_within": 10, "peak_mb_largest": 1024},
    }
    print(f"\ninduct ratio ≥ stitch on {wins}/{len(rows)} corpora; CPU time induct/stitch geometric mean "
          f"{geo:.1f}x; peak memory on the largest corpus ({largest['corpus']}) {largest['induct_peak_rss_mb']:.0f} MB")
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = None
    report = {
        "benchmark": "compression_vs_stitch", "quick": args.quick, "iterations": args.iterations,
        "arity": args.arity, "commit": commit, "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu_count": os.cpu_count()},
        "load_before": load_before, "load_after": os.getloadavg(), "rows": rows, "summary": summary,
    }
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / (
        "compression_vs_stitch_quick.json" if args.quick or args.corpora else "compression_vs_stitch.json")
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
