"""The SQLite file: checking, the migrations, sessions and the audit hook (``opening`` opens it).

One file per township.  WAL, foreign keys on, ``synchronous=FULL``.  The schema
version is ``PRAGMA user_version``; ``PRAGMA application_id`` marks the file as
ours so a stranger's database is never touched.

A county database may instead live on a PostgreSQL server: ``opening.open_database("postgresql://…")``
(see ``fupin_tui.server``: same models and sessions, version and mark in the identity row).
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

from fupin_tui.changes import ALL, Change, ChangeHub, changes_of_object, hub_for
from fupin_tui import storage
from fupin_tui.dialects import lock, shown
from fupin_tui.config import APPLICATION_ID  # noqa: F401  (re-exported for backup and tests)
from fupin_tui.domain.errors import DomainError

SQLITE_HEADER = b"SQLite format 3\x00"

# Ordered migrations: MIGRATIONS[n] upgrades a database from version n-1 to n.
# A new database is created at the latest schema directly.
# A migration gets the DB-API connection: sqlite3 for a file, psycopg for a server database
# (which starts at server.SERVER_BASELINE, so the SQLite-only steps before it never see one).
# Numbers may have gaps; SCHEMA_VERSION is the highest (set below the last one).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def _m2_basic_needs(con: sqlite3.Connection) -> None:
    """H03: 两不愁三保障 kept as data on the exit step, not only in its note text."""
    con.execute("ALTER TABLE procedurestep ADD COLUMN basic_needs_met BOOLEAN NOT NULL DEFAULT '0'")
    # steps recorded by the first release wrote the confirmation into the note
    con.execute("UPDATE procedurestep SET basic_needs_met = 1 WHERE procedure = '退出' AND seq = 1 "
                "AND note LIKE '%已达到两不愁三保障%'")


MIGRATIONS[2] = _m2_basic_needs


def _m3_part_b_duties(con: sqlite3.Connection) -> None:
    """RULES-2 part B (P22-P27, L05, H10-H14): new dates and names, four new tables."""
    from fupin_tui import migrations_v3

    migrations_v3.upgrade(con)


MIGRATIONS[3] = _m3_part_b_duties


def _m4_audit_chain(con: sqlite3.Connection) -> None:
    """Tamper-evident audit log: every existing row gets its place in the hash chain."""
    from fupin_tui import audit_chain

    con.execute("ALTER TABLE auditlog ADD COLUMN row_hash VARCHAR")
    audit_chain.rechain_all(con)


MIGRATIONS[4] = _m4_audit_chain


def _m5_versions_and_drafts(con: sqlite3.Connection) -> None:
    """No lost update on settings (row_version, who/when on app settings) and form drafts (issue 12)."""
    def columns(table: str) -> set[str]:
        return {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}

    if "row_version" not in columns("policyoverride"):
        con.execute("ALTER TABLE policyoverride ADD COLUMN row_version INTEGER NOT NULL DEFAULT '0'")
    have = columns("appsetting")
    for name, ddl in (("updated_at", "DATETIME"), ("updated_by", "VARCHAR NOT NULL DEFAULT ''"),
                      ("row_version", "INTEGER NOT NULL DEFAULT '0'")):
        if name not in have:
            con.execute(f"ALTER TABLE appsetting ADD COLUMN {name} {ddl}")
    con.execute("""CREATE TABLE IF NOT EXISTS formdraft (
	operator VARCHAR NOT NULL,
	form_key VARCHAR NOT NULL,
	title VARCHAR NOT NULL,
	values_json VARCHAR NOT NULL,
	saved_at DATETIME NOT NULL,
	PRIMARY KEY (operator, form_key))""")


MIGRATIONS[5] = _m5_versions_and_drafts


def create_missing_tables(con, models) -> None:
    """CREATE the tables (and their indexes) of ``models`` that do not exist yet, in the dialect of
    the DB-API connection ``con`` (sqlite3 or psycopg): a portable migration step."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    is_sqlite = isinstance(con, sqlite3.Connection)
    dialect = sqlite.dialect() if is_sqlite else postgresql.dialect()
    for model in models:
        table = model.__table__
        if is_sqlite:
            exists = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table.name,)).fetchone()
        else:
            exists = con.execute("SELECT to_regclass(%s)", (table.name,)).fetchone()[0]
        if exists:
            continue
        con.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            con.execute(str(CreateIndex(index).compile(dialect=dialect)))


def _m7_update_package(con) -> None:
    """The county → township update package (issue 20): county decisions, packages issued and applied."""
    from fupin_tui.models.updates import CountyDecision, UpdateApplied, UpdateIssued

    create_missing_tables(con, (CountyDecision, UpdateIssued, UpdateApplied))


