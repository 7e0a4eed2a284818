"""全县汇总 on SQLite and on PostgreSQL: the workbook read back, a column a township's older
package left out shown as 未报送 (never its default), and the pages rendered as printed."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from fupin_tui.cli import main
from fupin_tui import sheets as schema
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package

from pg_cluster import query

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import print_render  # noqa: E402


def _without_status(monkeypatch):
    """Export as an older township program would: the 户表 without 户状态 (format version 1)."""
    sheets = []
    for sheet in schema.SHEETS:
        if sheet.name == "户表":
            sheet = replace(sheet, fields=tuple(f for f in sheet.fields if f.attr != "status"))
        sheets.append(sheet)
    monkeypatch.setattr(schema, "SHEETS", tuple(sheets))
    monkeypatch.setattr(schema, "FORMAT_VERSION", 1)


@pytest.fixture
def merged(town, other_town, county, tmp_path, monkeypatch):
    new = export_package(town, tmp_path / "a").path
    _without_status(monkeypatch)
    old = export_package(other_town, tmp_path / "b").path
    monkeypatch.undo()
    import_packages([new, old], county)
    return county


def _summary(county, tmp_path) -> Path:
    out = tmp_path / "summary"
    assert main(["county-summary", "--db", str(county), "--out", str(out), "--year", "2026"]) == 0
    [book] = out.glob("*.xlsx")
    return book


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=3)]


def test_summary_counts_by_township_and_marks_what_was_not_reported(merged, tmp_path, capsys):
    book = _summary(merged, tmp_path)
    assert "坪山乡未报送「户状态」" in capsys.readouterr().out
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["户情况", "项目状态", "资金", "资金用途", "体检问题"]
    rows = _rows(wb["户情况"])
    header = rows[0]
    xinan = next(r for r in rows if r[1] == "新安镇")
    pingshan = next(r for r in rows if r[1] == "坪山乡")
    total = next(r for r in rows if r[1] == "全县合计")
    expected = dict(query(merged, "select h.status, count(*) from household h join countyowned co on "
                                  "co.row_id = h.id and co.table_name = 'household' "
                                  "where co.township_code = '520123101' and not h.voided group by h.status"))
    for status in ("识别中", "在册", "已脱贫", "返贫", "清退"):
        at = header.index(status)
        assert xinan[at] == expected.get(status, 0)
        # the county holds the column's default for 坪山乡: not its answer, so not counted
        assert pingshan[at] == "未报送"
        assert total[at] == expected.get(status, 0)
    assert xinan[header.index("户数")] == 10 and pingshan[header.index("户数")] == 6
    assert total[header.index("户数")] == 16
    notes = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("注：")]
    assert notes and "坪山乡" in notes[0] and "全县合计不含" in notes[0]
    # funds: the year's approved money of each township, as the database has it
    money = _rows(wb["资金"])
    approved = money[0].index("批复资金（元）")
    [(subsidy,)] = query(merged, "select coalesce(sum(p.subsidy), 0) from project p join countyowned co on "
                                 "co.row_id = p.id and co.table_name = 'project' where co.township_code = "
                                 "'520123101' and not p.voided and p.year = 2026")
    assert round(float(next(r for r in money if r[1] == "新安镇")[approved]) * 100) == int(subsidy)
    for ws in wb.worksheets:  # exported text is never a formula
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"], ws.title
        assert ws.print_title_rows and ws.page_setup.paperSize == 9


def test_summary_refuses_a_database_without_merges(tmp_path, capsys):
    from fupin_tui.opening import open_database

    open_database(tmp_path / "empty.db").close()
    assert main(["county-summary", "--db", str(tmp_path / "empty.db"), "--out", str(tmp_path / "o")]) == 2
    assert "不是县级汇总库" in capsys.readouterr().err


@pytest.mark.slow
def test_summary_prints_legibly_on_a4(town, other_town, tmp_path, monkeypatch):
    if not print_render.available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) and pdftotext are needed")
        pytest.skip("LibreOffice (soffice) and pdftotext are needed")
    county = tmp_path / "county.db"
    new = export_package(town, tmp_path / "a").path
    _without_status(monkeypatch)
    old = export_package(other_town, tmp_path / "b").path
    monkeypatch.undo()
    import_packages([new, old], county)
    book = _summary(county, tmp_path)
    [pdf] = print_render.render([book], tmp_path / "pdf").values()
    pages = print_render.pages(pdf)
    assert len(pages) == 5  # one page per sheet at this size
    for page in pages:
        assert page.width > page.height  # A4 landscape
        assert page.smallest_text >= 9.0, (page.number, min(page.words, key=lambda w: w.height).text)
        outside = [w.text for w in page.words if w.x1 > page.width - 5 or w.y1 > page.height - 5]
        assert not outside, (page.number, outside)
    text = print_render.plain_text(pdf)
    assert "未报送" in text and "全县合计" in text and "第 1 页" in text


def test_a_control_character_in_a_township_name_is_said_not_cut_silently(merged, tmp_path, capsys):
    """Merged rows skip the form's checks: a township name holding U+0007 (as an old package may carry
    it) is printed without it, and the command says where, as every printout does (issue 12 item 6)."""
    from sqlalchemy import text

    from fupin_tui.opening import open_database

    database = open_database(merged, create=False)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE township SET name = :n WHERE code = :c"), {"n": "坪山\x07乡", "c": "520123102"})
    database.close()
    book = _summary(merged, tmp_path)
    out = capsys.readouterr().out
    assert "处内容含 Excel 不能保存的控制字符，导出时已去掉" in out and "去掉了 U+0007" in out, out
    cells = [c.value for ws in openpyxl.load_workbook(book).worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and "坪山乡" in v for v in cells)
