"""A tamper-evident audit log: each row carries a hash over its content and the previous row's hash.

``row_hash = sha256(previous row_hash + content)``, content being the row's time,
operator, table, record, action, before, after and note.  A row edited or deleted
with any SQLite tool breaks the chain at that row (or the next); ``verify`` walks
the log in id order and names the first bad row.  Without a secret key someone who
recomputes every later hash can still forge a chain: this shows casual edits, it is
not a signature.  Light module (sqlite3 + hashlib) for the CLI and the start-up.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

GENESIS = "0" * 64
FIELDS = ("at", "operator", "table_name", "record_id", "action", "before", "after", "note")


def _at(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    text = str(value or "")
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M:%S.%f")
    except ValueError:
        return text


def row_hash(previous: str | None, row: dict) -> str:
    content = [_at(row.get("at"))] + [None if row.get(k) is None else str(row.get(k)) for k in FIELDS[1:]]
    text = (previous or GENESIS) + json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def last_hash(connection) -> str:
    """The chain's head inside the current transaction (a SQLAlchemy Connection or sqlite3)."""
    sql = "SELECT row_hash FROM auditlog ORDER BY id DESC LIMIT 1"
    if isinstance(connection, sqlite3.Connection):
        row = connection.execute(sql).fetchone()
    else:
        row = connection.exec_driver_sql(sql).fetchone()
    return (row[0] if row else None) or GENESIS


def chain(previous: str, rows: list[dict]) -> str:
    """Fill ``row_hash`` of each new row in order; returns the new head."""
    for row in rows:
        previous = row["row_hash"] = row_hash(previous, row)
    return previous


def rechain_all(con: sqlite3.Connection) -> int:
    """Hash every existing row (the migration that introduced the chain)."""
    previous = GENESIS
    updates = []
    for row in con.execute(f"SELECT id, {', '.join(FIELDS)} FROM auditlog ORDER BY id"):
        data = dict(zip(FIELDS, row[1:]))
        previous = row_hash(previous, data)
        updates.append((previous, row[0]))
    con.executemany("UPDATE auditlog SET row_hash = ? WHERE id = ?", updates)
    return len(updates)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None

    def describe(self) -> str:
        if self.ok:
            return f"审计日志完整：共 {self.rows:,} 条记录，哈希链没有断开。"
        return (f"审计日志被改动过：第 {self.first_bad_id} 条记录{self.problem}（之前的 {self.rows:,} 条完好）。"
                "请联系县扶贫办核查，不要再改动数据库文件。")


def verify(path: Path | str) -> ChainReport:
    """Walk the whole log in id order; stop at the first row whose hash does not follow."""
    from fupin_tui import storage

    con = storage.connect_read_only(Path(path))
    try:
        return _walk(con.execute(f"SELECT id, row_hash, {', '.join(FIELDS)} FROM auditlog ORDER BY id"))
    finally:
        con.close()


def verify_database(db) -> ChainReport:
    """``verify`` for an open ``db.Database``: a file as above, a server database by a query
    streamed in id order (a server-side cursor: the log never sits in memory whole)."""
    if not db.is_server:
        return verify(db.path)
    with db.engine.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=5000).exec_driver_sql(
            f"SELECT id, row_hash, {', '.join(FIELDS)} FROM auditlog ORDER BY id")
        return _walk(rows)


def _walk(rows) -> ChainReport:
    previous = GENESIS
    count = 0
    for row in rows:
        expected = row_hash(previous, dict(zip(FIELDS, row[2:])))
        if row[1] != expected:
            problem = "没有哈希（不是本软件写入的）" if not row[1] else "的内容或顺序与哈希不符（被修改、删除或插入）"
            return ChainReport(count, row[0], problem)
        previous = expected
        count += 1
    return ChainReport(count)
