"""County merge (县级汇总): read township submission packages into one county database.

Order of work for each package: the zip and its manifest are checked (every
workbook's SHA-256) before anything is read; the workbooks are read back by
the sheet declarations of ``sheets``; then, in one transaction, the
township's older data is replaced by the package's and what changed is
reported. The same package twice changes nothing; an older package than the
one already read is refused.

Every merge is reversible (``services.county_merges``): the rows it replaces are kept whole
under its history row before they leave the live tables, and ``fupin-tui undo-merge N`` puts
them back. A merge takes its township's lock and an undo the county's (``server.merge_lock``): two
county users merging one township at once wait for each other instead of colliding; on a server
merges of different townships go on at the same time (ids from the sequences).

Memory stays flat with the size of the township: sheets are read one at a
time and row by row, rows are written in chunks as they are read, and only
compact tuples (ids, household numbers, states) are kept for the report.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from fupin_tui.context import AppContext
from fupin_tui import identity, identity_change, server
from fupin_tui.db import write_audit
from fupin_tui.opening import open_database
from fupin_tui.domain.errors import DomainError
from fupin_tui import sheets as schema
from fupin_tui.excel.package import MANIFEST, PACKAGE_FORMAT, headers_for
from fupin_tui.excel.readers import Book, SpreadsheetProblem, open_xlsx_bytes
from fupin_tui.excel.styles import FIRST_DATA_ROW, HEADER_ROW
from fupin_tui import package_safety as safety
from fupin_tui.package_safety import MAX_PACKAGE_BYTES, PackageRefused  # noqa: F401  (re-exported)
from fupin_tui.services import county_merges
from fupin_tui.services.county_merges import (  # noqa: F401  (UNREPORTED, unreported_columns re-exported)
    UNREPORTED, _ensure_county_tables, _subtree_ids, unreported_columns,
)
from fupin_tui.models import CountyMerge, CountyMergeRow, CountyOwned, CountyPackage, Household, Member, Project, Township
from fupin_tui.models.projects import STATES

_CHUNK = 2000  # rows per INSERT: enough for speed, small enough for memory


@dataclass
class PackageOutcome:
    file: str
    township: str  # "520123101 新安镇"
    period: str
    status: str  # 新导入 / 已更新 / 未变化
    households_added: list[str] = field(default_factory=list)
    households_exited: list[str] = field(default_factory=list)
    households_gone: list[str] = field(default_factory=list)
    projects_advanced: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # persons also registered in another township
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. columns an older package format does not carry
    merge_id: int | None = None  # its row in the merge history (services.county_merges), None when unchanged

    def lines(self) -> list[str]:
        out = [f"{self.file}：{self.township} {self.period}，{self.status}"]
        if self.status == "未变化":
            return out
        if self.merge_id is not None:
            out[0] += f"（合并 {self.merge_id}，可用 fupin-tui undo-merge {self.merge_id} 撤销）"
        out += ["  " + note for note in self.notes]
        out.append("  " + "，".join(f"{k} {v}" for k, v in self.rows.items() if k in ("户表", "成员表", "项目")))
        if self.status == "新导入" and self.households_added:
            out.append(f"  首次导入，共 {len(self.households_added)} 户")
        added = self.households_added if self.status != "新导入" else []
        for label, items in (("新增户", added), ("脱贫户", self.households_exited),
                             ("不再上报的户", self.households_gone), ("项目推进", self.projects_advanced),
                             ("跨乡镇重复登记", self.duplicates)):
            if items:
                shown = "；".join(items[:20]) + (f" 等共{len(items)}项" if len(items) > 20 else "")
                out.append(f"  {label}（{len(items)}）：{shown}")
        return out


@dataclass
class _Package:
    file: str
    manifest: dict
    digest: str
    books: dict[str, bytes]  # the verified workbooks, still zipped (a few MB in all)

    def book(self, workbook: str) -> Book:
        """Open a workbook to read sheet by sheet; the package lets go of its bytes."""
        try:
            return open_xlsx_bytes(self.books.pop(workbook), workbook)
        except SpreadsheetProblem as exc:
            raise PackageRefused(f"上报包 {self.file} 被拒绝：{exc}") from None


# --------------------------------------------------------------------------- checking


def _refuse(path: Path, problem: str) -> PackageRefused:
    return safety.refuse(path.name, problem)


def open_package(path: Path | str, today: date | None = None) -> _Package:
    """Read and verify a package (``package_safety``): members, manifest, period, every workbook's SHA-256."""
    path = Path(path)
    today = today or date.today()
    with safety.open_zip(path) as zf:
        manifest, digest = safety.read_manifest(zf, path.name, MANIFEST, PACKAGE_FORMAT, schema.FORMAT_VERSION)
        safety.township_of(manifest, path.name)
        exported = safety.moment(manifest.get("exported_at"), path.name, "exported_at")
        safety.check_created(exported, path.name, today)
        safety.check_month(manifest.get("period"), path.name, today, exported=exported)
        if manifest.get("village"):
            raise _refuse(path, f"只含村 {manifest['village']} 的数据，县级汇总需要全乡镇的上报包")
        _check_sheets_meta(manifest, path)
        books = safety.verify_files(zf, manifest.get("workbooks"), path.name)
    for needed in {s.workbook for s in schema.SHEETS} - schema.OPTIONAL_WORKBOOKS:
        if needed not in books:
            raise _refuse(path, f"缺少文件 {needed}")
    return _Package(path.name, manifest, digest, books)


