"""County merge benchmark (issue 15): five townships of 20,000 households into one county database.

    python bench/bench_merge.py [--households 20000] [--townships 5] [--db DEMO] [--keep DIR]

One demo township is generated (or ``--db``), copied and recoded into
``--townships`` townships (township, village and household codes, file
numbers, invoices and ID numbers made their own), and each exported as its
package. Then, each in its own process (peak memory its own):

- the county merge of all packages (``import_packages``): seconds, peak MB;
- the bare writer: the same packages read with the same reader (python-calamine,
  row by row) and every data row inserted as it stands with ``executemany``
  into the same tables — no checks, no relinking, no report — what reading and
  writing the cells costs by itself.

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("FUPIN_BENCH_ROOT", str(ROOT)))
from own_peak import peak_mb  # noqa: E402  (bench/, the script's own folder)
os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def recode(db: Path, n: int) -> None:
    """Township n of the county: its own codes and numbers, so nothing collides with the others."""
    code = f"5201231{n:02d}"
    area = f"52{n:02d}23"  # ID numbers of another area: nobody is registered in two townships
    con = sqlite3.connect(db)
    con.execute("update township set name = ?, code = ?", (f"第{n}镇", code))
    con.execute("update village set code = ? || substr(code, 10), name = name || ?", (code, str(n)))
    con.execute("update household set household_no = ? || substr(household_no, 10)", (code,))
    con.execute("update project set file_number = file_number || '-' || ?", (str(n),))
    con.execute("update voucherline set invoice_no = ? || substr(invoice_no, 3) where kind = '发票'", (f"{n:02d}",))
    con.execute("update member set id_number = ? || substr(id_number, 7) where id_number != ''", (area,))
    con.execute("update voucherline set id_number = ? || substr(id_number, 7) where id_number != ''", (area,))
    con.execute("update appsetting set value = replace(value, '520123101', ?)", (code,))
    con.commit()
    con.close()


def job_export(db: str, out: str) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.excel.package import export_package

    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    result = export_package(ctx, out)
    return {"zip": str(result.path), "seconds": time.perf_counter() - start, "peak_mb": peak_mb()}


def job_merge(county: str, *zips: str) -> dict:
    from fupin_tui.excel.merge import import_packages

    start = time.perf_counter()
    outcomes = import_packages([Path(z) for z in zips], Path(county), operator="基准")
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(),
            "households": sum(o.rows.get("户表", 0) for o in outcomes),
            "members": sum(o.rows.get("成员表", 0) for o in outcomes)}


def job_bare(county: str, *zips: str) -> dict:
    """The same cells read with the same reader and inserted as they stand."""
    import sqlalchemy as sa

    from fupin_tui.opening import open_database
    from fupin_tui import sheets as schema
    from fupin_tui.excel.readers import open_xlsx_bytes
    from fupin_tui.excel.styles import FIRST_DATA_ROW

    open_database(Path(county)).close()  # the tables, empty
    start = time.perf_counter()
    con = sqlite3.connect(county)
    rows = 0
    for number, z in enumerate(zips):
        offset = number * 10_000_000
        import zipfile

        with zipfile.ZipFile(z) as zf:
            books = {name: zf.read(name) for name in zf.namelist() if name.endswith(".xlsx")}
        for workbook in schema.workbooks():
            if workbook not in books:
                continue
            book = open_xlsx_bytes(books.pop(workbook), workbook)
            for sheet in schema.sheets_of(workbook):
                stored = [(i, f.attr) for i, f in enumerate(sheet.fields) if not f.shown_only]
                # ids and references kept, moved out of the other townships' way by a fixed offset
                shifted = [f.attr == "id" or bool(f.ref) for f in sheet.fields if not f.shown_only]
                table = schema.MODELS[sheet.table].__table__
                names = {attr for _, attr in stored}
                # NOT NULL columns the package does not carry (bookkeeping, search keys): a constant
                fixed = {c.name: ("0" if isinstance(c.type, (sa.Integer, sa.Boolean)) else "''")
                         for c in table.c if c.name not in names and not c.nullable}
                columns = ", ".join([attr for _, attr in stored] + list(fixed))
                marks = ", ".join(["?"] * len(stored) + list(fixed.values()))
                sql = f"INSERT INTO {sheet.table} ({columns}) VALUES ({marks})"
                nullable = [table.c[attr].nullable for _, attr in stored]
                batch = []
                for n, row in enumerate(book.rows(sheet.name)):
                    if n < FIRST_DATA_ROW - 1 or not row or row[0] in ("", None):
                        continue
                    if not isinstance(row[0], (int, float)):
                        break  # the signature line under the table
                    values = [row[i] if i < len(row) else "" for i, _ in stored]
                    batch.append([None if v == "" and ok else (int(v) + offset if move and v != "" else v)
                                  for v, ok, move in zip(values, nullable, shifted)])
                    if len(batch) >= 2000:
                        con.executemany(sql, batch)
                        rows += len(batch)
                        batch = []
                con.executemany(sql, batch)
                rows += len(batch)
    con.commit()
    con.close()
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "rows": rows}


def _child(job: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--job", job, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--townships", type=int, default=5)
    parser.add_argument("--db", help="a demo township database to start from (else generated)")
    parser.add_argument("--keep")
    parser.add_argument("--job")
    parser.add_argument("args", nargs="*")
    a = parser.parse_args()
    if a.job:
        result = globals()[f"job_{a.job}"](*a.args)
        result["cpu"] = _cpu()
        print(json.dumps(result, ensure_ascii=False, default=str))
        return

    work = Path(a.keep or tempfile.mkdtemp(prefix="bench-merge-"))
    work.mkdir(parents=True, exist_ok=True)
    base = Path(a.db) if a.db else work / "township.db"
    if not base.exists():
        from fupin_tui.demo import generate

        t = time.perf_counter()
        print(f"demo database: {generate(base, households=a.households, seed=1)} ({time.perf_counter() - t:.1f} s)")
    zips = []
    for n in range(1, a.townships + 1):
        db = work / f"town{n}.db"
        if not (work / f"town{n}.zip.done").exists():
            shutil.copy(base, _fresh(db))
            recode(db, n)
            (work / f"out{n}").mkdir(exist_ok=True)
            result = _child("export", str(db), str(work / f"out{n}"))
            print(f"township {n}: package exported in {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB")
            (work / f"town{n}.zip.done").write_text(result["zip"], encoding="utf-8")
        zips.append((work / f"town{n}.zip.done").read_text(encoding="utf-8"))
    size = sum(Path(z).stat().st_size for z in zips) / 1e6
    merged = _child("merge", str(_fresh(work / "county.db")), *zips)
    bare = _child("bare", str(_fresh(work / "bare.db")), *zips)
    print(f"county merge of {len(zips)} townships ({merged['households']:,} households, {merged['members']:,} members, "
          f"{size:.0f} MB of packages): {merged['seconds']:.1f} s (process cpu {merged['cpu']:.1f} s), "
          f"peak {merged['peak_mb']:.0f} MB")
    print(f"bare writer (same reader, rows inserted as they stand, {bare['rows']:,} rows): {bare['seconds']:.1f} s "
          f"(process cpu {bare['cpu']:.1f} s), peak {bare['peak_mb']:.0f} MB")
    print(f"ratio merge / bare: {merged['seconds'] / max(bare['seconds'], 1e-9):.2f}x")
    print(f"work files in {work}")


if __name__ == "__main__":
    main()
