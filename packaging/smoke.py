"""Smoke test of an INSTALLED fupin-tui, run from a folder outside the checkout.

    python packaging/smoke.py --work DIR [--households 200]

Uses the ``fupin-tui`` next to the running Python (the venv it was installed
into): demo, check, export from the command line, then starts the app under
Textual's Pilot on the demo database, opens 工作台 and 体检 (F8) and checks what
is drawn. Refuses to run when ``fupin_tui`` would be imported from a source
checkout. Exit 0 when everything worked; the first problem is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path


def fail(message: str) -> None:
    print(f"SMOKE FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], env: dict, ok=(0,)) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", env=env,
                         timeout=600)
    if out.returncode not in ok:
        fail(f"{' '.join(cmd)} -> {out.returncode}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return out.stdout + out.stderr


async def app_start(db: Path) -> None:
    from fupin_tui.app import make_app

    app = make_app(db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if type(app.screen).__name__ != "DashboardScreen":
            fail(f"app starts on {type(app.screen).__name__}, not the dashboard")
        if "演示数据" not in app.title:
            fail("demo database not shown as 演示数据")
        await pilot.press("f8")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if type(app.screen).__name__ != "CheckScreen":
            fail(f"F8 opens {type(app.screen).__name__}")
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        for bad in ("No such file", "Errno", "Traceback"):
            if bad in text:
                fail(f"体检 shows {bad!r}: {text[:300]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--households", type=int, default=200)
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)
    import fupin_tui
    import fupin_tui.config

    where = Path(fupin_tui.__file__).resolve().parent
    if "site-packages" not in where.parts:
        fail(f"fupin_tui is imported from {where}, not from an installed package")
    data = fupin_tui.config.shipped_data()
    if not str(data).startswith(str(where)):
        fail(f"shipped data read from {data}, outside the installed package")
    exe = Path(sys.executable).with_name("fupin-tui.exe" if os.name == "nt" else "fupin-tui")
    env = dict(os.environ, FUPIN_TUI_HOME=str(work / "home"), FUPIN_TUI_TODAY="2026-11-27")
    env.pop("FUPIN_TUI_DB", None)
    db = work / "smoke-demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    run([str(exe), "--version"], env)
    run([str(exe), "--db", str(db), "demo", "--households", str(args.households)], env)
    out = run([str(exe), "check", "--db", str(db)], env, ok=(0, 1))
    if "体检日期" not in out:
        fail(f"check printed no summary: {out[-500:]}")
    out = run([str(exe), "--db", str(db), "export", "--out", str(work / "export")], env)
    if not list((work / "export").glob("*.zip")):
        fail(f"export wrote no package: {out[-500:]}")
    os.environ.update(FUPIN_TUI_HOME=str(work / "home"), FUPIN_TUI_TODAY="2026-11-27")
    asyncio.run(app_start(db))
    print(f"smoke ok: {where} (data {data})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
