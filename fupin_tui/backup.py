"""Backups with SQLite's online backup API, and restore with the current file kept aside.

Each database has its own backups: a folder under ``backups/`` named by its file name,
kind and identity (``fupin-township-1a2b3c4d/``), with its own rotation of ``KEEP``.
A restore of a backup that belongs to another database is refused (``OtherDatabase``,
both sides' township, households, projects and last change in the message) unless
the clerk confirms it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from dataclasses import dataclass

from fupin_tui import identity, storage
from fupin_tui.config import backup_dir_for
from fupin_tui.filenames import safe_name, safe_part
from fupin_tui.db import APPLICATION_ID, SCHEMA_VERSION, DatabaseProblem, _check_file, inspect_file, integrity_ok

KEEP = 10
PREFIX = "fupin-backup-"


def own_folder(db_path: Path, ident: identity.DatabaseIdentity) -> Path:
    """The folder holding this database's backups (and nobody else's)."""
    return backup_dir_for(db_path) / safe_name(Path(db_path).stem, ident.kind, ident.short_id)


def _folders(db_path: Path, trust_identity: bool = True) -> list[Path]:
    ident = identity.read(db_path)
    if ident is not None and trust_identity:
        return [own_folder(db_path, ident)]
    # the file cannot tell who it is (damaged, missing): the folders made for a file of this name
    root = backup_dir_for(db_path)
    if not root.exists():
        return []
    stem = safe_part(Path(db_path).stem) + "-"
    found = [f for f in root.iterdir() if f.is_dir() and f.name.startswith(stem)]
    if ident is not None and own_folder(db_path, ident) in found:
        return [own_folder(db_path, ident)]
    return found


def list_backups(db_path: Path, trust_identity: bool = True) -> list[Path]:
    """Backups of ``db_path`` (its own folder only), newest first.

    ``trust_identity=False`` for a damaged file, whose stored identity may itself be garbled:
    then the folders made for a file of this name are looked at too."""
    found = [b for folder in _folders(db_path, trust_identity) if folder.exists()
             for b in folder.glob(f"{PREFIX}*.db")]
    return sorted(found, key=lambda p: p.name, reverse=True)


def legacy_backups(db_path: Path) -> list[Path]:
    """Backups from before backups had their own folder (all databases of the data folder mixed)."""
    root = backup_dir_for(db_path)
    return sorted(root.glob(f"{PREFIX}*.db"), reverse=True) if root.exists() else []


@dataclass(frozen=True)
class Summary:
    """What a database file holds, to tell two apart before one replaces the other."""

    identity: identity.DatabaseIdentity | None
    township: str
    households: int | None
    projects: int | None
    last_change: str

    def describe(self) -> str:
        who = f"{self.identity.label} {self.identity.short_id}" if self.identity else "没有数据库标识"
        count = lambda n: "?" if n is None else f"{n:,}"  # noqa: E731
        return (f"{self.township or '（未登记乡镇）'}（{who}）：贫困户 {count(self.households)} 户，"
                f"项目 {count(self.projects)} 个，最后修改 {self.last_change or '不详'}")


def summarize(path: Path) -> Summary:
    """Township, households, projects and last change of the file at ``path`` (unknown parts left '?')."""
    ident = identity.read(path)

    def scalar(con, sql):
        try:
            row = con.execute(sql).fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            return None
        return row[0] if row else None

    town, households, projects, last = "", None, None, ""
    try:
        con = storage.connect_read_only(path)
    except sqlite3.DatabaseError:
        return Summary(ident, "", None, None, "")
    try:
        name, code = scalar(con, "SELECT name FROM township LIMIT 1"), scalar(con, "SELECT code FROM township LIMIT 1")
        town = f"{name} {code}" if name else ""
        households = scalar(con, "SELECT COUNT(*) FROM household WHERE voided = 0")
        projects = scalar(con, "SELECT COUNT(*) FROM project WHERE voided = 0")
        last = str(scalar(con, "SELECT MAX(at) FROM auditlog") or "")[:16]
    finally:
        con.close()
    return Summary(ident, town, households, projects, last)


class OtherDatabase(DatabaseProblem):
    """The backup is not of this database: both sides are named so the clerk can decide."""

    def __init__(self, message: str, current: Summary, incoming: Summary) -> None:
        super().__init__(message, kind="other_database")
        self.current = current
        self.incoming = incoming


def same_database(backup_file: Path, db_path: Path) -> tuple[bool, Summary, Summary]:
    """Whether ``backup_file`` is a backup of ``db_path`` (by identity), with both sides' summaries."""
    incoming = summarize(backup_file)
    current = summarize(db_path) if Path(db_path).exists() else Summary(None, "", None, None, "")
    if current.identity is None:
        # the current file cannot say (damaged or missing): a backup from its own folder is its own
        same = any(Path(backup_file).resolve().parent == f.resolve() for f in _folders(db_path, False))
        return same or not Path(db_path).exists(), current, incoming
    return incoming.identity is not None and incoming.identity.id == current.identity.id, current, incoming


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
    ident = identity.read(db_path) or identity.ensure(db_path)
    folder = own_folder(db_path, ident)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = _copy_checked(db_path, folder / f"{PREFIX}{stamp}.db")
    for old in list_backups(db_path)[KEEP:]:
        old.unlink(missing_ok=True)
    return target


def export_copy(db_path: Path, out_dir: Path) -> Path:
    """导出数据库副本: a complete, checked, private copy (backup API: the -wal's saves included)
    into ``out_dir``, e.g. a USB stick; named by township and time."""
    ident = identity.read(db_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = safe_name("数据库副本", ident.township_name if ident else Path(db_path).stem,
                     ident.short_id if ident else "", stamp, ext=".db")
    return _copy_checked(db_path, Path(out_dir) / name)


def _copy_checked(db_path: Path, target: Path) -> Path:
    """Copy ``db_path`` to ``target`` (0600) through ``target.part``, integrity-checked."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(storage.classify(exc), folder, exc) from exc
    if not _room_for(db_path, folder):
        raise _failed(storage.FULL, folder)
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


def restore(backup_file: Path, db_path: Path, *, other_database: bool = False) -> Path | None:
    """Replace ``db_path`` with ``backup_file``; the current file is kept aside and returned.

    A backup of another database (another identity) is refused with ``OtherDatabase`` unless
    ``other_database`` says the clerk saw both sides and wants it.  The copy is made first,
    beside the database: when it cannot be made (full disk, read-only stick) nothing has
    changed and the reason is said.
    """
    backup_file = Path(backup_file)
    check_backup_file(backup_file)
    same, current, incoming = same_database(backup_file, db_path)
    if not same and not other_database:
        raise OtherDatabase(f"备份 {backup_file.name} 不是这个数据库的备份，没有恢复。\n"
                            f"  当前数据库：{current.describe()}\n  这个备份：  {incoming.describe()}\n"
                            "确实要用它替换当前数据库，请确认（命令行加 --other-database）。", current, incoming)
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
    for candidate in list_backups(db_path, trust_identity=False):
        try:
            if integrity_ok(candidate):
                return candidate
        except DatabaseProblem:
            continue
    return None
