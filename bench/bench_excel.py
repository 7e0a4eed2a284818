"""Package export against bare writers fed raw sqlite3 rows (the same cells); county merge and roster import.

    python bench/bench_excel.py --db /tmp/d2k.db --db /tmp/d20k.db [--runs 3]   # the export table
    python bench/bench_excel.py [--households 20000] [--keep DIR] --merge-roster  # + merge and roster import

The bare baselines are truly bare: each sheet's query, compiled once to SQL text, run on a plain
sqlite3 connection and its rows handed as they come to a bare writer (xlsxwriter constant_memory
with ``write_row``, openpyxl write-only with ``append``): no styles, no conversion, no layout.
A third row feeds xlsxwriter the same rows with a format on every cell, to show what styling
costs the writer itself (the package's cells must carry font, border and number format).
The two computed sheets (期限, 体检问题) are made beforehand, outside the timed part, and fed
as ready rows, so the app's export also pays for its 体检 and deadlines where the bare ones do not.

Each job runs in its own process (peak memory is its own); runs alternate bare and app so both
see the same load. Times are wall seconds and CPU seconds of the timed part (steadier on a
shared machine); the app's CPU is the sum over its processes (the export writes with a second
process at township size), so "cpu" compares work done and "wall" what the clerk waits. Prints numbers with the date and load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("FUPIN_BENCH_ROOT", str(ROOT)))  # another checkout: measure that code
from own_peak import peak_mb  # noqa: E402  (bench/, the script's own folder)
os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (user + system): the export's worker counts."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def make_db(path: Path, households: int) -> str:
    from fupin_tui.demo import generate

    return generate(path, households=households, seed=1)


def job_export(db: str, out: str) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.excel.package import export_package

    ctx = open_context(Path(db), operator="基准")
    start, cpu = time.perf_counter(), _cpu()
    result = export_package(ctx, out)  # on two cores at township size: the worker's CPU is summed in
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    cells = sum(m["rows"] * len(m["columns"]) for b in result.manifest["workbooks"] for m in b["sheets"])
    return {"seconds": seconds, "cpu_timed": cpu, "peak_mb": peak_mb(), "cells": cells, "rows": result.rows,
            "zip_mb": result.path.stat().st_size / 1e6}


def _bare_sheets(db: str):
    """(workbook, [(sheet name, SQL, extra rows)]) for every workbook of the package, as plain SQL.

    The SQL is each sheet's own query compiled once to text and run on a plain sqlite3
    connection, so the rows come as SQLite gives them (fen as integers, dates as text):
    what a bare writer would be fed.  The two computed sheets (期限, 体检问题) are made
    beforehand, outside the timed part, and fed as ready rows.
    """
    from fupin_tui.context import open_context
    from fupin_tui import sheets as schema
    from fupin_tui.excel import package

    ctx = open_context(Path(db), operator="基准")
    scope, _ = package._resolve_scope(ctx, None, None)
    counter = package._Counter(0, None, None)
    books = []
    for book in schema.workbooks():
        sheets = []
        for sheet in schema.sheets_of(book):
            stmt = package._statement(sheet, scope)
            sql = str(stmt.compile(ctx.db.engine, compile_kwargs={"literal_binds": True}))
            sheets.append((sheet.name, sql, None))
        if book == schema.PROJECTS:
            sheets.append(("期限", None, list(package._deadline_rows(ctx, scope, counter))))
        books.append((book, sheets))
    if package._checks_available():
        try:
            checks = list(package._check_rows(ctx, scope, scope.township_code))
        except TypeError:  # the first release: no township argument
            checks = list(package._check_rows(ctx, scope))
        books.append((schema.CHECKS, [("体检问题", None, checks)]))
    ctx.db.close()
    return books


def job_plain(db: str, out: str) -> dict:
    """Bare baseline: raw sqlite3 rows into openpyxl's write-only mode, no styles, same cells."""
    import sqlite3

    from openpyxl import Workbook

    books = _bare_sheets(db)
    start, cpu = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db)
    cells = 0
    for book, sheets in books:
        wb = Workbook(write_only=True)
        for name, sql, rows in sheets:
            ws = wb.create_sheet(name)
            for row in (con.execute(sql) if sql else rows):
                ws.append(row)
                cells += len(row)
        wb.save(Path(out) / book)
    con.close()
    return {"seconds": time.perf_counter() - start, "cpu_timed": time.process_time() - cpu, "peak_mb": peak_mb(),
            "cells": cells}


