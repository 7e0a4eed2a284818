"""Command line: ``fupin-tui`` opens the app; subcommands for demo data, backup, checks, Excel.

Imports stay light here: the app must paint before the database libraries load.
Errors are one clear Chinese line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from fupin_tui import __version__


class CliError(Exception):
    """A problem to report as one line."""


def _parser() -> argparse.ArgumentParser:
    from fupin_tui import cli_args
    from fupin_tui.cli_args import integer

    parser = cli_args.Parser(prog="fupin-tui", description="乡镇财政专项扶贫资金项目与建档立卡管理。\n"
                             "不带命令时打开程序界面；命令行做批量的事（生成演示数据、备份、体检、导出、导入）。",
                             epilog=cli_args.EXIT_CODES + "\n\n每个命令的详细用法：fupin-tui 命令 --help")
    parser.add_argument("--version", action="version", version=f"fupin-tui {__version__}", help="显示版本号并退出")
    cli_args.add_global_options(parser, on_subcommand=False)
    sub = parser.add_subparsers(dest="command", metavar="命令", title="命令")

    demo = sub.add_parser("demo", help="生成演示数据库（不会覆盖正式数据）")
    demo.add_argument("--households", type=integer, default=20000, metavar="户数", help="户数（默认 20000）")
    demo.add_argument("--seed", type=integer, default=1, metavar="种子", help="随机种子（同一种子生成同样的数据）")
    demo.add_argument("--force", action="store_true", help="覆盖已有的演示数据库（只覆盖演示数据库）")

    sub.add_parser("backup", help="立即备份数据库（保留最近 10 份）")
    restore = sub.add_parser("restore", help="从备份文件恢复（当前文件保留在旁边）")
    restore.add_argument("file", type=Path, metavar="备份文件", help="要恢复的备份文件（fupin-tui backups 列出）")
    restore.add_argument("--other-database", action="store_true",
                         help="确认用另一个数据库的备份替换当前数据库（两边的户数、项目数会先列出）")
    sub.add_parser("backups", help="列出备份")

    # Subcommands owned by other modules: each has add_parser(s)(subparsers) and run(args, ...).
    for module_name in ("fupin_tui.cli_check", "fupin_tui.cli_excel", "fupin_tui.cli_holidays", "fupin_tui.cli_safety",
                        "fupin_tui.cli_update", "fupin_tui.cli_county"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        adder = getattr(module, "add_parsers", None) or getattr(module, "add_parser")
        adder(sub)
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, command in sub.choices.items():
        if command.description is None:
            command.description = helps.get(name)
        if command.epilog is None:
            command.epilog = cli_args.EXIT_CODES
        elif "退出码" not in command.epilog:
            command.epilog = command.epilog.rstrip() + "\n\n" + cli_args.EXIT_CODES
        cli_args.add_global_options(command, on_subcommand=True)
    return parser


def _db_path(args) -> Path:
    from fupin_tui.config import default_db_path, demo_db_path

    if args.db:
        return args.db
    if args.demo or args.command == "demo":
        return demo_db_path()
    return default_db_path()


def _run_app(args) -> int:
    from fupin_tui.server import is_server_url

    path = _db_path(args)
    if is_server_url(path):
        _probe_server(path)
    elif args.demo and not path.exists():
        _generate_demo(path, households=20000, seed=1)
    from fupin_tui.app import make_app

    app = make_app(path, operator=args.operator, defer_open=True, demo=args.demo)
    app.run()
    if app.return_code:
        return app.return_code
    return 0


def _generate_demo(path: Path, households: int, seed: int, force: bool = False) -> None:
    from fupin_tui.demo import generate

    if path.exists() and not force:
        raise CliError(f"演示数据库 {path} 已存在；要重新生成请加 --force。")
    if path.exists() and path.stat().st_size > 0:
        from fupin_tui import identity

        found = identity.read(path, infer=True)
        if found is None or not found.is_demo:
            what = found.label if found else "不是演示数据库的文件"
            raise CliError(f"{path} 是{what}，不是演示数据库；为保护正式数据，demo 不会覆盖它（--force 也不行）。"
                           "请换一个文件名，如 --db 演示.db。")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    import time

    started = time.monotonic()

    def progress(text: str) -> None:
        print(f"[{time.monotonic() - started:5.1f} 秒] {text}", file=sys.stderr, flush=True)

    progress(f"开始生成演示数据库 {path}（{households} 户；20000 户在普通电脑上约需 15—60 秒，请稍候）")
    stats = generate(path, households=households, seed=seed, progress=progress)
    print(f"已生成演示数据库 {path}：{stats}（用时 {time.monotonic() - started:.0f} 秒）")


def _probe_server(url: str) -> None:
    """A server URL is opened once before the app starts: a wrong or unreachable address, a missing
    driver, an old server or an empty database is one line and exit 2 (``DatabaseProblem``), not a
    screen; nothing is created (``create=False``)."""
    from fupin_tui.opening import open_database

    open_database(url, create=False).close()


# Commands that work on a county database on a server (postgresql://…); the others need a file.
SERVER_COMMANDS = {"import-package", "check", "merges", "undo-merge", "county-summary", "county-decide",
                   "export-update", "verify-audit"}


def _refuse_server_for(args) -> None:
    from fupin_tui.server import is_server_url

    target = _db_path(args)
    # the app too (args.command None): it opens a server database in county mode
    if is_server_url(target) and args.command is not None and args.command not in SERVER_COMMANDS:
        what = f"命令 {args.command}"
        usable = "、".join(sorted(SERVER_COMMANDS))
        raise CliError(f"{what}只用于数据库文件，不能用于服务器上的县级汇总库；服务器库可用的命令：{usable}"
                       "（不带命令则打开县级汇总界面）。未作任何改动。")


def _run(args) -> int:
    _refuse_server_for(args)
    if args.command is None:
        return _run_app(args)
    if args.command == "demo":
        if args.households < 1:
            raise CliError("户数：应为正整数。")
        _generate_demo(_db_path(args), args.households, args.seed, force=args.force)
        return 0
    if args.command in ("backup", "restore", "backups"):
        return _run_backup(args)
    handler = getattr(args, "handler", None)
    if handler is None:
        raise CliError(f"未知命令：{args.command}")
    if args.command in CONFIGURED_COMMANDS:
        _load_configuration(args)
    return handler(args, _db_path(args))


# Commands that read county-set data (calendar, code lists): they load it the way the app does.
CONFIGURED_COMMANDS = {"check", "export", "import-roster", "import-package", "import-update"}


def _load_configuration(args) -> None:
    from fupin_tui import configuration

    path = _db_path(args)
    if args.command == "import-package":
        from fupin_tui.cli_args import db_from_environment

        path = getattr(args, "db", None) or db_from_environment()
        if path is None:
            return  # refused by the command itself
    loaded = configuration.load(path, operator=getattr(args, "operator", None) or "命令行")
    for notice in loaded.notices:
        print(notice, file=sys.stderr)


def _run_backup(args) -> int:
    from fupin_tui import backup

    path = _db_path(args)
    if args.command == "restore":
        aside = backup.restore(args.file, path, other_database=args.other_database)
        print(f"已从 {args.file} 恢复到 {path}。" + (f"原文件保留为 {aside}。" if aside else ""))
        return 0
    if not path.exists():
        raise CliError(f"数据库 {path} 不存在。")
    if args.command == "backups":
        for item in backup.list_backups(path):
            print(f"{item}  {backup.summarize(item).describe()}")
        legacy = backup.legacy_backups(path)
        if legacy:
            print(f"另有 {len(legacy)} 份旧备份（分文件夹之前，可能属于别的数据库），在 {legacy[0].parent}。")
        return 0
    from fupin_tui.opening import open_database

    open_database(path, create=False).close()  # refuses files that are not ours
    print(f"已备份到 {backup.make_backup(path)}")
    return 0


def _console_never_crashes() -> None:
    """A GBK console (or a file redirected from one) cannot encode every character: replace, never crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def _check_global_options(args) -> None:
    if getattr(args, "demo", False) and getattr(args, "db", None):
        raise CliError("--demo 与 --db 不能同时使用：--demo 打开演示数据库，--db 打开指定的文件。请只用其中一个。")
    if getattr(args, "demo", False) and args.command in ("import-package", "export-update", "county-decide"):
        raise CliError(f"{args.command} 不能用于演示数据库；请用 --db 指定县级汇总数据库。")


def main(argv: list[str] | None = None) -> int:
    from fupin_tui.cli_args import chinese

    _console_never_crashes()
    with chinese():
        try:
            args = _parser().parse_args(argv)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 2
    try:
        _check_global_options(args)
        return _run(args)
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `check | head`: the reader has what it wanted; quiet, as every command-line tool is
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not raise again
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        from fupin_tui.db import DatabaseProblem
        from fupin_tui.domain.errors import DomainError

        if isinstance(exc, (DatabaseProblem, DomainError)):
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError):
            print(f"错误：{exc.strerror or exc}（{getattr(exc, 'filename', '') or ''}）", file=sys.stderr)
            return 2
        from fupin_tui.errorlog import log_exception

        where = log_exception(exc)
        print(f"错误：程序出错（{type(exc).__name__}），详情已记录到 {where}。", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
