"""Household list at scale: open the list, one filter keystroke to an updated list, memory.

    python bench/bench_registry.py [--db /tmp/bench_registry.db] [--households 20000]

Builds the demo database first if the file does not exist. Prints medians in ms
(a keystroke is timed from the key press until the app is idle again, i.e. the
count line and the visible rows are redrawn) and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import json
import asyncio
import os
import statistics
import time
from pathlib import Path

import own_peak  # bench/, the script's own folder

RESULT: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/bench_registry.db")
    parser.add_argument("--households", type=int, default=20000)
    args = parser.parse_args()
    os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")
    db = Path(args.db)
    if not db.exists():
        from fupin_tui.demo import generate

        t = time.perf_counter()
        print("生成演示数据:", generate(db, households=args.households), f"{time.perf_counter() - t:.1f} s")
    asyncio.run(ui_numbers(db))
    # Peak so far = the app with the list open and filtered (before the service-only numbers).
    print(f"peak RSS of the app    : {own_peak.peak_mb():.0f} MB")
    RESULT["rss_mb"] = own_peak.peak_mb()
    service_numbers(db)
    print(json.dumps(RESULT, ensure_ascii=False))  # the last line, read by bench/run_all.py


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms (n={len(samples)})"


def service_numbers(db: Path) -> None:
    from fupin_tui.context import open_context
    from fupin_tui.services import registry_query as rq

    ctx = open_context(db, "bench")
    f = rq.HouseholdFilter()
    print("households:", rq.count_households(ctx, f), "people:", rq.count_people(ctx, f))
    for text in ["z", "zs", "zhang", "张", "5201", "520123197", "5201231012050123"]:
        samples = []
        for _ in range(7):
            t = time.perf_counter()
            rq.counts(ctx, rq.HouseholdFilter(text=text))
            rq.rows_at(ctx, rq.HouseholdFilter(text=text), limit=200)
            samples.append(time.perf_counter() - t)
        print(f"service filter {text!r:20}: {_ms(samples)}")
    samples = []
    rows = rq.rows_at(ctx, f, limit=200)
    for _ in range(20):  # scrolling: the next keyset page (from the top again at the end of a small list)
        t = time.perf_counter()
        after = (rows[-1].sort_value, rows[-1].id) if rows else None
        rows = rq.page_households(ctx, f, after=after, limit=200)
        samples.append(time.perf_counter() - t)
    print(f"keyset page of 200     : {_ms(samples)}")
    t = time.perf_counter()
    problems = rq.quality_run(ctx)
    print(f"registry quality run   : {time.perf_counter() - t:.2f} s, {len(problems)} findings")
    ctx.db.close()


async def ui_numbers(db: Path) -> None:
    from fupin_tui.app import make_app
    from fupin_tui.widgets.lazy_table import LazyTable

    app = make_app(db_path=db, operator="bench")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the dashboard's own start-up work
        await pilot.pause()
        t = time.perf_counter()
        await app.switch_mode("registry")
        await pilot.pause()
        print(f"open household list    : {(time.perf_counter() - t) * 1000:.0f} ms (first time, with imports)")
        await app.switch_mode("dashboard")
        await pilot.pause()
        t = time.perf_counter()
        await app.switch_mode("registry")
        await pilot.pause()
        print(f"back to household list : {(time.perf_counter() - t) * 1000:.0f} ms (screen kept, list refreshed)")
        table = app.screen.query_one(LazyTable)
        baseline = []
        for _ in range(10):  # a key that changes nothing: the cost of the key round trip itself
            t = time.perf_counter()
            await pilot.press("right")
            await pilot.pause()
            baseline.append(time.perf_counter() - t)
        print(f"no-op keystroke (UI)   : {_ms(baseline)}")
        samples = []
        for word in ["zhang", "wang", "li", "5201", "long"]:
            for ch in word:
                t = time.perf_counter()
                await pilot.press(ch)
                await pilot.pause()
                samples.append(time.perf_counter() - t)
            for _ in word:
                await pilot.press("backspace")
        print(f"filter keystroke (UI)  : {_ms(samples)}; rows now {table.total}")
        RESULT["median_s"] = statistics.median(samples)
        RESULT["note"] = f"max {max(samples) * 1000:.0f} ms over {len(samples)} keys, harness no-op {statistics.median(baseline) * 1000:.0f} ms"
        # The same without the test harness's key round trip: the query, then one repaint.
        from dataclasses import replace

        screen = app.screen
        queries, paints = [], []
        for word in ["z", "zh", "zha", "zhan", "zhang", "w", "wa", "wan", "wang", "5", "52", "520"] * 2:
            screen.filter = replace(screen.filter, text=word)
            t = time.perf_counter()
            screen.refresh_list()
            t1 = time.perf_counter()
            await pilot.pause()
            queries.append(t1 - t)
            paints.append(time.perf_counter() - t1)
        print(f"  of which count query : {_ms(queries)}")
        print(f"  of which page + paint: {_ms(paints)} (includes one idle wait of the harness)")
        screen.filter = replace(screen.filter, text="")
        screen.refresh_list()
        samples = []
        table.focus()
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("pagedown")
            await pilot.pause()
            samples.append(time.perf_counter() - t)
        print(f"page down (UI)         : {_ms(samples)}")
        t = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        print(f"jump to last row (UI)  : {(time.perf_counter() - t) * 1000:.0f} ms")
        t = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        print(f"open household form    : {(time.perf_counter() - t) * 1000:.0f} ms ({type(app.screen).__name__})")


if __name__ == "__main__":
    main()
