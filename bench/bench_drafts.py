"""Cost of keeping form drafts (issue 12 item 9): what a keystroke pays, what a draft write pays.

    python bench/bench_drafts.py [--keys 200] [--writes 200]

Prints, for the household form (the largest: 40 fields and a members list):
- per keystroke in a running app (Pilot, ``#address``) with drafts on and off, and the difference:
  what a clerk could feel (must stay under 5 ms);
- ``note_change`` alone (all a keystroke does for drafts: a flag);
- one draft write (raw values of the form, JSON, SQLite upsert with synchronous=FULL), which runs
  every 2 s while typing and when a field is left, never per keystroke.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")


def _setup(path: Path):
    from fupin_tui.context import open_context
    from fupin_tui.services import township

    ctx = open_context(path, operator="张会计")
    township.save_township(ctx, "示例县", "新安镇", "520123101")
    township.save_village(ctx, "520123101201", "新寨村", True)
    township.add_operator(ctx, "张会计")
    return ctx


async def _keystrokes(path: Path, keys: int, drafts_on: bool) -> tuple[float, float | None]:
    from fupin_tui.app import make_app
    from fupin_tui.screens import household_form

    if not drafts_on:
        household_form.HouseholdFormScreen.draft_key = None  # type: ignore[assignment]
    app = make_app(db_path=path, operator="张会计")
    write_ms = None
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("registry")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        form.query_one("#address").focus()
        await pilot.pause()
        text = ("新寨村一组" * (keys // 5 + 1))[:keys]
        start = time.perf_counter()
        for ch in text:
            await pilot.press(ch)
        per_key = (time.perf_counter() - start) / keys * 1000
        if drafts_on:
            runs = 50
            start = time.perf_counter()
            for i in range(runs):
                form._draft_written = None
                form.note_change()
                form.flush_draft()  # the UI thread's part: collect the values, hand them to a worker
            write_ms = (time.perf_counter() - start) / runs * 1000
            await app.workers.wait_for_complete()
            start = time.perf_counter()
            for i in range(runs):
                form.raw_values()
            print(f"  of which raw_values(): {(time.perf_counter() - start) / runs * 1000:.2f} ms")
            start = time.perf_counter()
            for i in range(runs):
                list(form.query("Field"))
            print(f"  of which query(Field): {(time.perf_counter() - start) / runs * 1000:.2f} ms")
    return per_key, write_ms


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=200)
    ap.add_argument("--writes", type=int, default=200)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-drafts-"))

    from fupin_tui.widgets.drafts import DraftKeeping

    keeper = DraftKeeping()
    n = 1_000_000
    start = time.perf_counter()
    for _ in range(n):
        keeper.note_change()
    flag_us = (time.perf_counter() - start) / n * 1e6

    ctx = _setup(work / "drafts.db")
    from fupin_tui.services import drafts

    values = {f"field{i}": "新寨村一组二号" for i in range(40)}
    values["__members__"] = [{"name": f"成员{i}", "id_number": "520123198001010015", "relation": "子"} for i in range(6)]
    start = time.perf_counter()
    for i in range(args.writes):
        values["field0"] = str(i)
        drafts.save(ctx, "household:new", "新增贫困户", values)
    save_ms = (time.perf_counter() - start) / args.writes * 1000
    ctx.db.close()

    on_key, write_ms = asyncio.run(_keystrokes(_setup_path(work / "on.db"), args.keys, True))
    off_key, _ = asyncio.run(_keystrokes(_setup_path(work / "off.db"), args.keys, False))
    print(f"note_change (all a keystroke does for drafts): {flag_us:.3f} µs")
    print(f"draft write, service only (40 fields + 6 members, synchronous=FULL): {save_ms:.2f} ms")
    print(f"draft flush, UI thread's part in the household form (collect 40 fields + members): {write_ms:.2f} ms"
          "  (every 2 s and on leaving a field; the write itself runs in a worker thread)")
    print(f"Pilot keystroke in the household form, drafts on / off: {on_key:.1f} / {off_key:.1f} ms"
          "  (Pilot waits for the screen after each key: shows no more than noise on a busy machine)")


def _setup_path(path: Path) -> Path:
    _setup(path).db.close()
    return path


if __name__ == "__main__":
    main()
