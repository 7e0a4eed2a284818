"""``fupin-tui holidays import FILE`` and ``fupin-tui holidays list``: the working-day calendar.

The State Council publishes next year's arrangement each November; until it is imported, a
year beyond the shipped calendar counts the statutory days off of 《全国年节及纪念日放假办法》
(no 调休) and every date computed on it carries a warning.
"""

from __future__ import annotations

import sys
from pathlib import Path

FORMAT_HELP = """文件格式（UTF-8 文本，TOML）：
  year = 2027
  status = "official"        # 正式；暂定写 "provisional"
  source = "国务院办公厅关于2027年部分节假日安排的通知"
  holidays = ["2027-01-01", ...]   # 每个放假日（含假期中的周末）
  workdays = ["2027-02-20", ...]   # 调休上班的周六、周日
多个年份写成多个 [[years]] 表。"""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("holidays", help="节假日安排：导入国务院办公厅的放假安排，查看各年所用日历",
                              description="节假日安排：导入国务院办公厅的放假安排，查看各年所用日历。",
                              epilog=FORMAT_HELP)
    sub = p.add_subparsers(dest="holidays_command", metavar="操作")
    imp = sub.add_parser("import", help="导入节假日安排文件（同一年份再次导入时替换）", epilog=FORMAT_HELP)
    imp.add_argument("file", type=Path, metavar="文件", help="节假日安排文件（.toml）")
    sub.add_parser("list", help="列出各年的节假日来源、放假天数和提示")
    p.set_defaults(handler=_handle)


def _handle(args, db_path: Path) -> int:  # noqa: ARG001 - the calendar belongs to the machine, not a database
    from fupin_tui.clock import today
    from fupin_tui.config import config_dir
    from fupin_tui.context import configure_user_dirs
    from fupin_tui.services import holidays

    folder = config_dir()
    configure_user_dirs(folder)
    if args.holidays_command == "import":
        years = holidays.import_file(args.file, folder)
        for y in years:
            status = holidays.STATUS_TEXT[y.status]
            print(f"已导入{y.year}年节假日安排（{status}，{y.source}）：放假{len(y.holidays)}天，"
                  f"调休上班{len(y.workdays)}天。")
        print(f"保存在 {holidays.user_file(folder)}。")
        return 0
    if args.holidays_command == "list":
        for r in holidays.year_rows(today(), folder):
            print(f"{r.year}  {r.status:<8} {r.origin:<8} 工作日放假{r.days_off:>2}天 调休上班{r.make_up}天  {r.source}")
            if r.warning:
                print(f"      提示：{r.warning}")
        return 0
    print("用法：fupin-tui holidays import 文件 | fupin-tui holidays list", file=sys.stderr)
    return 2