def _check_sheets_meta(manifest: dict, path: Path) -> None:
    """Each workbook's sheets with a name and a whole number of rows (a bad count is refused, not a crash)."""
    if not isinstance(manifest.get("workbooks"), list):
        raise _refuse(path, "清单的文件列表无效")
    for book in manifest["workbooks"]:
        sheets = book.get("sheets") if isinstance(book, dict) else None
        if not isinstance(sheets, list):
            raise _refuse(path, f"清单中 {book.get('file', '') if isinstance(book, dict) else ''} 的工作表列表无效")
        for sheet in sheets:
            rows = sheet.get("rows") if isinstance(sheet, dict) else None
            if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str) \
                    or not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
                raise _refuse(path, f"清单中 {book.get('file', '')} 的工作表或行数无效")


# --------------------------------------------------------------------------- reading values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a text column
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


def _decimal(value: Any, places: str) -> Decimal | None:
    if value in ("", None):
        return None
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value).replace(",", "")).quantize(Decimal(places))


def _date(value: Any) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _int(value: Any) -> int | None:
    if value in ("", None):
        return None
    return int(float(value))


def _time(value: Any) -> datetime | None:
    if value in ("", None):
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


_PARSE: dict[str, Callable[[Any], Any]] = {
    "time": _time,
    "int": _int, "money": lambda v: _decimal(v, "0.01"), "ratio": lambda v: _decimal(v, "0.0001"),
    "qty": lambda v: _decimal(v, "0.001"), "date": _date, "bool": lambda v: _text(v) == "是",
}


def _value(f: schema.F, raw: Any, column) -> Any:
    value = _PARSE.get(f.kind, _text)(raw)
    if value is None or value == "":
        if column.nullable:
            return None
        if value is None:  # a NOT NULL number or date left empty: the column's default
            default = column.default.arg if column.default is not None else None
            return default() if callable(default) else default
    return value


