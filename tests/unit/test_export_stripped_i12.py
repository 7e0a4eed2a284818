"""Issue 12 item 6: old data holding control characters (typed before the input checks existed)
is exported without them — Excel cannot hold them — but not silently: the export names the table,
row, column and record (户编号 / 项目记录号) of every such cell, on the export screen and in the CLI
output, and on the screen Enter on a line opens that record to fix it."""

import zipfile

import pytest

from openpyxl import load_workbook

from fupin_tui.cli import main
from fupin_tui.excel.package import export_package, stripped_report
from tests.funds_data import make_households


def _old_name_with_bell(ctx) -> tuple[int, str]:
    [(hid, name, _), *_] = make_households(ctx)
    with ctx.db.engine.begin() as con:  # as stored before the checks: past the service layer
        con.exec_driver_sql("UPDATE household SET address = ? WHERE id = ?", ("新寨村\x07一组", hid))
    return hid, name


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "with the worker process"])
def test_an_export_names_the_cells_it_removed_control_characters_from(ctx, tmp_path, parallel):
    hid, _ = _old_name_with_bell(ctx)
    result = export_package(ctx, tmp_path / "out", parallel=parallel)
    assert len(result.stripped) == 1, result.stripped
    [cell] = result.stripped
    line = str(cell)
    assert "户表" in line and "第 1 行「住址」" in line and "U+0007" in line, line
    assert "户编号 HH001" in line, "the household is named by the number the clerk knows"
    assert cell.record == f"household:{hid}", "the record the 导出 screen opens"
    assert "1 处" in stripped_report(result)[0] and "户编号 HH001" in stripped_report(result)[1]
    assert all("stripped" not in b for b in result.manifest["workbooks"]), "the manifest is unchanged"
    with zipfile.ZipFile(result.path) as zf:
        book = next(n for n in zf.namelist() if n.startswith("01"))
        zf.extract(book, tmp_path)
    cells = [c.value for ws in load_workbook(tmp_path / book).worksheets for row in ws.iter_rows() for c in row]
    assert "新寨村一组" in cells  # still stripped: Excel cannot hold it


def test_a_clean_export_reports_nothing(ctx, tmp_path):
    make_households(ctx)
    result = export_package(ctx, tmp_path / "out", parallel=False)
    assert result.stripped == [] and stripped_report(result) == []


def test_the_cli_says_how_many_cells_were_changed(ctx, db_path, tmp_path, capsys):
    _old_name_with_bell(ctx)
    code = main(["--db", str(db_path), "export", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0 and "1 处内容含 Excel 不能保存的控制字符" in out and "U+0007" in out, out
    assert "「住址」（户编号 HH001）" in out, out


def test_a_members_and_a_projects_row_name_their_household_and_project(ctx, tmp_path):
    [(hid, _, _), *_] = make_households(ctx)
    from tests.funds_data import make_project

    pid, _ = make_project(ctx)
    with ctx.db.engine.begin() as con:
        con.exec_driver_sql("UPDATE member SET remarks = ? WHERE household_id = ?", ("备\x1b注", hid))
        con.exec_driver_sql("UPDATE project SET location = ? WHERE id = ?", ("新寨\x07村", pid))
    result = export_package(ctx, tmp_path / "out", parallel=False)
    member = next(c for c in result.stripped if "成员表" in c.table)
    assert member.record == f"household:{hid}" and member.number == "户编号 HH001" and "U+001B" in str(member)
    project = next(c for c in result.stripped if c.column == "建设地点")
    assert project.record == f"project:{pid}" and project.number == f"项目记录号 {pid}", result.stripped


async def test_the_export_screen_lists_the_changed_cells_and_enter_opens_the_record(ctx, db_path, tmp_path):
    from fupin_tui.app import make_app
    from tests.pilot.ready import app_ready, until

    hid, _ = _old_name_with_bell(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await app.switch_mode("export")
        screen = app.screen
        screen.query_one("#export-dir").value = str(tmp_path / "上报")
        await pilot.press("ctrl+d")
        result = screen.query_one("#export-result")
        await until(pilot, lambda: "已保存" in str(result.render()), "导出完成")
        text = str(result.render())
        assert "1 处内容含 Excel 不能保存的控制字符" in text, text
        assert result.region.width > 0 and result.region.height > 0
        listing = screen.query_one("#export-stripped")
        line = str(listing.get_option_at_index(0).prompt)
        assert "「住址」（户编号 HH001）" in line and "U+0007" in line, line
        assert listing.region.width > 0 and listing.region.height > 0, "the list is seen"
        assert listing.has_focus
        await pilot.press("enter")  # opens the household to fix it
        await until(pilot, lambda: getattr(app.screen, "household_id", None) == hid, "the household's form")
        assert app.current_mode == "registry"


def test_a_township_name_with_a_control_character_is_named_in_the_titles(ctx, tmp_path):
    make_households(ctx)
    with ctx.db.engine.begin() as con:  # as stored before the checks
        con.exec_driver_sql("UPDATE township SET name = ?", ("新安\x07镇",))
    result = export_package(ctx, tmp_path / "out", parallel=False)
    titles = [c for c in result.stripped if c.row == 0]
    assert titles and all(c.column in ("标题", "表头说明") and "U+0007" in str(c) for c in titles), result.stripped
    assert "「户表」标题：去掉了 U+0007" in [str(c) for c in titles]