def job_xlsxwriter(db: str, out: str) -> dict:
    """Bare baseline: raw sqlite3 rows into xlsxwriter's constant_memory mode, no styles, same cells."""
    import sqlite3

    import xlsxwriter

    books = _bare_sheets(db)
    start, cpu = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db)
    cells = 0
    for book, sheets in books:
        wb = xlsxwriter.Workbook(str(Path(out) / book), {"constant_memory": True})
        for name, sql, rows in sheets:
            ws = wb.add_worksheet(name)
            for r, row in enumerate(con.execute(sql) if sql else rows):
                ws.write_row(r, 0, row)
                cells += len(row)
        wb.close()
    con.close()
    return {"seconds": time.perf_counter() - start, "cpu_timed": time.process_time() - cpu, "peak_mb": peak_mb(),
            "cells": cells}


def job_xlsxwriter_styled(db: str, out: str) -> dict:
    """xlsxwriter constant_memory, the same raw rows, each cell with its column's format (font, border,
    number format): what a styled cell costs the writer itself, without the app's layout or conversions."""
    import sqlite3

    import xlsxwriter

    books = _bare_sheets(db)
    start, cpu = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db)
    cells = 0
    for book, sheets in books:
        wb = xlsxwriter.Workbook(str(Path(out) / book), {"constant_memory": True, "strings_to_formulas": False})
        formats = [wb.add_format({"font_name": "宋体", "font_size": 10, "border": 1, "num_format": n})
                   for n in ("General", "#,##0.00", "yyyy-mm-dd", "0", "@")]
        for name, sql, rows in sheets:
            ws = wb.add_worksheet(name)
            for r, row in enumerate(con.execute(sql) if sql else rows):
                write = ws.write
                for c, value in enumerate(row):
                    write(r, c, value, formats[c % 5])
                cells += len(row)
        wb.close()
    con.close()
    return {"seconds": time.perf_counter() - start, "cpu_timed": time.process_time() - cpu, "peak_mb": peak_mb(),
            "cells": cells}


def job_roster(db: str, roster: str) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.excel import roster_import as ri

    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    loaded = ri.load(roster)
    t_read = time.perf_counter() - start
    plan = ri.preview(ctx, loaded)
    t_check = time.perf_counter() - start - t_read
    summary = ri.import_roster(ctx, plan)
    total = time.perf_counter() - start
    return {"seconds": total, "read": t_read, "check": t_check, "write": total - t_read - t_check,
            "rows": plan.member_rows, "households": summary.households, "members": summary.members,
            "problems": len(plan.problems), "peak_mb": peak_mb()}


def job_merge(db: str, zips: str) -> dict:
    from fupin_tui.excel.merge import import_packages

    start = time.perf_counter()
    [outcome] = import_packages([Path(zips)], Path(db), operator="基准")
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "rows": outcome.rows}


def write_roster(source_db: Path, target: Path) -> int:
    """A township-style roster (title row, one row per member) from the demo registry."""
    import sqlite3

    from openpyxl import Workbook

    con = sqlite3.connect(str(source_db))
    rows = con.execute(
        "select v.name, h.household_no, h.head_name, h.size, m.name, m.relation, m.id_number, h.phone "
        "from member m join household h on h.id = m.household_id join village v on v.id = h.village_id "
        "where m.voided = 0 order by h.id, m.id").fetchall()
    con.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["新安镇建档立卡贫困户花名册"])
    ws.append(["村", "户编号", "户主姓名", "家庭人口", "姓名", "与户主关系", "公民身份号码", "联系电话"])
    for r in rows:
        ws.append(list(r))
    wb.save(target)
    return len(rows)


