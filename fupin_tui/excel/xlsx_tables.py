"""Print-ready tables streamed with xlsxwriter: the submission package's writer.

The package holds millions of cells (6 M at 20,000 households); xlsxwriter's
``constant_memory`` mode writes them about twice as fast as openpyxl's
write-only mode and keeps one row in memory. The layout is the one of
``styles.write_table`` (title, subtitle, header row, bordered data, signature
line; widths, print layout and wrapped row heights decided by the same
helpers), so a package prints as before and the county merge reads it by the
same fixed rows.

Text is always written with ``write_string`` (never ``write``): a clerk's
"=1+1" stays text, and one that Excel/WPS would take for a formula or an
error code gets the quote prefix as well. Workbooks are owner-only (0600)
from their first byte (``filenames.private_file``).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import xlsxwriter
import xlsxwriter.worksheet
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from fupin_tui.excel.styles import (
    EXCEL_CELL_LIMIT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LINE_PT,
    MARGIN_SIDE_IN,
    MARGIN_TOP_IN,
    NUMBER_FORMATS,
    SAMPLE_ROWS,
    pending_stripped,
    SUBTITLE_ROW,
    TITLE_ROW,
    CellTooLong,
    Column,
    PrintLayout,
    column_widths,
    looks_like_formula,
    print_layout,
    label_stripped,
    report_if_stripped,
    safe_text,
    signature_text,
    wrapped_lines,
)
from fupin_tui.filenames import private_file

_FONT = {"font_name": "宋体", "font_size": 10}
_BORDER = {"border": 1, "border_color": "#000000"}
_ALIGN = {"money": "right", "int": "right", "ratio": "right", "date": "center"}
_HEADER_MARGIN_IN = 0.5  # header and footer margins as the openpyxl writer left them (its defaults)
_FOOTER = "&C第 &P 页，共 &N 页"
_EPOCH = _dt.datetime(1899, 12, 31)
_FORMULA_FIRST = frozenset("=+-@\t\r#")  # first characters of what looks_like_formula may flag


def _shown_row(r: int) -> int:
    """The data row number a reader sees (the first data row is 1) of sheet row index ``r``."""
    return r - FIRST_DATA_ROW + 2


def _set_height(ws, r: int, points: float) -> None:
    """Row height in whole pixels (xlsxwriter's unit, 0.75 pt), rounded up so wrapped text is never cut."""
    ws.set_row_pixels(r, math.ceil(points * 4 / 3 - 1e-6))


def _serial(value: _dt.date) -> float:
    """Excel's day number (1900 system) of a date or datetime, as xlsxwriter's write_datetime computes it."""
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day)
    delta = value.replace(tzinfo=None) - _EPOCH
    days = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return days + 1 if days > 59 else days  # Excel's phantom 1900-02-29


class StyledCellWorksheet(xlsxwriter.worksheet.Worksheet):
    """xlsxwriter's worksheet with one shortcut: a cell's style number needs no XML escaping.

    Every data cell carries its style (font, border, number format) as ``s="3"``; stock
    xlsxwriter runs its escaping regular expression on that integer and catches the TypeError,
    which made a styled cell cost about 1.2 × an unstyled one (callgrind: 59.6 k against 49.2 k
    instructions a cell; 55.3 k with this). The bytes written are the same
    (tests/unit/test_xlsx_styled_cells.py). The method is xlsxwriter's own, not a public one:
    if a later release renames it, this override is simply never called.
    """

    def _escape_attributes(self, attribute):
        if attribute.__class__ is int:
            return attribute
        return super()._escape_attributes(attribute)

    # ``TableBook`` writes the data rows of these sheets itself, as whole ``<row>`` elements
    # (``_RowWriter``); a stock worksheet (the tests' reference) gets them cell by cell.
    whole_rows = True


