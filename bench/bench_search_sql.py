"""The SQL behind one keystroke in 建档立卡's search box, at the database's scale: the count of the
matches and the first page, CPU ms (medians), beside a bare baseline (a raw sqlite3 count of every
live household, no filter, no ORM).

    python bench/bench_search_sql.py DB [--runs 15]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from pathlib import Path

NEEDLES = ["z", "zh", "zhang", "zhangxingfu", "张兴福", "510", "2613"]


def cpu_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append((time.process_time() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from fupin_tui.context import open_context
    from fupin_tui.services import registry_query as rq

    ctx = open_context(Path(args.db))  # upgrades an older database (migration 10 adds the index)
    con = sqlite3.connect(args.db)
    bare = cpu_ms(lambda: con.execute("SELECT count(*), sum(size) FROM household WHERE status != '作废'").fetchone(),
                  args.runs)
    print(f"bare: raw sqlite3 count of every live household {bare:.1f} ms")
    for text in NEEDLES:
        f = rq.HouseholdFilter(text=text)
        n = rq.counts(ctx, f)[0]
        count = cpu_ms(lambda: rq.counts(ctx, f), args.runs)
        page = cpu_ms(lambda: rq.rows_at(ctx, f, offset=0, limit=60, few=n <= 400), args.runs)
        print(f"{text:12} {n:6} matches: count {count:5.1f} ms, first page {page:5.1f} ms")


if __name__ == "__main__":
    main()
