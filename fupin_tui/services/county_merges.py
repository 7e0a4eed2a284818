"""Reversible county merges: the merge history (合并记录) and undoing one (撤销合并).

A merge replaces a township's rows in the county database. Before it removes them it keeps
each one whole (``CountyMergeRow``, role 'replaced', JSON of every column) under the merge's
history row (``CountyMerge``: who, when, which package, counts). Undoing the newest live merge
of a township puts those rows back with their ids and keeps the rows the merge had brought
(role 'undone'): nothing is hard-deleted, the database only moves rows between the live
tables and the kept ones. Merging the same package again redoes an undone merge.

Works on SQLite and PostgreSQL: a merge and an undo take the same lock (``server.write_lock``) and
an undo saves only over the history row's ``row_version`` it read, so two county users can
neither undo the same merge twice nor undo one while a merge of that township runs.

    from fupin_tui.services import county_merges
    county_merges.history(ctx)                 # [MergeEntry …], newest first
    county_merges.undo(ctx, merge_id)          # UndoOutcome (.lines() in Chinese)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Callable

import sqlalchemy as sa
from sqlalchemy import Date, DateTime, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from fupin_tui import server
from fupin_tui.context import AppContext
from fupin_tui.domain.errors import DomainError
from fupin_tui import sheets as schema
from fupin_tui.models import CountyMerge, CountyMergeRow, CountyOwned, CountyPackage, Township
from fupin_tui.models.base import now
from fupin_tui.models.types import _ScaledInteger

REPLACED, UNDONE = "replaced", "undone"
_CHUNK = 900  # ids per IN (…): below SQLite's old 999-parameter limit
_BATCH = 2000  # rows per INSERT
_OWNED = "countyowned"
_UNREPORTED = "countyunreported"  # columns the township's package lacked (UNREPORTED below)
_TOWNSHIP = "township"

# What a merge writes for a township, parents first (also: ids the server's sequences must pass).
LIVE_TABLES = (*schema.INSERT_ORDER, _OWNED, _UNREPORTED)


# What the county keeps beside the models: the columns a township's package lacked (v1 packages).
_COUNTY_META = sa.MetaData()
UNREPORTED = sa.Table(
    "countyunreported", _COUNTY_META,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("township_code", sa.String, nullable=False, index=True),
    sa.Column("sheet", sa.String, nullable=False),  # 户表
    sa.Column("header", sa.String, nullable=False),  # 卫生厕所
    sa.Column("table_name", sa.String, nullable=False),  # household
    sa.Column("column_name", sa.String, nullable=False),  # sanitary_toilet
    sa.Column("not_null", sa.Boolean, nullable=False),  # True: the county holds the default, not NULL
    sa.Column("format_version", sa.Integer, nullable=False),
)


# Columns a township's package did not carry (an older format), kept with the county data: a NOT NULL
# column among them holds the table's default, which is no answer of the township's. Readers of the
# county database (summaries, 体检) ask ``unreported_columns`` before they count such a column.
def unreported_columns(ctx: AppContext, township_code: str | None = None) -> dict[str, set[tuple[str, str]]]:
    """township code -> {(table, column)} its latest package did not carry."""
    if not sa.inspect(ctx.db.engine).has_table(UNREPORTED.name):
        return {}
    stmt = select(UNREPORTED.c.township_code, UNREPORTED.c.table_name, UNREPORTED.c.column_name)
    if township_code is not None:
        stmt = stmt.where(UNREPORTED.c.township_code == township_code)
    out: dict[str, set[tuple[str, str]]] = {}
    with ctx.read() as s:
        for code, table, column in s.execute(stmt):
            out.setdefault(code, set()).add((table, column))
    return out


def _ensure_county_tables(ctx: AppContext) -> None:
    for model in (CountyPackage, CountyOwned, CountyMerge, CountyMergeRow):
        model.__table__.create(ctx.db.engine, checkfirst=True)
    UNREPORTED.create(ctx.db.engine, checkfirst=True)


def _owned_ids(s, code: str, table: str) -> list[int]:
    return list(s.execute(select(CountyOwned.row_id).where(
        CountyOwned.township_code == code, CountyOwned.table_name == table)).scalars())


def _subtree_ids(s, code: str) -> dict[str, list[int]]:
    """Ids of every row the township owns, per table (roots by ownership, children by their parent)."""
    ids: dict[str, list[int]] = {}
    for table in schema.INSERT_ORDER:
        if table in schema.ROOTS:
            ids[table] = _owned_ids(s, code, table)
        else:
            fk, parent = schema.PARENT[table]
            model = schema.MODELS[table].__table__
            parents = ids.get(parent, [])
            found: list[int] = []
            for chunk in range(0, len(parents), 900):
                found += s.execute(select(model.c.id).where(model.c[fk].in_(parents[chunk:chunk + 900]))).scalars()
            ids[table] = found
    return ids


class MergeRefused(DomainError):
    """An undo that cannot be done; the message says why and what to do."""


# --------------------------------------------------------------------------- rows kept as JSON


def _encode(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoders(table) -> dict[str, Callable]:
    out: dict[str, Callable] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, _ScaledInteger):
            out[column.name] = Decimal
        elif isinstance(kind, DateTime):
            out[column.name] = datetime.fromisoformat
        elif isinstance(kind, Date):
            out[column.name] = date.fromisoformat
    return out


def _decode(data: str, decoders: dict[str, Callable]) -> dict:
    row = json.loads(data)
    for name, parse in decoders.items():
        if row.get(name) is not None:
            row[name] = parse(row[name])
    return row


def _tables() -> dict:
    from sqlmodel import SQLModel

    return {**SQLModel.metadata.tables, _UNREPORTED: UNREPORTED}


def township_rows(s, code: str) -> dict[str, list[int]]:
    """Ids of every live row the township owns, per table, and of its ``countyowned`` rows."""
    ids = _subtree_ids(s, code)
    ids[_OWNED] = list(s.execute(select(CountyOwned.id).where(CountyOwned.township_code == code)).scalars())
    unreported = _tables()[_UNREPORTED]
    ids[_UNREPORTED] = list(s.execute(select(unreported.c.id).where(unreported.c.township_code == code)).scalars())
    return ids


def keep_and_remove(s, merge_id: int, role: str, ids: dict[str, list[int]], code: str) -> int:
    """Copy the rows (whole) under ``merge_id``/``role``, then take them out of the live tables,
    children first. Chunk by chunk: memory stays flat whatever the township's size."""
    kept = 0
    township = s.execute(select(Township.__table__).where(Township.code == code)).mappings().first()
    if township is not None:
        s.execute(insert(CountyMergeRow), [dict(merge_id=merge_id, role=role, table_name=_TOWNSHIP,
                                                row_id=township["id"], data=_dump(township))])
    for name in LIVE_TABLES:
        table = _tables()[name]
        rows = ids.get(name, [])
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            found = s.execute(select(table).where(table.c.id.in_(chunk))).mappings().all()
            if found:  # on a server one COPY a chunk (``server.bulk_insert``), not a statement a row
                server.bulk_insert(s.connection(), CountyMergeRow.__table__, [
                    dict(merge_id=merge_id, role=role, table_name=name, row_id=r["id"], data=_dump(r))
                    for r in found])
                kept += len(found)
    for name in reversed(LIVE_TABLES):
        table = _tables()[name]
        rows = ids.get(name, [])
        for start in range(0, len(rows), _CHUNK):
            s.execute(delete(table).where(table.c.id.in_(rows[start:start + _CHUNK])))
    return kept


