"""The county → township update package: export for five townships, import at one (time, peak memory).

    python bench/bench_update.py [--projects 60]

Five township databases, each with ``--projects`` projects in 申报 (made through the library and
the clerk's 申报 service), send their 上报包 to one county database; the county approves every
project (立项批复, ``record_decision``), sets a policy value and the 2027 holiday schedule; then:

- export-update for the five townships (one zip each), timed, with peak memory;
- preview and import at one township, timed, with peak memory (every decision goes through the
  clerk's life-cycle service, in one transaction).

Peak memory: tracemalloc's peak of Python allocations during the step, and the process's max RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import own_peak  # noqa: E402  (bench/, the script's own folder)
os.environ.setdefault("FUPIN_TUI_TODAY", "2026-11-27")

HOLIDAYS_2027 = """[[years]]
year = 2027
status = "official"
source = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12"]
workdays = ["2027-02-20"]
"""


def _township(folder: Path, n: int, projects: int):
    from fupin_tui.context import open_context
    from fupin_tui.services import library, projects as ps, township

    code = f"520123{100 + n:03d}"
    ctx = open_context(folder / f"t{n}.db", operator="张会计")
    township.save_township(ctx, "示例县", f"第{n}镇", code)
    township.save_village(ctx, f"{code}201", f"第{n}镇一村", True)
    village = township.villages(ctx)[0].id
    for i in range(projects):
        entry = library.save_entry(ctx, {
            "year": 2026, "name": f"第{n}镇项目{i:03d}号道路{i * 7 % 97}段", "category": "基础设施",
            "construction_type": "新建", "fund_type": "发展资金", "location": f"{i}组", "content": f"硬化{i}段道路",
            "amount_fiscal": Decimal(100000 + i * 1000), "amount_self": Decimal(0), "beneficiary_households": 10,
            "beneficiary_people": 40, "poor_households": 3, "poor_people": 12, "performance_goals": "出行",
            "benefit_mechanism": "务工", "priority": 1, "responsible_unit": "镇政府", "responsible_person": "李",
            "village_id": village})
        ps.apply_from_library(ctx, entry, {"date": "2026-02-10", "document_no": f"申{i}号"}, confirmed_similar=True)
    return ctx, code


def _measure(label: str, fn):
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = own_peak.peak_mb()
    print(f"{label:<34} {seconds:7.2f} s   Python 峰值 {peak / 2**20:6.1f} MB   进程 max RSS {rss:6.0f} MB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=60)
    args = parser.parse_args()
    from fupin_tui import configuration
    from fupin_tui.context import open_context
    from fupin_tui.excel.merge import import_packages
    from fupin_tui.excel.package import export_package
    from fupin_tui.services import policy_settings, update_export as ue, update_import as ui

    with tempfile.TemporaryDirectory(prefix="bench-update-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        towns = [_township(folder, n, args.projects) for n in range(1, 6)]
        packages = [export_package(ctx, folder / "up").path for ctx, _ in towns]
        import_packages(packages, folder / "county.db", operator="县汇总员")
        county = open_context(folder / "county.db", operator="县扶贫办")
        for ctx, code in towns:
            for ref in range(1, args.projects + 1):
                ue.record_decision(county, code, ref, "立项批复", "2026-11-20", f"示县扶发〔2026〕{ref}号",
                                   {"approver": "县扶贫开发领导小组", "subsidy": str(100000 + (ref - 1) * 1000)})
        policy_settings.set_param(county, "max_build_months", "10")
        configuration.import_text(county.db, "holidays.toml", HOLIDAYS_2027, "holidays.toml")
        print(f"准备：5 个乡镇各 {args.projects} 个项目、上报包汇总、{5 * args.projects} 项县级决定 "
              f"（{time.perf_counter() - started:.1f} s，不计入下列数字）")
        results = _measure("export-update（5 个乡镇）", lambda: ue.export_update(county, folder / "down"))
        sizes = [r.path.stat().st_size for r in results]
        print(f"  5 个更新包，每个 {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KB，"
              f"各含 {results[0].counts['决定']} 项决定")
        ctx, code = towns[0]
        plan = _measure("import-update 预览（1 个乡镇）", lambda: ui.preview(ctx, results[0].path))
        plan = _measure("import-update 应用（1 个乡镇）", lambda: ui.apply(ctx, results[0].path))
        print(f"  已应用 {len(plan.changes)} 项（决定 {sum(1 for i in plan.changes if i.kind == '县级决定')}），"
              f"未办理 {len(plan.not_applied)} 项")
        _measure("再次导入同一个包（不作改动）", lambda: ui.apply(ctx, results[0].path))
        county.db.close()
        for c, _ in towns:
            c.db.close()


if __name__ == "__main__":
    main()
