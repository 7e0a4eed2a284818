"""argparse in Chinese, global options before or after the subcommand, exit codes in --help.

argparse's own texts (``usage:``, ``options``, ``invalid choice`` …) come from
``gettext``; ``chinese()`` swaps in the Chinese ones while our parser is built
and used, and puts argparse back afterwards (pytest and others use it too).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path
from typing import Iterator

EXIT_CODES = """退出码：
  0    正常完成（check：没有逾期或不合规事项）
  1    发现问题（check：有逾期或不合规事项；import-roster：有错误行）
  2    拒绝执行（参数不对、数据库不存在或不是本软件的、需要确认的操作等），未改动任何数据
  3    程序出错（详情已记录到错误日志）
  130  被 Ctrl+C 中断"""

ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n（用 %(prog)s --help 查看用法）\n",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "one of the arguments %s is required": "参数 %s 必须给出其中一个",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
}


def _gettext(text: str) -> str:
    return ZH.get(text, text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


@contextlib.contextmanager
def chinese() -> Iterator[None]:
    """argparse speaks Chinese inside this block."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def integer(text: str) -> int:
    try:
        return int(str(text).strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-")))
    except ValueError:
        raise ValueError(text) from None


integer.__name__ = "整数"  # argparse names the type in its message: “'abc' 不是有效的整数”


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and the exit-code table; a little wider for Chinese."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 30, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")


GLOBAL_DB_HELP = ("使用另一个数据库文件（也可设环境变量 FUPIN_TUI_DB）；县级汇总库也可在服务器上："
                  "postgresql://用户名@服务器/数据库名")
GLOBAL_DEMO_HELP = "打开演示数据库（不存在时自动生成），不影响正式数据；不能与 --db 同用"
GLOBAL_OPERATOR_HELP = "经办人姓名（不再询问）"


def add_global_options(parser: argparse.ArgumentParser, *, on_subcommand: bool) -> None:
    """--db / --demo / --operator; on a subcommand they only count when given (never reset the main ones)."""
    default = {"default": argparse.SUPPRESS} if on_subcommand else {}
    group = parser.add_argument_group("通用选项（放在命令前后均可）")
    group.add_argument("--db", type=db_target, metavar="文件", help=GLOBAL_DB_HELP, **default)
    group.add_argument("--demo", action="store_true", help=GLOBAL_DEMO_HELP, **default)
    group.add_argument("--operator", metavar="姓名", help=GLOBAL_OPERATOR_HELP, **default)


def db_target(text: str) -> Path | str:
    """A database file (Path), or a server URL kept as text (``postgresql://…``; a Path would
    fold its ``//``)."""
    from fupin_tui.server import is_server_url

    return text if is_server_url(text) else Path(text)


db_target.__name__ = "数据库文件或地址"


def db_from_environment() -> Path | str | None:
    from fupin_tui.config import DB_ENV

    value = os.environ.get(DB_ENV)
    return db_target(value) if value else None