class TableBook:
    """One workbook of print-ready tables, written row by row to ``path`` (0600)."""

    def __init__(self, path: Path | str, *, tmpdir: Path | str | None = None) -> None:
        self.path = private_file(path)  # xlsxwriter truncates the existing file: it keeps the mode
        options = {"constant_memory": True, "use_zip64": True, "strings_to_formulas": False,
                   "strings_to_numbers": False, "strings_to_urls": False}
        if tmpdir is not None:
            options["tmpdir"] = str(tmpdir)
        self.wb = xlsxwriter.Workbook(str(self.path), options)
        self._formats: dict[tuple, Any] = {}
        self._dates: dict[_dt.date, float] = {}

    # --- formats, each made once per workbook ---------------------------------

    def _format(self, key: tuple, props: dict):
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self.wb.add_format(props)
        return fmt

    def _data_format(self, kind: str, wrap: bool, quoted: bool = False, number_format: str | None = None):
        props = {**_FONT, **_BORDER, "num_format": number_format or NUMBER_FORMATS[kind],
                 "valign": "top" if wrap else "vcenter"}
        if kind in _ALIGN:
            props["align"] = _ALIGN[kind]
        if wrap:
            props["text_wrap"] = True
        if quoted:
            props["quote_prefix"] = True
        return self._format(("data", kind, wrap, quoted, number_format), props)

    def _column_format(self, kind: str):
        return self._format(("column", kind), {**_FONT, **_BORDER, "num_format": NUMBER_FORMATS[kind]})

    def _title_format(self, size: int, bold: bool):
        return self._format(("title", size, bold), {"font_name": _FONT["font_name"], "font_size": size, "bold": bold,
                                                    "align": "center", "valign": "vcenter"})

    def _header_format(self):
        return self._format(("header",), {**_FONT, **_BORDER, "bold": True, "pattern": 1, "bg_color": "#D9D9D9",
                                          "align": "center", "valign": "vcenter", "text_wrap": True})

    def _plain_format(self):
        return self._format(("plain",), {**_FONT, "align": "left", "valign": "vcenter"})

    # --- tables ----------------------------------------------------------------

    def add_table(
        self,
        name: str,
        *,
        title: str,
        columns: list[Column],
        rows: Iterable[Sequence],
        subtitle: str = "",
        signatures: Sequence[str] = ("制表人", "审核人", "日期"),
        landscape: bool = True,
        key_columns: int = 1,
        record_of: Callable[[Sequence], tuple[str, str] | None] | None = None,
    ) -> int:
        """Add sheet ``name`` holding a print-ready table; return the number of data rows (``rows`` is read once).

        ``record_of(row)``: (record, number) of a data row, e.g. ("household:12", "户编号 …"), named
        with each cell whose control characters were removed (``styles.report_stripped``).
        """
        if not columns:
            raise ValueError("a table needs at least one column")
        ws = self.wb.add_worksheet(name, worksheet_class=StyledCellWorksheet)
        ncols = len(columns)
        rows = iter(rows)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        widths = column_widths(columns, sample)
        for c, (col, width) in enumerate(zip(columns, widths)):
            # pixels of the default font's digit (7): the file then holds exactly `width`, as openpyxl wrote it
            ws.set_column_pixels(c, c, width * 7, self._column_format(col.kind), {"hidden": not col.printed})
        layout = print_layout(widths, [c.printed for c in columns], key_columns, landscape)
        _setup_print(ws, layout)

        span = layout.title_span
        report_if_stripped(name, 0, "标题", title)  # a township's name typed before the checks, say
        report_if_stripped(name, 0, "表头说明", subtitle)
        self._title_row(ws, TITLE_ROW - 1, title, self._title_format(16, True), span, ncols, height=28)
        self._title_row(ws, SUBTITLE_ROW - 1, subtitle, self._title_format(10, False), span, ncols)
        header = self._header_format()
        _set_height(ws, HEADER_ROW - 1, 30)
        for c, col in enumerate(columns):
            ws.write_string(HEADER_ROW - 1, c, safe_text(col.header), header)

        count = self._data_rows(ws, title, columns, widths, itertools.chain(sample, rows), record_of)
        r = FIRST_DATA_ROW - 1 + count
        if signatures:
            plain = self._plain_format()
            for c in range(ncols):  # a blank line, every cell written so no column border shows there
                ws.write_blank(r, c, None, plain)
            self._title_row(ws, r + 1, signature_text(signatures), plain, span, ncols)
            r += 2
        ws.print_area(0, 0, r - 1, ncols - 1)
        return count

    def _title_row(self, ws, r: int, text: str, fmt, span: int, ncols: int, height: float | None = None) -> None:
        """Text merged over the first ``span`` columns; the other cells written blank, in the same format."""
        if height is not None:
            _set_height(ws, r, height)
        if span > 1:
            ws.merge_range(r, 0, r, span - 1, None, fmt)
        text = safe_text(text)
        if text:
            ws.write_string(r, 0, text, fmt)
        else:
            ws.write_blank(r, 0, None, fmt)
        for c in range(span, ncols):
            ws.write_blank(r, c, None, fmt)

    def _data_rows(self, ws, title: str, columns: list[Column], widths: list[float], rows: Iterable[Sequence],
                   record_of=None) -> int:
        kinds = [c.kind for c in columns]
        plain = [self._data_format(c.kind, c.wrap) for c in columns]
        quoted = [self._data_format(c.kind, c.wrap, quoted=True) for c in columns]
        dated = [self._data_format(c.kind, c.wrap, number_format=NUMBER_FORMATS["date"]) if c.kind != "date"
                 else plain[i] for i, c in enumerate(columns)]
        wrapped = [(i, widths[i]) for i, c in enumerate(columns) if c.wrap]
        ncols = len(columns)
        as_text = [k == "id" for k in kinds]  # an ID, account or code number stays text even when it is a number
        write_row = self._write_row
        if getattr(ws, "whole_rows", False):
            write_row = _RowWriter(ws, ncols, self._dates, self._write_row).write
        r = FIRST_DATA_ROW - 1
        pending = pending_stripped()  # this thread's (or collector's) list, looked up once a table
        mark = len(pending)
        for values in rows:
            if len(values) > ncols:
                values = values[:ncols]
            if wrapped:  # spreadsheet programs do not grow rows on opening: give the height the text needs
                lines = max(wrapped_lines(values[i] if i < len(values) else None, w) for i, w in wrapped)
                if lines > 1:
                    _set_height(ws, r, LINE_PT * lines + 3)
            try:
                write_row(ws, r, values, plain, quoted, dated, as_text)
            except CellTooLong as exc:  # name the table, row and column the clerk must shorten
                c = next(i for i, v in enumerate(values) if v is not None and len(str(v)) > EXCEL_CELL_LIMIT)
                raise CellTooLong(exc.length, f"「{title}」第 {_shown_row(r)} 行「{columns[c].header}」") from None
            if len(pending) != mark:  # a cell of this row lost control characters: say whose record it is
                label_stripped(mark, ws.get_name(), columns, _shown_row, record_of and (lambda _r, v=values: record_of(v)))
                mark = len(pending)
            r += 1
        return r - (FIRST_DATA_ROW - 1)

    def _write_row(self, ws, r: int, values: Sequence, plain, quoted, dated, as_text) -> None:
        """One data row through xlsxwriter's cell methods (a stock worksheet), each value as ``_cell`` says:
        text with write_string only (never a formula)."""
        writers = {"s": ws.write_string, "n": ws.write_number, "b": ws.write_boolean}
        dates = self._dates
        for c, value in enumerate(values):
            if value is None:
                continue  # empty cells are left out: the column's format draws them
            cell = _cell(value, r, c, plain, quoted, dated, as_text, dates)
            if cell is not None:
                kind, value, fmt = cell
                writers[kind](r, c, value, fmt)

    # --- finishing -------------------------------------------------------------

    def close(self) -> Path:
        self.wb.close()
        return self.path

    def discard(self) -> None:
        """Drop a workbook that will not be finished (export cancelled): its row files and the file itself."""
        for ws in self.wb.worksheets():
            # constant_memory keeps each sheet's rows in a temporary file until close(): close and remove it
            fh, name = getattr(ws, "row_data_fh", None), getattr(ws, "row_data_filename", None)
            try:
                if fh is not None:
                    fh.close()
                if name:
                    os.unlink(name)
            except OSError:
                pass
        self.path.unlink(missing_ok=True)


