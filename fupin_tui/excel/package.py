"""The submission package (导出上报包): one zip per township and period.

The zip holds the print-ready workbooks declared in ``sheets`` plus
``manifest.json`` (format version, township, period, export time, operator,
app version and, for each workbook, its sheets, row counts and SHA-256).
Sheets are streamed with xlsxwriter (``excel.xlsx_tables``) straight from
streaming queries, so memory stays flat however many households there are.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy import and_, func, inspect as sa_inspect, select
from sqlalchemy.sql import ColumnElement

from fupin_tui import __version__
from fupin_tui.context import AppContext
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui import sheets as schema
from fupin_tui.sheets import F, Sheet
from fupin_tui.excel.styles import Column, StrippedCell, pending_stripped, stripped_lines
from fupin_tui.excel.styles import stripped_heading as styles_heading
from fupin_tui.excel.xlsx_tables import TableBook
from fupin_tui.filenames import open_private
from fupin_tui.models import CountyOwned, Project, Township, Village

MANIFEST = "manifest.json"
PACKAGE_FORMAT = "fupin-tui 上报包"

# (done rows, total rows, what is being written)
Progress = Callable[[int, int, str], None]

_COLUMN_KIND = {"bool": "text", "qty": "text", "time": "text"}
_STEP = 500  # rows between progress reports and cancel checks


class ExportCancelled(DomainError):
    def __init__(self) -> None:
        super().__init__("导出已取消，未生成上报包。")


@dataclass
class ExportResult:
    path: Path
    manifest: dict
    rows: dict[str, int] = field(default_factory=dict)  # sheet name -> data rows
    stripped: list[StrippedCell] = field(default_factory=list)  # cells whose control characters were removed


def stripped_heading(count: int) -> str:
    return styles_heading(count, "导出", "上报包")


def stripped_report(result: ExportResult, shown: int = 10) -> list[str]:
    """What the export changed: the cells whose control characters (typed before the input checks
    existed) Excel cannot hold and were removed, by table, row, column and record, so the clerk can fix them."""
    return stripped_lines(result.stripped, shown)


def record_of(sheet: Sheet):
    """(record, number) of one of ``sheet``'s rows: its household or project, which the clerk opens to
    fix it, named by 户编号 where the sheet shows it (else 户记录号 / 项目记录号); else its 记录号."""
    attrs = [f.attr for f in sheet.fields]
    for kind in ("household", "project"):
        if sheet.table == kind:
            at, no = 0, "household_no"
        else:
            at = next((i for i, f in enumerate(sheet.fields) if f.ref == kind), None)
            no = "household.household_no"
        if at is None:
            continue
        if kind == "household" and no in attrs:
            number = functools.partial(_labelled, "户编号", attrs.index(no))
        else:
            number = functools.partial(_labelled, "户记录号" if kind == "household" else "项目记录号", at)
        return functools.partial(_record, kind, at, number)
    return functools.partial(_record, "", 0, functools.partial(_labelled, "记录号", 0))


def _labelled(label: str, at: int, row) -> str:
    return f"{label} {row[at]}"


def _record(kind: str, at: int, number, row) -> tuple[str, str]:
    return (f"{kind}:{row[at]}" if kind and row[at] is not None else "", number(row))


@dataclass(frozen=True)
class Scope:
    """Whose rows go into the package: a township (county database) and maybe one village."""

    township_code: str
    owned: bool  # the database is a county database: rows are picked by ownership
    village_id: int | None = None
    village_code: str | None = None


# --------------------------------------------------------------------------- scope


def _has_table(ctx: AppContext, name: str) -> bool:
    return sa_inspect(ctx.db.engine).has_table(name)


def townships(ctx: AppContext) -> list[tuple[str, str, str]]:
    """(code, name, county) of every township whose data this database holds."""
    with ctx.read() as s:
        rows = s.execute(select(Township.code, Township.name, Township.county).where(
            Township.voided == False).order_by(Township.code)).all()  # noqa: E712
    return [tuple(r) for r in rows]


def _is_county(ctx: AppContext) -> bool:
    if not _has_table(ctx, "countyowned"):
        return False
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(CountyOwned)).scalar_one() > 0


def _condition(table_name: str, scope: Scope) -> ColumnElement | None:
    """SQL condition that keeps the rows of this table inside the scope."""
    table = schema.MODELS[table_name].__table__
    parts = []
    if table_name in schema.PARENT:
        fk, parent = schema.PARENT[table_name]
        parent_cond = _condition(parent, scope)
        if parent_cond is not None:
            parent_table = schema.MODELS[parent].__table__
            parts.append(table.c[fk].in_(select(parent_table.c.id).where(parent_cond)))
    elif table_name == "findingack" and scope.village_id is not None:
        return table.c.id < 0  # acknowledgements are the township's: a village package has none
    else:
        if scope.owned:
            owned = select(CountyOwned.row_id).where(
                CountyOwned.township_code == scope.township_code, CountyOwned.table_name == table_name)
            parts.append(table.c.id.in_(owned))
        if scope.village_id is not None:
            if table_name == "village":
                parts.append(table.c.id == scope.village_id)
            elif table_name == "entity":
                projects = select(Project.id).where(Project.village_id == scope.village_id)
                parts.append((table.c.village_id == scope.village_id) | table.c.project_id.in_(projects))
            else:
                parts.append(table.c.village_id == scope.village_id)
    return and_(*parts) if parts else None


def _statement(sheet: Sheet, scope: Scope):
    table = sheet.model.__table__
    joins = {}
    columns = []
    for f in sheet.fields:
        if f.attr.startswith("="):
            columns.append(table.c.id.label(f"c{len(columns)}"))  # placeholder, computed later
        elif f.shown_only:
            parent_name, column = f.attr.split(".")
            if parent_name not in joins:
                fk = next(x.attr for x in sheet.fields if x.ref == parent_name)
                joins[parent_name] = (schema.MODELS[parent_name].__table__.alias(parent_name), fk)
            columns.append(joins[parent_name][0].c[column])
        else:
            columns.append(table.c[f.attr])
    columns += [table.c.voided, table.c.void_reason if "void_reason" in table.c else sa.null()]
    source = table
    for alias, fk in joins.values():
        source = source.outerjoin(alias, table.c[fk] == alias.c.id)
    stmt = select(*columns).select_from(source)
    cond = _condition(sheet.table, scope)
    if cond is not None:
        stmt = stmt.where(cond)
    for attr, value in sheet.where:
        stmt = stmt.where(table.c[attr] == value)
    return stmt.order_by(table.c.id)


def _count(ctx: AppContext, sheet: Sheet, scope: Scope) -> int:
    table = sheet.model.__table__
    stmt = select(func.count()).select_from(table)
    cond = _condition(sheet.table, scope)
    if cond is not None:
        stmt = stmt.where(cond)
    for attr, value in sheet.where:
        stmt = stmt.where(table.c[attr] == value)
    with ctx.db.engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


# --------------------------------------------------------------------------- cells


_AS_STORED = frozenset({"text", "money", "date", "id", "ratio", "qty"})  # kinds cell_value leaves as they are


def cell_value(f: F, value):
    """A database value as it is written in the package."""
    if value is None:
        return None
    if f.kind == "bool":
        return "是" if value else "否"
    if f.kind == "int" and isinstance(value, bool):
        return int(value)
    if f.kind == "time" and isinstance(value, datetime):
        return value.isoformat(sep=" ")  # as text: a cell's date would lose the seconds
    return value


def notice_lines(fields_json: str | None) -> str:
    """A notice's content as it is posted: one 事项：内容 a line (the raw JSON stays in a hidden column)."""
    try:
        items = json.loads(fields_json or "{}")
    except (TypeError, ValueError):
        return str(fields_json or "")
    if not isinstance(items, dict):
        return str(items)
    return "\n".join(f"{k}：{v}" for k, v in items.items())


