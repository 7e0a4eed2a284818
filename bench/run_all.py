"""The whole benchmark in one command (issue 8): a generated database, then each
measure with its median time and peak memory, against bare baselines run in the
same session.

    python bench/run_all.py --households 20000 [--runs 3] [--excel-runs 1] [--workdir /tmp/fupin-bench]
                            [--db DB] [--skip check,terminal,formcpu,excel,styled,openpyxl,roster,backup]

Each measure runs in a fresh process so its peak memory is its own (os.wait4), calling the
per-area scripts, each runnable alone: ``check`` paired with bare_read.py as in bench_check.py (a
raw sqlite3 read of every household, member and step row), bench_tmux.py (first paint, the
dashboard, the forms and a keystroke in a real terminal against a one-label Textual app, 33
stock fields and a bare Input), form_cpu.py (the form's CPU in-process) and bench_excel.py
(raw sqlite3 rows into xlsxwriter constant_memory and openpyxl write-only, the package's cells).
Bare and app runs alternate.  Prints one table, measure | app | bare baseline | ratio |
target, with the date, the load average around each section and the command; when the load
was over 3 the best run is shown beside the median.
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
sys.path.insert(0, str(HERE))
import as_installed  # noqa: E402

PY = sys.executable


Row = tuple[str, str, str, str, str]  # measure | app | bare baseline | ratio | target


def run_once(cmd: list[str], env: dict | None = None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float, str, float]:
    """(seconds, peak MB, stdout, CPU seconds) of one child process; an exit code not in ``ok`` raises."""
    import tempfile

    # output goes to files, not pipes: a child writing more than a pipe holds would block forever
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_file, stderr=err_file, text=True, env={**os.environ, **(env or {})})
        # wait4 gives this child's own CPU, unlike RUSAGE_CHILDREN; its peak RSS is at least this
        # script's at the fork (Linux carries a parent's peak over, see own_peak.py): this script stays small
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:  # `check` exits 1 when it finds problems: that is a result
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[-400:]}")
    return elapsed, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


def _s(x: float) -> str:
    return f"{x:.2f} s" if x >= 1 else f"{x * 1000:.0f} ms"


def _x(a: float, b: float) -> str:
    return f"{a / b:.2f} ×"


class Table:
    """The rows, and the load average around each section (a ratio is read within one run)."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.loads: list[tuple[str, float, float]] = []

    def add(self, *row: str) -> None:
        self.rows.append(row)  # type: ignore[arg-type]
        print("  " + " | ".join(row), file=sys.stderr, flush=True)

    def section(self, name: str, fn) -> None:
        before = os.getloadavg()[0]
        try:
            fn()
        except Exception as e:  # one failed measure leaves the others' rows (and says why)
            self.add(f"{name}: failed", str(e).strip().splitlines()[-1][:200], "", "", "")
        self.loads.append((name, before, os.getloadavg()[0]))

    def busy(self) -> bool:
        """A busy machine: show the best run beside the median."""
        return os.getloadavg()[0] > 3


def med_best(xs: list[float], busy: bool) -> tuple[float, str]:
    m = statistics.median(xs)
    return m, (f"{_s(m)} (best {_s(min(xs))})" if busy and len(xs) > 1 else _s(m))


