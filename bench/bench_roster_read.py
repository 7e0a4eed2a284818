"""Roster import and sheet reading: peak memory and time against bare calamine (issue 12 item 7).

    python bench/bench_roster_read.py --work /tmp/h12 --rows 20000 --rows 199999 [--runs 2] [--chinese-names]
    FUPIN_BENCH_ROOT=/work/main python bench/bench_roster_read.py ...   # the same on another checkout

Makes a township-style roster under ``--work`` (title merged over the columns, 村 merged down each
village, one row per member, shared strings, as WPS and Excel save it; never in the repository) and
a township database with its villages. Each job runs in its own process (its peak RSS is its own);
runs alternate the bare baseline and the app so both see the same load:

- ``calamine``: python-calamine loads the sheet and its rows are walked (what the reader did);
- ``stream``: ``readers.open_book(...).rows(...)`` walked (the streaming reader, when present);
- ``dry``: ``roster_import.load`` + ``preview`` (what 检查 does);
- ``import``: load + preview + ``import_roster`` into a fresh copy of the township database.

Prints wall seconds, peak RSS (MB) and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("FUPIN_BENCH_ROOT", str(ROOT)))
from own_peak import peak_mb  # noqa: E402  (bench/, the script's own folder)
os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")

VILLAGES = [(f"520123101{i:03d}", f"第{i}村") for i in range(1, 41)]
RELATIONS = ["户主", "配偶", "之子", "之女", "孙子", "孙女"]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华文玉珍凤红梅玲建国志成德福寿山海林春云飞燕兵辉鹏宇浩然欣怡子涵俊杰嘉豪思雨婷雪慧佳琪晨阳光荣富贵金银铁柱石头二狗小花翠莲"


def _chinese_name(rng: random.Random) -> str:
    """Two or three characters, as most township names are: a roster of them has ~all different names."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def write_roster(path: Path, rows: int, seed: int = 1, chinese_names: bool = False) -> None:
    """``rows`` sheet rows in all (title and header included), households of 1–6 members.

    ``chinese_names``: real-looking 2–3 character names (most of them different) instead of
    户主N / 成员N-k, as a real township's roster has."""
    import xlsxwriter

    from fupin_tui.domain.idcard import check_digit

    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("花名册")
    headers = ["村", "户编号", "户主姓名", "家庭人口", "姓名", "与户主关系", "公民身份号码", "联系电话"]
    ws.merge_range(0, 0, 0, len(headers) - 1, "新安镇建档立卡贫困户花名册")
    ws.write_row(1, 0, headers)
    r, household, used = 2, 0, set()
    per_village = (rows - 2) // len(VILLAGES) + 1
    while r < rows:
        village = VILLAGES[min((r - 2) // per_village, len(VILLAGES) - 1)]
        household += 1
        size = min(rng.randint(1, 6), rows - r)
        head = _chinese_name(rng) if chinese_names else f"户主{household}"
        for k in range(size):
            while True:
                born = date(1940 + rng.randrange(80), 1 + rng.randrange(12), 1 + rng.randrange(28))
                first17 = f"520123{born:%Y%m%d}{rng.randrange(1000):03d}"
                if first17 not in used:
                    used.add(first17)
                    break
            ws.write_row(r, 1, [f"{village[0]}{household:05d}", head, size, head if k == 0 else (_chinese_name(rng) if chinese_names else f"成员{household}-{k}"),
                                RELATIONS[k], first17 + check_digit(first17), f"138{rng.randrange(10**8):08d}"])
            r += 1
    # 村 merged down each village's rows, its value in the first cell only (as WPS saves it)
    for i, (_code, name) in enumerate(VILLAGES):
        first, last = 2 + i * per_village, min(2 + (i + 1) * per_village, rows) - 1
        if first > last:
            break
        if last > first:
            ws.merge_range(first, 0, last, 0, name)
        else:
            ws.write(first, 0, name)
    wb.close()


def make_township(path: Path) -> None:
    from fupin_tui.context import open_context
    from fupin_tui.services import township

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ctx = open_context(path, operator="基准")
    township.save_township(ctx, "某某县", "新安镇", "520123101")
    for code, name in VILLAGES:
        township.save_village(ctx, code, name, True)
    ctx.db.close()


# --------------------------------------------------------------------------- jobs (one per process)


def job_calamine(roster: str) -> dict:
    import python_calamine as calamine

    start = time.perf_counter()
    sheet = calamine.CalamineWorkbook.from_path(roster).get_sheet_by_name("花名册")
    n = sum(1 for _ in sheet.iter_rows())
    return {"seconds": time.perf_counter() - start, "rows": n, "peak_mb": peak_mb()}


def job_stream(roster: str) -> dict:
    from fupin_tui.excel import readers

    start = time.perf_counter()
    book = readers.open_book(Path(roster))
    n = sum(1 for _ in book.rows("花名册"))
    return {"seconds": time.perf_counter() - start, "rows": n, "peak_mb": peak_mb()}


def job_dry(db: str, roster: str) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.excel import roster_import as ri

    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    loaded = ri.load(roster)
    plan = ri.preview(ctx, loaded)
    return {"seconds": time.perf_counter() - start, "rows": plan.member_rows, "households": len_households(plan),
            "peak_mb": peak_mb()}


def len_households(plan) -> int:
    return plan.counts()["户数"]


def job_import(db: str, roster: str) -> dict:
    from fupin_tui.context import open_context
    from fupin_tui.excel import roster_import as ri

    ctx = open_context(Path(db), operator="基准")
    start = time.perf_counter()
    loaded = ri.load(roster)
    plan = ri.preview(ctx, loaded)
    summary = ri.import_roster(ctx, plan)
    return {"seconds": time.perf_counter() - start, "rows": plan.member_rows, "households": summary.households,
            "members": summary.members, "peak_mb": peak_mb()}


JOBS = {"calamine": job_calamine, "stream": job_stream, "dry": job_dry, "import": job_import}


def _child(job: str, *args: str) -> dict | None:
    out = subprocess.run([sys.executable, __file__, "--job", job, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        if "open_book" in out.stderr:  # a checkout without the streaming reader
            return None
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/h12"))
    parser.add_argument("--rows", type=int, action="append", help="sheet rows of a roster (repeatable)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", default="calamine,stream,dry,import")
    parser.add_argument("--chinese-names", action="store_true", help="2-3 character names, mostly different")
    parser.add_argument("--job")
    parser.add_argument("args", nargs="*")
    args = parser.parse_args()
    if args.job:
        print(json.dumps(JOBS[args.job](*args.args)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    base = args.work / "township.db"
    if not base.exists():
        make_township(base)
    print(f"roster reading, code {os.environ.get('FUPIN_BENCH_ROOT', ROOT)}, median of {args.runs}, "
          f"{datetime.now():%Y-%m-%d %H:%M}, load average before {_load()}")
    print(f"| {'sheet rows':>10} | {'job':<9} | {'wall s':>7} | {'peak MB':>7} |")
    print(f"|{'-' * 12}|{'-' * 11}|{'-' * 9}|{'-' * 9}|")
    for rows in args.rows or [20000]:
        roster = args.work / f"roster-{rows}{'-cn' if args.chinese_names else ''}.xlsx"
        if not roster.exists():
            write_roster(roster, rows, chinese_names=args.chinese_names)
        results: dict[str, list[dict]] = {}
        for _ in range(args.runs):
            for job in args.jobs.split(","):
                if job in ("calamine", "stream"):
                    result = _child(job, str(roster))
                else:
                    db = args.work / f"township-{job}.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(db) + suffix).unlink(missing_ok=True)
                    shutil.copy(base, db)
                    result = _child(job, str(db), str(roster))
                if result is not None:
                    results.setdefault(job, []).append(result)
        for job, runs in results.items():
            print(f"| {rows:>10,} | {job:<9} | {statistics.median(r['seconds'] for r in runs):>7.2f} "
                  f"| {max(r['peak_mb'] for r in runs):>7.0f} |")
    print(f"load average after {_load()}")


if __name__ == "__main__":
    main()