_WRAP_WIDTH = 36  # printed width of a wrapped column


def columns_for(sheet: Sheet) -> list[Column]:
    cols = [Column(f.header, width=_WRAP_WIDTH if f.wrap else None, kind=_COLUMN_KIND.get(f.kind, f.kind),
                   wrap=f.wrap, printed=f.printed) for f in sheet.fields]
    return cols + [Column("作废", kind="text"), Column("作废原因", kind="text")]


def headers_for(sheet: Sheet) -> list[str]:
    return [c.header for c in columns_for(sheet)]


class _Counter:
    """Counts rows written, reports progress and honours the cancel flag."""

    def __init__(self, total: int, progress: Progress | None, cancel: threading.Event | None) -> None:
        self.total, self.done = total, 0
        self.progress, self.cancel = progress, cancel
        self.label = ""

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.done % _STEP == 0:
            self.check()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ExportCancelled()
        if self.progress is not None:
            self.progress(self.done, self.total, self.label)


# Computed (shown-only) columns: "=name" -> (source attribute, function of its value).
COMPUTED = {
    "=doc_name": ("doc_no", lambda no: schema.ARCHIVE_DOCS.get(no, "")),
    "=notice_lines": ("fields_json", notice_lines),
}


def _rows(ctx: AppContext, sheet: Sheet, scope: Scope, counter: _Counter) -> Iterator[list]:
    fields = sheet.fields
    n = len(fields)
    position = {f.attr: i for i, f in enumerate(fields)}
    computed = [(i, position[COMPUTED[f.attr][0]], COMPUTED[f.attr][1])
                for i, f in enumerate(fields) if f.attr.startswith("=")]
    # cell_value only where it can change something: millions of cells at township scale
    converted = [(i, f) for i, f in enumerate(fields) if f.kind not in _AS_STORED and not f.attr.startswith("=")]
    with ctx.db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=2000).execute(_statement(sheet, scope))
        for raw in result:
            values = list(raw)
            for i, f in converted:
                values[i] = cell_value(f, values[i])
            for i, source, fn in computed:
                values[i] = fn(raw[source])
            values[n] = "是" if raw[n] else None
            values[n + 1] = raw[n + 1] or None
            counter.tick()
            yield values


