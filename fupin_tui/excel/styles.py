"""Print-ready tables for every workbook the app writes.

One call, `write_table`, lays out a sheet the way a township office prints
it: title row, optional subtitle, one header row repeated on every printed
page, bordered data cells, a frozen header, A4 landscape, page numbers in the
footer and a signature line under the data.

Paper must stay legible (text at least 8 pt, measured on LibreOffice's PDF by
tests/unit/test_print_render.py): a table that fits the page width at
`MIN_FIT_SCALE` or more is fitted to it; a wider one is printed at full size
in sections, its key columns (`key_columns`, e.g. 记录号 户编号 户主姓名)
repeated on the left of every section. The layout is decided by
`print_layout`, free of the writer, so another writer can apply the same.

The fixed layout (title row 1, subtitle row 2, header row 3, data from row 4)
is part of the package format: the county merge reads tables back by it.

`write_table` writes a normal openpyxl worksheet (the printouts); each column
gets one prepared cell whose style is computed once. The submission package,
millions of cells, is streamed with xlsxwriter by ``excel.xlsx_tables`` from the
same widths, layout and row heights.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterable, Iterator, Sequence

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from fupin_tui.domain.errors import DomainError

TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

KINDS = ("text", "money", "date", "int", "id", "ratio")

NUMBER_FORMATS = {
    "text": "General",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "int": "0",
    "id": "@",  # text: an 18-digit ID must never become 5.2E+17
    "ratio": "0.00%",
}

# Widths (in Excel character units) when neither the caller nor the data says more.
_MIN_WIDTH = {"text": 6, "money": 10, "date": 11, "int": 5, "id": 8, "ratio": 8}
_MAX_WIDTH = 48
SAMPLE_ROWS = 200  # rows looked at to size the columns

# Characters that make spreadsheet programs treat typed text as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_FONT_NAME = "宋体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class Column:
    """One column of a printed table: header text, width (None: fit) and kind."""

    header: str
    width: float | None = None
    kind: str = "text"
    wrap: bool = False  # long text wraps inside the cell (the row grows) instead of running over
    printed: bool = True  # False: the column is in the sheet (for programs) but hidden on paper

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; use one of {KINDS}")


# Blocks whose every character is wide (East Asian Width W or F): CJK punctuation, ideographs, full-width forms.
_WIDE_BLOCKS = "\u3000-\u303e\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"
_WIDE = re.compile(f"[{_WIDE_BLOCKS}]")
_LOOK_UP = re.compile(f"[^\x00-\x7f{_WIDE_BLOCKS}]")  # anything else is looked up character by character


def display_width(text: str) -> int:
    """Columns the text takes on screen or paper: CJK and full-width count 2.

    Sized for the package's 体检 sheet (hundreds of thousands of wrapped cells): ASCII and the
    common wide blocks are counted by a regular expression, only other characters one by one.
    """
    if text.isascii():
        return len(text)
    width = 2 * len(text) - len(_WIDE.sub("", text))
    if _LOOK_UP.search(text):
        width += sum(1 for ch in _LOOK_UP.findall(text) if unicodedata.east_asian_width(ch) in "WF")
    return width


EXCEL_CELL_LIMIT = 32767  # characters in one cell; Excel and WPS cut the rest without a word


class CellTooLong(DomainError):
    """A value longer than a cell holds: the export is refused rather than cut (issue 12 item 6)."""

    def __init__(self, length: int, where: str = "") -> None:
        self.length = length
        self.where = where
        DomainError.__init__(self, f"导出未完成：{where or '有一项内容'}长 {length} 个字，超过 Excel 单元格上限 "
                         f"{EXCEL_CELL_LIMIT} 个字。为免被截断，没有生成文件；请先把这一项改短或分成几项。")


# Cells whose control characters were removed (Excel cannot hold them): data typed before the
# input checks existed may hold them, and nothing leaves the machine changed without a word.
# Every writer reports each such cell with `report_stripped`; an export or a printout then lists
# them, each with the record to open and fix.
#
# The list is context-local, not one list of the process: the app writes exports and printouts
# in worker threads, and two of them at once must neither mix their reports nor take (delete)
# each other's. `collect_stripped` gives its block a fresh list of its own; outside one, each
# thread (context) has its own list, `pending_stripped()`.
_STRIPPED: ContextVar[list | None] = ContextVar("fupin_stripped_cells", default=None)


def pending_stripped() -> list:
    """This context's reports not yet taken: StrippedCell entries, and (row index, column index, text)
    left by `safe_text` for the table writer to label (`label_stripped`)."""
    cells = _STRIPPED.get()
    if cells is None:
        cells = []
        _STRIPPED.set(cells)
    return cells


@dataclass(frozen=True)
class StrippedCell:
    """One cell written without the control characters its text held, and the record it came from."""

    table: str
    row: int  # the data row as printed (the first data row is 1)
    column: str
    removed: str  # "U+0007 U+001B"
    record: str = ""  # "household:12" or "project:5": what the 导出 screen opens (FupinApp.open_record)
    number: str = ""  # the record as the clerk knows it, e.g. "户编号 5201231010001"

    def __str__(self) -> str:
        whose = f"（{self.number}）" if self.number else ""
        if not self.row:  # row 0: the title or the line under it (表头说明), above the table
            return f"「{self.table}」{self.column}{whose}：去掉了 {self.removed}"
        return f"「{self.table}」第 {self.row} 行「{self.column}」{whose}：去掉了 {self.removed}"


def stripped_heading(count: int, what: str = "导出", copy: str = "上报包") -> str:
    """The line above a list of stripped cells: ``what`` the clerk did, ``copy`` what now differs."""
    return (f"注意：{count} 处内容含 Excel 不能保存的控制字符，{what}时已去掉"
            f"（{copy}与本机数据在这些地方不同，请打开该记录改正后重新{what}）：")


def stripped_lines(cells: list, shown: int = 10, what: str = "导出", copy: str = "上报包") -> list[str]:
    """A text report of stripped cells for a command's output: the heading, the first ``shown`` cells
    (indented), and how many more there are."""
    if not cells:
        return []
    lines = [stripped_heading(len(cells), what, copy)]
    lines += [f"  {x}" for x in cells[:shown]]
    if len(cells) > shown:
        lines.append(f"  …… 另有 {len(cells) - shown} 处")
    return lines


def removed_characters(text: str) -> str:
    """The characters Excel cannot hold in ``text``, as "U+0007 U+001B" (each once)."""
    return " ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(ILLEGAL_CHARACTERS_RE.findall(text)))


def report_stripped(table: str, row: int, column: str, text: str, record: str = "", number: str = "") -> StrippedCell:
    """Report that ``text`` went into a cell without its control characters (the one way every writer does).

    ``row`` is the data row as printed; ``record`` ("household:12", "project:5") and ``number``
    ("户编号 …") say whose record it is, so the clerk can open it and fix it.
    """
    entry = StrippedCell(table, row, column, removed_characters(text), record, number)
    pending_stripped().append(entry)
    return entry


def report_if_stripped(table: str, row: int, column: str, value: Any, whose: tuple[str, str] | None = None) -> None:
    """Report ``value`` when a cell cannot hold it whole (``safe_text`` then removes characters)."""
    if isinstance(value, str) and not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):
        report_stripped(table, row, column, value, *(whose or ("", "")))


@contextmanager
def collect_stripped() -> Iterator[list[StrippedCell]]:
    """The cells reported while the block writes a file (a printout): the list is filled on leaving.

    The block reports into a list of its own (in this thread, or this task), so a printout in one
    worker thread never lists, nor takes, what an export in another reports meanwhile."""
    own: list = []
    token = _STRIPPED.set(own)
    cells: list[StrippedCell] = []
    try:
        yield cells
    finally:
        _STRIPPED.reset(token)
        cells.extend(x for x in own if isinstance(x, StrippedCell))


def label_stripped(mark: int, title: str, columns: list, row_no, record=None) -> None:
    """Report the cells left pending since ``mark`` (``row_no(r)``: the row as shown; ``record(r)``:
    (record, number) of row index r, or None)."""
    pending = pending_stripped()
    entries = pending[mark:]
    del pending[mark:]
    for entry in entries:
        if isinstance(entry, tuple):
            r, c, text = entry
            rec, number = (record(r) if record is not None else None) or ("", "")
            report_stripped(title, row_no(r), columns[c].header, text, rec, number)
        else:
            pending.append(entry)


def safe_text(value: Any, at: tuple[int, int] | None = None) -> str:
    """Text fit for a cell: None -> "", characters Excel refuses removed; too long is refused (``CellTooLong``).

    Formula protection is applied when the text is written: `write_table` and
    `set_text` store text starting with = + - @ (or tab/CR) as a string cell
    with the quote prefix, so Excel/WPS never evaluate it.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if len(text) > EXCEL_CELL_LIMIT:
        raise CellTooLong(len(text))
    if text.isprintable():  # the usual case, checked in C: nothing to remove
        return text
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    if at is not None and cleaned != text:  # a data cell: reported (`pending_stripped`), not changed silently
        pending_stripped().append((*at, text))
    return cleaned


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) or text in ERROR_CODES


