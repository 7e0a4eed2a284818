"""Open project dossiers and switch their tabs on the demo database; print the times.

    python bench/bench_dossier.py [--db /tmp/bench_dossier.db] [--projects 10]

Builds the demo database (20,000 households, about 300 projects) when the file
does not exist.  Aim: each open and each tab switch under 150 ms.  Times are
wall clock and process CPU time (the machine may be shared) in the headless
app (``run_test``), from the action until the tab's data is in its widgets,
plus the service calls alone.
"""

from __future__ import annotations

import argparse
import json
import asyncio
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")


def ensure_demo(path: Path) -> None:
    if path.exists():
        return
    from fupin_tui.cli import main

    t = time.perf_counter()
    main(["--db", str(path), "demo", "--households", "20000"])
    print(f"demo database built in {time.perf_counter() - t:.1f} s")


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  max {values[-1] * 1000:6.1f} ms"


def bench_services(ctx, ids: list[int]) -> None:
    from fupin_tui.services import archive, projects

    calls = {
        "dossier (basics + deadlines)": lambda pid: projects.dossier(ctx, pid),
        "budget_lines": lambda pid: projects.budget_lines(ctx, pid),
        "beneficiaries": lambda pid: projects.beneficiaries(ctx, pid),
        "notices": lambda pid: projects.notices(ctx, pid),
        "archive checklist": lambda pid: archive.checklist(ctx, pid),
        "events": lambda pid: projects.events(ctx, pid),
    }
    print("services alone:")
    for name, call in calls.items():
        times = []
        for pid in ids:
            t = time.perf_counter()
            call(pid)
            times.append(time.perf_counter() - t)
        print(f"  {name:30s} {ms(times)}")
    t = time.perf_counter()
    rows = projects.list_projects(ctx)
    print(f"  {'list_projects (' + str(len(rows)) + ' rows)':30s} {(time.perf_counter() - t) * 1000:6.1f} ms")


async def wait_until(predicate, timeout: float = 10.0) -> None:
    end = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > end:
            raise TimeoutError
        await asyncio.sleep(0.001)


async def bench_screens(db: Path, ids: list[int]) -> None:
    from fupin_tui.app import make_app
    from fupin_tui.screens.dossier import TABS, ProjectDossierScreen

    app = make_app(db_path=db, operator="张会计")
    opens: list[float] = []
    open_cpu: list[float] = []
    tabs: dict[str, list[float]] = {name: [] for name in TABS[1:]}
    tabs_cpu: dict[str, list[float]] = {name: [] for name in TABS[1:]}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("projects")
        await pilot.pause()
        for n, pid in enumerate([ids[0]] + ids):  # the first round warms up imports and styles
            if n == 1:
                print(f"  first open (cold): {opens[0] * 1000:.1f} ms wall")
                opens.clear(), open_cpu.clear()
                for name in TABS[1:]:
                    tabs[name].clear(), tabs_cpu[name].clear()
            t, c = time.perf_counter(), time.process_time()
            app.push_screen(ProjectDossierScreen(pid))
            await wait_until(lambda: isinstance(app.screen, ProjectDossierScreen) and "基本信息" in app.screen.loaded
                             and app.screen.is_mounted)
            await asyncio.sleep(0)
            opens.append(time.perf_counter() - t)
            open_cpu.append(time.process_time() - c)
            screen = app.screen
            for index, name in enumerate(TABS[1:], 2):
                t, c = time.perf_counter(), time.process_time()
                screen.action_tab(index - 1)  # what the digit key does, without pilot's idle wait
                await wait_until(lambda: name in screen.loaded)
                tabs[name].append(time.perf_counter() - t)
                tabs_cpu[name].append(time.process_time() - c)
                await pilot.pause()
            screen.dismiss(None)
            await pilot.pause()
    RESULT["median_s"] = statistics.median(opens)
    slowest = max(tabs.items(), key=lambda kv: statistics.median(kv[1]))
    RESULT["note"] = (f"open; tab switches median {min(statistics.median(v) for v in tabs.values()) * 1000:.0f}-"
                      f"{statistics.median(slowest[1]) * 1000:.0f} ms (slowest {slowest[0]})")
    print("screens (from the action until the tab's data is in its widgets):")
    print(f"  {'open dossier':30s} wall {ms(opens)}")
    print(f"  {'':30s} cpu  {ms(open_cpu)}")
    for name, times in tabs.items():
        print(f"  {'tab ' + name:30s} wall {ms(times)}")
        print(f"  {'':30s} cpu  {ms(tabs_cpu[name])}")


RESULT: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_dossier.db"))
    parser.add_argument("--projects", type=int, default=10)
    args = parser.parse_args()
    ensure_demo(args.db)

    from sqlmodel import func, select

    from fupin_tui.context import open_context
    from fupin_tui.models.projects import Project
    from fupin_tui.models.registry import Household

    ctx = open_context(args.db, operator="张会计")
    with ctx.read() as s:
        n_projects = s.exec(select(func.count()).select_from(Project)).one()
        n_households = s.exec(select(func.count()).select_from(Household)).one()
        # spread over the life cycle: every n-th project by id
        all_ids = list(s.exec(select(Project.id).order_by(Project.id)))
    step = max(1, len(all_ids) // args.projects)
    ids = all_ids[::step][: args.projects]
    print(f"{n_projects} projects, {n_households} households; timing {len(ids)} dossiers")
    bench_services(ctx, ids)
    asyncio.run(bench_screens(args.db, ids))
    import own_peak

    RESULT["rss_mb"] = own_peak.peak_mb()
    print(json.dumps(RESULT, ensure_ascii=False))  # the last line, read by bench/run_all.py


if __name__ == "__main__":
    main()
