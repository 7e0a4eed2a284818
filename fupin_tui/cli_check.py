"""``fupin-tui check [--json] [--rule ID] [--list]``: the 体检 findings on the command line.

Exit status 0 when nothing is overdue or non-compliant (acknowledged findings
aside), 1 otherwise, 2 on a usage problem — so the county can run it over an
imported package in a script.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

SEVERITY_ORDER = ("逾期", "即将到期", "不合规", "提示")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check", help="体检：按制度逐条检查，列出逾期和不合规事项")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（供脚本使用）")
    p.add_argument("--rule", action="append", default=[], metavar="ID",
                   help="只检查某条规则，如 P07；可重复或用逗号分隔")
    p.add_argument("--list", action="store_true", help="列出所有规则、条款、参数及当前取值")
    p.add_argument("--township", metavar="CODE", help="县级汇总库：只检查这个乡镇（乡镇代码）")
    p.add_argument("--summary", action="store_true", help=argparse_suppress())
    p.set_defaults(handler=_handle)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS  # the dashboard's child process: counts and next deadlines as JSON


def _handle(args, db_path: Path) -> int:
    # A one-shot run that exits: cyclic garbage collection would only walk the freshly
    # imported modules and the loaded registry again and again, and nothing here needs it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _open_and_run(args, db_path)
    finally:
        if was_enabled:
            gc.enable()


def _open_and_run(args, db_path: Path) -> int:
    from fupin_tui.server import is_server_url

    if is_server_url(db_path):  # a county database on a server: always the full (ORM) path
        from fupin_tui.context import AppContext
        from fupin_tui.opening import open_database

        ctx = AppContext(db=open_database(db_path, create=False), operator="")
        try:
            return run(args, ctx)
        finally:
            ctx.db.close()
    if not Path(db_path).exists():
        print(f"错误：数据库 {db_path} 不存在。", file=sys.stderr)
        return 2
    if getattr(args, "summary", False):
        from fupin_tui.services import check_fast

        summary = check_fast.summary(db_path)
        print(json.dumps(summary, ensure_ascii=False))
        return 1 if any(summary["counts"].get(k) for k in ("逾期", "不合规")) else 0
    if not getattr(args, "list", False) and not getattr(args, "township", None):
        # A township's file: plain sqlite3, no ORM imported (services.check_fast); None when
        # it cannot (first run, new release, a file to upgrade): then the full open below.
        from fupin_tui.services import check_fast

        try:
            rules = _wanted_rules(getattr(args, "rule", []) or [])
        except ValueError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        result = check_fast.run(db_path, rules=rules)
        if result is not None:
            return _report(args, result, sys.stdout)
    from fupin_tui.context import AppContext
    from fupin_tui.opening import open_database

    ctx = AppContext(db=open_database(db_path, create=False), operator="")
    try:
        return run(args, ctx)
    finally:
        ctx.db.close()


def _wanted_rules(raw: list[str]) -> list[str] | None:
    from fupin_tui.domain.rules import normalise_rule_id

    if not raw:
        return None
    out = []
    for part in ",".join(raw).replace("，", ",").split(","):
        if not part.strip():
            continue
        rid = normalise_rule_id(part)
        if rid is None:
            raise ValueError(f"没有规则「{part.strip()}」；用 fupin-tui check --list 查看全部规则")
        out.append(rid)
    return out


def _as_json(f) -> dict:
    return {
        "township": f.township, "rule": f.rule, "section": f.section, "severity": f.severity, "record": f.record,
        "record_label": f.record_label, "message": f.message, "due": f.due.isoformat() if f.due else None,
        "workdays_left": f.workdays_left, "tab": f.tab,
        "acknowledged": ({"reason": f.ack.reason, "by": f.ack.by, "at": f.ack.at.isoformat()} if f.ack else None),
    }


def _print_list(ctx, out) -> None:
    from fupin_tui.services.checks import rules_list

    for row in rules_list(ctx):
        params = "；".join(f"{label}（{name}）= {value}" for name, label, value in row.params) or "无参数"
        print(f"{row.id}  {row.section:<10} {row.title}\n      参数：{params}", file=out)


def run(args, ctx, out=None) -> int:
    from fupin_tui.services.checks import run_checks

    out = out or sys.stdout
    if getattr(args, "list", False):
        if args.json:
            from fupin_tui.services.checks import rules_list

            rows = [{"rule": r.id, "section": r.section, "title": r.title,
                     "params": [{"name": n, "label": label, "value": v} for n, label, v in r.params]}
                    for r in rules_list(ctx)]
            print(json.dumps(rows, ensure_ascii=False, indent=1), file=out)
        else:
            _print_list(ctx, out)
        return 0
    try:
        rules = _wanted_rules(getattr(args, "rule", []) or [])
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    from fupin_tui.domain.errors import InputError

    try:
        result = run_checks(ctx, rules=rules, township=getattr(args, "township", None))
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if rules is None:  # a whole 体检 of a county database: its counts for the 县级汇总 screen
        from fupin_tui.services import county_check, county_findings

        if county_check.is_county(ctx):
            county_findings.record(ctx, result.findings, getattr(args, "township", None))
    return _report(args, result, out)


def _report(args, result, out) -> int:
    if args.json:
        print(json.dumps([_as_json(f) for f in result.findings], ensure_ascii=False, indent=1), file=out)
    else:
        _print_text(result, out)
    return 1 if result.failing else 0


def _print_text(result, out) -> None:
    counts = result.counts()
    for severity in SEVERITY_ORDER:
        items = [f for f in result.findings if f.severity == severity and not f.ack]
        if not items:
            continue
        print(f"== {severity}（{len(items)}）==", file=out)
        for f in items:
            due = f"  截止{f.due.isoformat()}" if f.due else ""
            where = f"  {f.record_label}" if f.record_label else ""
            if f.township:
                where = f"  {f.township}" + (f"：{f.record_label}" if f.record_label else "（全乡镇）")
            print(f"[{f.rule} {f.section}]{where}{due}\n    {f.message}", file=out)
    acked = [f for f in result.findings if f.ack]
    if acked:
        print(f"== 已确认（{len(acked)}）==", file=out)
        for f in acked:
            print(f"[{f.rule}] {f.record_label}：{f.message}\n    确认：{f.ack.reason}（{f.ack.by}）", file=out)
    summary = "，".join(f"{k}{v}条" for k, v in counts.items())
    verdict = "有逾期或不合规事项" if result.failing else "没有逾期或不合规事项"
    print(f"体检日期 {result.today.isoformat()}：{summary}。{verdict}。", file=out)
