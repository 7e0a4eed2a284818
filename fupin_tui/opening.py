"""Opening a database: a file (creating, upgrading, refusing what is not ours) or a server.

Above ``db`` (the file's checks, the migrations, sessions), ``backup`` (a copy before each
upgrade), ``identity`` and ``server``: the one place where they meet, so none of them needs
another back.  ``db.SCHEMA_VERSION`` is read through the module, so a test may pretend a newer
release.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from fupin_tui import backup, db, dialects, identity, storage


def open_database(path: Path | str, *, create: bool = True, kind: str | None = None,
                  read_only: bool | None = None) -> db.Database:
    """Open (creating or upgrading) the database at ``path``, refusing files that are not ours.

    A new file gets an identity of ``kind`` (township unless told: ``identity.COUNTY`` / ``DEMO``).
    A sound file that cannot be written (read-only stick or folder) is opened read-only
    (``db.Database.read_only``: look and print, every save refused with words) unless
    ``read_only=False`` demands writing.  Every failure is a ``db.DatabaseProblem`` whose
    ``kind`` tells damage, read-only, locked, missing and a full disk apart.

    ``path`` may be a server URL (``postgresql://…``): a county database on PostgreSQL.
    """
    if dialects.is_server_url(path):
        from fupin_tui import server  # loads the server driver only for a server

        return server.open_server(path, create=create, kind=kind)
    path = Path(path)
    try:
        return _open(path, create, kind, read_only)
    except db.DatabaseProblem:
        raise
    except (sqlite3.Error, OperationalError, OSError) as exc:
        raise db.problem_from(exc, path) from exc


def _open(path: Path, create: bool, kind: str | None, read_only: bool | None) -> db.Database:
    db._check_file(path)
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise db.DatabaseProblem(storage.open_words(storage.MISSING, path), kind=storage.MISSING)
        try:
            db._create_private(path)
        except OSError as exc:
            problem = storage.classify(exc, path)
            raise db.DatabaseProblem(f"无法创建数据库文件 {path}："
                                     f"{storage.open_words(problem, path)}", kind=problem) from exc
        _create_schema(path, kind)
        return db.Database(path=path, engine=db.make_engine(path))
    writable = storage.file_writable(path)
    if read_only is None:
        read_only = not writable
    elif not read_only and not writable:
        raise db.DatabaseProblem(storage.open_words(storage.READ_ONLY, path), kind=storage.READ_ONLY)
    app_id, version, tables = db.inspect_file(path, read_only)
    if app_id != db.APPLICATION_ID:
        if app_id == 0 and version == 0 and not tables and not read_only:
            _create_schema(path, kind)
        else:
            raise db.DatabaseProblem(f"文件 {path} 不是本软件的数据库，未作任何改动。请检查路径。")
    elif version > db.SCHEMA_VERSION:
        raise db.DatabaseProblem(
            f"数据库 {path} 由更新版本的软件创建（结构版本 {version}，本软件支持到 {db.SCHEMA_VERSION}）。请升级软件，或恢复旧备份。"
        )
    elif version < db.SCHEMA_VERSION:
        if read_only:
            raise db.DatabaseProblem(f"数据库 {path} 在只读的位置，且需要升级到本软件的结构（版本 {version} 到 "
                                     f"{db.SCHEMA_VERSION}），只读时无法升级。数据本身没有问题；"
                                     "请把文件复制到可写的文件夹后再打开。", kind=storage.READ_ONLY)
        _migrate(path, version)
    db._check_schema(path, read_only)
    if not read_only:
        identity.ensure(path)  # a file from before the identity row gets one now
    return db.Database(path=path, engine=db.make_engine(path, read_only), read_only=read_only)


def _create_schema(path: Path, kind: str | None = None) -> None:
    import fupin_tui.models  # noqa: F401  (registers every table)

    engine = db.make_engine(path)
    try:
        SQLModel.metadata.create_all(engine)
    finally:
        engine.dispose()
    con = db._raw_connect(path)
    try:
        con.execute(f"PRAGMA application_id={db.APPLICATION_ID}")
        con.execute(f"PRAGMA user_version={db.SCHEMA_VERSION}")
        db._m9_check_facts(con)  # not a model: tables and triggers of their own
        identity.write_to(con, identity.new_identity(kind or identity.TOWNSHIP))
        con.commit()
    finally:
        con.close()


def _migrate(path: Path, from_version: int) -> None:
    backup.make_backup(path, reason=f"升级前 v{from_version}")
    con = db._raw_connect(path)
    con.isolation_level = None  # explicit BEGIN: Python's sqlite3 would autocommit DDL otherwise
    try:
        for version in range(from_version + 1, db.SCHEMA_VERSION + 1):
            con.execute("BEGIN IMMEDIATE")  # one transaction per step, version bumped inside it
            try:
                if version in db.MIGRATIONS:  # a reserved number nobody needed is a gap
                    db.MIGRATIONS[version](con)
                con.execute(f"PRAGMA user_version={version}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    finally:
        con.close()