def snippet(code: str) -> list[str]:
    return [PY, "-c", code]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/fupin-bench"))
    parser.add_argument("--db", type=Path, help="an existing demo database instead of a new one")
    parser.add_argument("--excel-runs", type=int, default=1, help="runs of each export job (minutes each)")
    parser.add_argument("--skip", default="",
                        help="comma-separated: check,terminal,formcpu,excel,styled,openpyxl,roster,backup")
    args = parser.parse_args()
    as_installed.compile_app()
    skip = set(filter(None, args.skip.split(",")))
    work = args.workdir / str(args.households)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {"FUPIN_TUI_HOME": str(work / "home"), "FUPIN_TUI_TODAY": "2026-11-27"}
    table = Table()
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M")

    if args.db:
        db = args.db
    else:
        db = work / "demo.db"
        s, mb, _, _ = run_once([PY, "-m", "fupin_tui", "--db", str(db), "demo", "--households", str(args.households)],
                               env)
        table.add("demo generation", _s(s), "", "", "")
    runs = max(args.runs, 3)

    def check() -> None:  # 体检 against a raw sqlite3 read of every household, member and step row
        cmd = [PY, "-m", "fupin_tui", "--db", str(db), "check", "--json"]
        first = run_once(cmd, env)  # the first run stores the facts it computes
        bare, ours = [], []
        for _ in range(runs):  # alternating, so both see the same load
            bare.append(run_once([PY, str(HERE / "bare_read.py"), str(db)], env))
            ours.append(run_once(cmd, env))
        busy = table.busy()
        bw, bws = med_best([r[0] for r in bare], busy)
        cw, cws = med_best([r[0] for r in ours], busy)
        bc, cc = statistics.median(r[3] for r in bare), statistics.median(r[3] for r in ours)
        table.add("`fupin-tui check`, wall", cws, f"raw sqlite3 read of every household, member, step row {bws}",
                  _x(cw, bw), "≤ 1.5 ×")
        table.add("`fupin-tui check`, CPU", f"{cc:.2f} s, {max(r[1] for r in ours):.0f} MB",
                  f"{bc:.2f} s, {max(r[1] for r in bare):.0f} MB", _x(cc, bc), "≤ 1.5 ×")
        table.add("`fupin-tui check`, first run (computes and stores the facts)",
                  f"{first[0]:.2f} s ({first[3]:.2f} s CPU), {first[1]:.0f} MB", "", "", "")

    def terminal() -> None:  # in a real terminal (tmux), against bare Textual apps, alternating
        out = run_once([PY, str(HERE / "bench_tmux.py"), "--db", str(db), "--runs", str(runs)], env)[2]
        t = _last_json(out) or {}
        st, fm, ds, ks = (t.get(k, {}) for k in ("startup", "form", "dossier", "keys"))
        busy = max(t.get("load_before", [0])[0], t.get("load_after", [0])[0]) > 3
        if st:
            sm = st["samples"]
            b, bs = med_best(sm["bare"], busy)
            p, ps = med_best(sm["paint"], busy)
            f, fs = med_best(sm["filled"], busy)
            best = lambda k: f" (best {min(sm[k]) / min(sm['bare']):.2f} ×)" if busy else ""  # noqa: E731
            table.add("first paint, seen in tmux", ps, f"one-label Textual app {bs}", _x(p, b) + best("paint"),
                      "≤ 1.5 ×")
            table.add("first paint, CPU seconds", f"{st['paint_cpu']:.2f} s", f"{st['bare_cpu']:.2f} s",
                      _x(st["paint_cpu"], st["bare_cpu"]), "")
            table.add("dashboard filled (近期期限 and 体检 counts)", fs, f"the same bare first paint {bs}",
                      _x(f, b) + best("filled"), "≤ 3 ×")
            table.add("dashboard, every panel drawn", _s(st["all_panels"]), "", "", "")
            table.add("dashboard filled on a first start (figures computed)", _s(st["first_start"]), "", "", "")
            table.add("app memory, dashboard filled", f"{st['app_peak_mb']:.0f} MB",
                      f"one-label Textual app {st['bare_mb']:.0f} MB", _x(st["app_peak_mb"], st["bare_mb"]),
                      "≤ 200 MB")
            table.add("app memory, first start", f"{st['first_start_mb']:.0f} MB",
                      f"the app at first paint {st['paint_mb']:.0f} MB", "", "≤ 200 MB")
        if fm:
            sm = fm["samples"]
            later, ls = med_best(sm["later"], busy)
            bare, bs = med_best(sm["bare_later"], busy)
            table.add("household form, later opens, tmux", ls, f"33 stock fields (built each time) {bs}",
                      _x(later, bare), "≤ 150 ms")
            table.add("household form, first open, tmux", _s(fm["first"]),
                      f"33 stock fields, first {_s(fm['bare_first'])}", _x(fm["first"], fm["bare_first"]), "")
        if ds:
            later, ls = med_best(ds["samples"]["later"], busy)
            table.add("project dossier, later opens, tmux", ls, "", "", "≤ 150 ms")
            table.add("project dossier, first open, tmux", _s(ds["first"]), "", "", "")
        if ks:
            a, as_ = med_best(ks["samples"]["app"], busy)
            b, bs = med_best(ks["samples"]["bare"], busy)
            table.add("filter keystroke to the changed screen", as_, f"a bare Input {bs}", _x(a, b), "keep it so")

    def form_cpu() -> None:  # the same opens in-process: CPU seconds, which the machine's load hides less
        out = run_once([PY, str(HERE / "form_cpu.py"), "--db", str(db)], env)[2]
        r = _last_json(out)
        if r:
            table.add("household form, later opens, CPU (Pilot)", f"{_s(r['later'])} (best {_s(r['later_best'])})",
                      f"33 stock fields {_s(r['bare_later'])} (best {_s(r['bare_later_best'])})",
                      _x(r["later"], r["bare_later"]), "")

    def excel() -> None:
        excel_jobs(db, work, env, args.excel_runs, table, styled="styled" not in skip,
                   openpyxl="openpyxl" not in skip)

    def roster() -> None:
        roster_job(db, work, env, table)

    def backup() -> None:
        results = [run_once([PY, "-m", "fupin_tui", "--db", str(db), "backup"], env) for _ in range(args.runs)]
        _m, shown = med_best([r[0] for r in results], table.busy())
        table.add("backup (SQLite backup API + integrity_check)", f"{shown}, {max(r[1] for r in results):.0f} MB",
                  "", "", "")

    for name, fn in (("check", check), ("terminal", terminal), ("formcpu", form_cpu), ("excel", excel),
                     ("roster", roster), ("backup", backup)):
        if name not in skip:
            table.section(name, fn)

    size = db.stat().st_size / 1024 / 1024
    load_after = os.getloadavg()
    print(f"\n{args.households:,} households, database {size:.0f} MB, medians of {runs} alternating runs "
          f"(export: {args.excel_runs}), {started}–{time.strftime('%H:%M')}, {os.cpu_count()} cores, "
          f"load average {load_before[0]:.2f} before / {load_after[0]:.2f} after")
    print("load by section: " + ", ".join(f"{n} {a:.1f}→{b:.1f}" for n, a, b in table.loads)
          + ("  (over 3: the best run is shown beside the median)" if any(max(a, b) > 3 for _n, a, b in table.loads)
             else ""))
    print(f"command: {' '.join([Path(PY).name, *sys.argv])}\n")
    print("| measure | app | bare baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for row in table.rows:
        print("| " + " | ".join(row) + " |")


def excel_jobs(db: Path, work: Path, env: dict, runs: int, table: Table, styled: bool = True,
               openpyxl: bool = True) -> None:
    """Export against bare writers fed raw sqlite3 rows, the same cells (bench_excel.py), alternating; CPU
    is the ratio read (the export may write on two cores: its CPU is summed over both processes)."""
    import importlib.util

    kinds = ["xlsxwriter", "export"] + (["plain"] if openpyxl else [])
    if not importlib.util.find_spec("xlsxwriter"):  # the bare baseline only (pip install xlsxwriter)
        kinds.remove("xlsxwriter")
    elif styled:
        kinds.append("xlsxwriter_styled")
    results: dict[str, list] = {k: [] for k in kinds}
    for i in range(runs):
        for kind in kinds:
            out = work / f"{kind}{i}"
            out.mkdir()
            results[kind].append(_last_json(run_once([PY, str(HERE / "bench_excel.py"), "--job", kind, str(db),
                                                      str(out)], env, ok=(0,))[2]))
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("seconds", "cpu_timed")} for k, v in results.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in results.items()}
    cells = results["export"][0].get("cells", 0)
    app = med["export"]

    def shown(k: str) -> str:
        return f"{med[k]['cpu_timed']:.1f} s CPU, {med[k]['seconds']:.1f} s wall, {peak[k]:.0f} MB"

    def ratio(k: str) -> str:
        return f"{app['cpu_timed'] / med[k]['cpu_timed']:.2f} × CPU, {app['seconds'] / med[k]['seconds']:.2f} × wall"

    label = f"package export ({cells / 1e6:.1f} M cells)"
    if "xlsxwriter" in med:
        table.add(label, shown("export"), f"xlsxwriter constant_memory fed raw sqlite3 rows: {shown('xlsxwriter')}",
                  ratio("xlsxwriter"), "≤ 1.2 × xlsxwriter")
    if "plain" in med:
        table.add(label, shown("export"), f"openpyxl write-only fed raw sqlite3 rows: {shown('plain')}",
                  ratio("plain"), "")
    if "xlsxwriter_styled" in med:
        table.add(label, shown("export"), f"xlsxwriter, raw rows, a format on every cell: {shown('xlsxwriter_styled')}",
                  ratio("xlsxwriter_styled"), "")


