"""Print-ready tables: what a clerk sees when the workbook is opened or printed."""

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fupin_tui.excel.styles import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    Column,
    display_width,
    safe_text,
    set_text,
    write_table,
)
from fupin_tui.excel.xlsx_tables import TableBook

COLUMNS = [
    Column("户编号", kind="id"),
    Column("户主姓名"),
    Column("身份证号", kind="id"),
    Column("金额（元）", kind="money"),
    Column("登记日期", kind="date"),
    Column("人口", kind="int"),
    Column("自筹比例", kind="ratio"),
]

ROWS = [
    ("520123101001", "张三", "520123199001011234", Decimal("1234.50"), date(2026, 3, 1), 4, Decimal("0.3")),
    ("520123101002", "=HYPERLINK(\"http://x\")", "52012319900101123X", Decimal("0.01"), date(2026, 3, 2), 1, None),
    ("520123101003", "+李四", "520123199001011250", Decimal("1000000"), None, 2, Decimal("0.05")),
    ("520123101004", "-王五", "520123199001011269", Decimal("-5"), date(2026, 3, 4), 3, None),
    ("520123101005", "@赵六", "520123199001011277", None, date(2026, 3, 5), 5, None),
]


def _write(tmp_path, writer: str):
    """The same table through either writer: openpyxl (printouts) or xlsxwriter (the package)."""
    path = tmp_path / f"{writer}.xlsx"
    if writer == "xlsxwriter":
        book = TableBook(path)
        count = book.add_table("户表", title="新安镇建档立卡户花名册", subtitle="2026年11月", columns=COLUMNS,
                               rows=iter(ROWS))
        book.close()
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = "户表"
        count = write_table(ws, title="新安镇建档立卡户花名册", subtitle="2026年11月", columns=COLUMNS, rows=iter(ROWS))
        wb.save(path)
    return count, load_workbook(path)["户表"]


@pytest.fixture(params=["openpyxl", "xlsxwriter"])
def sheet(request, tmp_path):
    count, ws = _write(tmp_path, request.param)
    assert count == len(ROWS)
    return ws


def test_print_settings(sheet):
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is also what an absent fitToWidth means), as many pages tall as needed
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


def test_title_header_and_signature_line(sheet):
    assert sheet["A1"].value == "新安镇建档立卡户花名册"
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "2026年11月"
    assert [c.value for c in sheet[HEADER_ROW]] == [c.header for c in COLUMNS]
    assert "A1:G1" in {str(r) for r in sheet.merged_cells.ranges}
    last = sheet.max_row
    assert last == FIRST_DATA_ROW + len(ROWS) + 1  # a blank line, then signatures
    signature = sheet.cell(last, 1).value
    for name in ("制表人", "审核人", "日期"):
        assert name in signature


def test_cells_keep_their_kind(sheet):
    row = FIRST_DATA_ROW
    id_cell = sheet.cell(row, 3)
    assert id_cell.value == "520123199001011234" and id_cell.data_type == "s"
    assert id_cell.number_format == "@"
    money = sheet.cell(row, 4)
    assert money.number_format == "#,##0.00" and money.value == pytest.approx(1234.5)
    assert sheet.cell(row, 5).is_date and sheet.cell(row, 5).value.date() == date(2026, 3, 1)
    assert sheet.cell(row, 7).number_format == "0.00%"
    assert sheet.cell(row, 1).border.left.style == "thin"
    # empty cells are not written: the column's own style draws their borders when printed
    assert sheet.column_dimensions["E"].border.top.style == "thin"
    assert sheet.column_dimensions["D"].number_format == "#,##0.00"
    # and the print area stops at the signature line, so the column style prints nowhere else
    assert sheet.print_area.endswith(f"$G${FIRST_DATA_ROW + len(ROWS) + 1}")


@pytest.mark.parametrize(
    "row_offset, text",
    [(1, '=HYPERLINK("http://x")'), (2, "+李四"), (3, "-王五"), (4, "@赵六")],
)
def test_formula_looking_name_stays_text(sheet, row_offset, text):
    cell = sheet.cell(FIRST_DATA_ROW + row_offset, 2)
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_column_widths_fit_chinese(sheet):
    # a header of 4 Chinese characters needs 8 columns of width, plus margin
    assert sheet.column_dimensions["B"].width >= display_width("户主姓名")
    assert sheet.column_dimensions["C"].width >= 18  # a whole ID number


