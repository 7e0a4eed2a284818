"""County subcommands: ``merges`` (合并记录) and ``undo-merge N`` (撤销合并).

They work on a county database file or on one on a PostgreSQL server (``--db postgresql://…``).
Also the progress line of ``import-package`` (``ProgressLine``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

NEEDS_DB = "需要用 --db 指定县级汇总数据库（文件，或 postgresql://用户名@服务器/数据库名），不会用默认的乡镇数据库。"


def add_parsers(sub) -> None:
    merges = sub.add_parser("merges", help="县级汇总：列出合并记录（谁、何时、哪个上报包、多少户，能否撤销）",
                            description="县级汇总：列出每次读入上报包的合并记录，最新的在前。\n"
                            "每条记录的编号可用于 fupin-tui undo-merge 编号。")
    merges.add_argument("--township", metavar="乡镇代码", help="只列出这个乡镇的合并")
    merges.set_defaults(handler=run)

    undo = sub.add_parser("undo-merge", help="县级汇总：撤销一次合并（恢复该乡镇合并前的数据）",
                          description="县级汇总：撤销一次合并，把该乡镇恢复到这次合并之前的数据。\n"
                          "只能撤销某乡镇最新的一次有效合并；撤下的数据保留在汇总库中（不删除），"
                          "重新导入同一上报包即可恢复。")
    undo.add_argument("merge_id", type=_merge_number, metavar="合并编号", help="fupin-tui merges 列出的编号")
    undo.set_defaults(handler=run)

    summary = sub.add_parser("county-summary", help="县级汇总：导出全县汇总表（按乡镇：户状态、项目状态、资金、体检问题）",
                             description="县级汇总：导出全县汇总工作簿（A4 可直接打印）：按乡镇列出户状态、项目状态、\n"
                             "本年度批复/拨付/报账资金及资金用途分配（33112），以及未处理的体检问题。\n"
                             "乡镇上报包未含的列记为“未报送”，不计入合计。")
    summary.add_argument("--out", type=Path, required=True, metavar="文件夹", help="保存到的文件夹")
    summary.add_argument("--year", type=_year, metavar="年度", help="资金的项目年度（默认今年）")
    summary.set_defaults(handler=run)


def _merge_number(text: str) -> int:
    from fupin_tui.cli_args import integer

    value = integer(text)
    if value < 1:
        raise ValueError(text)
    return value


_merge_number.__name__ = "合并编号"


def _year(text: str) -> int:
    from fupin_tui.cli_args import integer

    value = integer(text)
    if not 2000 <= value <= 2100:
        raise ValueError(text)
    return value


_year.__name__ = "年度"


def _target(args):
    from fupin_tui.cli_args import db_from_environment
    from fupin_tui.domain.errors import DomainError

    target = getattr(args, "db", None) or db_from_environment()
    if target is None:
        raise DomainError(f"{args.command} {NEEDS_DB}")
    return target


def run(args, _default_path) -> int:
    from fupin_tui.context import AppContext
    from fupin_tui.opening import open_database
    from fupin_tui.domain.errors import DomainError
    from fupin_tui.server import is_server_url

    target = _target(args)
    if not is_server_url(target) and not Path(target).exists():
        raise DomainError(f"县级汇总数据库 {target} 不存在。请检查 --db。")
    ctx = AppContext(db=open_database(target, create=False), operator=getattr(args, "operator", None) or "命令行")
    try:
        if args.command == "merges":
            return _merges(args, ctx)
        if args.command == "county-summary":
            return _summary(args, ctx)
        return _undo(args, ctx)
    finally:
        ctx.db.close()


def _merges(args, ctx) -> int:
    from fupin_tui.services import county_merges

    entries = county_merges.history(ctx, getattr(args, "township", None))
    if not entries:
        print("还没有合并记录。")
        return 0
    print("编号  合并时间          经办人  乡镇  报送期  上报包  内容  状态")
    for entry in entries:
        print(entry.line())
    return 0


def _summary(args, ctx) -> int:
    from fupin_tui.excel.county_summary import write_county_summary
    from fupin_tui.excel.styles import collect_stripped, stripped_lines
    from fupin_tui.services import county_check, county_findings, county_summary
    from fupin_tui.services.checks import run_checks

    if not county_check.is_county(ctx):
        from fupin_tui.domain.errors import DomainError

        raise DomainError("这个数据库还没有合并任何乡镇上报包，不是县级汇总库（先用 fupin-tui import-package）。未导出。")
    print("正在体检各乡镇（用于统计未处理的问题）……", file=sys.stderr, flush=True)
    findings = run_checks(ctx).findings
    county_findings.record(ctx, findings)  # the 县级汇总 screen shows this 体检 too
    summary = county_summary.build(ctx, args.year, findings)
    with collect_stripped() as stripped:
        path = write_county_summary(summary, args.out)
    total = summary.total
    print(f"已导出全县汇总 {path}（{len(summary.towns)} 个乡镇，{total.households} 户，{total.projects} 个项目）")
    # a township's name or a figure's label held a control character: said, not cut silently (as export does)
    for line in stripped_lines(stripped, shown=50, what="导出", copy="汇总表"):
        print(line)
    for figure, towns in summary.not_reported.items():
        print(f"  {'、'.join(towns)}未报送「{figure}」，表中记为未报送，不计入合计。")
    return 0


def _undo(args, ctx) -> int:
    from fupin_tui.services import county_merges

    outcome = county_merges.undo(ctx, args.merge_id)
    for line in outcome.lines():
        print(line)
    return 0


class ProgressLine:
    """One line that follows a long merge: rewritten in place on a terminal, a line every few
    seconds into a log file."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = self.last = time.monotonic()
        self.width = 0

    def __call__(self, text: str) -> None:
        moment = time.monotonic()
        if moment - self.last < (0.2 if self.tty else 5.0):
            return
        self.last = moment
        line = f"[{moment - self.started:5.1f} 秒] 正在合并 {text}"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = max(self.width, len(line))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * (self.width * 2) + "\r")
            self.stream.flush()