def set_text(cell: Cell, value: Any) -> Cell:
    """Put text in a cell so it stays text, even when it looks like a formula."""
    text = safe_text(value)
    cell.value = text
    if looks_like_formula(text):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# --- styles computed once per column -----------------------------------------


def _style_column(dim, kind: str) -> None:
    """The column's own style: Excel/WPS draw cells absent from the file with it (borders on empty cells)."""
    dim.font = Font(name=_FONT_NAME, size=10)
    dim.border = _BORDER
    dim.number_format = NUMBER_FORMATS[kind]


def _data_cell(ws, kind: str, quoted: bool = False, wrap: bool = False) -> Cell:
    cell = Cell(ws)
    cell.font = Font(name=_FONT_NAME, size=10)
    cell.border = _BORDER
    cell.number_format = NUMBER_FORMATS[kind]
    horizontal = {"money": "right", "int": "right", "ratio": "right", "date": "center"}.get(kind)
    cell.alignment = Alignment(horizontal=horizontal, vertical="top" if wrap else "center", wrap_text=wrap or None)
    if quoted:
        cell.quotePrefix = True
    return cell


def _header_cell(ws, text: str) -> Cell:
    cell = Cell(ws, value=safe_text(text))
    cell.font = Font(name=_FONT_NAME, size=10, bold=True)
    cell.border = _BORDER
    cell.fill = PatternFill("solid", fgColor="D9D9D9")
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _title_cell(ws, text: str, size: int, bold: bool) -> Cell:
    cell = Cell(ws, value=safe_text(text) or None)
    cell.font = Font(name=_FONT_NAME, size=size, bold=bold)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _plain_cell(ws, text: str = "") -> Cell:
    cell = Cell(ws, value=safe_text(text) or None)
    cell.font = Font(name=_FONT_NAME, size=10)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    return cell