def _sheet_rows(pkg: _Package, book: Book, sheet: schema.Sheet, missing: list[str] | None = None) -> Iterator[dict]:
    """The sheet's rows as table records, read one by one (ids are the township's 记录号).

    Columns are found by their header, so a package of an older format (fewer
    columns) is read too: a column it lacks is NULL where the table allows it,
    and its header is added to ``missing`` for the merge's note.
    """
    meta = next((m for b in pkg.manifest["workbooks"] if b["file"] == sheet.workbook
                 for m in b["sheets"] if m["name"] == sheet.name), None)
    if meta is None or sheet.name not in book.sheet_names:
        raise PackageRefused(f"上报包 {pkg.file} 被拒绝：{sheet.workbook} 缺少工作表「{sheet.name}」")
    expected = int(meta["rows"])
    table = sheet.model.__table__
    rows = book.rows(sheet.name)
    try:
        head = list(itertools.islice(rows, HEADER_ROW))
        headers = [_text(v) for v in (head[HEADER_ROW - 1] if len(head) >= HEADER_ROW else [])]
        position: dict[str, int] = {}
        for i, h in enumerate(headers):
            position.setdefault(h, i)
        if not headers or headers[0] != schema.ID.header or "作废" not in position or "作废原因" not in position:
            raise PackageRefused(f"上报包 {pkg.file} 被拒绝：{sheet.workbook}「{sheet.name}」的表头与格式不符")
        stored, absent = [], {}
        for f in sheet.fields:
            if f.shown_only:
                continue
            if f.header in position:
                stored.append((position[f.header], f, table.c[f.attr]))
            else:
                absent[f.attr] = _absent(table.c[f.attr])
                if missing is not None:
                    missing.append(f.header)
        void_at, reason_at = position["作废"], position["作废原因"]
        skip = FIRST_DATA_ROW - 1 - HEADER_ROW
        read = 0
        for offset, row in enumerate(itertools.islice(rows, skip, skip + expected)):
            try:
                record = {f.attr: _value(f, row[i], column) for i, f, column in stored}
                record.update(absent)
                record["voided"] = _text(row[void_at]) == "是"
                if "void_reason" in table.c:
                    record["void_reason"] = _text(row[reason_at]) or None
            except (ValueError, ArithmeticError, IndexError):
                where = f"第{FIRST_DATA_ROW + offset}行"
                raise PackageRefused(f"上报包 {pkg.file} 被拒绝：{sheet.workbook}「{sheet.name}」{where}的数据无法读取") from None
            read += 1
            yield record
        if read == expected:  # a manifest that under-counts would silently drop rows: the next one is no data
            after = next(rows, None)
            if after and _int_like(after[0]):
                raise PackageRefused(f"上报包 {pkg.file} 被拒绝：{sheet.workbook}「{sheet.name}」行数多于清单所写的 {expected} 行")
    except SpreadsheetProblem as exc:
        raise PackageRefused(f"上报包 {pkg.file} 被拒绝：{exc}") from None
    if read != expected:
        raise PackageRefused(f"上报包 {pkg.file} 被拒绝：{sheet.workbook}「{sheet.name}」行数与清单不符")


def _int_like(value: Any) -> bool:
    try:
        return value not in ("", None) and float(value).is_integer()
    except (TypeError, ValueError):
        return False


def _absent(column) -> Any:
    """The value of a column the package does not carry: NULL, never a made-up value.

    A NOT NULL column cannot hold NULL: it holds the table's default only
    because it must hold something; ``countyunreported`` marks it as not
    reported for the township and the merge's note says so (``_note_missing``).
    """
    if column.nullable:
        return None
    default = column.default.arg if column.default is not None else None
    return default() if callable(default) else default




# --------------------------------------------------------------------------- writing


def _refuse_township_database(s) -> None:
    households = s.execute(select(func.count()).select_from(Household)).scalar_one()
    owned = s.execute(select(func.count()).select_from(CountyOwned).where(
        CountyOwned.table_name == "household")).scalar_one()
    if households > owned:
        raise DomainError("这个数据库有乡镇自己登记的数据，不是县级汇总库。请用一个新的数据库文件（--db 县级汇总.db）。")


def _previous(s, code: str) -> tuple[dict[str, str], dict[int, tuple[str, str]]]:
    """(household_no -> status, project 记录号 -> (name, state)) of the township's current data."""
    households = dict(s.execute(
        select(Household.household_no, Household.status).join(CountyOwned, CountyOwned.row_id == Household.id)
        .where(CountyOwned.township_code == code, CountyOwned.table_name == "household")).all())
    projects = {src: (name, state) for src, name, state in s.execute(
        select(CountyOwned.source_id, Project.name, Project.state).join(Project, CountyOwned.row_id == Project.id)
        .where(CountyOwned.township_code == code, CountyOwned.table_name == "project")).all()}
    return households, projects


def _state_rank(state: str) -> int:
    return STATES.index(state) if state in STATES else -1


