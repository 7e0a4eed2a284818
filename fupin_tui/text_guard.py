"""The last line of the service-layer checks: every text column of every row written to the database.

``db``'s before-flush hook calls ``check_session``: a value with control or invisible characters,
or longer than its column allows, is refused with an ``InputError`` naming the field by its Chinese
header (the package sheets' headers, one vocabulary), before anything is written. Services check
their own fields first with better limits (``domain.text_check``); this catches whatever path
forgot to, so no entry point can store garbage that an export would later strip or cut.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import inspect

from fupin_tui.domain import text_check as tc
from fupin_tui.domain.errors import InputError

# Columns written by the program itself (search keys, JSON of notice items checked in their service)
# or holding lists of paths: longer than a typed field, still never past Excel's cell limit.
_MACHINE = {"search_keys", "fields_json", "values_json", "value", "before", "after", "row_hash", "note_json"}
_LONG = {"photo_paths", "photos_before", "photos_during", "photos_after", "file_items", "remarks", "content",
         "note", "description", "void_reason", "performance_goals", "sunshine_note", "maintenance_duty"}
_NOT_CHECKED_TABLES = {"auditlog", "formdraft", "appsetting", "policyoverride", "countypackage", "countyowned",
                       "updateissued", "updateapplied"}  # bookkeeping the program writes


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], str]:
    from fupin_tui import sheets as schema

    out = dict(schema.LABELS)
    for sheet in schema.SHEETS:
        for f in sheet.fields:
            if not f.shown_only:
                out.setdefault((sheet.table, f.attr), f.header)
    return out


def label(table: str, column: str) -> str:
    return _labels().get((table, column)) or {"void_reason": "作废原因", "created_by": "经办人",
                                               "updated_by": "经办人"}.get(column, column)


def _limit(column: str) -> int:
    if column in _MACHINE:
        return tc.EXCEL_CELL
    if column in _LONG:
        return tc.LONG
    return tc.TEXT


def check_object(obj) -> None:
    table = obj.__tablename__
    if table in _NOT_CHECKED_TABLES:
        return
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        value = getattr(obj, attr.key, None)
        if not isinstance(value, str) or not value:
            continue
        if state.persistent and not state.attrs[attr.key].history.has_changes():
            continue  # only what this save writes: an old value is not the clerk's doing now
        limit = _limit(attr.key)
        if len(value) > limit:
            raise InputError(label(table, attr.key), f"最多 {limit} 个字，现在有 {len(value)} 个字")
        if attr.key not in _MACHINE:
            bad = tc.bad_character(value.replace("\r", ""), multiline=True)
            if bad:
                raise InputError(label(table, attr.key), f"含有不能保存的字符（{bad}），请删除后重新输入")


def check_session(session) -> None:
    for obj in (*session.new, *session.dirty):
        if hasattr(obj, "__tablename__"):
            check_object(obj)
