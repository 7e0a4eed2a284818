"""Backups with SQLite's online backup API, and restore with the current file kept aside."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from fupin_tui.config import backup_dir_for
from fupin_tui.db import APPLICATION_ID, SCHEMA_VERSION, DatabaseProblem, _check_file, inspect_file, integrity_ok

KEEP = 10
PREFIX = "fupin-backup-"


def list_backups(db_path: Path) -> list[Path]:
    """Backups of ``db_path``, newest first."""
    folder = backup_dir_for(db_path)
    if not folder.exists():
        return []
    return sorted(folder.glob(f"{PREFIX}*.db"), reverse=True)


def make_backup(db_path: Path, reason: str = "") -> Path:
    """Copy the database with the backup API; it only counts once integrity_check passes."""
    folder = backup_dir_for(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{PREFIX}{stamp}.db"
    tmp = target.with_suffix(".part")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(str(db_path), timeout=10)
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst, pages=2048)  # in steps: the copy's page cache stays small for a big database
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    if not integrity_ok(tmp):
        tmp.unlink(missing_ok=True)
        raise DatabaseProblem("备份文件未通过完整性检查，已丢弃。原数据库可能已损坏，请尽快恢复最近的备份。")
    tmp.replace(target)
    for old in list_backups(db_path)[KEEP:]:
        old.unlink(missing_ok=True)
    return target


def backup_if_due(db_path: Path, max_age: timedelta = timedelta(days=1)) -> Path | None:
    """At start: back up when the newest backup is older than a day (or there is none)."""
    backups = list_backups(db_path)
    if backups:
        age = datetime.now() - datetime.fromtimestamp(backups[0].stat().st_mtime)
        if age < max_age:
            return None
    return make_backup(db_path)


def check_backup_file(path: Path) -> None:
    """Raise DatabaseProblem unless ``path`` is a sound database of ours this app can open."""
    if not path.exists():
        raise DatabaseProblem(f"文件 {path} 不存在。")
    _check_file(path)
    app_id, version, _tables = inspect_file(path)
    if app_id != APPLICATION_ID:
        raise DatabaseProblem(f"文件 {path} 不是本软件的数据库备份。")
    if version > SCHEMA_VERSION:
        raise DatabaseProblem(f"备份 {path} 来自更新版本的软件（结构版本 {version}），请先升级软件。")
    if not integrity_ok(path):
        raise DatabaseProblem(f"备份 {path} 未通过完整性检查，不能用于恢复。请选择另一个备份。")


def restore(backup_file: Path, db_path: Path) -> Path | None:
    """Replace ``db_path`` with ``backup_file``; the current file is kept aside and returned."""
    backup_file = Path(backup_file)
    check_backup_file(backup_file)
    aside = None
    if db_path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        # fold the WAL into the main file first so the kept-aside copy is complete
        try:
            con = sqlite3.connect(str(db_path), timeout=10)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        except sqlite3.DatabaseError:
            pass  # a damaged file is still kept aside as it is
        shutil.move(str(db_path), str(aside))
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(backup_file, tmp)
    os.chmod(tmp, 0o600)
    tmp.replace(db_path)
    return aside


def newest_sound_backup(db_path: Path) -> Path | None:
    """The newest backup that passes integrity_check (offered when the database is damaged)."""
    for candidate in list_backups(db_path):
        if integrity_ok(candidate):
            return candidate
    return None
