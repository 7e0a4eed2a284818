"""Excel subcommands: ``export``, ``import-roster`` and ``import-package``.

Wired into ``fupin_tui.cli`` through ``add_parsers``; each handler gets the
parsed args and the database path, prints Chinese lines and returns the exit
code. Problems are raised as DomainError / DatabaseProblem, which the main
CLI prints as one line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parsers(sub) -> None:
    export = sub.add_parser("export", help="导出上报包（每个乡镇一个 zip）")
    export.add_argument("--out", type=Path, required=True, help="保存到的文件夹")
    export.add_argument("--period", help="报送期，如 2026-11（默认本月）")
    export.add_argument("--village", help="只导出一个村（村代码）")
    export.set_defaults(handler=run)

    roster = sub.add_parser("import-roster", help="导入花名册（.xlsx / .xls / .csv）")
    roster.add_argument("file", type=Path, metavar="花名册文件", help="要导入的 .xlsx / .xls / .csv 文件")
    roster.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入")
    roster.add_argument("--village", help="表中没有村列时，导入到这个村（村代码或村名）")
    roster.add_argument("--sheet", help="工作表名（默认自动查找）")
    roster.add_argument("--report", type=Path, help="问题清单保存到（默认与文件同一文件夹）")
    roster.set_defaults(handler=run)

    merge = sub.add_parser("import-package", help="县级汇总：读入乡镇上报包（必须用 --db 指定县级汇总数据库）",
                           description="县级汇总：把乡镇上报包（zip）读入县级汇总数据库。\n"
                           "必须用 --db（或环境变量 FUPIN_TUI_DB）指定县级汇总数据库，"
                           "从不合并到默认的乡镇数据库。")
    merge.add_argument("zips", type=Path, nargs="+", metavar="上报包", help="乡镇导出的上报包 .zip（可多个）")
    merge.add_argument("--confirm-rename", action="store_true",
                       help="确认上报包改变了乡镇名称或代码（核实乡镇确已更名后再用）")
    merge.set_defaults(handler=run)


def _context(ctx_or_path, operator: str = ""):
    from fupin_tui.context import AppContext, open_context

    if isinstance(ctx_or_path, AppContext):
        return ctx_or_path, False
    path = Path(ctx_or_path)
    if not path.exists():
        from fupin_tui.db import DatabaseProblem

        raise DatabaseProblem(f"数据库 {path} 不存在。")
    return open_context(path, operator=operator), True


def _operator(args) -> str:
    return getattr(args, "operator", None) or "命令行"


def run(args: argparse.Namespace, ctx_or_path) -> int:
    command = args.command
    if command == "import-package":
        return _import_package(args)
    ctx, own = _context(ctx_or_path, _operator(args))
    try:
        if command == "export":
            return _export(args, ctx)
        if command == "import-roster":
            return _import_roster(args, ctx)
        raise ValueError(command)
    finally:
        if own:
            ctx.db.close()


def _export(args, ctx) -> int:
    from fupin_tui.excel.package import export_all, stripped_report

    def progress(done: int, total: int, label: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} {label}".ljust(60), end="", file=sys.stderr)

    results = export_all(ctx, args.out, period=args.period, village_code=args.village, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for r in results:
        rows = r.rows
        print(f"已导出 {r.path}（{rows.get('户表', 0)} 户，{rows.get('成员表', 0)} 人，{rows.get('项目', 0)} 个项目）")
        if not r.manifest.get("checks_included"):
            print("  注意：体检模块尚未安装，上报包中没有体检问题清单。")
        for line in stripped_report(r, shown=50):
            print(f"  {line}")
    return 0


def _import_roster(args, ctx) -> int:
    from fupin_tui.excel import roster_import as ri

    loaded = ri.load(args.file, sheet=args.sheet)
    plan = ri.preview(ctx, loaded, village_code=args.village)
    mapping = "，".join(f"{ri.FIELDS[f][0]}←{ri.column_label(loaded, i)}" for f, i in plan.mapping.items())
    print(f"工作表「{loaded.sheet}」，表头在第 {loaded.header_row + 1} 行；列对应：{mapping}")
    print("；".join(f"{k} {v}" for k, v in plan.counts().items()))
    for p in plan.problems[:50]:
        print(f"  [{p.level}] {p}")
    if plan.problem_count > 50:
        print(f"  …… 共 {plan.problem_count} 个问题")
    if plan.problems:
        report = args.report or ri.report_path(ctx, args.file)
        ri.write_problems(plan, report)
        print(f"问题清单已保存到 {report}")
    if args.dry_run:
        print("试运行：未写入数据库。")
        return 1 if plan.error_count else 0
    summary = ri.import_roster(ctx, plan)
    print(summary.text())
    return 1 if plan.error_count else 0


def _import_package(args) -> int:
    from fupin_tui.cli_args import db_from_environment
    from fupin_tui.domain.errors import DomainError
    from fupin_tui.excel.merge import import_packages

    county_db = getattr(args, "db", None) or db_from_environment()
    if county_db is None:
        raise DomainError("import-package 需要用 --db 指定县级汇总数据库（如 --db 县级汇总.db），"
                          "不会合并到默认的乡镇数据库。")
    from fupin_tui.cli_county import ProgressLine

    line = ProgressLine()
    try:
        outcomes = import_packages(args.zips, county_db, operator=_operator(args),
                                   confirm_rename=args.confirm_rename, rows_progress=line)
    finally:
        line.done()
    for outcome in outcomes:
        for line in outcome.lines():
            print(line)
    return 0