@dataclass
class _Seen:
    """What the change report needs of the package, kept as it streams past."""

    households: dict[str, tuple[str, str]] = field(default_factory=dict)  # live: no -> (head, status)
    projects: list[tuple[int, str, str]] = field(default_factory=list)  # 记录号, name, state
    live: dict[str, int] = field(default_factory=lambda: {"household": 0, "member": 0, "project": 0})

    def note(self, table: str, record: dict) -> None:
        if table in self.live and not record["voided"]:
            self.live[table] += 1
        if table == "household" and not record["voided"]:
            self.households[record["household_no"]] = (record["head_name"], record["status"])
        elif table == "project":
            self.projects.append((record["id"], record["name"], record["state"]))


def _compare(outcome: PackageOutcome, before: tuple, seen: _Seen) -> None:
    old_households, old_projects = before
    for no, (head, status) in seen.households.items():
        if no not in old_households:
            outcome.households_added.append(f"{no} {head}")
        elif status == "已脱贫" and old_households[no] != "已脱贫":
            outcome.households_exited.append(f"{no} {head}")
    outcome.households_gone = [no for no in old_households if no not in seen.households]
    for source_id, name, state in seen.projects:
        old = old_projects.get(source_id)
        if old and _state_rank(state) > _state_rank(old[1]):
            outcome.projects_advanced.append(f"{name}：{old[1]}→{state}")


def _duplicates(s, name: str, members: list[dict]) -> list[str]:
    """Mark members already registered (live) in another township; return what to report.

    Called chunk by chunk before the chunk is inserted. The package's own
    households are not in CountyOwned yet (that is written last), so its
    members inserted so far are never found here.
    """
    numbers = [m["id_number"] for m in members if not m["voided"]]
    found: dict[str, tuple[str, str]] = {}
    for chunk in range(0, len(numbers), 900):
        rows = s.execute(
            select(Member.id_number, Township.name, Household.household_no)
            .join(Household, Member.household_id == Household.id)
            .join(CountyOwned, (CountyOwned.row_id == Household.id) & (CountyOwned.table_name == "household"))
            .join(Township, Township.code == CountyOwned.township_code)
            .where(Member.voided == False, Member.id_number.in_(numbers[chunk:chunk + 900]))  # noqa: E712
        ).all()
        for number, town, household_no in rows:
            found[number] = (town, household_no)
    report = []
    for m in members:
        if not m["voided"] and m["id_number"] in found:
            town, household_no = found[m["id_number"]]
            m["voided"] = True
            m["void_reason"] = f"县级汇总：身份证号已在{town}（户编号 {household_no}）登记"
            report.append(f"{m['name']} {m['id_number']}：{town} 户编号 {household_no} 与 {name} 均有登记")
    return report


# Tables whose 记录号 other sheets refer to: only these need old id -> new id maps.
_REFERENCED = {f.ref for sh in schema.SHEETS for f in sh.fields if f.ref} | {"household", "project", "entity"}