def _dump(row) -> str:
    return json.dumps({k: _encode(v) for k, v in dict(row).items()}, ensure_ascii=False)


def _put_back(s, merge_id: int, role: str) -> int:
    """Insert the rows kept under ``merge_id``/``role`` again, parents first, with their ids."""
    restored = 0
    for name in LIVE_TABLES:
        table = _tables()[name]
        decoders = _decoders(table)
        last = 0
        while True:  # keyset pages: never the whole township in memory
            page = s.execute(select(CountyMergeRow.id, CountyMergeRow.data).where(
                CountyMergeRow.merge_id == merge_id, CountyMergeRow.role == role, CountyMergeRow.table_name == name,
                CountyMergeRow.id > last).order_by(CountyMergeRow.id).limit(_BATCH)).all()
            if not page:
                break
            server.bulk_insert(s.connection(), table, [_decode(data, decoders) for _, data in page])
            restored += len(page)
            last = page[-1][0]
    return restored


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class MergeEntry:
    id: int
    township: str  # "520123101 新安镇"
    period: str
    file_name: str
    status: str  # 新导入 / 已更新
    merged_at: datetime
    merged_by: str
    counts: dict
    undone_at: datetime | None
    undone_by: str
    row_version: int

    @property
    def live(self) -> bool:
        return self.undone_at is None

    @property
    def state(self) -> str:
        return "有效" if self.live else f"已撤销（{self.undone_by} {self.undone_at:%Y-%m-%d %H:%M}）"

    def line(self) -> str:
        c = self.counts
        return (f"{self.id:>4}  {self.merged_at:%Y-%m-%d %H:%M}  {self.merged_by or '—'}  {self.township} "
                f"{self.period}  {self.file_name}  {self.status}：户 {c.get('户表', 0)}，成员 {c.get('成员表', 0)}，"
                f"项目 {c.get('项目', 0)}，替换下的记录 {c.get('replaced', 0)}  {self.state}")