MIGRATIONS[7] = _m7_update_package


def _m8_merge_history(con) -> None:
    """Reversible county merges (issue 12 item 5, issue 19): the merge history and what each replaced."""
    from fupin_tui.models.county import CountyMerge, CountyMergeRow, CountyOwned, CountyPackage

    create_missing_tables(con, (CountyPackage, CountyOwned, CountyMerge, CountyMergeRow))


MIGRATIONS[8] = _m8_merge_history


# 体检's stored facts (``services.check_store`` reads and writes them).  SQLite only (a county on
# PostgreSQL takes the portable path and stores nothing); statements as the release wrote them.
_FACT_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS checkfact (household_id INTEGER PRIMARY KEY, since INTEGER NOT NULL, "
    "until INTEGER NOT NULL, members INTEGER NOT NULL, steps INTEGER NOT NULL, facts VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkfactkey (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "INSERT OR IGNORE INTO checkfactkey (name, value) VALUES ('changes', '0')",
) + tuple(
    f"CREATE TRIGGER IF NOT EXISTS checkfact_{table}_{action.split()[0].lower()} AFTER {action} ON {table} BEGIN "
    f"DELETE FROM checkfact WHERE household_id IN ({ids}); "
    "UPDATE checkfactkey SET value = CAST(value AS INTEGER) + 1 WHERE name = 'changes'; "
    + ("DELETE FROM checkfactkey WHERE name = 'shared'; " if table == "member" else "") + "END"
    for table, hid in (("household", "id"), ("member", "household_id"), ("procedurestep", "household_id"))
    for action, ids in (("INSERT", f"NEW.{hid}"), ("UPDATE", f"OLD.{hid}, NEW.{hid}"), ("DELETE", f"OLD.{hid}"))
)


def _m9_check_facts(con) -> None:
    """体检's stored facts per household, voided by triggers on any change (issue 18); SQLite only."""
    if isinstance(con, sqlite3.Connection):
        for sql in _FACT_SCHEMA:
            con.execute(sql)


MIGRATIONS[9] = _m9_check_facts


def _m10_household_list_index(con) -> None:
    """The search box's covering index (issue 18: a keystroke counts matches over it); both engines."""
    from fupin_tui.models.registry import HOUSEHOLD_LIST_COLUMNS, HOUSEHOLD_LIST_INDEX

    cur = con.cursor()
    cur.execute(f"CREATE INDEX IF NOT EXISTS {HOUSEHOLD_LIST_INDEX} ON household ({', '.join(HOUSEHOLD_LIST_COLUMNS)})")
    cur.close()


MIGRATIONS[10] = _m10_household_list_index
SCHEMA_VERSION = max(MIGRATIONS)