# --------------------------------------------------------------------------- extra sheets


DEADLINE_COLUMNS = [
    Column("项目记录号", kind="int"), Column("项目名称"), Column("项目状态"), Column("规则"), Column("事项"),
    Column("起算", kind="text"), Column("到期日", kind="date"), Column("完成日", kind="date"),
    Column("剩余工作日", kind="int"), Column("情况"), Column("说明"),
]


def _deadline_rows(ctx: AppContext, scope: Scope, counter: _Counter) -> Iterator[list]:
    try:
        from fupin_tui.domain import deadlines as dl
        from fupin_tui.services.projects import _projects_dates
    except ImportError:  # the project service is not there: no deadline sheet content
        return
    today = ctx.today()
    policy = ctx.policy
    cond = _condition("project", scope)
    where = Project.voided == False  # noqa: E712
    if cond is not None:
        where = and_(where, cond)
    with ctx.read() as s:
        projects = s.scalars(select(Project).where(where).order_by(Project.id)).all()
        dates = _projects_dates(s, projects, where)  # one query for all, not five per project
        for p in projects:
            for d in dl.project_deadlines(dates[p.id], policy, today):
                if d.done_on is None:
                    state = "已超期" if d.is_overdue(today) else "未到期"
                else:
                    state = "逾期完成" if d.done_late else "按期完成"
                yield [p.id, p.name, p.state, d.rule, d.label, d.basis, d.due, d.done_on,
                       d.workdays_left if d.done_on is None else None, state, d.warning or ""]
            counter.tick()


def _checks_available() -> bool:
    try:
        import fupin_tui.services.checks  # noqa: F401
    except ImportError:
        return False
    return True


# Fits A4 landscape at full size; 对象 and 问题 wrap inside their cells.
CHECK_COLUMNS = [Column("乡镇", width=12, wrap=True), Column("规则", width=7), Column("条款", width=9, wrap=True),
                 Column("严重程度", width=9), Column("对象", width=22, wrap=True), Column("问题", width=52, wrap=True),
                 Column("期限", kind="date"), Column("剩余工作日", kind="int", width=7, wrap=True),
                 Column("已确认原因", width=14, wrap=True)]


def _in_scope_ids(ctx: AppContext, table: str, scope: Scope) -> set[int] | None:
    cond = _condition(table, scope)
    if cond is None:
        return None  # the whole database is in scope
    model = schema.MODELS[table].__table__
    with ctx.db.engine.connect() as conn:
        return set(conn.execute(select(model.c.id).where(cond)).scalars())


def _findings(ctx: AppContext, scope: Scope):
    """The 体检 findings: on a township's file from the facts stored in it, read with plain sqlite3
    (``check_fast``, as ``fupin-tui check`` does: the same findings, without building every row's
    model object again); otherwise, or when the light path cannot, through the ORM."""
    from fupin_tui.services import checks

    path = getattr(ctx.db, "path", None)
    if path is not None and not scope.owned:
        from fupin_tui.services import check_fast

        result = check_fast.run(path, today=ctx.today())
        if result is not None:
            return result.findings
    return checks.run_checks(ctx).findings


