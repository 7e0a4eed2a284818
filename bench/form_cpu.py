"""CPU time of opening the household form, in-process (Pilot, headless), for a loaded machine.

    python bench/form_cpu.py --db /tmp/demo.db [--opens 8] [--profile out.prof]

Wall time through tmux (bench_tmux.py --only form) is what a clerk meets, but on two cores shared
by several people it mostly measures the others.  This prints the process's CPU time
(``time.process_time``) from Enter on a household in the list until the form is shown and the app
is idle again, for the first open and every later one (the form refilled), and the same for a
bare screen of 33 stock fields (``bare_apps.FormScreen``) pushed in the same app, as the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


async def run(db: str, opens: int, profile: str | None) -> None:
    from fupin_tui.app import make_app
    from fupin_tui.screens.household_form import HouseholdFormScreen
    from bare_apps import FormScreen as BareForm

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.pilot.ready import app_ready, dashboard_settled, until

    app = make_app(db_path=Path(db), operator="张会计")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await dashboard_settled(pilot)
        await app.switch_mode("registry")
        await until(pilot, lambda: "Enter 打开" in str(app.screen.query_one("Footer").render())
                    or app.screen.query("LazyTable"), "list")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("LazyTable").focus()
        await pilot.pause()
        form, bare = [], []
        for i in range(opens):
            t = time.process_time()
            if profiler and i > 0:
                profiler.enable()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, HouseholdFormScreen), "form", timeout=30)
            await pilot.pause()
            await pilot.pause()
            if profiler:
                profiler.disable()
            form.append(time.process_time() - t)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, HouseholdFormScreen), "list again")
            await pilot.pause()
            await pilot.press("down")
            await pilot.pause()
            t = time.process_time()
            app.push_screen(BareForm())
            await pilot.pause()
            await pilot.pause()
            bare.append(time.process_time() - t)
            app.pop_screen()
            await pilot.pause()
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"
    print(f"household form CPU: first {form[0] * 1000:.0f} ms, later {ms(form[1:])}")
    print(f"bare 33-field screen CPU (built each time): first {bare[0] * 1000:.0f} ms, later {ms(bare[1:])}")
    print(f"load average {os.getloadavg()}")
    med = statistics.median
    print(json.dumps({"first": form[0], "later": med(form[1:]), "later_best": min(form[1:]),
                      "bare_first": bare[0], "bare_later": med(bare[1:]), "bare_later_best": min(bare[1:])}))
    if profiler:
        profiler.dump_stats(profile)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--opens", type=int, default=8)
    parser.add_argument("--profile")
    args = parser.parse_args()
    os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")
    os.environ.setdefault("FUPIN_TUI_HOME", "/tmp/fupin-bench-home")
    asyncio.run(run(args.db, args.opens, args.profile))


if __name__ == "__main__":
    main()