class _RowWriter:
    """The data rows of one sheet written as whole ``<row>`` elements: the bytes stock xlsxwriter
    (constant_memory) writes for the same cells; what each value becomes is ``_cell``'s, as for ``_write_row``.

    Stock xlsxwriter takes each cell through its A1-notation decorator, a dimension check and a
    cell tuple, and when the next row starts turns every tuple into XML through attribute lists,
    escaping calls and three regular expressions a string: three quarters of the export's CPU
    went there. Here a cell is one string built from its column's reference and its style number,
    both made once, and a row is one write. One difference, on purpose: a text that looks like
    xlsxwriter's rich string ("<r>…</r>") is escaped as any other text; stock xlsxwriter copies it
    into the sheet unescaped, and a clerk's "<r>a&b</r>" made the workbook unreadable.
    """

    def __init__(self, ws: StyledCellWorksheet, ncols: int, dates: dict, cell_by_cell) -> None:
        self.dates, self.cell_by_cell = dates, cell_by_cell
        self.refs = ['<c r="' + xl_col_to_name(c) for c in range(ncols)]
        self.styles: dict[int, str] = {}  # id(format) -> '" s="N"': numbered on first use, as stock does

    def _style(self, fmt) -> str:
        style = self.styles[id(fmt)] = f'" s="{fmt._get_xf_index()}"'
        return style

    def write(self, ws, r: int, values: Sequence, plain, quoted, dated, as_text) -> None:
        if r >= ws.xls_rowmax or ws.previous_row > r:  # beyond the sheet, or a row already written: stock rules
            self.cell_by_cell(ws, r, values, plain, quoted, dated, as_text)
            return
        if r > ws.previous_row:
            ws._write_single_row(r)  # the rows before (header, a row written cell by cell), as stock does first
        refs, styles, dates, rn = self.refs, self.styles, self.dates, str(r + 1)
        cells = []
        first = -1
        for c, value in enumerate(values):
            if value is None:
                continue  # empty cells are left out: the column's format draws them
            cell = _cell(value, r, c, plain, quoted, dated, as_text, dates)
            if cell is None:
                continue
            kind, value, fmt = cell
            if kind == "s":
                tail = _inline(value)
            else:
                tail = _number(value) if kind == "n" else f' t="b"><v>{int(value)}</v></c>'
            cells.append(f"{refs[c]}{rn}{styles.get(id(fmt)) or self._style(fmt)}{tail}")
            if first < 0:
                first = c
            last = c
        if first < 0:
            return  # nothing in the row: stock xlsxwriter writes no cell either
        ws._check_dimensions(r, first)
        ws._check_dimensions(r, last)
        ws._write_row(r, None, ws.row_info.get(r))  # <row r=… ht=…>, by xlsxwriter itself
        cells.append("</row>")
        ws.fh.write("".join(cells))
        ws.previous_row = r + 1  # this row is written: the next flush is of a later row