def _entry(m: CountyMerge) -> MergeEntry:
    try:
        counts = json.loads(m.counts or "{}")
    except ValueError:
        counts = {}
    return MergeEntry(m.id, f"{m.township_code} {m.township_name}", m.period, m.file_name, m.status, m.merged_at,
                      m.merged_by, counts, m.undone_at, m.undone_by, m.row_version)


def history(ctx: AppContext, township_code: str | None = None) -> list[MergeEntry]:
    """Every merge, newest first (one township's when ``township_code`` is given)."""
    with ctx.read() as s:
        q = select(CountyMerge).order_by(CountyMerge.id.desc())
        if township_code:
            q = q.where(CountyMerge.township_code == township_code)
        return [_entry(m) for m in s.execute(q).scalars()]


def start(s, *, package_file: str, code: str, name: str, period: str, status: str, operator: str) -> int:
    """The history row of a merge that is starting (inside its transaction); its id."""
    return s.execute(insert(CountyMerge).values(
        package_id=0, township_code=code, township_name=name, period=period, file_name=package_file,
        status=status, merged_at=now(), merged_by=operator, counts="{}").returning(CountyMerge.id)).scalar_one()


def finish(s, merge_id: int, package_id: int, counts: dict) -> None:
    s.execute(update(CountyMerge).where(CountyMerge.id == merge_id).values(
        package_id=package_id, counts=json.dumps(counts, ensure_ascii=False)))


def undone_packages():
    """A subquery: ids of the packages whose merge was undone (they no longer stand for a township)."""
    return select(CountyMerge.package_id).where(CountyMerge.undone_at.is_not(None))


# --------------------------------------------------------------------------- undo


@dataclass
class UndoOutcome:
    merge: MergeEntry
    removed: int  # rows the merge had brought, now kept aside
    restored: int  # rows the merge had replaced, back in the live tables
    back_to: str  # the package that stands for the township again ("" when none)

    def lines(self) -> list[str]:
        m = self.merge
        out = [f"已撤销合并 {m.id}：{m.township} {m.period}（{m.file_name}）。",
               f"  撤下该次合并的记录 {self.removed} 条（保留在汇总库中，可重新导入该上报包恢复），"
               f"恢复合并前的记录 {self.restored} 条。"]
        out.append(f"  {m.township.split(' ', 1)[-1]}现在的数据：{self.back_to}" if self.back_to
                   else f"  {m.township.split(' ', 1)[-1]}在汇总库中已没有数据（这是它的第一次合并）。")
        return out