@pytest.mark.parametrize(
    "value, expected",
    [(None, ""), ("张三", "张三"), ("a\x00b\x07c", "abc"), (123, "123"), ("=1+1", "=1+1")],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected


def test_set_text_protects_a_single_cell(tmp_path):
    wb = Workbook()
    set_text(wb.active["A1"], "=SUM(A2:A3)")
    wb.save(tmp_path / "x.xlsx")
    cell = load_workbook(tmp_path / "x.xlsx").active["A1"]
    assert cell.value == "=SUM(A2:A3)" and cell.data_type == "s"


@pytest.mark.parametrize("text, width", [("abc", 3), ("张三", 4), ("１２", 4), ("户编号A", 7)])
def test_display_width(text, width):
    assert display_width(text) == width


def _cells(ws) -> dict:
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            f, b, a = c.font, c.border, c.alignment
            out[c.coordinate] = (c.value, c.data_type, c.number_format, bool(c.quotePrefix), f.name, f.sz, bool(f.b),
                                 b.left.style, b.top.style, a.horizontal, a.vertical, bool(a.wrap_text),
                                 c.fill.fill_type)
    return out


def _columns(ws) -> dict:
    """Column width, hidden flag and style, one entry a column (xlsxwriter joins equal neighbours in a range)."""
    out = {}
    for d in ws.column_dimensions.values():
        for i in range(d.min, d.max + 1):
            out[i] = (d.width, bool(d.hidden), d.font.name, d.border.left.style, d.number_format)
    return out


def test_both_writers_give_the_same_workbook(tmp_path):
    """The package (xlsxwriter) is read, printed and merged as the printouts (openpyxl) are: same cells, same layout."""
    _, ours = _write(tmp_path, "openpyxl")
    _, package = _write(tmp_path, "xlsxwriter")
    assert _cells(package) == _cells(ours)
    assert _columns(package) == _columns(ours)
    assert {str(r) for r in package.merged_cells.ranges} == {str(r) for r in ours.merged_cells.ranges}
    assert (package.print_area, package.print_title_rows, package.freeze_panes) == \
        (ours.print_area, ours.print_title_rows, ours.freeze_panes)


def test_package_writer_files_are_private_and_a_discarded_one_is_gone(tmp_path):
    import stat

    book = TableBook(tmp_path / "a.xlsx")
    book.add_table("户表", title="t", columns=COLUMNS, rows=iter(ROWS))
    assert stat.S_IMODE((tmp_path / "a.xlsx").stat().st_mode) == 0o600  # before a byte is written
    book.close()
    assert stat.S_IMODE((tmp_path / "a.xlsx").stat().st_mode) == 0o600
    cancelled = TableBook(tmp_path / "b.xlsx", tmpdir=tmp_path)
    cancelled.add_table("户表", title="t", columns=COLUMNS, rows=iter(ROWS))
    cancelled.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.text(alphabet="张三李四，。（）１２ａｂ\u3000“”·—…abc 123\n\t\x07", max_size=40))
def test_display_width_counts_every_character_as_unicode_says(text):
    expected = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    assert display_width(text) == expected


def test_the_package_writer_refuses_a_cell_longer_than_excel_holds(tmp_path):
    from fupin_tui.domain.errors import DomainError
    from fupin_tui.excel.styles import EXCEL_CELL_LIMIT

    book = TableBook(tmp_path / "p.xlsx", tmpdir=tmp_path)
    with pytest.raises(DomainError) as refused:
        book.add_table("户表", title="户表", columns=[Column("户主"), Column("备注")],
                       rows=[["王大山", "短"], ["李小梅", "长" * (EXCEL_CELL_LIMIT + 1)]])
    book.discard()
    message = str(refused.value)
    assert "「户表」第 2 行「备注」" in message and "32767" in message and "截断" in message
