"""Drafts of open forms: what a clerk has typed survives Esc, a crash and a closed terminal (issue 12 item 9).

One row per operator and form in ``formdraft`` (schema 5), written with plain SQL outside the ORM
session: a draft is not a record, so it is not audited, publishes no change signal and never goes
into a county package. It is offered back when the same form is opened again, and removed when
the form is saved or the clerk discards it. A draft that cannot be written (read-only file, full
disk, locked) is skipped without a word: it must never get in the way of typing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from fupin_tui.context import AppContext

_UPSERT = ("INSERT INTO formdraft (operator, form_key, title, values_json, saved_at) VALUES (?, ?, ?, ?, ?) "
           "ON CONFLICT(operator, form_key) DO UPDATE SET title = excluded.title, "
           "values_json = excluded.values_json, saved_at = excluded.saved_at")


@dataclass(frozen=True)
class Draft:
    form_key: str
    title: str
    values: dict[str, Any]
    saved_at: datetime

    @property
    def when(self) -> str:
        return f"{self.saved_at:%Y-%m-%d %H:%M}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return None if type(value).__name__ in ("NoSelection", "NullType") else str(value)


def save(ctx: AppContext, form_key: str, title: str, values: dict[str, Any]) -> bool:
    """Keep ``values`` as this operator's draft of ``form_key``; False when it could not be written."""
    if ctx.db.read_only or not form_key:
        return False
    text = json.dumps(_jsonable(values), ensure_ascii=False, sort_keys=True)
    try:
        with ctx.db.engine.begin() as con:
            con.exec_driver_sql(_UPSERT, (ctx.operator, form_key, title, text,
                                          datetime.now().replace(microsecond=0).isoformat(sep=" ")))
    except (SQLAlchemyError, sqlite3.Error, OSError):
        return False
    return True


def _row(row) -> Draft:
    saved = row[3] if isinstance(row[3], datetime) else datetime.fromisoformat(str(row[3]))
    return Draft(row[0], row[1], json.loads(row[2] or "{}"), saved)


def load(ctx: AppContext, form_key: str) -> Draft | None:
    """This operator's draft of ``form_key``, or None."""
    try:
        with ctx.db.engine.connect() as con:
            row = con.exec_driver_sql("SELECT form_key, title, values_json, saved_at FROM formdraft "
                                      "WHERE operator = ? AND form_key = ?", (ctx.operator, form_key)).first()
    except (SQLAlchemyError, sqlite3.Error):
        return None
    return _row(row) if row else None


def pending(ctx: AppContext) -> list[Draft]:
    """This operator's drafts, newest first (shown at start: where work was left unsaved)."""
    try:
        with ctx.db.engine.connect() as con:
            rows = con.exec_driver_sql("SELECT form_key, title, values_json, saved_at FROM formdraft "
                                       "WHERE operator = ? ORDER BY saved_at DESC", (ctx.operator,)).all()
    except (SQLAlchemyError, sqlite3.Error):
        return []
    return [_row(r) for r in rows]


def discard(ctx: AppContext, form_key: str) -> None:
    """The form was saved, or the clerk said to drop the draft."""
    if ctx.db.read_only or not form_key:
        return
    try:
        with ctx.db.engine.begin() as con:
            con.exec_driver_sql("DELETE FROM formdraft WHERE operator = ? AND form_key = ?", (ctx.operator, form_key))
    except (SQLAlchemyError, sqlite3.Error, OSError):
        pass


def summary(ctx: AppContext) -> str | None:
    """One line for the start-up warnings, or None when nothing was left unsaved."""
    drafts = pending(ctx)
    if not drafts:
        return None
    shown = "、".join(f"{d.title}（{d.when}）" for d in drafts[:3]) + ("等" if len(drafts) > 3 else "")
    return f"有 {len(drafts)} 份未保存的填写：{shown}。打开对应的表时可以恢复或丢弃。"
