"""Paper benchmark (issue 15): legibility of a whole package and the two signed/posted lists, and their cost.

    python bench/bench_print.py [--households 2000] [--db DB] [--keep DIR] [--no-render]

1. The package of a ``--households`` township is exported and every workbook
   rendered as the county prints it (LibreOffice headless, A4); for each
   workbook: pages and the smallest printed text height (pdftotext -bbox),
   and the smallest over all pages — the issue's measure.
2. The 发放花名册 and the 受益户公示 of the project with the most payees /
   beneficiaries: time to write the paged, styled workbook against the bare
   writer (openpyxl, the same rows and values, no styles, no pages), then
   rendered and measured like the package.

Each timed job runs in its own process (peak memory its own). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("FUPIN_BENCH_ROOT", str(ROOT)))
from own_peak import peak_mb  # noqa: E402  (bench/, the script's own folder)
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")


def _projects(db: str) -> tuple[int, int]:
    con = sqlite3.connect(db)
    roster = con.execute(
        "select v.project_id from voucherline l join voucher v on v.id = l.voucher_id where l.kind = '名册' "
        "and not l.voided and not v.voided group by 1 order by count(*) desc, 1 limit 1").fetchone()[0]
    notice = con.execute("select project_id from beneficiary where not voided group by 1 "
                         "order by count(*) desc, 1 limit 1").fetchone()[0]
    con.close()
    return roster, notice


def job_lists(db: str, out: str) -> dict:
    """The two lists, styled and paged, as the app writes them."""
    from fupin_tui.context import open_context
    from fupin_tui.excel.beneficiary_print import print_beneficiary_notice
    from fupin_tui.excel.payment_print import payment_rows, print_payment_roster

    roster, notice = _projects(db)
    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    a = print_payment_roster(ctx, roster, folder=Path(out))
    t_roster = time.perf_counter() - start
    b = print_beneficiary_notice(ctx, notice, folder=Path(out))
    t_notice = time.perf_counter() - start - t_roster
    return {"roster": str(a), "notice": str(b), "roster_s": t_roster, "notice_s": t_notice,
            "roster_rows": len(payment_rows(ctx, roster)), "peak_mb": peak_mb()}


def job_bare_lists(db: str, out: str) -> dict:
    """Bare writer: the same rows (read by the same queries) into a plain openpyxl workbook."""
    from openpyxl import Workbook

    from fupin_tui.context import open_context
    from fupin_tui.excel.beneficiary_print import notice_rows
    from fupin_tui.excel.payment_print import payment_rows

    roster, notice = _projects(db)
    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    wb = Workbook()
    for r in payment_rows(ctx, roster):
        wb.active.append([r.village, r.household_no, r.payee, r.id_number, r.size, r.bank_account, r.item,
                          r.amount, None, r.signed_on])
    wb.save(Path(out) / "bare-roster.xlsx")
    t_roster = time.perf_counter() - start
    wb = Workbook()
    for r in notice_rows(ctx, notice):
        wb.active.append([r.village, r.head_name, r.masked_id, r.size, r.masked_phone, r.masked_account, r.benefit,
                          r.amount])
    wb.save(Path(out) / "bare-notice.xlsx")
    return {"roster_s": t_roster, "notice_s": time.perf_counter() - start - t_roster, "peak_mb": peak_mb()}


def job_export(db: str, out: str) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.excel.package import export_package

    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    result = export_package(ctx, out)
    return {"zip": str(result.path), "seconds": time.perf_counter() - start, "peak_mb": peak_mb()}


def _child(job: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--job", job, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure(books: list[Path], pdf_dir: Path) -> None:
    import print_render

    start = time.perf_counter()
    pdfs = print_render.render(books, pdf_dir)
    print(f"  rendered {len(books)} workbooks with LibreOffice in {time.perf_counter() - start:.1f} s")
    smallest = []
    for book, pdf in pdfs.items():
        pages = print_render.pages(pdf)
        sizes = [p.smallest_text for p in pages if p.smallest_text is not None]
        empty = sum(1 for p in pages if not p.words)
        low = min(sizes) if sizes else float("nan")
        smallest.append(low)
        print(f"  {book.name}: {len(pages)} pages, smallest text {low:.1f} pt" + (f", {empty} empty" if empty else ""))
    print(f"  smallest printed text over all pages: {min(smallest):.1f} pt (target >= 8 pt)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--db")
    parser.add_argument("--keep")
    parser.add_argument("--no-render", action="store_true")
    parser.add_argument("--job")
    parser.add_argument("args", nargs="*")
    a = parser.parse_args()
    if a.job:
        print(json.dumps(globals()[f"job_{a.job}"](*a.args), ensure_ascii=False, default=str))
        return
    import print_render

    work = Path(a.keep or tempfile.mkdtemp(prefix="bench-print-"))
    work.mkdir(parents=True, exist_ok=True)
    db = Path(a.db) if a.db else work / "township.db"
    if not db.exists():
        from fupin_tui.demo import generate

        t = time.perf_counter()
        print(f"demo database: {generate(db, households=a.households, seed=1)} ({time.perf_counter() - t:.1f} s)")
    render = not a.no_render and print_render.available()
    if not render:
        print("(not rendered: --no-render, or LibreOffice and poppler-utils missing, see .ci/run)")

    (work / "lists").mkdir(exist_ok=True)
    styled = _child("lists", str(db), str(work / "lists"))
    bare = _child("bare_lists", str(db), str(work / "lists"))
    print(f"发放花名册 of the largest project ({styled['roster_rows']} payee rows): {styled['roster_s'] * 1000:.0f} ms "
          f"paged and styled vs {bare['roster_s'] * 1000:.0f} ms bare openpyxl "
          f"({styled['roster_s'] / max(bare['roster_s'], 1e-9):.1f}x)")
    print(f"受益户公示 of the largest project: {styled['notice_s'] * 1000:.0f} ms vs {bare['notice_s'] * 1000:.0f} ms bare "
          f"({styled['notice_s'] / max(bare['notice_s'], 1e-9):.1f}x); peak {styled['peak_mb']:.0f} MB "
          f"(bare {bare['peak_mb']:.0f} MB)")
    (work / "package").mkdir(exist_ok=True)
    exported = _child("export", str(db), str(work / "package"))
    print(f"package export: {exported['seconds']:.1f} s, peak {exported['peak_mb']:.0f} MB")
    if render:  # after every timed child: a child started by a big process reports that process's peak
        books = []
        with zipfile.ZipFile(exported["zip"]) as zf:
            for name in zf.namelist():
                if name.endswith(".xlsx"):
                    zf.extract(name, work / "books")
                    books.append(work / "books" / name)
        _measure(sorted(books), work / "pdf-package")
        _measure([Path(styled["roster"]), Path(styled["notice"])], work / "pdf-lists")
    print(f"work files in {work}")


if __name__ == "__main__":
    main()
