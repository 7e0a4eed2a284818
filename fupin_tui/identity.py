"""What a database is: its random id, its kind (township / county / demo) and its township.

One row in the ``appsetting`` table (key ``database_identity``, JSON value) — a
settings row, not a PRAGMA, so it travels with the data to a server database
later.  Written when the file is created; a file from before this row existed
gets one the first time it is opened (kind inferred: county packages present →
county, rows made by the demo generator → demo, otherwise township).

Light module (plain sqlite3, no SQLModel): backups, restore and the start-up
overview read it before the ORM is loaded.

    from fupin_tui import identity
    ident = identity.read(path)            # DatabaseIdentity | None (None: not ours / no file)
    ident.id, ident.kind, ident.township_code, ident.township_name, ident.label
    db.identity()                          # same, from an open Database
    identity_change.mark(db, kind="county", operator="县级汇总")  # change kind/township, audited
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

KEY = "database_identity"
TOWNSHIP, COUNTY, DEMO = "township", "county", "demo"
KINDS = {TOWNSHIP: "乡镇数据库", COUNTY: "县级汇总数据库", DEMO: "演示数据"}
DEMO_OPERATOR = "演示数据"  # created_by of every row the demo generator writes


@dataclass(frozen=True)
class DatabaseIdentity:
    id: str  # 32 hex digits, random, fixed for the life of the database (its backups carry it too)
    kind: str  # township | county | demo
    township_code: str = ""  # 9 digits once the township is set up ("" for a county database)
    township_name: str = ""
    created_at: str = ""  # ISO time the identity was written
    # A server database (PostgreSQL) has no PRAGMAs: its schema version and the mark that it is
    # ours (config.APPLICATION_ID) are kept here. A SQLite file keeps both as PRAGMAs (0 here).
    schema_version: int = 0
    application_id: int = 0

    @property
    def is_demo(self) -> bool:
        return self.kind == DEMO

    @property
    def label(self) -> str:
        """Chinese name of the kind: 乡镇数据库 / 县级汇总数据库 / 演示数据."""
        return KINDS.get(self.kind, self.kind)

    @property
    def short_id(self) -> str:
        """First 8 hex digits: enough for file names and screens."""
        return self.id[:8]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "DatabaseIdentity":
        data = json.loads(text)
        return cls(id=str(data["id"]), kind=str(data.get("kind", TOWNSHIP)),
                   township_code=str(data.get("township_code", "")), township_name=str(data.get("township_name", "")),
                   created_at=str(data.get("created_at", "")),
                   schema_version=int(data.get("schema_version", 0) or 0),
                   application_id=int(data.get("application_id", 0) or 0))


def new_identity(kind: str = TOWNSHIP, township_code: str = "", township_name: str = "") -> DatabaseIdentity:
    if kind not in KINDS:
        raise ValueError(kind)
    return DatabaseIdentity(id=uuid.uuid4().hex, kind=kind, township_code=township_code,
                            township_name=township_name, created_at=datetime.now().replace(microsecond=0).isoformat())


def read_from(con: sqlite3.Connection) -> DatabaseIdentity | None:
    """The stored identity on an open sqlite3 connection, or None when there is none (yet)."""
    try:
        row = con.execute("SELECT value FROM appsetting WHERE key = ?", (KEY,)).fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # a damaged page can hold any bytes
        return None
    if not row:
        return None
    try:
        return DatabaseIdentity.from_json(row[0])
    except (ValueError, KeyError, TypeError):
        return None


def read(path: Path | str, infer: bool = False) -> DatabaseIdentity | None:
    """The identity of the database file at ``path`` (read-only; None when missing or not ours).

    ``infer``: for a file of ours from before the identity row, the identity it would get.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        from fupin_tui import storage

        con = storage.connect_read_only(path)  # also on a read-only stick without a -wal file
    except sqlite3.DatabaseError:
        return None
    try:
        found = read_from(con)
        if found is None and infer:
            from fupin_tui.config import APPLICATION_ID

            try:
                if con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
                    found = _infer(con)
            except sqlite3.DatabaseError:
                pass
        return found
    finally:
        con.close()


def _infer(con: sqlite3.Connection) -> DatabaseIdentity:
    """The identity an older database (before the row existed) most likely has."""

    def scalar(sql: str):
        try:
            row = con.execute(sql).fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row else None

    kind = TOWNSHIP
    if scalar("SELECT count(*) FROM countypackage"):
        kind = COUNTY
    elif scalar(f"SELECT count(*) FROM township WHERE created_by = '{DEMO_OPERATOR}'"):
        kind = DEMO
    code = name = ""
    if kind != COUNTY:
        row = None
        try:
            row = con.execute("SELECT code, name FROM township ORDER BY id LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            pass
        if row:
            code, name = row
    return new_identity(kind, code or "", name or "")


def write_to(con: sqlite3.Connection, ident: DatabaseIdentity) -> None:
    con.execute("INSERT OR REPLACE INTO appsetting (key, value) VALUES (?, ?)", (KEY, ident.to_json()))


def ensure(path: Path | str, kind: str | None = None) -> DatabaseIdentity:
    """Read the identity, writing one first when the file has none (new file: ``kind`` or township).

    A read-only file gets the inferred identity without storing it.
    """
    con = sqlite3.connect(str(path), timeout=10)
    try:
        found = read_from(con)
        if found is not None:
            return found
        ident = new_identity(kind) if kind else _infer(con)
        try:
            with con:
                write_to(con, ident)
        except sqlite3.OperationalError:
            pass  # read-only or locked: use it for this run, store it next time
        return ident
    finally:
        con.close()


# --------------------------------------------------------------------------- any engine (SQLAlchemy)


def read_in(conn) -> DatabaseIdentity | None:
    """The identity through a SQLAlchemy connection (SQLite or PostgreSQL); None when there is none."""
    from sqlalchemy import text

    value = conn.execute(text("SELECT value FROM appsetting WHERE key = :key"), {"key": KEY}).scalar()
    if value is None:
        return None
    try:
        return DatabaseIdentity.from_json(value)
    except (ValueError, KeyError, TypeError):
        return None


def write_in(conn, ident: DatabaseIdentity) -> None:
    """Store the identity row through a SQLAlchemy connection, on either engine."""
    from sqlalchemy import text

    if conn.dialect.name == "sqlite":
        sql = "INSERT OR REPLACE INTO appsetting (key, value) VALUES (:key, :value)"
    else:
        sql = ("INSERT INTO appsetting (key, value) VALUES (:key, :value) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    conn.execute(text(sql), {"key": KEY, "value": ident.to_json()})
