"""Grammar loading time against the number of primitives (it should grow linearly).

Writes a generated grammar of N primitives (monomorphic and polymorphic, a few
inventions) with a generated semantics module, then times ``load_library`` (semantics
checked) and ``induct check`` in-process.  Prints a table and writes
benchmarks/results/grammar_scale.json.

    nice python benchmarks/grammar_scale.py --quick     # 1k, 5k, 10k
    nice python benchmarks/grammar_scale.py             # 1k .. 20k
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import metadata, write_result

from induct.cli import main as induct_main
from induct.dsl import load_library

_TYPES = ["int -> int", "int -> int -> int", "list(a) -> int", "(a -> b) -> list(a) -> list(b)",
          "int -> bool", "list(int) -> list(int)"]


def write_grammar(folder: Path, n: int, module: str) -> Path:
    """A grammar of ``n`` primitives plus n/100 inventions, and the module that gives their values."""
    lines = [f"semantics {module}", "type int, bool, list(a)", "zero : int"]
    lines += [f"p{i} : {_TYPES[i % len(_TYPES)]}" for i in range(n)]
    lines += [f"invention f{k} = (lambda (p{6 * k} (p{6 * k} $0)))" for k in range(n // 100)]
    path = folder / f"scale_{n}.induct"
    path.write_text("\n".join(lines) + "\n")
    (folder / f"{module}.py").write_text(
        f"PRIMITIVES = {{f'p{{i}}': (lambda *xs: 0) for i in range({n})}}\nPRIMITIVES['zero'] = 0\n")
    return path


def measure(folder: Path, n: int, repeats: int) -> dict:
    module = f"scale_semantics_{n}"
    path = write_grammar(folder, n, module)
    load_s = []
    for _ in range(repeats):
        start = time.perf_counter()
        lib = load_library(path)
        load_s.append(time.perf_counter() - start)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = induct_main(["check", str(path)])
    check_s = time.perf_counter() - start
    assert status == 0 and len(lib.productions) == n + 1 + n // 100
    best = min(load_s)
    return {"primitives": n, "productions": len(lib.productions), "load_s": best,
            "load_us_per_primitive": 1e6 * best / n, "check_s": check_s, "load_runs": load_s,
            "lines_per_s": (n + 3 + n // 100) / best}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k, 5k and 10k primitives")
    parser.add_argument("--sizes", type=int, nargs="*", help="primitive counts to time")
    parser.add_argument("--repeats", type=int, default=2, help="loads per size; the fastest is reported")
    args = parser.parse_args()
    sizes = args.sizes or ([1000, 5000, 10000] if args.quick else [1000, 2500, 5000, 10000, 20000])
    result = metadata()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        sys.path.insert(0, d)
        for n in sizes:
            rows.append(measure(Path(d), n, args.repeats))
            r = rows[-1]
            print(f"{n:>7} primitives  load {r['load_s']:7.2f} s  ({r['load_us_per_primitive']:6.1f} us/primitive)"
                  f"  check {r['check_s']:7.2f} s  load avg {os.getloadavg()[0]:.1f}", flush=True)
    # Linear growth: the time per primitive at the largest size over that at the smallest.
    growth = rows[-1]["load_us_per_primitive"] / rows[0]["load_us_per_primitive"]
    print(f"time per primitive, largest / smallest size: {growth:.2f} (1.0 = linear; "
          f"{sizes[-1] / sizes[0]:.0f} = quadratic)")
    result.update({"quick": args.quick, "rows": rows, "per_primitive_growth": growth})
    path = write_result("grammar_scale" + ("_quick" if args.quick else ""), result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
