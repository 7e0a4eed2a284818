"""The county → township update package on the command line.

    fupin-tui --db 县级汇总.db county-decide 520123101 12 立项批复 --date 2026-11-20 --doc 示县扶发〔2026〕12号 ...
    fupin-tui --db 县级汇总.db county-decide --list [--township 520123101]
    fupin-tui --db 县级汇总.db county-decide --void 3 --reason 文号录错
    fupin-tui --db 县级汇总.db export-update --out 更新包 [--township 520123101] [--effective 2027-01-01]
    fupin-tui import-update 更新包-520123101-新安镇-第001号.zip [--dry-run]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fupin_tui.cli_args import integer

# option -> the key the township's dialog uses for that value
DECISION_OPTIONS = (
    ("--approver", "approver", "批复单位/审批人（立项批复、批复实施方案）"),
    ("--subsidy", "subsidy", "批复财政补助（元）（立项批复）"),
    ("--fund-plan-date", "fund_plan_issued_on", "省资金计划下达日期（立项批复，可不填）"),
    ("--review", "review_kind", "审查方式：专家评审/县扶贫办审核（批复实施方案）"),
    ("--deposit-rate", "deposit_rate", "质量保证金比例，如 5%%（批复实施方案，产业发展、基础设施项目）"),
    ("--grade", "grade", "验收等级：优良/合格/不合格（验收）"),
    ("--organiser", "organiser", "验收组织单位（验收）"),
    ("--rectifications", "rectifications", "整改事项，每行“事项；期限”（验收不合格时）"),
    ("--audit-date", "audit_opinion_on", "审计意见日期（验收，补助达审计门槛时）"),
    ("--audit-doc", "audit_opinion_doc_no", "审计意见文号（验收）"),
    ("--reason", "reason", "原因（收回；作废决定时为作废原因）"),
    ("--amount", "amount", "收回资金（元）（收回）"),
    ("--note", "note", "备注"),
)


def add_parsers(sub) -> None:
    from fupin_tui.domain.decisions import DECISIONS  # not the models: this runs on every start

    decide = sub.add_parser(
        "county-decide", help="县级：登记对乡镇项目的决定（立项批复、方案批复、验收、收回），随更新包下发",
        description="县级：在县级汇总数据库中登记对乡镇项目的决定，export-update 时随更新包下发到乡镇。\n"
        "项目用乡镇代码和记录号指定（记录号即乡镇数据库中的项目编号，见汇总库的项目表）。\n"
        "所填内容按乡镇办理该步骤时的要求检查。")
    decide.add_argument("township", nargs="?", metavar="乡镇代码", help="9 位乡镇代码")
    decide.add_argument("project", nargs="?", type=integer, metavar="记录号", help="项目在乡镇数据库中的记录号")
    decide.add_argument("action", nargs="?", choices=DECISIONS, metavar="决定", help="/".join(DECISIONS))
    decide.add_argument("--date", metavar="日期", help="决定日期（批复、验收、收回日期），如 2026-11-20")
    decide.add_argument("--doc", default="", metavar="文号", help="文号（验收为验收报告编号）")
    for option, _key, text in DECISION_OPTIONS:
        decide.add_argument(option, metavar="值", help=text)
    decide.add_argument("--list", action="store_true", help="列出已登记的决定")
    decide.add_argument("--void", type=integer, metavar="编号", help="作废一项决定（须 --reason）")
    decide.set_defaults(handler=run)

    export = sub.add_parser("export-update", help="县级：导出给乡镇的更新包（政策参数、代码表、节假日安排、县级决定）",
                            description="县级：为每个乡镇导出一个更新包（zip），含县里设定的政策参数（及生效日期）、"
                            "代码表、今年起的节假日安排和县里对该乡镇项目的决定。\n必须用 --db 指定县级汇总数据库。")
    export.add_argument("--out", type=Path, required=True, metavar="文件夹", help="保存到的文件夹")
    export.add_argument("--township", metavar="乡镇代码", help="只导出这个乡镇的（默认每个乡镇一个）")
    export.add_argument("--effective", metavar="日期", help="政策参数的生效日期（默认为县里修改参数的日期）")
    export.set_defaults(handler=run)

    imp = sub.add_parser("import-update", help="乡镇：导入县里下发的更新包（先列出将改变的内容）",
                         description="乡镇：导入县里下发的更新包。先列出将改变的内容，再在一个事务中应用"
                         "（审计日志记为县级）。\n别的乡镇的、比已导入的旧的、被修改过的、格式不认识的更新包一律拒绝，不作改动；"
                         "同一个包导入两次不会改变任何内容。")
    imp.add_argument("file", type=Path, metavar="更新包", help="县里下发的更新包 .zip")
    imp.add_argument("--dry-run", action="store_true", help="只列出将改变的内容，不写入")
    imp.set_defaults(handler=run)


def _county_db(args, command: str) -> Path | str:
    from fupin_tui.cli_args import db_from_environment
    from fupin_tui.domain.errors import DomainError

    path = getattr(args, "db", None) or db_from_environment()
    if path is None:
        raise DomainError(f"{command} 需要用 --db 指定县级汇总数据库（如 --db 县级汇总.db，"
                          "或服务器上的 postgresql://用户名@服务器/数据库名）。")
    return path


def _open_county(args, command: str):
    """The county database (a file or a server's), refused unless it is a county one."""
    from fupin_tui import identity
    from fupin_tui.context import AppContext, open_context
    from fupin_tui.db import DatabaseProblem
    from fupin_tui.opening import open_database
    from fupin_tui.server import is_server_url

    operator = getattr(args, "operator", None) or "县级汇总"
    target = _county_db(args, command)
    if is_server_url(target):  # a server database is only ever a county one; its kind is in the identity row
        ctx = AppContext(db=open_database(target, create=False), operator=operator)
        found = ctx.identity()
        if found is None or found.kind != identity.COUNTY:
            ctx.db.close()
            raise DatabaseProblem(f"{ctx.db.where} 不是县级汇总数据库；{command} 只在县级汇总数据库上使用。")
        return ctx
    if not Path(target).exists():
        raise DatabaseProblem(f"数据库 {target} 不存在。")
    found = identity.read(target, infer=True)
    if found is None or found.kind != identity.COUNTY:
        what = found.label if found else "不是本软件的数据库"
        raise DatabaseProblem(f"{target} 是{what}，不是县级汇总数据库；{command} 只在县级汇总数据库上使用。")
    return open_context(Path(target), operator=operator)


def run(args: argparse.Namespace, db_path: Path) -> int:
    if args.command == "import-update":
        return _import(args, db_path)
    ctx = _open_county(args, args.command)
    try:
        if args.command == "export-update":
            return _export(args, ctx)
        return _decide(args, ctx)
    finally:
        ctx.db.close()


def _decide(args, ctx) -> int:
    from fupin_tui.domain.errors import InputError
    from fupin_tui.services import update_export as ue

    if args.list:
        rows = ue.decisions(ctx, args.township)
        for d in rows:
            print(f"{d.id:>4}  {d.township_code} 记录号{d.project_ref}「{d.project_name}」{d.action} "
                  f"{d.decided_on} {d.document_no}  {d.fields_json}")
        print(f"共 {len(rows)} 项决定。")
        return 0
    if args.void is not None:
        ue.void_decision(ctx, args.void, args.reason or "")
        print(f"已作废决定 {args.void}。")
        return 0
    for name, value in (("乡镇代码", args.township), ("记录号", args.project), ("决定", args.action),
                        ("--date", args.date)):
        if value in (None, ""):
            raise InputError(name, "不能为空（用法见 fupin-tui county-decide --help）")
    fields = {key: getattr(args, option[2:].replace("-", "_")) for option, key, _ in DECISION_OPTIONS}
    if fields.get("rectifications"):
        fields["rectifications"] = fields["rectifications"].replace("\\n", "\n")
    new_id = ue.record_decision(ctx, args.township, args.project, args.action, args.date, args.doc, fields)
    print(f"已登记决定 {new_id}：乡镇 {args.township} 记录号 {args.project} {args.action} {args.date} {args.doc}"
          "（export-update 时随更新包下发）。")
    return 0


def _export(args, ctx) -> int:
    from fupin_tui.domain.money import parse_date
    from fupin_tui.services.update_export import export_update

    effective = parse_date(args.effective, "--effective") if args.effective else None
    for r in export_update(ctx, args.out, args.township, effective):
        parts = "，".join(f"{k} {v}" for k, v in r.counts.items())
        print(f"已导出 {r.path}（{r.township} 第{r.sequence}号：{parts}）")
    return 0


def _import(args, db_path: Path) -> int:
    from fupin_tui.context import open_context
    from fupin_tui.db import DatabaseProblem
    from fupin_tui.services import update_import

    if not Path(db_path).exists():
        raise DatabaseProblem(f"数据库 {db_path} 不存在。")
    ctx = open_context(Path(db_path), operator=getattr(args, "operator", None) or "命令行")
    try:
        plan = (update_import.preview if args.dry_run else update_import.apply)(ctx, args.file)
    finally:
        ctx.db.close()
    for line in plan.lines():
        print(line)
    if args.dry_run and not plan.already:
        print("试运行：未写入数据库。")
    return 0