def _insert_all(s, pkg: _Package, code: str, name: str, operator: str, outcome: PackageOutcome,
                progress: Callable[[str], None] | None = None) -> _Seen:
    """Read the package sheet by sheet and insert its rows in chunks, with new ids.

    The sheets come in ``schema.INSERT_ORDER``, so a row's references are
    always inserted before it.
    """
    seen = _Seen()
    new_ids: dict[str, dict[int, int]] = {}
    owned: list[tuple[str, int, int]] = []  # (table, new id, 记录号) of top-level rows

    written: dict[str, int] = {}
    total = sum(_expected(pkg, sh) for sh in schema.SHEETS) or 1  # the package's rows: the bar's 100 %

    def flush(model, table: str, batch: list[dict], sheet: schema.Sheet) -> None:
        if table == "member":
            outcome.duplicates += _duplicates(s, name, batch)
        elif table == "voucherline":
            _refuse_invoices_used_elsewhere(s, pkg, batch)
        # Core rows, not the ORM's bulk insert: that leaves out a row's None values and so splits a
        # chunk into one executemany per pattern of empty cells; on a server one COPY a chunk
        server.bulk_insert(s.connection(), model.__table__, batch)
        written[sheet.name] = written.get(sheet.name, 0) + len(batch)
        if progress:
            progress(f"{progress_bar(sum(written.values()), total)} {name}：{sheet.name} "
                     f"{written[sheet.name]}/{_expected(pkg, sheet)} 行")

    missing: dict[str, list[str]] = {}
    for workbook in schema.workbooks():
        if workbook in schema.OPTIONAL_WORKBOOKS and workbook not in pkg.books:
            outcome.notes.append(f"上报包不含 {workbook}（乡镇软件较旧），汇总库中没有该乡镇的"
                                 f"{'、'.join(sh.title for sh in schema.sheets_of(workbook))}")
            continue
        book = pkg.book(workbook)
        for sheet in schema.sheets_of(workbook):
            table = sheet.table
            model = schema.MODELS[table]
            ids = iter(server.new_ids(s.connection(), model.__table__, _expected(pkg, sheet)))
            refs = {f.attr: f.ref for f in sheet.fields if f.ref}
            record_refs = [f.attr for f in sheet.fields if (table, f.attr) in schema.RECORD_REFS]
            mapping = new_ids.setdefault(table, {}) if table in _REFERENCED else None
            batch: list[dict] = []
            for record in _sheet_rows(pkg, book, sheet, missing.setdefault(sheet.name, [])):
                if record_refs and not _map_records(record, record_refs, new_ids):
                    continue  # names a row the package does not hold: it would point at another township's
                seen.note(table, record)
                source_id = record["id"]
                record["id"] = next(ids)
                if mapping is not None:
                    mapping[source_id] = record["id"]
                if table in schema.ROOTS:
                    owned.append((table, record["id"], source_id))
                for attr, ref in refs.items():
                    old = record.get(attr)
                    if old is not None:
                        if old not in new_ids.get(ref, {}):
                            raise DomainError(f"上报包数据不完整：{table} 记录 {source_id} 引用的 {ref} 记录 {old} 不存在")
                        record[attr] = new_ids[ref][old]
                record.setdefault("created_by", operator)
                batch.append(record)
                if len(batch) >= _CHUNK:
                    flush(model, table, batch, sheet)
                    batch = []
            flush(model, table, batch, sheet)
        del book  # the sheet cells of this workbook can go before the next is opened
    _note_missing(outcome, pkg, missing, s, code)
    for start in range(0, len(owned), _CHUNK):
        server.bulk_insert(s.connection(), CountyOwned.__table__, [
            dict(township_code=code, table_name=table, row_id=row_id, source_id=source_id)
            for table, row_id, source_id in owned[start:start + _CHUNK]])
    return seen


def progress_bar(done: int, total: int, width: int = 20) -> str:
    """"[########------------]  40%": plain ASCII, drawn alike on every console (old Windows ones too)."""
    share = min(max(done / total, 0.0), 1.0) if total else 1.0
    filled = int(share * width)
    return f"[{'#' * filled}{'-' * (width - filled)}] {share:4.0%}"


def _expected(pkg: _Package, sheet: schema.Sheet) -> int:
    return next((int(m["rows"]) for b in pkg.manifest["workbooks"] if b["file"] == sheet.workbook
                 for m in b["sheets"] if m["name"] == sheet.name), 0)


def _map_records(record: dict, attrs: list[str], new_ids: dict[str, dict[int, int]]) -> bool:
    """Rewrite "project:12" (township 记录号) as "project:<county id>"; False when the row is not in the package.

    Other keys ("year:2026@…", a township-wide finding's text) name no row and stay as they are.
    """
    for attr in attrs:
        kind, sep, rid = (record.get(attr) or "").partition(":")
        if not sep or not rid.isdigit() or kind not in schema.MODELS:
            continue
        new = new_ids.get(kind, {}).get(int(rid))
        if new is None:
            return False
        record[attr] = f"{kind}:{new}"
    return True


