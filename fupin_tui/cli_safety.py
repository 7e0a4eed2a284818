"""Commands that keep data safe: verify-audit (the audit log's hash chain), export-copy (导出数据库副本)."""

from __future__ import annotations

from pathlib import Path


def add_parsers(subparsers) -> None:
    p = subparsers.add_parser("verify-audit", help="检查审计日志的哈希链是否完整（是否被其他工具改动过）")
    p.set_defaults(handler=_verify_audit)
    p = subparsers.add_parser("export-copy", help="导出数据库副本：用备份接口复制完整的数据库（含未合并的保存），如复制到 U 盘")
    p.add_argument("folder", type=Path, nargs="?", metavar="文件夹", help="副本放到哪个文件夹（默认：用户文件夹下的“数据库副本”）")
    p.set_defaults(handler=_export_copy)


def _existing(db_path: Path) -> None:
    from fupin_tui.db import DatabaseProblem

    if not Path(db_path).exists():
        raise DatabaseProblem(f"数据库 {db_path} 不存在。")


def _verify_audit(args, db_path: Path) -> int:
    from fupin_tui import audit_chain
    from fupin_tui.opening import open_database

    from fupin_tui.server import is_server_url

    if not is_server_url(db_path):
        _existing(db_path)
    db = open_database(db_path, create=False)  # ours, current schema
    try:
        report = audit_chain.verify_database(db)  # a file, or a query on the county's server
    finally:
        db.close()
    print(report.describe())
    return 0 if report.ok else 1


def default_copy_folder() -> Path:
    return Path.home() / "数据库副本"


def _export_copy(args, db_path: Path) -> int:
    from fupin_tui import backup
    from fupin_tui.opening import open_database

    _existing(db_path)
    open_database(db_path, create=False).close()
    target = backup.export_copy(db_path, args.folder or default_copy_folder())
    print(f"已导出数据库副本 {target}（已通过完整性检查，只有本用户可读）。")
    return 0