def undo(ctx: AppContext, merge_id: int) -> UndoOutcome:
    """Undo merge ``merge_id`` (the newest live merge of its township), in one transaction."""
    from fupin_tui.db import write_audit
    _ensure_county_tables(ctx)  # a county database from before a table existed
    try:
        with ctx.transaction() as s:
            server.write_lock(s.connection(), "county-merge")  # not while a merge or another undo runs
            m = s.get(CountyMerge, merge_id)
            if m is None:
                raise MergeRefused(f"没有编号为 {merge_id} 的合并记录（fupin-tui merges 列出全部合并）。")
            entry = _entry(m)
            if not entry.live:
                raise MergeRefused(f"合并 {merge_id} 已于 {m.undone_at:%Y-%m-%d %H:%M} 由 {m.undone_by or '他人'} 撤销，"
                                   "未作任何改动。")
            newer = s.execute(select(CountyMerge.id).where(
                CountyMerge.township_code == m.township_code, CountyMerge.id > m.id,
                CountyMerge.undone_at.is_(None)).order_by(CountyMerge.id.desc())).scalars().first()
            if newer is not None:
                raise MergeRefused(f"合并 {merge_id} 之后{m.township_name}又合并过（合并 {newer}），"
                                   f"请先撤销合并 {newer}，再撤销 {merge_id}。未作任何改动。")
            removed = keep_and_remove(s, m.id, UNDONE, township_rows(s, m.township_code), m.township_code)
            restored = _put_back(s, m.id, REPLACED)
            _restore_township(s, m)
            done = s.execute(update(CountyMerge).where(CountyMerge.id == m.id, CountyMerge.row_version == m.row_version)
                             .values(undone_at=now(), undone_by=ctx.operator, row_version=m.row_version + 1))
            if done.rowcount != 1:
                raise MergeRefused(f"合并 {merge_id} 刚被其他人改动，未作任何改动，请重新查看合并记录。")
            write_audit(s, "countymerge", str(m.id), "撤销", note=f"撤销县级汇总合并 {m.file_name}",
                        before={"live": True}, after={"removed": removed, "restored": restored})
            server.reset_sequences(s.connection(), LIVE_TABLES)
            back_to = _standing_package(s, m.township_code, exclude=m.package_id)
    except IntegrityError:
        raise MergeRefused(f"撤销合并 {merge_id} 后，恢复的记录会与之后合并的其他乡镇数据冲突（同一身份证号、"
                           "户编号、村代码或发票）。请先撤销那些合并，未作任何改动。") from None
    return UndoOutcome(_entry_after(ctx, merge_id), removed, restored, back_to)


def _entry_after(ctx: AppContext, merge_id: int) -> MergeEntry:
    with ctx.read() as s:
        return _entry(s.get(CountyMerge, merge_id))


def _restore_township(s, m: CountyMerge) -> None:
    """The township row as it was before the merge; voided when the merge was its first."""
    kept = s.execute(select(CountyMergeRow.data).where(
        CountyMergeRow.merge_id == m.id, CountyMergeRow.role == REPLACED,
        CountyMergeRow.table_name == _TOWNSHIP)).scalar()
    if kept is None:
        s.execute(update(Township).where(Township.code == m.township_code).values(
            voided=True, void_reason=f"撤销了它的第一次合并（合并 {m.id}）"))
        return
    before = _decode(kept, _decoders(Township.__table__))
    s.execute(update(Township).where(Township.code == m.township_code).values(
        name=before["name"], county=before["county"], voided=before["voided"], void_reason=before["void_reason"]))


def _standing_package(s, code: str, exclude: int) -> str:
    from fupin_tui.models import CountyPackage

    p = s.execute(select(CountyPackage).where(CountyPackage.township_code == code, CountyPackage.id != exclude,
                                              CountyPackage.id.not_in(undone_packages()))
                  .order_by(CountyPackage.period.desc(), CountyPackage.exported_at.desc(), CountyPackage.id.desc())
                  ).scalars().first()
    return f"{p.period} 上报包 {p.file_name}" if p else ""


def count_kept(ctx: AppContext) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(CountyMergeRow)).scalar_one()