def _check_rows(ctx: AppContext, scope: Scope, township_name: str) -> Iterator[list]:
    keep = {t: _in_scope_ids(ctx, t, scope) for t in ("project", "household")}
    for f in _findings(ctx, scope):
        kind, _, rid = (f.record or "").partition(":")
        ids = keep.get(kind)
        if ids is not None and rid.isdigit() and int(rid) not in ids:
            continue
        if getattr(f, "township", "") and f.township != township_name:
            continue  # a county database: another township's finding
        yield [getattr(f, "township", "") or township_name, f.rule, f.section, f.severity, f.record_label, f.message, f.due, f.workdays_left,
               f.ack.reason if f.ack else ""]


# --------------------------------------------------------------------------- writing


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _private_file(path: Path):
    return open_private(path)  # every package writer: 0600 even over a left-over file


def package_name(code: str, name: str, period: str, village_code: str | None = None) -> str:
    suffix = f"-{village_code}" if village_code else ""
    return f"{code}-{name}-{period}{suffix}.zip"


def default_period(today: date) -> str:
    return f"{today.year:04d}-{today.month:02d}"


def check_period(period: str) -> str:
    import re

    text = (period or "").strip()
    m = re.fullmatch(r"(\d{4})-?(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError("报送期", f"应写成 2026-11 这样的年-月，实际为“{period}”")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def _resolve_scope(ctx: AppContext, township_code: str | None, village_code: str | None) -> tuple[Scope, tuple]:
    towns = townships(ctx)
    if not towns:
        raise DomainError("还没有设置乡镇信息（乡镇代码和名称），不能导出上报包。")
    county = _is_county(ctx)
    if township_code is None:
        if county and len(towns) > 1:
            raise InputError("乡镇", "县级汇总库中有多个乡镇，请指定乡镇代码")
        town = towns[0]
    else:
        matches = [t for t in towns if t[0] == township_code]
        if not matches:
            raise InputError("乡镇", f"数据库中没有乡镇代码 {township_code}")
        town = matches[0]
    village_id = None
    if village_code:
        with ctx.read() as s:
            village = s.scalars(select(Village).where(Village.code == village_code.strip())).first()
        if village is None:
            raise InputError("村代码", f"没有代码为 {village_code} 的村")
        village_id = village.id
    return Scope(town[0], county, village_id, village_code.strip() if village_code else None), town


def export_package(ctx: AppContext, out_dir: Path | str, *, period: str | None = None,
                   village_code: str | None = None, township_code: str | None = None,
                   progress: Progress | None = None, cancel: threading.Event | None = None,
                   parallel: bool | None = None) -> ExportResult:
    """Write the submission package zip into ``out_dir`` and return where it is.

    Raises ExportCancelled when ``cancel`` is set; nothing is left behind then.
    ``parallel``: write with a second process (None: when the package is big enough to gain).
    """
    period = check_period(period) if period else default_period(ctx.today())
    scope, (code, name, county) = _resolve_scope(ctx, township_code, village_code)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("导出到", f"无法创建文件夹 {out_dir}（{exc.strerror}）") from exc

    with_checks = _checks_available()
    counts = {s.name: _count(ctx, s, scope) for s in schema.SHEETS}
    counter = _Counter(sum(counts.values()) + counts["项目"], progress, cancel)  # + the deadline pass
    counter.check()

    work = Path(tempfile.mkdtemp(prefix="fupin-export-", dir=out_dir))
    # the app's day (a fixed day in tests and demos), so the receiver's date checks agree with it
    exported_at = datetime.combine(ctx.today(), datetime.now().time()).replace(microsecond=0)
    subtitle = f"{county}{name}（{code}）  报送期 {period}" + (f"  村 {scope.village_code}" if scope.village_code else "") \
        + "  金额单位：元"
    names = schema.workbooks() + ([schema.CHECKS] if with_checks else [])
    jobs = [BookJob(book, scope, name, subtitle, str(work)) for book in names]
    if parallel is None:
        parallel = _parallel_pays(ctx, counter.total)
    try:
        written = None
        if parallel:
            try:
                written = _write_parallel(ctx, jobs, counter)
            except _WorkerLost:  # the worker could not start or died: write it all here, as before
                counter.done = 0
        if written is None:
            written = {job.book: write_book(ctx, job, counter) for job in jobs}
        books = [written[job.book] for job in jobs]
        stripped = [x for b in books for x in b.pop("stripped", [])]  # reported, not in the manifest
        counter.check()

        manifest = {
            "format": PACKAGE_FORMAT,
            "format_version": schema.FORMAT_VERSION,
            "township": {"code": code, "name": name, "county": county},
            "period": period,
            "village": scope.village_code,
            "exported_at": exported_at.isoformat(),
            "operator": ctx.operator,
            "app_version": __version__,
            "checks_included": with_checks,
            "workbooks": books,
        }
        target = out_dir / package_name(code, name, period, scope.village_code)
        partial = target.with_name(target.name + ".part")
        with _private_file(partial) as raw, zipfile.ZipFile(raw, "w") as zf:
            for book in books:
                # workbooks are zips already: store them, do not compress twice
                zf.write(work / book["file"], book["file"], compress_type=zipfile.ZIP_STORED)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2),
                        compress_type=zipfile.ZIP_DEFLATED)
        os.replace(partial, target)
    except BaseException:
        for leftover in out_dir.glob("*.zip.part"):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(counter.total, counter.total, "完成")
    return ExportResult(target, manifest, {m["name"]: m["rows"] for b in books for m in b["sheets"]}, stripped)