def _note_missing(outcome: PackageOutcome, pkg: _Package, missing: dict[str, list[str]], s=None,
                  code: str = "") -> None:
    """Say which columns the package lacks, sheet by sheet, and mark them for the township (``UNREPORTED``).

    A column that cannot be NULL is named apart: the county holds the table's
    default there (否, 0 …), which the township never reported.
    """
    if s is not None:
        s.execute(delete(UNREPORTED).where(UNREPORTED.c.township_code == code))
    gaps = {name: cols for name, cols in missing.items() if cols}
    if not gaps:
        return
    version = int(pkg.manifest.get("format_version", 1))
    by_name = {sheet.name: sheet for sheet in schema.SHEETS}
    marks, defaulted = [], []
    for name, headers in gaps.items():
        sheet = by_name[name]
        fields = {f.header: f for f in sheet.fields}
        for header in headers:
            column = sheet.model.__table__.c[fields[header].attr]
            marks.append(dict(township_code=code, sheet=name, header=header, table_name=sheet.table,
                              column_name=column.name, not_null=not column.nullable, format_version=version))
            if not column.nullable:
                defaulted.append((name, header))
    if s is not None:
        s.execute(insert(UNREPORTED), marks)
    listed = "；".join(f"「{name}」{'、'.join(cols)}" for name, cols in gaps.items())
    outcome.notes.append(f"上报包为格式版本 {version}，不含以下列，汇总库中这些值为空（未上报），"
                         f"请乡镇升级软件后重新上报：{listed}")
    if defaulted:
        names = "；".join(f"「{name}」{header}" for name, header in defaulted)
        outcome.notes.append(f"其中这些列不能为空，汇总库只好存为默认值（如“否”、0），已标记为未上报，"
                             f"统计时不能当作乡镇的数据：{names}")


def _upsert_township(s, code: str, name: str, county: str, operator: str) -> None:
    existing = s.execute(select(Township.id).where(Township.code == code)).scalar()
    if existing:
        s.execute(update(Township).where(Township.id == existing).values(name=name, county=county, voided=False,
                                                                         void_reason=None))
    else:
        s.execute(insert(Township).values(code=code, name=name, county=county, created_by=operator))


def _refuse_invoices_used_elsewhere(s, pkg: _Package, lines: list[dict]) -> None:
    """An invoice reimbursed in another township (live 发票 lines are unique): refuse, naming both sides.

    Called before the chunk is inserted; the package's own vouchers are in the database already.
    """
    from fupin_tui.models import Voucher, VoucherLine

    wanted = {(ln["invoice_code"], ln["invoice_no"]): ln for ln in lines
              if ln.get("kind") == "发票" and not ln["voided"] and ln.get("invoice_no")}
    if not wanted:
        return
    numbers = sorted({no for _, no in wanted})
    for start in range(0, len(numbers), 900):
        rows = s.execute(
            select(VoucherLine.invoice_code, VoucherLine.invoice_no, Voucher.voucher_no, Project.name, Township.name)
            .join(Voucher, VoucherLine.voucher_id == Voucher.id)
            .join(Project, Voucher.project_id == Project.id)
            .join(CountyOwned, (CountyOwned.row_id == Project.id) & (CountyOwned.table_name == "project"))
            .join(Township, Township.code == CountyOwned.township_code)
            .where(VoucherLine.voided == False, VoucherLine.kind == "发票",  # noqa: E712
                   VoucherLine.invoice_no.in_(numbers[start:start + 900]))).all()
        for code, no, voucher_no, project, town in rows:
            line = wanted.get((code, no))
            if line is None:
                continue
            ours = s.execute(select(Voucher.voucher_no, Project.name).join(Project, Voucher.project_id == Project.id)
                             .where(Voucher.id == line["voucher_id"])).first()
            here = f"（本包凭证 {ours[0]}，项目「{ours[1]}」）" if ours else ""
            raise PackageRefused(
                f"上报包 {pkg.file} 被拒绝：发票代码 {code} 号码 {no}{here}已在{town}凭证 {voucher_no}"
                f"（项目「{project}」）报账，同一张发票不能在两个乡镇报账。请核实后由相关乡镇更正，汇总库未作改动。")


def _integrity_message(exc: IntegrityError, pkg: _Package) -> str:
    text = str(exc.orig)
    what = {"household.household_no": "户编号与其他乡镇重复", "village.code": "村代码与其他乡镇重复",
            "project.file_number": "项目档号与其他乡镇重复", "voucherline.invoice": "发票已在其他乡镇报账"}
    reason = next((v for k, v in what.items() if k in text), "数据与已汇总的其他乡镇冲突")
    return f"上报包 {pkg.file} 被拒绝：{reason}，汇总库未作改动。"


