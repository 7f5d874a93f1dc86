"""Reports of a run: a PNG learning curve, the library as a table, a one-page HTML summary."""

from __future__ import annotations

import html
import json
from pathlib import Path

from induct.programs import show
from induct.types import show_type
from induct.wake_sleep.checkpoint import atomic_write

__all__ = ["library_rows", "write_report", "format_library_table"]


def library_rows(state) -> list[dict]:
    """One row per invention: name, type, body, uses in the frontiers, iteration learned."""
    learned_at: dict[str, int] = {}
    for m in state.metrics:
        for inv in m.get("inventions", []):
            learned_at.setdefault(inv.get("name", ""), m["iteration"])
    uses: dict[str, int] = {}
    for f in state.frontiers.values():
        for e in f.entries:
            _count_uses(e.program, uses)
    rows = []
    for p in state.library.inventions:
        rows.append({"name": p.name, "type": show_type(p.type), "body": show(p.program.body, name_inventions=True),
                     "uses": uses.get(show(p.program), 0), "iteration": learned_at.get(p.name)})
    return rows


def _count_uses(program, uses: dict[str, int]) -> None:
    from induct.programs import Abstraction, Application, Invented

    stack = [program]
    while stack:
        q = stack.pop()
        if isinstance(q, Invented):
            key = show(q)
            uses[key] = uses.get(key, 0) + 1
        elif isinstance(q, Application):
            stack += [q.f, q.x]
        elif isinstance(q, Abstraction):
            stack.append(q.body)


def format_library_table(rows: list[dict]) -> str:
    if not rows:
        return "(no inventions learned yet)"
    header = f"{'name':<14} {'iter':>4} {'uses':>5}  {'type':<36} body"
    lines = [header, "-" * len(header)]
    for r in rows:
        it = "" if r["iteration"] is None else str(r["iteration"])
        lines.append(f"{r['name']:<14} {it:>4} {r['uses']:>5}  {r['type']:<36} {r['body']}")
    return "\n".join(lines)


def _plot(metrics: list[dict], n_train: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    its = [m["iteration"] for m in metrics]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(its, [m["train_solved_total"] for m in metrics], "o-", label=f"train (of {n_train})")
    tested = [(m["iteration"], m["test_solved"], m["test_total"]) for m in metrics if m.get("test_solved") is not None]
    if tested:
        ax1.plot([t[0] for t in tested], [t[1] for t in tested], "s-", label=f"test (of {tested[0][2]})")
    ax1.set_xlabel("iteration")
    ax1.set_ylabel("tasks solved")
    ax1.set_title("Tasks solved")
    ax1.legend()
    ax1.grid(alpha=0.3)
    ax2.plot(its, [m.get("wake_seconds", 0) for m in metrics], "o-", label="wake (batch)")
    if tested:
        ax2.plot([m["iteration"] for m in metrics if m.get("test_seconds") is not None],
                 [m["test_seconds"] for m in metrics if m.get("test_seconds") is not None], "s-", label="test")
    ax2.plot(its, [m.get("compression_seconds", 0) for m in metrics], "^-", label="abstraction")
    ax2.plot(its, [m.get("recognition_seconds", 0) for m in metrics], "v-", label="recognition")
    ax2.set_xlabel("iteration")
    ax2.set_ylabel("seconds")
    ax2.set_title("Time per phase")
    ax2.legend()
    ax2.grid(alpha=0.3)
    from matplotlib.ticker import MaxNLocator

    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(run_dir: Path, config, domain, state, n_train: int) -> dict[str, Path]:
    """Write learning_curve.png, library.md and report.html into ``run_dir``; returns their paths."""
    run_dir = Path(run_dir)
    out = {"png": run_dir / "learning_curve.png", "table": run_dir / "library.md", "html": run_dir / "report.html"}
    if state.metrics:
        _plot(state.metrics, n_train, out["png"])
    rows = library_rows(state)
    atomic_write(out["table"], "# Learned library\n\n```\n" + format_library_table(rows) + "\n```\n")
    last = state.metrics[-1] if state.metrics else {}
    metric_rows = "".join(
        f"<tr><td>{m['iteration']}</td><td>{m['train_solved_total']}</td>"
        f"<td>{m.get('test_solved', '')}{'/' + str(m['test_total']) if m.get('test_total') else ''}</td>"
        f"<td>{m['new_inventions']}</td><td>{m['library_size']}</td><td>{m.get('seconds', 0):.0f}</td></tr>"
        for m in state.metrics)
    lib_rows = "".join(
        f"<tr><td>{html.escape(r['name'])}</td><td>{r['iteration'] or ''}</td><td>{r['uses']}</td>"
        f"<td><code>{html.escape(r['type'])}</code></td><td><code>{html.escape(r['body'])}</code></td></tr>"
        for r in rows)
    cfg = html.escape(json.dumps(config.to_dict(), indent=1))
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>induct run {html.escape(str(run_dir))}</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}code{{font-size:90%}}</style></head><body>
<h1>induct run: {html.escape(domain.name)}</h1>
<p>{state.iteration} iteration(s); train tasks solved {last.get('train_solved_total', 0)}/{n_train};
test solved {last.get('test_solved', 'n/a')}{'/' + str(last['test_total']) if last.get('test_total') else ''};
{len(rows)} invention(s).</p>
<img src="learning_curve.png" alt="learning curve" width="900">
<h2>Iterations</h2><table><tr><th>iteration</th><th>train solved</th><th>test solved</th>
<th>new inventions</th><th>library size</th><th>seconds</th></tr>{metric_rows}</table>
<h2>Learned library</h2><table><tr><th>name</th><th>iteration</th><th>uses</th><th>type</th><th>body</th></tr>{lib_rows}</table>
<h2>Configuration</h2><pre>{cfg}</pre></body></html>"""
    atomic_write(out["html"], page)
    return out