@dataclass(frozen=True)
class BookJob:
    """One workbook of the package to write (picklable: a worker process gets it as it is)."""

    book: str
    scope: Scope
    township_name: str
    subtitle: str
    work: str  # the package's temporary folder


def write_book(ctx: AppContext, job: BookJob, counter: _Counter) -> dict:
    """Write one workbook of the package into ``job.work``; its manifest entry. Nothing is left on failure."""
    name, subtitle, scope = job.township_name, job.subtitle, job.scope
    book_file = TableBook(Path(job.work) / job.book, tmpdir=job.work)
    pending = pending_stripped()  # this thread's: an export in a worker thread keeps its own
    mark = len(pending)
    try:
        sheets_meta = []
        if job.book == schema.CHECKS:
            rows = book_file.add_table("体检问题", title=f"{name}体检问题清单", subtitle=subtitle, columns=CHECK_COLUMNS,
                                       rows=_check_rows(ctx, scope, name))
            sheets_meta.append({"name": "体检问题", "rows": rows, "columns": [c.header for c in CHECK_COLUMNS],
                                "shown_only": True})
        for sheet in schema.sheets_of(job.book):
            counter.label = f"{job.book} / {sheet.name}"
            rows = book_file.add_table(sheet.name, title=f"{name}{sheet.title}", subtitle=subtitle,
                                       columns=columns_for(sheet), rows=_rows(ctx, sheet, scope, counter),
                                       signatures=sheet.signatures, key_columns=sheet.keys,
                                       record_of=record_of(sheet))
            sheets_meta.append({"name": sheet.name, "rows": rows, "columns": headers_for(sheet)})
            counter.check()
        if job.book == schema.PROJECTS:
            counter.label = f"{job.book} / 期限"
            rows = book_file.add_table("期限", title=f"{name}项目办理期限（工作日）",
                                       subtitle=subtitle + f"  计算日 {ctx.today()}",
                                       columns=DEADLINE_COLUMNS, rows=_deadline_rows(ctx, scope, counter),
                                       record_of=functools.partial(_record, "project", 0,
                                                                   functools.partial(_labelled, "项目记录号", 0)))
            sheets_meta.append({"name": "期限", "rows": rows, "columns": [c.header for c in DEADLINE_COLUMNS],
                                "shown_only": True})
        return {**_save(book_file, sheets_meta), "stripped": pending[mark:]}
    except BaseException:
        book_file.discard()
        raise
    finally:
        del pending[mark:]


# --------------------------------------------------------------------------- the second core
#
# The package is ten workbooks; the registry's (01) holds ~85% of the cells. With the
# second core this process writes that one while one worker process writes all the
# others (and runs the 体检 for 09), so the wall time is about the registry workbook's.
# The worker opens the database read-only itself; its progress comes back through a
# queue, a cancel or a failure here stops it through an event, and its refusal is raised
# here as the same DomainError (same words) as a serial export would raise.

_PARALLEL_ROWS = 50_000  # below this the worker's start (~1 s of imports) costs more than it saves


def _parallel_pays(ctx: AppContext, rows: int) -> bool:
    import sys

    if rows < _PARALLEL_ROWS or getattr(ctx.db, "path", None) is None or (os.cpu_count() or 1) < 2:
        return False
    return not getattr(sys, "frozen", False)  # a bundled executable: no worker processes (no freeze_support)