def _refuse_renaming(s, pkg: _Package, code: str, name: str) -> None:
    """A package must not quietly change which name a code stands for (冒名镇), or which code a name has."""
    known = s.execute(select(Township.name).where(Township.code == code, Township.voided == False)).scalar()  # noqa: E712
    if known is not None and known != name:
        raise PackageRefused(
            f"上报包 {pkg.file} 被拒绝：乡镇代码 {code} 在汇总库中是“{known}”，上报包写的是“{name}”。"
            f"如确属乡镇更名，请核实后加 --confirm-rename 重新导入；汇总库未作改动。")
    other = s.execute(select(Township.code).where(Township.name == name, Township.code != code,
                                                  Township.voided == False)).scalar()  # noqa: E712
    if other is not None:
        raise PackageRefused(
            f"上报包 {pkg.file} 被拒绝：“{name}”在汇总库中的乡镇代码是 {other}，上报包写的是 {code}。"
            f"如确属代码调整，请核实后加 --confirm-rename 重新导入；汇总库未作改动。")


def _latest(s, code: str) -> CountyPackage | None:
    """The package that stands for the township now (newest period, then newest export)."""
    return s.execute(select(CountyPackage).where(CountyPackage.township_code == code,
                                                 CountyPackage.id.not_in(county_merges.undone_packages()))
                     .order_by(CountyPackage.period.desc(), CountyPackage.exported_at.desc(),
                               CountyPackage.id.desc())).scalars().first()


def _is_unchanged(s, code: str, pkg: _Package, m: dict) -> bool:
    """True when this very package stands for the township already; refuses an older one."""
    latest = _latest(s, code)
    if latest is None:
        return False
    if latest.manifest_sha256 == pkg.digest:
        return True
    if (str(m["period"]), str(m["exported_at"])) < (latest.period, latest.exported_at):
        raise PackageRefused(
            f"上报包 {pkg.file} 被拒绝：比已导入的 {latest.period}（{latest.exported_at} 导出）旧，汇总库未作改动。")
    return False


def merge_one(ctx: AppContext, path: Path | str, progress: Callable[[str], None] | None = None, *,
              confirm_rename: bool = False) -> PackageOutcome:
    pkg = open_package(path, ctx.today())
    code, name, _ = safety.township_of(pkg.manifest, pkg.file)
    _ensure_county_tables(ctx)
    with ctx.read() as s:
        _refuse_township_database(s)
        if not confirm_rename:
            _refuse_renaming(s, pkg, code, name)
    if ctx.db.identity().kind != identity.COUNTY:
        with ctx.transaction() as s:  # a database that takes packages is a county database
            identity_change.mark_in(s, kind=identity.COUNTY, township_code="", township_name="")
    with ctx.read() as s:
        if _is_unchanged(s, code, pkg, pkg.manifest):
            return _outcome(pkg, "未变化")
    try:
        try:
            return _merge_locked(ctx, pkg, progress, alone=False)
        except (IntegrityError, sa.exc.OperationalError) as exc:
            if not _collided(ctx, exc):
                raise
        # On a server, merged alongside another township's merge and both wrote the same person or
        # invoice (the unique indexes stopped the second): again, alone, once the other has
        # committed — now the person is found and reported as registered twice, as one by one.
        if progress:
            progress(f"{name}：与另一乡镇的合并同时写入了相同的身份证号或发票，等其完成后重新合并……")
        pkg = open_package(path, ctx.today())  # its workbooks were read (and let go) by the first try
        return _merge_locked(ctx, pkg, progress, alone=True)
    except IntegrityError as exc:
        raise PackageRefused(_integrity_message(exc, pkg)) from None


def _outcome(pkg: _Package, status: str) -> PackageOutcome:
    code, name, _ = safety.township_of(pkg.manifest, pkg.file)
    return PackageOutcome(pkg.file, f"{code} {name}", str(pkg.manifest["period"]), status)


def _collided(ctx: AppContext, exc: Exception) -> bool:
    """A unique index or a deadlock stopped a server merge: perhaps another township's merge running
    at the same time (``server.merge_lock``); SQLite merges one at a time, a conflict is real."""
    if ctx.db.engine.dialect.name != "postgresql":
        return False
    if isinstance(exc, IntegrityError):
        return True
    import psycopg

    return isinstance(getattr(exc, "orig", None), psycopg.errors.DeadlockDetected)


