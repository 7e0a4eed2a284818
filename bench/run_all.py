"""The whole benchmark in one command (issue 8): a generated database, then each
measure with its median time and peak memory, against bare baselines run in the
same session.

    python bench/run_all.py --households 20000 [--runs 3] [--workdir /tmp/fupin-bench]

Each measure runs in a fresh process so its peak memory is its own (os.wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def run_once(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout) of one child process."""
    import tempfile

    # output goes to files, not pipes: a child writing more than a pipe holds would block forever
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_file, stderr=err_file, text=True, env={**os.environ, **(env or {})})
        # wait4 gives this child's own rusage (peak RSS), unlike RUSAGE_CHILDREN
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # `check` exits 1 when it finds problems: that is a result
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[-400:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def measure(cmd: list[str], runs: int, env: dict | None = None) -> tuple[float, float, str]:
    results = [run_once(cmd, env) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2])


def snippet(code: str) -> list[str]:
    return [PY, "-c", code]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/fupin-bench"))
    args = parser.parse_args()
    work = args.workdir / str(args.households)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "demo.db"
    env = {"FUPIN_TUI_HOME": str(work / "home"), "FUPIN_TUI_TODAY": "2026-11-27"}
    rows: list[tuple[str, float, float, str]] = []

    def add(name: str, seconds: float, mb: float, note: str = "") -> None:
        rows.append((name, seconds, mb, note))
        print(f"  {name}: {seconds:.3f} s, {mb:.0f} MB {note}", file=sys.stderr, flush=True)

    s, mb, _ = run_once([PY, "-m", "fupin_tui", "--db", str(db), "demo", "--households", str(args.households)], env)
    add("demo generation", s, mb)

    # start-up against a bare Textual app, interleaved
    bare, app = [], []
    for _ in range(max(args.runs, 3)):
        bare.append(json_probe([PY, str(HERE / "startup_probe.py"), "bare"], env))
        app.append(json_probe([PY, str(HERE / "startup_probe.py"), "app", str(db)], env))
    b = statistics.median(r["paint"] for r in bare)
    a = statistics.median(r["paint"] for r in app)
    filled = statistics.median(r["filled"] for r in app)
    add("bare Textual app, first paint", b, max(r["rss_mb"] for r in bare))
    add("app start to first paint", a, max(r["rss_mb"] for r in app), f"{a / b:.2f} x bare (target 1.5)")
    add("dashboard figures filled", filled, max(r["rss_mb"] for r in app), f"{filled / b:.2f} x bare (target 3)")

    for name, script in (("household list filter keystroke", "bench_registry.py"),
                         ("open a dossier and switch tabs", "bench_dossier.py")):
        if (HERE / script).exists():
            s, mb, out = measure([PY, str(HERE / script), "--db", str(db)], 1, env)
            result = _last_json(out)
            if result:
                add(name, result.get("median_s", s), result.get("rss_mb", mb), result.get("note", ""))

    s, mb, _ = measure([PY, "-m", "fupin_tui", "--db", str(db), "check", "--json"], args.runs, env)
    add("fupin-tui check", s, mb, "(target < 2 s)")

    excel_jobs(db, work, env, args.runs, add)

    s, mb, _ = measure([PY, "-m", "fupin_tui", "--db", str(db), "backup"], args.runs, env)
    add("backup (SQLite backup API + integrity_check)", s, mb)

    size = db.stat().st_size / 1024 / 1024
    print(f"\n{args.households:,} households, database {size:.0f} MB, median of {args.runs} runs\n")
    print(f"| {'measure':<46} | {'median s':>9} | {'peak MB':>8} | note |")
    print(f"|{'-' * 48}|{'-' * 11}|{'-' * 10}|------|")
    for name, seconds, mb, note in rows:
        print(f"| {name:<46} | {seconds:>9.3f} | {mb:>8.0f} | {note} |")


def excel_jobs(db: Path, work: Path, env: dict, runs: int, add) -> None:
    """Export vs bare openpyxl write-only on the same cells, and roster import (bench_excel's jobs)."""
    job = lambda *a: _last_json(run_once([PY, str(HERE / "bench_excel.py"), "--job", *map(str, a)], env)[2])  # noqa: E731
    plain, styled = [], []
    for i in range(runs):
        for kind, bucket in (("plain", plain), ("export", styled)):
            out = work / f"{kind}{i}"
            out.mkdir()
            bucket.append(job(kind, db, out))
    p = statistics.median(r["seconds"] for r in plain)
    e = statistics.median(r["seconds"] for r in styled)
    add("bare openpyxl write-only, same cells", p, max(r["peak_mb"] for r in plain))
    add("full package export", e, max(r["peak_mb"] for r in styled), f"{e / p:.2f} x bare (target 1.3)")
    sys.path.insert(0, str(HERE))
    import bench_excel

    roster = work / "roster.xlsx"
    rows = bench_excel.write_roster(db, roster)
    target = work / "import.db"
    setup = ("import sqlite3, sys; from fupin_tui.context import open_context; from fupin_tui.services import township;"
             f"ctx = open_context(r'{target}', operator='基准'); src = sqlite3.connect(r'{db}');"
             "township.save_township(ctx, *src.execute('select county, name, code from township').fetchone());"
             "[township.save_village(ctx, c, n, bool(p)) for c, n, p in src.execute('select code, name, is_poor_village from village')]")
    run_once([PY, "-c", setup], env)
    r = job("roster", target, roster)
    add(f"roster import ({rows:,} rows)", r["seconds"], r["peak_mb"], "(target < 15 s)")


def json_probe(cmd: list[str], env: dict) -> dict:
    _s, _mb, out = run_once(cmd, env)
    return {k: float(v) for k, v in (line.split() for line in out.splitlines() if line.strip())}


def _all_json(out: str) -> list[dict]:
    items = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return items


def _last_json(out: str) -> dict | None:
    items = _all_json(out)
    return items[-1] if items else None


if __name__ == "__main__":
    main()
