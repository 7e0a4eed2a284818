"""What went wrong with a file: damage, read-only, locked, missing or a full disk, told apart.

SQLite words every failure at open alike ("disk I/O error", "unable to open
database file"); a clerk needs to know whether the township's data is damaged
(restore a backup) or merely on a read-only stick, in use, or on a full disk
(the data is fine).  ``classify`` names the kind, ``words`` says it in Chinese.
Light module: no SQLAlchemy, so start-up can use it.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

DAMAGED, READ_ONLY, LOCKED, MISSING, FULL, IO = "damaged", "read_only", "locked", "missing", "full", "io"

# at least this much room besides the copy itself before a backup starts (WAL, journal, checks)
MARGIN = 1 << 20
# seconds to wait for another program holding the file (tests shorten it)
OPEN_TIMEOUT = 10.0


def free_bytes(folder: Path) -> int | None:
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def needed_bytes(db_path: Path) -> int:
    """Room a full copy of the database takes (main file plus unfolded WAL)."""
    size = 0
    for suffix in ("", "-wal"):
        try:
            size += os.stat(str(db_path) + suffix).st_size
        except OSError:
            pass
    return size


def folder_writable(folder: Path) -> bool:
    """Can files be created in ``folder``?  Tried, not guessed: os.access says yes to root on a
    read-only mount only sometimes, and never knows about a full disk."""
    folder = Path(folder)
    if not folder.exists():
        return folder_writable(folder.parent) if folder != folder.parent else False
    probe = folder / f".fupin-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return True
    except OSError as exc:
        return exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM)  # ENOSPC: writable but full
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass
    return True


def file_writable(path: Path) -> bool:
    """The database file and its folder (SQLite writes -wal and -shm beside it) can be written."""
    path = Path(path)
    if not folder_writable(path.parent):
        return False
    if path.exists():
        try:
            fd = os.open(path, os.O_WRONLY)  # opening for write changes nothing
        except OSError as exc:
            return exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM)
        os.close(fd)
    return True


def read_only_uri(path: Path) -> str:
    """A URI opening ``path`` read-only.  On a read-only folder without a -wal file SQLite
    cannot create the WAL index, so the file is declared immutable (nobody can write it anyway)."""
    path = Path(path).resolve()
    uri = f"file:{quote(str(path))}?mode=ro"
    if not folder_writable(path.parent) and not Path(str(path) + "-wal").exists():
        uri += "&immutable=1"
    return uri


def connect_read_only(path: Path, timeout: float | None = None) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path), uri=True, timeout=OPEN_TIMEOUT if timeout is None else timeout,
                           check_same_thread=False)


def classify(exc: BaseException, path: Path | None = None) -> str:
    """The kind of problem behind a SQLite or OS error on ``path``."""
    exc = getattr(exc, "orig", None) or exc
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return FULL
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY
        if exc.errno == errno.ENOENT:
            return MISSING
        return IO
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "full" in text:
        return FULL
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return READ_ONLY
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return LOCKED
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return DAMAGED
    if path is not None:
        path = Path(path)
        if "unable to open" in text or name.startswith("SQLITE_CANTOPEN"):
            if not path.parent.exists() or not path.exists():
                return MISSING
            if not file_writable(path):
                return READ_ONLY
        free = free_bytes(path.parent)
        if free is not None and free < needed_bytes(path) + MARGIN:
            return FULL  # "disk I/O error" while writing to a disk with no room left
        if not file_writable(path):
            return READ_ONLY
    return IO


def open_words(kind: str, path: Path, exc: BaseException | None = None) -> str:
    """Why the database at ``path`` cannot be opened, and what to do (the data's state said plainly)."""
    if kind == DAMAGED:
        return f"数据库 {path} 已损坏（{exc}）。请用 fupin-tui restore 恢复最近的备份（当前文件会保留在旁边）。"
    if kind == READ_ONLY:
        return (f"数据库 {path} 在只读的位置（只读 U 盘或没有写权限的文件夹），数据本身没有问题。"
                "请把文件复制到可写的文件夹后再打开。")
    if kind == LOCKED:
        return f"数据库 {path} 正被另一个窗口或程序使用，数据本身没有问题。请关闭另一个窗口后再打开。"
    if kind == MISSING:
        return f"数据库文件 {path} 不存在（或所在的文件夹、U 盘已不在）。请检查路径。"
    if kind == FULL:
        return f"磁盘空间已满，无法打开数据库 {path}；数据本身没有问题。请清理磁盘后再打开。"
    return f"无法读写数据库文件 {path}（磁盘或 U 盘出错），没有改动任何内容。请检查 U 盘是否插好后再试。"


def backup_words(kind: str, folder: Path) -> str:
    """Why a backup failed; the database itself is not damaged by it."""
    if kind == FULL:
        return f"磁盘空间已满，备份没有完成（备份文件夹 {folder}）。数据库本身完好；请清理磁盘后再备份。"
    if kind == READ_ONLY:
        return f"备份文件夹 {folder} 不能写入（只读或没有权限），备份没有完成。数据库本身完好。"
    if kind == LOCKED:
        return "数据库正被另一个程序使用，备份没有完成。数据库本身完好；请稍后再备份。"
    if kind == MISSING:
        return f"备份文件夹 {folder} 不存在或 U 盘已拔出，备份没有完成。数据库本身完好。"
    return f"写入备份文件夹 {folder} 时磁盘出错，备份没有完成。数据库本身完好；请检查磁盘后再备份。"