# --- value conversion ----------------------------------------------------------


def _convert(kind: str, value: Any) -> Any:
    """The value as it should sit in a cell of this kind."""
    if value is None or value == "":
        return None
    if kind == "id":
        return safe_text(value)
    if kind == "text":
        if isinstance(value, (int, float, Decimal, _dt.date)) and not isinstance(value, bool):
            return value
        return safe_text(value)
    if kind == "date" and isinstance(value, _dt.datetime):
        return value
    if kind in ("money", "ratio") and isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return safe_text(value)
    return value


def _fill(cell: Cell, quoted: Cell, kind: str, value: Any) -> Cell:
    """Set the value on the column's prepared cell (or its quoted twin)."""
    value = _convert(kind, value)
    if isinstance(value, str) and value and looks_like_formula(value):
        quoted.value = value
        quoted.data_type = "s"
        return quoted
    cell.value = value
    return cell


def column_widths(columns: Sequence[Column], sample: Sequence[Sequence]) -> list[float]:
    widths = []
    for i, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        # the header row holds two lines: a long header wraps rather than widening the column
        head = display_width(col.header)
        need = max(_MIN_WIDTH[col.kind], min(head if head <= 8 else (head + 1) // 2 + 1, 24))
        for row in sample:
            if i < len(row) and row[i] is not None:
                value = row[i]
                if col.kind == "money":
                    text = f"{value:,.2f}" if isinstance(value, (int, float, Decimal)) else str(value)
                elif col.kind == "date":
                    text = "2026-01-01"
                else:
                    text = str(value)
                need = max(need, display_width(text))
        widths.append(min(need + 2, _MAX_WIDTH))
    return widths


_column_widths = column_widths


# --- print layout (independent of the writer) ------------------------------------

MARGIN_SIDE_IN, MARGIN_TOP_IN = 0.4, 0.6
MIN_FIT_SCALE = 0.8  # 10 pt text shrunk to fit the width stays at 8 pt or more
_A4_PT = (595.3, 841.9)
# Printed width of one Excel width unit (the default font's digit, 7 px at 96 dpi, + padding), a little generous.
_PT_PER_UNIT = 5.6
_PT_PADDING = 4.0


@dataclass(frozen=True)
class PrintLayout:
    """How a table goes on A4: fitted to the width, or at full size in sections with key columns repeated."""

    landscape: bool
    fit_width: bool
    title_cols: int  # key columns repeated on every section (0: none)
    title_span: int  # columns the title is centred over (the first section's width)


def column_points(width: float) -> float:
    return width * _PT_PER_UNIT + _PT_PADDING


def print_layout(widths: Sequence[float], printed: Sequence[bool], key_columns: int, landscape: bool) -> PrintLayout:
    page = (_A4_PT[1] if landscape else _A4_PT[0]) - 2 * MARGIN_SIDE_IN * 72
    shown = [column_points(w) if p else 0.0 for w, p in zip(widths, printed)]
    if sum(shown) * MIN_FIT_SCALE <= page:
        return PrintLayout(landscape, True, 0, len(widths))
    keys = min(key_columns, len(widths))
    used, span = 0.0, 0
    for i, w in enumerate(shown):
        if used + w > page:
            break
        used, span = used + w, i + 1
    return PrintLayout(landscape, False, keys, max(span, 1))


def _setup_print(ws, layout: PrintLayout) -> None:
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    if layout.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
    else:  # full size, in sections: all rows of the first columns, then the next columns, key columns on each
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = 100
        ws.page_setup.pageOrder = "downThenOver"
        if layout.title_cols:
            ws.print_title_cols = f"A:{get_column_letter(layout.title_cols)}"
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_IN
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.HeaderFooter.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.HeaderFooter.evenFooter.center.text = "第 &P 页，共 &N 页"


LINE_PT = 12.5  # one line of 10 pt text


def wrapped_lines(value: Any, width: float) -> int:
    """Lines a value takes in a wrapped cell of this width (width units; a CJK character is 2)."""
    if value is None or value == "":
        return 1
    room = max(int(width) - 1, 2)
    if isinstance(value, str) and 2 * len(value) <= room and "\n" not in value:
        return 1  # fits even if every character is wide: no need to measure (the 体检 sheet's many short cells)
    return sum(max(1, -(-display_width(part) // room)) for part in str(value).split("\n"))


def signature_text(signatures: Sequence[str]) -> str:
    return "        ".join(f"{name}：____________" for name in signatures)


def write_table(
    ws,
    *,
    title: str,
    columns: list[Column],
    rows: Iterable[Sequence],
    subtitle: str = "",
    signatures: Sequence[str] = ("制表人", "审核人", "日期"),
    landscape: bool = True,
    key_columns: int = 1,
    record: tuple[str, str] | None = None,
    record_of: Callable[[Sequence], tuple[str, str] | None] | None = None,
    field_of: Callable[[Sequence, int], str] | None = None,
) -> int:
    """Write a print-ready table on an empty sheet; return the number of data rows.

    `rows` may be any iterable (a streaming query), it is read once. A cell that loses control
    characters is reported (``report_stripped``) by ``title``, row and column header — or
    ``field_of(row, i)``, the field it holds (a form of label/value pairs) — and
    the record it belongs to: ``record_of(row)`` or the printout's ``record``, as (record, number),
    e.g. ("household:12", "户编号 …"), which the clerk opens to fix it.
    """
    if not columns:
        raise ValueError("a table needs at least one column")
    ncols = len(columns)

    rows = iter(rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    widths = column_widths(columns, sample)
    for letter_index, width in enumerate(widths, 1):
        dim = ws.column_dimensions[get_column_letter(letter_index)]
        dim.width = width
        col = columns[letter_index - 1]
        _style_column(dim, col.kind)
        if not col.printed:
            dim.hidden = True
    layout = print_layout(widths, [c.printed for c in columns], key_columns, landscape)
    _setup_print(ws, layout)

    last = get_column_letter(ncols)
    span = get_column_letter(layout.title_span)
    merges = [f"A{TITLE_ROW}:{span}{TITLE_ROW}", f"A{SUBTITLE_ROW}:{span}{SUBTITLE_ROW}"]
    ws.row_dimensions[TITLE_ROW].height = 28
    ws.row_dimensions[HEADER_ROW].height = 30

    report_if_stripped(title, 0, "标题", title, record)
    report_if_stripped(title, 0, "表头说明", subtitle, record)
    # every cell of the rows outside the table is written, so the column borders do not show there
    head = [
        [_title_cell(ws, title, 16, True)] + [_title_cell(ws, "", 16, True) for _ in columns[1:]],
        [_title_cell(ws, subtitle, 10, False)] + [_title_cell(ws, "", 10, False) for _ in columns[1:]],
        [_header_cell(ws, c.header) for c in columns],
    ]
    emit = _Emitter(ws)
    for row in head:
        emit.row(row)

    kinds = [c.kind for c in columns]
    prepared = [_data_cell(ws, c.kind, wrap=c.wrap) for c in columns]
    quoted = [_data_cell(ws, c.kind, quoted=True, wrap=c.wrap) for c in columns]
    count = 0
    blank = [_plain_cell(ws) for _ in columns]
    wrapped = [(i, widths[i]) for i, c in enumerate(columns) if c.wrap]
    for values in itertools.chain(sample, rows):
        if wrapped:  # spreadsheet programs do not grow rows on opening: give the height the text needs
            lines = max(wrapped_lines(values[i] if i < len(values) else None, w) for i, w in wrapped)
            if lines > 1:
                ws.row_dimensions[emit.next_row].height = LINE_PT * lines + 3
        cells = []
        for i in range(ncols):
            value = values[i] if i < len(values) else None
            if value is not None and value != "":  # empty cells are left out: the column style draws them
                if type(value) is str and not value.isprintable():
                    report_if_stripped(title, count + 1, field_of(values, i) if field_of else columns[i].header,
                                       value, record_of(values) if record_of is not None else record)
                try:
                    cell = _fill(prepared[i], quoted[i], kinds[i], value)
                except CellTooLong as exc:  # name the table, row and column the clerk must shorten
                    raise CellTooLong(exc.length, f"「{title}」第 {count + 1} 行「{columns[i].header}」") from None
                cell.column = i + 1
                cells.append(cell)
        emit.row(cells)
        count += 1

    if signatures:
        emit.row(blank)
        sign_row = emit.next_row
        emit.row([_plain_cell(ws, signature_text(signatures))] + blank[1:])
        merges.append(f"A{sign_row}:{span}{sign_row}")
    for ref in merges:  # after the rows: a normal sheet turns merged cells read-only
        _merge(ws, ref)
    ws.print_area = f"A1:{last}{emit.next_row - 1}"
    return count


def _merge(ws, ref: str) -> None:
    start, end = ref.split(":")
    if start != end:  # one column: nothing to merge
        ws.merge_cells(ref)


class _Emitter:
    """Appends rows of prepared cells to a worksheet."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_row = 1

    def row(self, cells: list[Cell]) -> None:
        """Write cells; a cell whose column is unset takes its place in the list."""
        for col, cell in enumerate(cells, 1):
            if cell.column is None or cell.column == 0:
                cell.column = col
        for proto in cells:
            target = self.ws.cell(row=self.next_row, column=proto.column)
            target._value = proto._value
            target.data_type = proto.data_type
            target._style = copy_style(proto)
        self.next_row += 1


def copy_style(cell: Cell):
    from openpyxl.styles.cell_style import StyleArray

    return StyleArray(cell._style) if cell._style is not None else None
