"""The package's worksheets write their data rows whole (``xlsx_tables._RowWriter``: one string a
row, not xlsxwriter's chain of calls a cell) and every styled cell's ``s="…"`` without xlsxwriter's
escaping detour, and the workbook's bytes stay exactly those stock xlsxwriter writes cell by cell."""

import datetime as dt
import zipfile
from decimal import Decimal

import xlsxwriter.worksheet
import xlsxwriter.xmlwriter

from fupin_tui.excel import xlsx_tables
from fupin_tui.excel.styles import Column, collect_stripped, pending_stripped

COLUMNS = [Column("记录号", kind="int"), Column("户编号", kind="id"), Column("姓名"), Column("金额", kind="money"),
           Column("日期", kind="date"), Column("说明", width=20, wrap=True), Column("比例", kind="ratio")]
ROWS = [
    [1, "5201231012010001", "王大山", Decimal("9842.40"), dt.date(2026, 3, 2), "土木结构，年久失修", 0.25],
    [2, "5201231012010002", "=1+1", None, None, "很长的说明" * 12, None],
    [3, None, "李\x07小梅", Decimal("0.00"), dt.date(1900, 3, 1), "", 1],
    # what the whole-row writer must escape or word as xlsxwriter does
    [4, 5201231012010003, " 前有空格", Decimal("-12.5"), dt.datetime(2026, 3, 2, 14, 30, 5), "第一行\n第二行", 0.1 + 0.2],
    [10 ** 17, "  ", "尾有空格 ", 1e-7, None, "a & <b> \"c\"", True],
    [6, "@开头", "_x0041_ 字面", -5, dt.date(2026, 12, 31), "制表\t符", float(2 ** 53)],
    [7, "-5", "+86 139", 0, None, "#N/A", -0.0],
    [None, None, "\u3000全角空格\u3000", None, None, None, None],
    [None, None, None, None, None, None, None],
    [9, "=SUM(A1)", "x" * 40, 12345678.9, dt.date(2100, 1, 1), "长" * 200, 3],
]


def _write(path):
    with collect_stripped() as stripped:  # as every writer's caller does: 李\x07小梅 is reported, not left behind
        book = xlsx_tables.TableBook(path)
        book.add_table("户表", title="新安镇花名册", subtitle="报送期 2026-11", columns=COLUMNS, rows=ROWS)
        written = book.close()
    assert [(c.row, c.column, c.removed) for c in stripped] == [(3, "姓名", "U+0007")] and pending_stripped() == []
    return written


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:  # docProps/core.xml holds the time of writing
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def test_the_bytes_are_those_of_stock_xlsxwriter(tmp_path, monkeypatch):
    ours = _parts(_write(tmp_path / "ours.xlsx"))
    monkeypatch.setattr(xlsx_tables, "StyledCellWorksheet", xlsxwriter.worksheet.Worksheet)
    stock = _parts(_write(tmp_path / "stock.xlsx"))
    assert ours == stock
    assert b' s="' in ours["xl/worksheets/sheet1.xml"], "the data cells carry their style"


def test_a_cells_style_number_skips_the_escaping_detour(tmp_path, monkeypatch):
    original = xlsxwriter.xmlwriter.XMLwriter._escape_attributes
    seen = []

    def counting(self, attribute):
        if isinstance(self, xlsxwriter.worksheet.Worksheet):  # the sheets' cells, not styles.xml and the rest
            seen.append(type(attribute))
        return original(self, attribute)

    # the shortcut overrides xlsxwriter's own method: if a release renames it, this test says so
    assert "_escape_attributes" in vars(xlsxwriter.xmlwriter.XMLwriter)
    monkeypatch.setattr(xlsxwriter.xmlwriter.XMLwriter, "_escape_attributes", counting)
    _write(tmp_path / "ours.xlsx")
    assert seen and int not in seen, "no style number went through the stock escaping"


def test_a_text_that_looks_like_xlsxwriters_rich_string_stays_text(tmp_path):
    # stock xlsxwriter (constant_memory) copies "<r>…</r>" into the sheet unescaped: "<r>a&b</r>"
    # made the whole workbook unreadable. The package writes it as the text it is.
    from openpyxl import load_workbook

    book = xlsx_tables.TableBook(tmp_path / "r.xlsx")
    book.add_table("户表", title="t", columns=[Column("记录号", kind="int"), Column("备注")],
                   rows=[[1, "<r>a&b</r>"], [2, "<r><t>粗体</t></r>"]])
    ws = load_workbook(book.close(), read_only=True)["户表"]
    assert [r[1] for r in ws.iter_rows(min_row=4, max_row=5, values_only=True)] == ["<r>a&b</r>", "<r><t>粗体</t></r>"]
