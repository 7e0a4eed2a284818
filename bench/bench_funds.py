"""Funds and progress at township scale: how long the screens' queries take.

Usage:
    fupin-tui --db /tmp/bench_funds.db demo --households 20000
    python bench/bench_funds.py /tmp/bench_funds.db

Prints timings; never asserts (benchmarks are not tests).  Works on a copy of
the database so the write timings leave the file untouched.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import select


def timed(label: str, fn, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<44} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")
    return result


def main(src: str) -> None:
    from fupin_tui.context import open_context
    from fupin_tui.models.projects import BudgetLine, Project
    from fupin_tui.services import funds, progress

    work = Path(tempfile.mkdtemp()) / "bench.db"
    shutil.copy(src, work)
    ctx = open_context(work, operator="基准测试")
    with ctx.read() as s:
        active = s.exec(select(Project.id).where(Project.state.in_(progress.ACTIVE_STATES))).all()
        counts = {name: s.exec(select(model)).all().__len__() for name, model in (("项目", Project),)}
    print(f"数据库 {src}：项目 {counts['项目']} 个，其中可拨款/报账 {len(active)} 个")

    timed("find_projects('') (picker, 50 rows)", lambda: progress.find_projects(ctx, ""))
    timed("find_projects('村') (picker, typed)", lambda: progress.find_projects(ctx, "村"))
    timed("find_payees('王') (roster payee search)", lambda: funds.find_payees(ctx, "王"))
    timed("find_payees('5201') (by ID prefix)", lambda: funds.find_payees(ctx, "5201"))
    timed("find_payees('查无此人') (no match: full scan)", lambda: funds.find_payees(ctx, "查无此人"))
    per = []
    for pid in active:
        t0 = time.perf_counter()
        funds.project_funds(ctx, pid)
        per.append((time.perf_counter() - t0) * 1000)
    print(f"{'project_funds (each active project)':<44} median {statistics.median(per):8.1f} ms   "
          f"max {max(per):8.1f} ms   n={len(per)}")
    timed("township_funds(2026)", lambda: funds.township_funds(ctx, 2026))
    timed("township_funds(all years)", lambda: funds.township_funds(ctx, None))
    timed("progress.history (first active project)", lambda: progress.history(ctx, active[0]))

    # write path: a 20-line roster voucher checked, then saved (one transaction)
    pid = active[0]
    with ctx.read() as s:
        bl = s.exec(select(BudgetLine).where(BudgetLine.project_id == pid)).first()
    payees = funds.find_payees(ctx, "5201", limit=20)
    kinds = funds.roster_kinds(ctx)
    if bl is not None:
        with ctx.transaction() as s:  # make the line roster-kind and roomy so the checks pass
            row = s.get(BudgetLine, bl.id)
            row.spending_kind, row.adjusted_amount = (kinds[0] if kinds else row.spending_kind), Decimal("99999999")
            s.add(row)
        lines = [funds.LineInput(bl.id, Decimal("100.00"), household_id=p.household_id, id_number=p.id_number,
                                 signed_on=date(2026, 11, 20)) for p in payees]
        timed("check_voucher (20 roster lines, rolled back)",
              lambda: funds.check_voucher(ctx, pid, lines, made_on=date(2026, 11, 27)))
        seq = iter(range(1000))
        timed("create_voucher (20 roster lines, saved)",
              lambda: funds.create_voucher(ctx, pid, lines, made_on=date(2026, 11, 27),
                                           voucher_no=f"BENCH-{next(seq)}"), repeat=3)
    ctx.db.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench_funds.db")