class DatabaseProblem(DomainError):
    """The database cannot be used; the message says what to do (in Chinese).

    ``kind`` is one of ``fupin_tui.storage``'s kinds (damaged, read_only, locked, missing, full, io)
    or "" for a refusal that is none of them (not our file, newer release …): only a damaged file
    is a reason to offer a restore.
    """

    def __init__(self, message: str, *, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


def explain_sqlite_error(exc: BaseException) -> str:
    """A clerk-readable reason for a failed write (disk full, read-only, locked …)."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "full" in text:
        return "磁盘空间已满，本次保存没有写入任何内容。请清理磁盘后再按 Ctrl+S 保存（填写的内容仍在屏幕上）。"
    if "readonly" in text or "read-only" in text:
        return "数据库文件是只读的，无法保存。请检查文件权限或是否在只读的 U 盘上。本次没有写入任何内容。"
    if "locked" in text or "busy" in text:
        return "数据库正被另一个窗口或程序使用，暂时无法保存。请稍后再按 Ctrl+S。本次没有写入任何内容。"
    if "unable to open" in text or "disk i/o" in text:
        return "无法写入数据库文件（文件夹不存在、U 盘已拔出或磁盘出错）。本次没有写入任何内容。"
    return f"数据库出错，本次没有写入任何内容：{exc}"


def _check_file(path: Path) -> None:
    """Refuse files that are not SQLite at all, before SQLite touches them."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        raise DatabaseProblem(f"文件 {path} 不是本软件的数据库（也不是 SQLite 文件），未作任何改动。请检查路径，或用 fupin-tui restore 恢复备份。")


def _raw_connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return storage.connect_read_only(path)
    con = sqlite3.connect(str(path), timeout=storage.OPEN_TIMEOUT)
    con.execute("PRAGMA foreign_keys=ON")
    return con


def problem_from(exc: BaseException, path: Path) -> DatabaseProblem:
    """A SQLite/OS error at open told apart: damage, read-only, locked, missing, full."""
    kind = storage.classify(exc, path)
    return DatabaseProblem(storage.open_words(kind, path, exc), kind=kind)


def _create_private(path: Path) -> None:
    """Create an empty file readable by the user only (personal data at rest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def inspect_file(path: Path, read_only: bool = False) -> tuple[int, int, list[str]]:
    """(application_id, user_version, table names) of an existing SQLite file."""
    try:
        con = _raw_connect(path, read_only)
    except sqlite3.Error as exc:
        raise problem_from(exc, path) from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    except sqlite3.Error as exc:
        raise problem_from(exc, path) from exc
    finally:
        con.close()
    return app_id, version, tables


def integrity_ok(path: Path, quick: bool = False) -> bool:
    """Whether SQLite's own check passes.  A file that cannot be checked at all for another reason
    (locked, full disk, unplugged) is not called damaged: that raises a ``DatabaseProblem`` of its kind."""
    try:
        con = storage.connect_read_only(path)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = con.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        problem = problem_from(exc, Path(path))
        if problem.kind in (storage.DAMAGED, storage.IO):
            return False
        raise problem from exc
    return rows == [("ok",)]


def _set_pragmas(dbapi_con, _record) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    # fold every committed save into the .db file at once (passive: never waits for readers), so a
    # copy of the .db file alone, without its -wal, is always nearly current (issue 12 item 10)
    cur.execute("PRAGMA wal_autocheckpoint=1")
    cur.close()


def _set_read_only_pragmas(dbapi_con, _record) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(path: Path, read_only: bool = False) -> Engine:
    if read_only:
        engine = create_engine("sqlite://", creator=lambda: storage.connect_read_only(path))
        event.listen(engine, "connect", _set_read_only_pragmas)
        return engine
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 10})
    event.listen(engine, "connect", _set_pragmas)
    return engine


READ_ONLY_SAVE = ("数据库以只读方式打开（只读 U 盘或没有写权限的文件夹），只能查看和打印，不能修改。"
                  "本次没有写入任何内容；要修改，请把文件复制到可写的文件夹后再打开。")


@dataclass
class Database:
    path: Path | None  # None for a server database (then ``url`` is set)
    engine: Engine
    read_only: bool = False
    url: str | None = None  # postgresql://… of a county database on a server

    @property
    def is_server(self) -> bool:
        return self.url is not None

    @property
    def key(self) -> str:
        """Names this database in this process (caches, change hubs): the file or the server URL."""
        return self.url if self.url is not None else os.path.realpath(os.fspath(self.path))

    @property
    def where(self) -> str:
        """The file, or the server URL without its password, as a clerk may see it."""
        if self.url is None:
            return str(self.path)
        return shown(self.url)

    @property
    def changes(self) -> ChangeHub:
        """What each committed transaction changed; one hub per database file in this process."""
        return hub_for(self.key)

    @contextmanager
    def session(self, operator: str = "") -> Iterator[Session]:
        """One user action = one transaction: committed on success, rolled back on error.

        After the commit, what it wrote is published on ``self.changes`` (see fupin_tui.changes).
        """
        if self.read_only:
            raise DatabaseProblem(READ_ONLY_SAVE, kind=storage.READ_ONLY)
        with Session(self.engine, expire_on_commit=False) as session:
            session.info["operator"] = operator
            written: set[Change] = session.info.setdefault("changes", set())
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise DatabaseProblem(explain_sqlite_error(exc)) from exc
            except BaseException:
                session.rollback()
                raise
        if written:
            self.changes.publish(written)

    def publish_all(self) -> None:
        """Bulk work done outside a session (a restored or replaced file): everything may have changed."""
        self.changes.publish(Change(ALL))

    def read(self) -> Session:
        """A session for reading only (use as a context manager)."""
        return Session(self.engine, expire_on_commit=False)

    def identity(self):
        """What this database is (``identity.DatabaseIdentity``: id, kind, township)."""
        from fupin_tui import identity

        if self.is_server:
            with self.engine.connect() as conn:
                return identity.read_in(conn)
        return identity.read(self.path) or identity.ensure(self.path)

    def close(self) -> None:
        self.engine.dispose()


def _check_schema(path: Path, read_only: bool = False) -> None:
    """Every table and column this release needs is there (a file cut short or edited by hand is refused)."""
    import fupin_tui.models  # noqa: F401  (registers every table)

    con = _raw_connect(path, read_only)
    try:
        missing = []
        for table in SQLModel.metadata.sorted_tables:
            have = {r[1] for r in con.execute(f'PRAGMA table_info("{table.name}")')}
            if not have:
                missing.append(table.name)
            else:
                missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    finally:
        con.close()
    if missing:
        raise DatabaseProblem(f"数据库 {path} 的结构与本软件不一致（缺少 {'、'.join(missing[:5])}"
                              f"{' 等' if len(missing) > 5 else ''}），未作任何改动。请恢复备份，或联系技术人员。",
                              kind=storage.DAMAGED)


# ---------------------------------------------------------------------------
# Audit hook: every ORM change is logged in the same transaction.

_NOT_AUDITED = {"auditlog"}  # app settings are audited too (issue 12 item 11)


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(obj) -> dict:
    mapper = inspect(obj).mapper
    return {c.key: _jsonable(getattr(obj, c.key)) for c in mapper.column_attrs}


def _dump(data: dict | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)


def _record_id(obj) -> str:
    # read the key from the row itself: a just-inserted object has no identity yet in after_flush
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in key if v is not None)


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _ctx, _instances) -> None:
    operator = session.info.get("operator", "")
    from fupin_tui import text_guard
    from fupin_tui.models.base import Tracked, now

    text_guard.check_session(session)  # no control/invisible characters, no over-long text (issue 12 item 6)

    for obj in session.new:
        if isinstance(obj, Tracked) and not obj.created_by:
            obj.created_by = operator
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj):
            obj.updated_at = now()
            obj.updated_by = operator
            obj.row_version = (obj.row_version or 0) + 1
    for obj in session.deleted:
        if isinstance(obj, Tracked):
            raise DatabaseProblem("登记的记录不能删除，只能作废（并说明原因）。")


@event.listens_for(Session, "after_flush")
def _audit(session: Session, _ctx) -> None:
    from fupin_tui.models.audit import AuditLog
    from fupin_tui.models.base import now

    operator = session.info.get("operator", "")
    written = session.info.get("changes")
    if written is not None:  # announced after the commit (Database.session)
        for obj in (*session.new, *session.dirty, *session.deleted):
            if obj.__tablename__ not in ("auditlog",):
                written.update(changes_of_object(obj))
    rows = []
    at = now()
    for obj in session.new:
        table = obj.__tablename__
        if table in _NOT_AUDITED:
            continue
        rows.append(dict(at=at, operator=operator, table_name=table, record_id=_record_id(obj),
                         action="新增", before=None, after=_dump(_snapshot(obj))))
    for obj in session.dirty:
        table = obj.__tablename__
        if table in _NOT_AUDITED or not session.is_modified(obj):
            continue
        state = inspect(obj)
        before, after = {}, {}
        for attr in state.mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if hist.has_changes() and attr.key not in ("updated_at", "updated_by", "row_version"):
                before[attr.key] = _jsonable(hist.deleted[0]) if hist.deleted else None
                after[attr.key] = _jsonable(hist.added[0]) if hist.added else None
        if not after:
            continue
        action = "作废" if after.get("voided") is True else "修改"
        rows.append(dict(at=at, operator=operator, table_name=table, record_id=_record_id(obj),
                         action=action, before=_dump(before), after=_dump(after)))
    if rows:
        _insert_chained(session, rows)


class ChangedMeanwhile(DomainError):
    """Another copy of the app saved this record after the form loaded it."""


def refuse_if_changed(record, loaded_version: int | None, what: str) -> None:
    """No lost update: refuse to save over a version the clerk never saw, naming who changed it."""
    if loaded_version is None or record.row_version == loaded_version:
        return
    when = record.updated_at.strftime("%Y-%m-%d %H:%M") if record.updated_at else ""
    raise ChangedMeanwhile(f"{what}已被 {record.updated_by or '其他经办人'} 于 {when} 修改（可能在另一个窗口）。"
                           "为免覆盖对方的修改，本次没有保存；填写的内容仍在屏幕上，请记下后重新打开再改。")


def write_audit(session: Session, table: str, record_id: str, action: str, note: str = "",
                before: dict | None = None, after: dict | None = None) -> None:
    """An audit row for work done outside the ORM (bulk import, restore …)."""
    written = session.info.get("changes")
    if written is not None:  # bulk work outside the ORM: anything may have changed
        written.add(Change(ALL))
    _insert_chained(session, [dict(at=datetime.now().replace(microsecond=0), operator=session.info.get("operator", ""),
                                   table_name=table, record_id=record_id, action=action, before=_dump(before),
                                   after=_dump(after), note=note)])


def _insert_chained(session: Session, rows: list[dict]) -> None:
    """Insert audit rows, each hashed onto the chain (the write lock is held: nobody interleaves)."""
    from fupin_tui import audit_chain
    from fupin_tui.models.audit import AuditLog

    conn = session.connection()
    lock(conn, "audit")  # on a server two writers must not read the same chain head
    rows = [dict(note=None, **row) if "note" not in row else row for row in rows]
    audit_chain.chain(audit_chain.last_hash(conn), rows)
    conn.execute(AuditLog.__table__.insert(), rows)