def _merge_locked(ctx: AppContext, pkg: _Package, progress: Callable[[str], None] | None,
                  alone: bool) -> PackageOutcome:
    """The merge itself, in one transaction under the merge locks."""
    m = pkg.manifest
    code, name, county = safety.township_of(m, pkg.file)
    outcome = _outcome(pkg, "新导入")
    with ctx.transaction() as s:
        # Two county users merging one township at once: one waits for the other, then decides on
        # what the other committed (a newer package merged meanwhile makes this one older: refused).
        # Other townships' merges go on at the same time on a server.
        server.merge_lock(s.connection(), "county-merge", code, alone=alone, waiting=lambda: progress and progress(
            f"{name}：等待另一位县级用户的合并或撤销完成……"))
        if _is_unchanged(s, code, pkg, m):
            outcome.status = "未变化"
            return outcome
        if _latest(s, code) is not None:
            outcome.status = "已更新"
        before = _previous(s, code)
        # reversible: the township's rows are kept whole under this merge before they go
        merge_id = county_merges.start(s, package_file=pkg.file, code=code, name=name, period=str(m["period"]),
                                       status=outcome.status, operator=ctx.operator)
        replaced = county_merges.keep_and_remove(s, merge_id, county_merges.REPLACED,
                                                 county_merges.township_rows(s, code), code)
        _upsert_township(s, code, name, county, ctx.operator)
        seen = _insert_all(s, pkg, code, name, f"{m.get('operator', '')}（{name}）", outcome, progress)
        _compare(outcome, before, seen)
        # live rows as the package has them (before duplicates are voided)
        outcome.rows = {sh.name: seen.live[sh.table] for sh in schema.SHEETS if sh.name in ("户表", "成员表", "项目")}
        summary = "\n".join(outcome.lines())
        package_id = s.execute(insert(CountyPackage).values(
            township_code=code, township_name=name, county=county, period=str(m["period"]),
            exported_at=str(m["exported_at"]), exported_by=str(m.get("operator", "")),
            app_version=str(m.get("app_version", "")), manifest_sha256=pkg.digest, file_name=pkg.file,
            imported_by=ctx.operator, summary=summary).returning(CountyPackage.id)).scalar_one()
        county_merges.finish(s, merge_id, package_id, {**outcome.rows, "replaced": replaced})
        outcome.merge_id = merge_id
        write_audit(s, "countypackage", code, "导入", note=f"县级汇总 {pkg.file}：{outcome.status}",
                    after={"rows": outcome.rows, "period": m["period"]})
        # ids came from the sequences (``server.new_ids``): nothing to move on after (and moving a
        # sequence to this transaction's max(id) could hand a running merge's ids out again)
    return outcome


def import_packages(zip_paths: list[Path | str], county: AppContext | Path | str, operator: str = "",
                    progress: Callable[[int, int, str], None] | None = None,
                    confirm_rename: bool = False,
                    rows_progress: Callable[[str], None] | None = None) -> list[PackageOutcome]:
    """Merge packages one by one (each its own transaction), oldest period first.

    A refused package raises PackageRefused; packages merged before it stay merged.
    """
    own = not isinstance(county, AppContext)
    ctx = AppContext(db=open_database(county, kind=identity.COUNTY), operator=operator or "县级汇总") if own else county
    try:
        _ensure_county_tables(ctx)
        ordered = sorted((Path(p) for p in zip_paths), key=_period_key)
        outcomes = []
        for i, path in enumerate(ordered):
            if progress:
                progress(i, len(ordered), path.name)
            outcomes.append(merge_one(ctx, path, rows_progress, confirm_rename=confirm_rename))
        return outcomes
    finally:
        if own:
            ctx.db.close()


def _period_key(path: Path) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(path) as zf:
            m = json.loads(zf.read(MANIFEST).decode("utf-8"))
        return str(m.get("period", "")), str(m.get("exported_at", ""))
    except Exception:  # noqa: BLE001 - a broken package is refused properly when merged
        return ("", "")


import_package = import_packages  # the name the issue uses
