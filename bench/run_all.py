"""The whole benchmark in one command (issue 8): a generated database, then each
measure with its median time and peak memory, against bare baselines run in the
same session.

    python bench/run_all.py --households 20000 [--runs 3] [--workdir /tmp/fupin-bench] [--db DB]
                            [--skip terminal,check,excel,backup]

Each measure runs in a fresh process so its peak memory is its own (os.wait4).  Baselines
are bare: a one-label Textual app and 33 stock fields seen through tmux (bench_tmux.py), a
raw sqlite3 read (bare_read.py), raw sqlite3 rows into openpyxl and xlsxwriter
(bench_excel.py).  Prints the date and the machine's load with the table.
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
    parser.add_argument("--db", type=Path, help="an existing demo database instead of a new one")
    parser.add_argument("--excel-runs", type=int, default=1, help="runs of each export job (minutes each)")
    parser.add_argument("--skip", default="", help="comma-separated: terminal,check,excel,roster,backup")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = args.workdir / str(args.households)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {"FUPIN_TUI_HOME": str(work / "home"), "FUPIN_TUI_TODAY": "2026-11-27"}
    rows: list[tuple[str, float, float, str]] = []
    load_before = os.getloadavg()

    def add(name: str, seconds: float, mb: float, note: str = "") -> None:
        rows.append((name, seconds, mb, note))
        print(f"  {name}: {seconds:.3f} s, {mb:.0f} MB {note}", file=sys.stderr, flush=True)

    if args.db:
        db = args.db
    else:
        db = work / "demo.db"
        s, mb, _ = run_once([PY, "-m", "fupin_tui", "--db", str(db), "demo", "--households", str(args.households)],
                            env)
        add("demo generation", s, mb)

    if "terminal" not in skip:  # in a real terminal (tmux), against bare Textual apps, alternating
        _s, _mb, out = run_once([PY, str(HERE / "bench_tmux.py"), "--db", str(db), "--runs", str(max(args.runs, 3))],
                                env)
        t = _last_json(out) or {}
        st, fm, ks = t.get("startup", {}), t.get("form", {}), t.get("keys", {})
        if st:
            add("bare Textual app (one label), first paint", st["bare_paint"], 0, "tmux")
            add("app start to first paint", st["paint"], 0, f"{st['paint_ratio']:.2f} x bare (target 1.5)")
            add("dashboard filled (近期期限 and counts)", st["filled"], st["app_peak_mb"],
                f"{st['filled_ratio']:.2f} x bare (target 3); every panel {st['all_panels']:.2f} s")
        if fm:
            add("bare form of 33 stock fields, open", fm["bare_later"], 0, f"first {fm['bare_first'] * 1000:.0f} ms")
            add("household form, first open", fm["first"], 0, "")
            add("household form, every later open", fm["later"], fm["app_peak_mb"],
                f"max {fm['later_max'] * 1000:.0f} ms (target 150 ms)")
        if ks:
            add("filter keystroke to changed count line", ks["app"], ks["app_peak_mb"],
                f"{ks['ratio']:.2f} x a bare Input ({ks['bare'] * 1000:.0f} ms)")

    if "check" not in skip:  # 体检 against a raw sqlite3 read of every household, member and step row
        check = [PY, "-m", "fupin_tui", "--db", str(db), "check", "--json"]
        first, first_mb, _ = run_once(check, env)  # the first run learns the column types and stores the facts
        bare, ours = [], []
        for _ in range(max(args.runs, 3)):
            bare.append(run_once([PY, str(HERE / "bare_read.py"), str(db)], env))
            ours.append(run_once(check, env))
        b = statistics.median(r[0] for r in bare)
        c = statistics.median(r[0] for r in ours)
        add("bare sqlite3 read of households, members, steps", b, max(r[1] for r in bare))
        add("fupin-tui check, first run (nothing stored)", first, first_mb)
        add("fupin-tui check", c, max(r[1] for r in ours), f"{c / b:.2f} x bare (target 1.5)")

    if "excel" not in skip:
        excel_jobs(db, work, env, args.excel_runs, add, roster="roster" not in skip)

    if "backup" not in skip:
        s, mb, _ = measure([PY, "-m", "fupin_tui", "--db", str(db), "backup"], args.runs, env)
        add("backup (SQLite backup API + integrity_check)", s, mb)

    size = db.stat().st_size / 1024 / 1024
    load_after = os.getloadavg()
    print(f"\n{args.households:,} households, database {size:.0f} MB, median of {args.runs} runs, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, load average {load_before[0]:.2f} before / {load_after[0]:.2f} after "
          f"({os.cpu_count()} cores)\n")
    print(f"| {'measure':<46} | {'median s':>9} | {'peak MB':>8} | note |")
    print(f"|{'-' * 48}|{'-' * 11}|{'-' * 10}|------|")
    for name, seconds, mb, note in rows:
        shown_mb = f"{mb:>8.0f}" if mb else f"{'':>8}"
        print(f"| {name:<46} | {seconds:>9.3f} | {shown_mb} | {note} |")


def excel_jobs(db: Path, work: Path, env: dict, runs: int, add, roster: bool = True) -> None:
    """Export against bare writers fed raw sqlite3 rows (the same cells), and roster import."""
    job = lambda *a: _last_json(run_once([PY, str(HERE / "bench_excel.py"), "--job", *map(str, a)], env)[2])  # noqa: E731
    kinds = ["plain", "export"]
    import importlib.util

    if importlib.util.find_spec("xlsxwriter"):  # the bare baseline only (pip install xlsxwriter)
        kinds.insert(1, "xlsxwriter")
    results: dict[str, list] = {k: [] for k in kinds}
    for i in range(runs):
        for kind in kinds:
            out = work / f"{kind}{i}"
            out.mkdir()
            results[kind].append(job(kind, db, out))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    cells = results["export"][0].get("cells", 0)
    add(f"bare openpyxl write-only, raw rows ({cells / 1e6:.1f} M cells)", med["plain"],
        max(r["peak_mb"] for r in results["plain"]))
    if "xlsxwriter" in med:
        add("bare xlsxwriter constant_memory, raw rows", med["xlsxwriter"], max(r["peak_mb"] for r in results["xlsxwriter"]))
    note = f"{med['export'] / med['plain']:.2f} x bare openpyxl"
    if "xlsxwriter" in med:
        note += f", {med['export'] / med['xlsxwriter']:.2f} x bare xlsxwriter (target 1.2)"
    add("full package export", med["export"], max(r["peak_mb"] for r in results["export"]), note)
    if not roster:
        return
    sys.path.insert(0, str(HERE))
    import bench_excel

    roster_file = work / "roster.xlsx"
    rows = bench_excel.write_roster(db, roster_file)
    target = work / "import.db"
    setup = ("import sqlite3, sys; from fupin_tui.context import open_context; from fupin_tui.services import township;"
             f"ctx = open_context(r'{target}', operator='基准'); src = sqlite3.connect(r'{db}');"
             "township.save_township(ctx, *src.execute('select county, name, code from township').fetchone());"
             "[township.save_village(ctx, c, n, bool(p)) for c, n, p in src.execute('select code, name, is_poor_village from village')]")
    run_once([PY, "-c", setup], env)
    r = job("roster", target, roster_file)
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
