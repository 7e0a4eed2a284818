"""The palette (Ctrl+P) at township scale: how long until what the clerk typed is found.

    python bench/bench_palette.py --db /tmp/d20k.db [--runs 5]

Two layers, each against a bare baseline:

- service: ``find_households`` / ``find_projects`` (what the palette asks in a thread) for a
  name, its pinyin initials, the last digits of an ID number, a household number and a
  project's pinyin; bare: the same LIKE on ``search_keys`` with raw sqlite3, rows only;
- terminal (tmux, as the clerk sees it): Ctrl+P, the query typed in one go, until the first
  household or project hit is on screen; bare: Textual's stock palette with one provider that
  answers at once (bench/bare_apps.py palette). Target of issue 14: under 100 ms at 20,000.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tmux_probe import Terminal, stop_server  # noqa: E402

HERE = Path(__file__).resolve().parent
PY = sys.executable
ENV = {"FUPIN_TUI_TODAY": os.environ.get("FUPIN_TUI_TODAY", "2026-11-27"),
       "FUPIN_TUI_HOME": os.environ.get("FUPIN_TUI_HOME", "/tmp/fupin-bench-home")}


def queries(db: str) -> dict[str, tuple[str, str]]:
    """name -> (query, text the hit shows), taken from the database itself."""
    con = sqlite3.connect(db)
    hid, name, no = con.execute("SELECT id, head_name, household_no FROM household WHERE status != '作废' "
                                "ORDER BY id LIMIT 1 OFFSET 12345").fetchone()
    idn = con.execute("SELECT id_number FROM member WHERE household_id = ? AND voided = 0", (hid,)).fetchone()[0]
    pname = con.execute("SELECT name FROM project ORDER BY id LIMIT 1 OFFSET 100").fetchone()[0]
    con.close()
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    p_initials = "".join(lazy_pinyin(pname, style=Style.FIRST_LETTER))[:4]
    return {"姓名": (name, f"户 {name}"), "拼音首字母": (initials, "户 "), "身份证后6位": (idn[-6:], f"户 {name}"),
            "户编号": (no, f"户 {name}"), "项目拼音首字母": (p_initials, "项目 ")}


def service(db: str, runs: int) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.widgets.palette import RECORD_LIMIT, find_households, find_projects

    ctx = open_context(Path(db), operator="bench")
    con = sqlite3.connect(db)
    out = {}
    for label, (q, _) in queries(db).items():
        app_t, bare_t, n = [], [], 0
        for _ in range(runs):
            like = f"%{q.lower()}%"
            t = time.perf_counter()
            rows = con.execute("SELECT id, household_no, head_name FROM household WHERE search_keys LIKE ? "
                               "AND status != '作废' LIMIT ?", (like, RECORD_LIMIT)).fetchall()
            bare_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            found = find_households(ctx, q) + find_projects(ctx, q)
            app_t.append(time.perf_counter() - t)
            n = len(found)
            del rows
        out[label] = {"query": q, "hits": n, "bare_ms": statistics.median(bare_t) * 1000,
                      "app_ms": statistics.median(app_t) * 1000}
    con.close()
    return out


def terminal(db: str, runs: int) -> dict:
    out = {}
    qs = queries(db)
    bare = []
    for _ in range(runs):
        with Terminal([PY, str(HERE / "bare_apps.py"), "palette"], env=ENV) as t:
            t.wait_for("你好")
            time.sleep(0.3)
            t.press("C-p")
            t.wait_for("Search")
            time.sleep(0.3)
            s = t.type("zhang")
            bare.append(t.wait_for("找到 zhang", since=s))
    out["bare"] = statistics.median(bare) * 1000
    with Terminal([PY, "-m", "fupin_tui", "--db", db, "--operator", "张会计"], env=ENV) as t:
        t.wait_for("F4  项目档案")
        t.wait_for("截止日期", absent=("正在统计", "正在打开数据库"), timeout=600)
        time.sleep(0.5)
        for label, (q, shown) in qs.items():
            samples = []
            for _ in range(runs):
                t.press("C-p")
                t.wait_for("查找：")
                time.sleep(0.3)  # not timed
                s = t.type(q)
                samples.append(t.wait_for(shown, since=s, timeout=30))
                t.press("Escape")
                t.wait_for("F4  项目档案", absent=("查找：",))
                time.sleep(0.2)
            out[label] = statistics.median(samples) * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="service,terminal")
    a = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f}")
    if "service" in a.only:
        for label, r in service(a.db, a.runs).items():
            print(f"service  {label:8} {r['query']!r:22} hits {r['hits']:3}  app {r['app_ms']:7.1f} ms"
                  f"  bare sqlite3 {r['bare_ms']:6.1f} ms")
    if "terminal" in a.only:
        try:
            r = terminal(a.db, a.runs)
        finally:
            stop_server()
        print(f"terminal bare palette (one instant hit): {r.pop('bare'):6.0f} ms")
        for label, ms in r.items():
            print(f"terminal {label:8} typed until the hit shows: {ms:6.0f} ms")


if __name__ == "__main__":
    main()