class _WorkerCounter(_Counter):
    """The worker's counter: progress goes to the parent's queue, the parent's event cancels."""

    def __init__(self, book: str) -> None:
        super().__init__(0, None, None)
        self.book = book

    def check(self) -> None:
        if _worker["stop"].is_set():
            raise ExportCancelled()
        _worker["queue"].put((self.book, self.done, self.label))


_worker: dict = {}


def _worker_start(queue, stop) -> None:
    _worker.update(queue=queue, stop=stop)


def _fixed_day(day: date) -> date:
    return day


def _worker_books(db_path: str, operator: str, today: date, jobs: list[BookJob]) -> dict:
    """In the worker process: write ``jobs`` one after the other; their manifest entries by workbook."""
    from fupin_tui.opening import open_database

    ctx = AppContext(db=open_database(Path(db_path), create=False, read_only=True), operator=operator,
                     today_fn=functools.partial(_fixed_day, today))
    try:
        out = {}
        for job in jobs:
            counter = _WorkerCounter(job.book)
            try:
                out[job.book] = write_book(ctx, job, counter)
            except BaseException as exc:
                raise _portable(exc) from None
            counter.check()
        return out
    finally:
        ctx.db.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` as it can cross to the parent process with the same class and words (else a DomainError)."""
    import pickle

    try:
        back = pickle.loads(pickle.dumps(exc))
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    except Exception:  # noqa: BLE001 - an exception that does not pickle: keep its words
        pass
    if isinstance(exc, DomainError):
        return DomainError(str(exc), rule=exc.rule, section=exc.section)
    return RuntimeError(f"{type(exc).__name__}: {exc}")


class _ParentCounter(_Counter):
    """This process's counter while the worker writes: adds the worker's progress, stops on its failure."""

    def __init__(self, outer: _Counter, queue, future) -> None:
        super().__init__(outer.total, outer.progress, outer.cancel)
        self.queue, self.future = queue, future
        self.mine, self.theirs = 0, {}

    def tick(self, n: int = 1) -> None:
        self.mine += n
        super().tick(n)

    def drain(self) -> None:
        import queue as queue_module

        while True:
            try:
                book, done, _label = self.queue.get_nowait()
            except queue_module.Empty:
                break
            self.theirs[book] = done
        self.done = self.mine + sum(self.theirs.values())

    def check(self) -> None:
        self.drain()
        if self.future.done() and self.future.exception() is not None:
            raise self.future.exception()
        super().check()
        self.done = self.mine  # tick() counts on from this process's own rows


class _WorkerLost(Exception):
    """The worker process did not start or died (not a refusal of the data): the export is redone here."""


def _write_parallel(ctx: AppContext, jobs: list[BookJob], counter: _Counter) -> dict:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import wait as wait_for
    from concurrent.futures.process import BrokenProcessPool

    spawn = multiprocessing.get_context("spawn")  # as on Windows, everywhere: no state inherited by fork
    queue, stop = spawn.Queue(), spawn.Event()
    first, rest = jobs[0], jobs[1:]
    pool = ProcessPoolExecutor(1, mp_context=spawn, initializer=_worker_start, initargs=(queue, stop))
    try:
        future = pool.submit(_worker_books, str(ctx.db.path), ctx.operator, ctx.today(), rest)
        mine = _ParentCounter(counter, queue, future)
        written = {first.book: write_book(ctx, first, mine)}
        while not wait_for([future], timeout=0.2).done:
            mine.check()  # progress, cancel and the worker's failure while it finishes
        written.update(future.result())
        mine.drain()
        counter.done, counter.label = mine.done, mine.label
        return written
    except BrokenProcessPool as exc:
        stop.set()
        raise _WorkerLost() from exc
    except BaseException:
        stop.set()  # the worker stops at its next check (every 500 rows) and removes its files
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        queue.close()


def _save(book_file: TableBook, sheets_meta: list[dict]) -> dict:
    path = book_file.close()
    return {"file": path.name, "sha256": _sha256(path), "bytes": path.stat().st_size, "sheets": sheets_meta}


def export_all(ctx: AppContext, out_dir: Path | str, *, period: str | None = None, village_code: str | None = None,
               progress: Progress | None = None, cancel: threading.Event | None = None,
               parallel: bool | None = None) -> list[ExportResult]:
    """One package per township held in the database (a county database holds several)."""
    codes = [t[0] for t in townships(ctx)] if _is_county(ctx) else [None]
    return [export_package(ctx, out_dir, period=period, village_code=village_code, township_code=code,
                           progress=progress, cancel=cancel, parallel=parallel) for code in codes]