def roster_job(db: Path, work: Path, env: dict, table: Table) -> None:
    """A roster of every member written from the demo, imported into an empty township (bench_excel.py)."""
    import bench_excel  # beside this script: on sys.path since the top

    roster_file = work / "roster.xlsx"
    from fupin_tui.excel.roster_import import MAX_ROWS

    rows = bench_excel.write_roster(db, roster_file)
    if rows > MAX_ROWS:  # refused by design, with the limit named: a township's roster is far smaller
        table.add(f"roster import ({rows:,} rows)", f"not run: over the reader's limit of {MAX_ROWS:,} rows", "", "",
                  "")
        return
    target = work / "import.db"
    setup = ("import sqlite3, sys; from fupin_tui.context import open_context; from fupin_tui.services import township;"
             f"ctx = open_context(r'{target}', operator='基准'); src = sqlite3.connect(r'{db}');"
             "township.save_township(ctx, *src.execute('select county, name, code from township').fetchone());"
             "[township.save_village(ctx, c, n, bool(p)) for c, n, p in src.execute('select code, name, is_poor_village from village')]")
    run_once([PY, "-c", setup], env)
    r = _last_json(run_once([PY, str(HERE / "bench_excel.py"), "--job", "roster", str(target), str(roster_file)],
                            env, ok=(0,))[2])
    table.add(f"roster import ({rows:,} rows)", f"{_s(r['seconds'])}, {r['peak_mb']:.0f} MB", "", "", "< 15 s")


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
