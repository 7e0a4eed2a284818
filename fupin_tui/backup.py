"""Backups with SQLite's online backup API, and restore with the current file kept aside."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from fupin_tui import storage
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


def _failed(kind: str, folder: Path, exc: BaseException | None = None) -> DatabaseProblem:
    problem = DatabaseProblem(storage.backup_words(kind, folder), kind=kind)
    if exc is not None:
        problem.__cause__ = exc
    return problem


def make_backup(db_path: Path, reason: str = "") -> Path:
    """Copy the database with the backup API; it only counts once integrity_check passes.

    A failure (full disk, read-only or missing folder …) is a ``DatabaseProblem`` saying so,
    never "damaged" unless the database itself fails its check; no ``.part`` file remains.
    """
    folder = backup_dir_for(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(storage.classify(exc), folder, exc) from exc
    if not _room_for(db_path, folder):
        raise _failed(storage.FULL, folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{PREFIX}{stamp}.db"
    tmp = target.with_suffix(".part")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        src = sqlite3.connect(str(db_path), timeout=storage.OPEN_TIMEOUT)
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst, pages=2048)  # in steps: the copy's page cache stays small for a big database
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
    except (sqlite3.Error, OSError) as exc:
        _discard(tmp)
        kind = storage.classify(exc, tmp)
        if kind in (storage.DAMAGED, storage.IO) and _source_damaged(db_path):
            raise DatabaseProblem(f"数据库 {db_path} 已损坏，无法备份。请尽快用 fupin-tui restore 恢复最近的备份。",
                                  kind=storage.DAMAGED) from exc
        raise _failed(kind, folder, exc) from exc
    try:
        copy_ok = integrity_ok(tmp)
    except DatabaseProblem as exc:
        _discard(tmp)
        raise _failed(exc.kind, folder, exc) from exc
    if not copy_ok:
        _discard(tmp)
        if _source_damaged(db_path):
            raise DatabaseProblem("备份文件未通过完整性检查，已丢弃。原数据库可能已损坏，请尽快恢复最近的备份。",
                                  kind=storage.DAMAGED)
        raise _failed(storage.IO, folder)
    tmp.replace(target)
    for old in list_backups(db_path)[KEEP:]:
        old.unlink(missing_ok=True)
    return target


def _room_for(db_path: Path, folder: Path) -> bool:
    free = storage.free_bytes(folder)
    return free is None or free >= storage.needed_bytes(db_path) + storage.MARGIN


def _source_damaged(db_path: Path) -> bool:
    try:
        return not integrity_ok(db_path, quick=True)
    except DatabaseProblem:
        return False  # could not look (locked, full …): not evidence of damage


def _discard(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError:
            pass


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
    """Replace ``db_path`` with ``backup_file``; the current file is kept aside and returned.

    The copy is made first, beside the database: when it cannot be made (full disk, read-only
    stick) nothing has changed and the reason is said.
    """
    backup_file = Path(backup_file)
    check_backup_file(backup_file)
    folder = db_path.parent
    tmp = db_path.with_name(db_path.name + ".restoring")
    free = storage.free_bytes(folder)
    if free is not None and free < backup_file.stat().st_size + storage.MARGIN:
        raise DatabaseProblem(f"磁盘空间已满，无法恢复备份（需要约 {backup_file.stat().st_size // (1 << 20) + 1} MB）。"
                              "当前数据库没有改动；请清理磁盘后再恢复。", kind=storage.FULL)
    try:
        shutil.copyfile(backup_file, tmp)
        os.chmod(tmp, 0o600)
    except OSError as exc:
        _discard(tmp)
        kind = storage.classify(exc, tmp)
        raise DatabaseProblem(_restore_words(kind, folder), kind=kind) from exc
    aside = None
    try:
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
            os.replace(db_path, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        tmp.replace(db_path)
    except OSError as exc:
        _discard(tmp)
        if aside is not None and aside.exists() and not db_path.exists():
            os.replace(aside, db_path)  # put the current file back: nothing changed
        kind = storage.classify(exc, db_path)
        raise DatabaseProblem(_restore_words(kind, folder), kind=kind) from exc
    return aside


def _restore_words(kind: str, folder: Path) -> str:
    if kind == storage.FULL:
        return "磁盘空间已满，无法恢复备份。当前数据库没有改动；请清理磁盘后再恢复。"
    if kind == storage.READ_ONLY:
        return f"文件夹 {folder} 是只读的（只读 U 盘或没有写权限），无法恢复备份。当前数据库没有改动。"
    return f"写入文件夹 {folder} 时出错，无法恢复备份。当前数据库没有改动；请检查磁盘或 U 盘。"


def newest_sound_backup(db_path: Path) -> Path | None:
    """The newest backup that passes integrity_check (offered when the database is damaged)."""
    for candidate in list_backups(db_path):
        try:
            if integrity_ok(candidate):
                return candidate
        except DatabaseProblem:
            continue
    return None
