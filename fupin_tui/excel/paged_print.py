"""Signed lists on paper: a fixed number of rows a page, a 本页小计 under each page, 合计 at the end.

The payment roster (发放花名册) and the 受益户公示 are signed or posted page by
page, so the writer decides the pages itself instead of leaving it to the
spreadsheet program: every page holds ``rows_per_page`` data rows of a height
a signature fits in, ends with its own subtotal row and a manual page break;
the header row repeats on every page (print titles), the page header names
the list and the footer numbers the pages. The last page ends with the 合计
row and the signature lines, so no signature stands on a page of its own.

Totals are values, never formulas (exported text is never a formula).
Sizes are in points; ``fits_on_page`` checks the arithmetic the tests measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from fupin_tui.excel.styles import (
    FIRST_DATA_ROW, HEADER_ROW, MIN_FIT_SCALE, NUMBER_FORMATS, PrintLayout, SUBTITLE_ROW, TITLE_ROW, Column,
    _setup_print, print_layout, report_if_stripped, set_text,
)

_FONT = "宋体"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

TITLE_PT, SUBTITLE_PT, HEADER_PT, LINE_PT = 28.0, 20.0, 30.0, 20.0
_PRINTABLE_HEIGHT = {True: 595.3 - 2 * 0.6 * 72, False: 841.9 - 2 * 0.6 * 72}  # A4 less the top/bottom margins


@dataclass(frozen=True)
class Paging:
    rows_per_page: int
    row_pt: float  # height of a data row: room for a signature
    landscape: bool = True


def fits_on_page(paging: Paging, footer_lines: int) -> bool:
    """The fullest pages fit: the first (title + header + rows + 小计) and the last (+ 合计 and signatures)."""
    body = HEADER_PT + paging.rows_per_page * paging.row_pt + paging.row_pt  # header, rows, 本页小计
    first = TITLE_PT + SUBTITLE_PT + body
    last = body + paging.row_pt + LINE_PT * (footer_lines + 1)
    return max(first, last) <= _PRINTABLE_HEIGHT[paging.landscape]


def pages_of(rows: Sequence, per_page: int) -> list[Sequence]:
    return [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [rows[:0]]


def write_paged_table(ws, *, title: str, subtitle: str, columns: list[Column], rows: Sequence[Sequence],
                      paging: Paging, sums: Sequence[int], count_label: str, footer_lines: Sequence[str],
                      page_header: str, label_col: int = 1, record: tuple[str, str] | None = None) -> int:
    """Write the list; return the number of pages.

    A cell that loses control characters is reported (``styles.report_stripped``) by title, row
    and column, with ``record`` (record, number): the project the list is of, to open and fix it.

    ``sums`` are the indexes of the columns totalled on each page and at the
    end; the 小计/合计 label goes in column ``label_col`` (0-based), the count
    of rows after it (``count_label`` e.g. "户").
    """
    widths = [c.width or 10 for c in columns]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    layout = print_layout(widths, [True] * len(columns), 0, paging.landscape)
    if not layout.fit_width:  # a list that is signed must be one page wide: the caller chose the columns
        raise ValueError(f"{title}: columns too wide for A4 at {MIN_FIT_SCALE:.0%}")
    # full size (the columns fit): the pages are ours, so no fitting that could move the breaks
    _setup_print(ws, PrintLayout(paging.landscape, False, 0, len(columns)))
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = ws.evenHeader.center.text = page_header.replace("&", "&&")
    ws.oddHeader.center.size = ws.evenHeader.center.size = 10
    last_col = get_column_letter(len(columns))

    report_if_stripped(title, 0, "标题", title, record)
    report_if_stripped(title, 0, "表头说明", subtitle, record)
    _line(ws, TITLE_ROW, title, 16, bold=True, align="center", height=TITLE_PT, last_col=last_col)
    _line(ws, SUBTITLE_ROW, subtitle, 10, align="left", height=SUBTITLE_PT, last_col=last_col)
    for i, col in enumerate(columns, 1):
        cell = set_text(ws.cell(HEADER_ROW, i), col.header)
        cell.font = Font(name=_FONT, size=10, bold=True)
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = HEADER_PT

    r = FIRST_DATA_ROW
    grand = [Decimal(0)] * len(sums)
    chunks = pages_of(rows, paging.rows_per_page)
    shown = 0  # the data row as printed, across the pages
    for number, chunk in enumerate(chunks, 1):
        for values in chunk:
            shown += 1
            for i, col in enumerate(columns):
                value = values[i] if i < len(values) else None
                report_if_stripped(title, shown, col.header, value, record)
                _data(ws.cell(r, i + 1), col, value)
            ws.row_dimensions[r].height = paging.row_pt
            r += 1
        page_sums = [sum((Decimal(str(v[i] or 0)) for v in chunk), Decimal(0)) for i in sums]
        grand = [a + b for a, b in zip(grand, page_sums)]
        _total_row(ws, r, columns, label_col, f"本页小计（{len(chunk)}{count_label}）", sums, page_sums, paging.row_pt)
        r += 1
        if number < len(chunks):
            ws.row_breaks.append(Break(id=r - 1))
    _total_row(ws, r, columns, label_col, f"合计（{len(rows)}{count_label}）", sums, grand, paging.row_pt, bold=True)
    r += 1
    r += 1  # a blank line before the signatures
    for text in footer_lines:  # 制表人：<operator> — a name typed before the checks, say
        report_if_stripped(title, 0, "表尾", text, record)
        _line(ws, r, text, 10, align="left", height=LINE_PT, last_col=last_col)
        r += 1
    ws.print_area = f"A1:{last_col}{r - 1}"
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    return len(chunks)


def _line(ws, row: int, text: str, size: int, *, align: str, height: float, last_col: str, bold: bool = False) -> None:
    cell = set_text(ws.cell(row, 1), text)
    cell.font = Font(name=_FONT, size=size, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="center")
    ws.row_dimensions[row].height = height
    if last_col != "A":
        ws.merge_cells(f"A{row}:{last_col}{row}")


def _data(cell, col: Column, value) -> None:
    if col.kind in ("text", "id") or isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    cell.font = Font(name=_FONT, size=10)
    cell.border = _BOX
    cell.number_format = NUMBER_FORMATS[col.kind]
    horizontal = {"money": "right", "int": "center", "date": "center"}.get(col.kind)
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=col.wrap or None)


def _total_row(ws, row: int, columns: list[Column], label_col: int, label: str, sums: Sequence[int],
               values: Sequence[Decimal], height: float, bold: bool = False) -> None:
    for i, col in enumerate(columns):
        cell = ws.cell(row, i + 1)
        cell.border = _BOX
        cell.font = Font(name=_FONT, size=10, bold=bold)
        if i == label_col:
            set_text(cell, label)
            cell.alignment = Alignment(horizontal="left", vertical="center")
        elif i in sums:
            cell.value = values[list(sums).index(i)]
            cell.number_format = NUMBER_FORMATS[col.kind]
            cell.alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[row].height = height
    # the label may run over the empty cells after it: merge it up to the first totalled column
    stop = min((i for i in sums if i > label_col), default=label_col + 1)
    if stop - 1 > label_col:
        ws.merge_cells(start_row=row, start_column=label_col + 1, end_row=row, end_column=stop)