def _cell(value, r: int, c: int, plain, quoted, dated, as_text, dates: dict):
    """What one data value becomes, for either writer: ("s" text / "n" number / "b" boolean, the value
    to write, its format), or None for no cell. Text is only ever text (a formula-like one gets the
    quoted format); a date is its serial number."""
    t = type(value)
    if t is str or as_text[c]:  # an ID, account or code number stays text even when it is a number
        if t is not str:
            value = safe_text(value)
        elif len(value) > EXCEL_CELL_LIMIT or not value.isprintable():
            value = safe_text(value, (r, c))  # refuses what a cell cannot hold (CellTooLong)
        if not value:
            return None
        return "s", value, quoted[c] if value[0] in _FORMULA_FIRST and looks_like_formula(value) else plain[c]
    if t is int or t is float:
        return "n", value, plain[c]
    if t is Decimal:  # as a float: 9842.40 is written 9842.4, as openpyxl wrote it
        return "n", float(value), plain[c]
    if t is bool:
        return "b", value, plain[c]
    if isinstance(value, _dt.date):
        serial = dates.get(value)
        if serial is None:
            serial = dates[value] = _serial(value)
        return "n", serial, dated[c]
    if isinstance(value, (int, float, Decimal)):
        return "n", float(value), plain[c]
    value = safe_text(value)
    if not value:
        return None
    return "s", value, quoted[c] if looks_like_formula(value) else plain[c]


_FLOAT_MAX = 1.7976931348623157e308


def _number(number) -> str:
    if not -_FLOAT_MAX <= number <= _FLOAT_MAX:  # NaN or infinity: refused, as stock xlsxwriter does
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
    return f"><v>{number:.16G}</v></c>"


def _inline(text: str) -> str:
    """``t="inlineStr"`` and the text, escaped as stock xlsxwriter's constant_memory mode does."""
    if len(text) > 16383 and _utf16_len(text) > 32767:  # characters beyond U+FFFF count twice
        text = _utf16_truncate(text, 32767)
    if "_x" in text or not text.isprintable():  # _xHHHH_ escapes of control characters, and of "_x0041_" itself
        text = XMLwriter._escape_control_characters(text)
    preserve = text[0].isspace() or text[-1].isspace()  # xlsxwriter's r"^\s" or r"\s$"
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if preserve:
        return f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f' t="inlineStr"><is><t>{text}</t></is></c>'


def _setup_print(ws, layout: PrintLayout) -> None:
    ws.set_paper(9)  # A4
    if layout.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if layout.fit_width:
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
        ws.center_horizontally()
    else:  # full size, in sections: all rows of the first columns, then the next columns, key columns on each
        ws.set_print_scale(100)
        if layout.title_cols:
            ws.repeat_columns(0, layout.title_cols - 1)
    ws.set_margins(left=MARGIN_SIDE_IN, right=MARGIN_SIDE_IN, top=MARGIN_TOP_IN, bottom=MARGIN_TOP_IN)
    ws.set_header("", {"margin": _HEADER_MARGIN_IN})
    ws.set_footer(_FOOTER, {"margin": _HEADER_MARGIN_IN})
    ws.repeat_rows(HEADER_ROW - 1)
    ws.freeze_panes(FIRST_DATA_ROW - 1, 0)
