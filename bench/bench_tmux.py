"""What a clerk meets, measured in a real terminal (tmux) against bare Textual baselines.

    python bench/bench_tmux.py --db /tmp/demo.db [--runs 5] [--opens 6] [--only startup,form,dossier,keys]

Every measure alternates bare and app runs (A B A B ...) and prints medians:

- first paint: program start until the screen shows its first text (bare: a one-label app;
  app: the dashboard's navigation);
- dashboard filled: until 近期期限 and the 体检 counts are shown; every panel: until no
  "正在统计" is left;
- app memory: the app's peak resident memory (VmHWM) once the dashboard is filled, against the
  one-label app's; one untimed start comes first (reported apart as "first start": on a database
  not opened since it changed, the dashboard's figures are computed, later starts read them);
- form open: Enter on a household in the list until the form's 户信息 tab shows, for the
  first open and every later one (bare: 33 stock fields pushed as a screen);
- dossier open: Enter on a project in the 项目档案 list until the dossier is drawn and stays so,
  first open and every later one (the screen is refilled, not built again);
- filter keystroke: a letter typed in the list's search box until the screen's last change
  (the list and count line redrawn, then quiet for 0.4 s; bare: one Input, the same way).

Times are wall clock through ``tmux capture-pane`` (see tmux_probe.py): nothing inside the
app is hooked.  The machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import as_installed  # noqa: E402
import own_peak  # noqa: E402
from tmux_probe import Terminal, _tmux, stop_server  # noqa: E402

HERE = Path(__file__).resolve().parent
PY = sys.executable
ENV = {"FUPIN_TUI_TODAY": os.environ.get("FUPIN_TUI_TODAY", "2026-11-27"),
       "FUPIN_TUI_HOME": os.environ.get("FUPIN_TUI_HOME", "/tmp/fupin-bench-home"),
       **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {})}
NAV_TEXT = "F4  项目档案"
FILLED = ("截止日期", " 逾期 ")  # the 近期期限 header and the 体检 counts
COUNT_LINE = re.compile(r"共 [\d,]+ 户 [\d,]+ 人")


def app_argv(db: str) -> list[str]:
    return [PY, "-m", "fupin_tui", "--db", db, "--operator", "张会计"]


def bare_argv(kind: str) -> list[str]:
    return [PY, str(HERE / "bare_apps.py"), kind]


def peak_mb(term: Terminal) -> float:
    return own_peak.peak_mb(_tmux("display-message", "-p", "-t", term.name, "#{pane_pid}").strip())


def startup(db: str, runs: int) -> dict:
    bare, paint, filled, every, mem = [], [], [], [], []
    bare_cpu, paint_cpu, filled_cpu, bare_mem, paint_mem = [], [], [], [], []
    # one start before the timed ones, reported apart: on a database the app has not opened since
    # it changed (or a new release) the dashboard's figures are computed, later starts read them
    with Terminal(app_argv(db), env=ENV) as t:
        first_start = t.wait_for(*FILLED, absent=("正在统计", "正在打开数据库"), timeout=900)
        time.sleep(0.5)
        first_start_mb = peak_mb(t)
    for _ in range(runs):
        with Terminal(bare_argv("label"), env=ENV) as t:
            bare.append(t.wait_for("你好"))
            bare_cpu.append(t.cpu())
            time.sleep(0.3)  # not timed: its memory once idle
            bare_mem.append(peak_mb(t))
        with Terminal(app_argv(db), env=ENV) as t:
            paint.append(t.wait_for(NAV_TEXT))
            paint_cpu.append(t.cpu())
            paint_mem.append(peak_mb(t))  # before the dashboard's figures are read
            filled.append(t.wait_for(*FILLED, timeout=600))  # a first start at 100,000 households: minutes
            filled_cpu.append(t.cpu())
            every.append(t.wait_for(*FILLED, absent=("正在统计", "正在打开数据库"), timeout=600))
            time.sleep(0.5)  # the app settles (e.g. a 体检 child process returns)
            mem.append(peak_mb(t))
    b = statistics.median(bare)
    med = statistics.median
    return {"bare_paint": b, "bare_cpu": med(bare_cpu), "paint_cpu": med(paint_cpu), "filled_cpu": med(filled_cpu),
            "paint_cpu_ratio": med(paint_cpu) / med(bare_cpu), "filled_cpu_ratio": med(filled_cpu) / med(bare_cpu), "paint": statistics.median(paint), "paint_ratio": statistics.median(paint) / b,
            "filled": statistics.median(filled), "filled_ratio": statistics.median(filled) / b,
            "all_panels": statistics.median(every), "first_start": first_start, "first_start_mb": first_start_mb,
            "bare_mb": max(bare_mem), "paint_mb": max(paint_mem),
            "app_peak_mb": max(mem), "samples": {"bare": bare, "paint": paint, "filled": filled, "all": every,
                        "bare_cpu": bare_cpu, "paint_cpu": paint_cpu, "filled_cpu": filled_cpu}}


def _open_list(t: Terminal) -> str:
    t.wait_for(NAV_TEXT)
    t.wait_for(*FILLED, absent=("正在统计", "正在打开数据库"), timeout=600)
    time.sleep(0.3)  # not timed
    t.press("F3")
    t.wait_for("Enter 打开")
    return t.screen()


def form(db: str, runs: int, opens: int) -> dict:
    bare_first, bare_later, first, later, mem = [], [], [], [], []
    for _ in range(runs):
        with Terminal(bare_argv("form"), env=ENV) as t:
            t.wait_for("列表")
            time.sleep(0.5)  # not timed
            for i in range(opens):
                s = t.press("Enter")
                (bare_first if i == 0 else bare_later).append(t.wait_for("第1项", "第33项", since=s))
                t.press("Escape")
                t.wait_for("列表", absent=("第33项",))
        with Terminal(app_argv(db), env=ENV) as t:
            _open_list(t)
            t.press("Down")  # from the search box to the table (Enter there opens the household)
            time.sleep(1.0)  # not timed: the focus moves without changing any text
            for i in range(opens):
                s = t.press("Enter")
                (first if i == 0 else later).append(t.wait_for("一卡通账号", "贫困户属性", since=s))
                t.press("Escape")
                t.wait_for("Enter 打开", absent=("一卡通账号",))
                t.press("Down")
            mem.append(peak_mb(t))
    med = statistics.median
    return {"bare_first": med(bare_first), "bare_later": med(bare_later), "first": med(first),
            "later": med(later), "later_max": max(later), "app_peak_mb": max(mem),
            "samples": {"first": first, "later": later, "bare_later": bare_later}}


def dossier(db: str, runs: int, opens: int) -> dict:
    """Enter on a project in the 项目档案 list until the dossier is drawn and stays so (title, 基本信息
    and its deadline table); Escape back, Down, again. The first open builds the screen, later
    ones refill it (target 150 ms)."""
    first, later, mem = [], [], []
    for _ in range(runs):
        with Terminal(app_argv(db), env=ENV) as t:
            t.wait_for(NAV_TEXT)
            t.wait_for(*FILLED, absent=("正在统计", "正在打开数据库"), timeout=600)
            time.sleep(0.3)  # not timed
            t.press("F4")
            t.wait_for("Enter 打开档案")
            time.sleep(1.0)  # not timed: the list is read in a thread
            for i in range(opens):
                before = t.screen()
                s = t.press("Enter")
                t.wait_for("办理时限", "状态：", since=s)
                (first if i == 0 else later).append(t.settled(before, s))
                t.press("Escape")
                t.wait_for("Enter 打开档案", absent=("办理时限",))
                time.sleep(0.3)  # not timed: the list reads itself again on resume
                t.press("Down")
                time.sleep(0.2)
            mem.append(peak_mb(t))
    med = statistics.median
    return {"first": med(first), "later": med(later), "later_max": max(later), "app_peak_mb": max(mem),
            "samples": {"first": first, "later": later}}


def keys(db: str, runs: int) -> dict:
    bare, app, mem = [], [], []
    for _ in range(runs):
        with Terminal(bare_argv("input"), env=ENV) as t:
            t.wait_for("▔")
            time.sleep(0.5)  # not timed: let it settle, as the app below
            for ch in "zhang":
                before = t.screen()
                s = t.type(ch)
                bare.append(t.settled(before, s))
        with Terminal(app_argv(db), env=ENV) as t:
            _open_list(t)
            time.sleep(0.5)  # not timed
            for ch in "zhang":  # until the list and its count line are redrawn and stay so
                before = t.screen()
                s = t.type(ch)
                app.append(t.settled(before, s))
            mem.append(peak_mb(t))
    med = statistics.median
    return {"bare": med(bare), "app": med(app), "ratio": med(app) / med(bare), "app_max": max(app),
            "app_peak_mb": max(mem), "samples": {"bare": bare, "app": app}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--opens", type=int, default=6)
    parser.add_argument("--only", default="startup,form,dossier,keys")
    args = parser.parse_args()
    as_installed.compile_app()
    load = os.getloadavg()
    out: dict = {"db": args.db, "load_before": [round(x, 2) for x in load]}
    try:
        wanted = args.only.split(",")
        if "startup" in wanted:
            r = out["startup"] = startup(args.db, args.runs)
            print(f"first paint: bare {r['bare_paint']:.3f} s, app {r['paint']:.3f} s = {r['paint_ratio']:.2f} x "
                  f"(target 1.5); dashboard filled (近期期限 and counts) {r['filled']:.3f} s = {r['filled_ratio']:.2f} x "
                  f"(target 3), every panel {r['all_panels']:.3f} s; "
                  f"app peak {r['app_peak_mb']:.0f} MB (bare {r['bare_mb']:.0f}); first start filled "
                  f"{r['first_start']:.2f} s, {r['first_start_mb']:.0f} MB; CPU seconds to first paint: bare {r['bare_cpu']:.2f}, "
                  f"app {r['paint_cpu']:.2f} = {r['paint_cpu_ratio']:.2f} x, to filled {r['filled_cpu']:.2f} = "
                  f"{r['filled_cpu_ratio']:.2f} x", flush=True)
        if "form" in wanted:
            r = out["form"] = form(args.db, max(1, args.runs // 2), args.opens)
            print(f"form open: first {r['first'] * 1000:.0f} ms, later median {r['later'] * 1000:.0f} ms "
                  f"(max {r['later_max'] * 1000:.0f}, target 150); bare 33 fields first "
                  f"{r['bare_first'] * 1000:.0f} ms, later {r['bare_later'] * 1000:.0f} ms; "
                  f"app peak {r['app_peak_mb']:.0f} MB", flush=True)
        if "dossier" in wanted:
            r = out["dossier"] = dossier(args.db, max(1, args.runs // 2), args.opens)
            print(f"dossier open: first {r['first'] * 1000:.0f} ms, later median {r['later'] * 1000:.0f} ms "
                  f"(max {r['later_max'] * 1000:.0f}, target 150); app peak {r['app_peak_mb']:.0f} MB", flush=True)
        if "keys" in wanted:
            r = out["keys"] = keys(args.db, max(1, args.runs // 2))
            print(f"filter keystroke: app {r['app'] * 1000:.0f} ms (max {r['app_max'] * 1000:.0f}), bare Input "
                  f"{r['bare'] * 1000:.0f} ms = {r['ratio']:.2f} x; app peak {r['app_peak_mb']:.0f} MB", flush=True)
    finally:
        stop_server()
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average before {out['load_before']}, after {out['load_after']}")
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