def _child(job: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--job", job, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def export_table(dbs: list[Path], work: Path, runs: int) -> list[Path]:
    """Alternate bare xlsxwriter, app export and bare openpyxl on each database; print medians."""
    import statistics
    from datetime import datetime

    kinds = [("xlsxwriter", "bare xlsxwriter constant_memory"), ("export", "app package export"),
             ("xlsxwriter_styled", "xlsxwriter, a format on every cell"), ("plain", "bare openpyxl write-only")]
    print(f"package export vs bare writers fed raw sqlite3 rows, median of {runs}, "
          f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average before {_load()}")
    print(f"| {'households':>10} | {'cells':>6} | {'writer':<34} | {'wall s':>7} | {'cpu s':>7} | {'peak MB':>7} "
          f"| {'app ÷ it (wall)':>15} | {'app ÷ it (cpu)':>14} |")
    print(f"|{'-' * 12}|{'-' * 8}|{'-' * 36}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 17}|{'-' * 16}|")
    zips = []
    for db in dbs:
        import sqlite3

        con = sqlite3.connect(str(db))
        households = con.execute("select count(*) from household").fetchone()[0]
        con.close()
        results: dict[str, list[dict]] = {k: [] for k, _ in kinds}
        for i in range(runs):
            for kind, _label in kinds:
                out = work / f"{db.stem}-{kind}{i}"
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir(parents=True)
                results[kind].append(_child(kind, str(db), str(out)))
        zips.append(next((work / f"{db.stem}-export0").glob("*.zip")))
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("seconds", "cpu_timed")} for k, v in results.items()}
        cells = results["export"][0]["cells"]
        for kind, label in kinds:
            peak = max(r["peak_mb"] for r in results[kind])
            ratio_wall = med["export"]["seconds"] / med[kind]["seconds"]
            ratio_cpu = med["export"]["cpu_timed"] / med[kind]["cpu_timed"]
            ratios = ("", "") if kind == "export" else (f"{ratio_wall:.2f} ×", f"{ratio_cpu:.2f} ×")
            print(f"| {households:>10,} | {cells / 1e6:>4.1f} M | {label:<34} | {med[kind]['seconds']:>7.1f} "
                  f"| {med[kind]['cpu_timed']:>7.1f} | {peak:>7.0f} | {ratios[0]:>15} | {ratios[1]:>14} |")
    print(f"load average after {_load()}  (target: app ≤ 1.2 × bare xlsxwriter)")
    return zips


def merge_and_roster(db: Path, zip_path: Path, work: Path) -> None:
    county = work / "county.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(county) + suffix).unlink(missing_ok=True)
    merge = _child("merge", str(county), str(zip_path))
    print(f"county merge of that package: {merge['seconds']:.1f} s (process cpu {merge['cpu']:.1f} s), "
          f"peak {merge['peak_mb']:.0f} MB (target <= 300 MB)")

    roster = work / "roster.xlsx"
    n = write_roster(db, roster)
    target = work / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    from fupin_tui.context import open_context
    from fupin_tui.services import township

    ctx = open_context(target, operator="基准")
    import sqlite3

    src = sqlite3.connect(str(db))
    code, name, county_name = src.execute("select code, name, county from township").fetchone()
    township.save_township(ctx, county_name, name, code)
    for vcode, vname, poor in src.execute("select code, name, is_poor_village from village"):
        township.save_village(ctx, vcode, vname, bool(poor))
    src.close()
    ctx.db.close()
    result = _child("roster", str(target), str(roster))
    print(f"roster import of {n:,} member rows: {result['seconds']:.1f} s (read {result['read']:.1f}, "
          f"check {result['check']:.1f}, write {result['write']:.1f}), {result['households']:,} households, "
          f"{result['members']:,} members, {result['problems']} problems, process cpu {result['cpu']:.1f} s, "
          f"peak {result['peak_mb']:.0f} MB (target < 15 s, <= 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000, help="size of the demo made when no --db is given")
    parser.add_argument("--db", action="append", type=Path, help="an existing township database (repeatable)")
    parser.add_argument("--runs", type=int, default=1, help="alternating runs of each export job (minutes each)")
    parser.add_argument("--keep", help="work directory (kept); default a new temporary one")
    parser.add_argument("--merge-roster", action="store_true", help="also the county merge and a roster import")
    parser.add_argument("--job")
    parser.add_argument("args", nargs="*")
    a = parser.parse_args()
    if a.job:
        result = globals()[f"job_{a.job}"](*a.args)
        result["cpu"] = _cpu()  # the whole child process, start-up included
        print(json.dumps(result, ensure_ascii=False, default=str))
        return

    work = Path(a.keep or tempfile.mkdtemp(prefix="bench-excel-"))
    work.mkdir(parents=True, exist_ok=True)
    dbs = a.db
    if not dbs:
        db = work / "township.db"
        if not db.exists():
            t = time.perf_counter()
            print(f"demo database: {make_db(db, a.households)} ({time.perf_counter() - t:.1f} s)")
        dbs = [db]
    zips = export_table(dbs, work, a.runs)
    if a.merge_roster:
        merge_and_roster(dbs[-1], zips[-1], work)
    print(f"work files in {work}")


if __name__ == "__main__":
    main()
