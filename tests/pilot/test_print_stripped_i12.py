"""Issue 12 item 6, the print path: old data holding control characters (typed before the service
checks refused them) is printed without them — Excel cannot hold them — but not silently. After a
printout the clerk sees which table, row, field and record lost what, as 导出 shows it, and Enter
on a line opens that record to fix it."""

import sqlite3

import pytest
from openpyxl import load_workbook

from fupin_tui.app import make_app
from fupin_tui.excel.registry_print import write_publicity_list
from fupin_tui.excel.styles import collect_stripped, pending_stripped
from fupin_tui.services.township import villages
from tests.funds_data import make_households
from tests.pilot.ready import app_ready, until


def _plant(db_path, sql: str, *args) -> None:
    """As an old record holds it: written past the service layer, which refuses it today."""
    con = sqlite3.connect(db_path)
    con.execute(sql, args)
    con.commit()
    con.close()


def _cells(path) -> list:
    return [c.value for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row]


async def test_printing_a_household_lists_what_its_table_left_out(ctx, db_path):
    [(hid, _name, _), *_] = make_households(ctx)
    _plant(db_path, "UPDATE household SET address = ? WHERE id = ?", "新寨村\x07一组", hid)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        app.open_record(f"household:{hid}")
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen", "户表")
        form = app.screen
        await pilot.press("ctrl+d")  # 打印: 贫困户基本情况统计表
        await until(pilot, lambda: type(app.screen).__name__ == "StrippedCellsDialog", "the list of what was left out")
        dialog = app.screen
        heading = dialog.query_one("#stripped-heading")
        text = str(heading.render())
        assert "统计表已导出" in text and "1 处内容含 Excel 不能保存的控制字符，打印时已去掉" in text, text
        listing = dialog.query_one("#stripped-cells")
        line = str(listing.get_option_at_index(0).prompt)
        assert "「贫困户基本情况统计表」" in line and "「家庭住址」（户编号 HH001）" in line and "U+0007" in line, line
        for widget in (heading, listing):
            assert widget.region.width > 0 and widget.region.height > 0, "seen on the screen"
        assert listing.has_focus
        await pilot.press("enter")  # the record is the one open: the dialog closes onto its form
        await until(pilot, lambda: app.screen is form, "back on the household's form")
    [path] = (db_path.parent / "导出").glob("贫困户基本情况统计表*.xlsx")
    assert "新寨村一组" in _cells(path), "still printed without the character: Excel cannot hold it"
    assert pending_stripped() == [], "nothing left over for the next export to report"


async def test_a_clean_household_prints_without_a_list(ctx, db_path):
    [(hid, _name, _), *_] = make_households(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        app.open_record(f"household:{hid}")
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen", "户表")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: list((db_path.parent / "导出").glob("贫困户基本情况统计表*.xlsx")), "the printout")
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdFormScreen"


@pytest.fixture
def demo_db(tmp_path):
    from fupin_tui.demo import generate

    db = tmp_path / "township.db"
    generate(db, households=40, seed=3)
    con = sqlite3.connect(db)
    project = con.execute("select project_id from beneficiary where not voided group by 1 "
                          "order by count(*) desc, 1 limit 1").fetchone()[0]
    con.close()
    return db, project


async def test_the_print_screen_lists_a_notice_cell_and_enter_opens_the_project(demo_db):
    from fupin_tui.screens.export import NOTICE

    db, project = demo_db
    _plant(db, "UPDATE beneficiary SET benefit = ? WHERE id = (SELECT min(id) FROM beneficiary "
               "WHERE project_id = ? AND NOT voided)", "种植\x1b补助", project)
    app = make_app(db_path=db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await app.switch_mode("export")
        screen = app.screen
        await until(pilot, lambda: screen.query_one("#export-project")._options[1:], "projects listed")
        screen.query_one("#export-what").value = NOTICE
        screen.query_one("#export-project").value = project
        screen.query_one("#export-dir").value = str(db.parent / "打印")
        await pilot.press("ctrl+d")
        result = screen.query_one("#export-result")
        await until(pilot, lambda: "已保存" in str(result.render()), "受益户公示 saved")
        text = str(result.render())
        assert "1 处内容含 Excel 不能保存的控制字符，打印时已去掉" in text, text
        listing = screen.query_one("#export-stripped")
        line = str(listing.get_option_at_index(0).prompt)
        assert "受益户公示」第 " in line and " 行「受益方式」" in line and f"项目记录号 {project}" in line and "U+001B" in line, line
        assert listing.region.width > 0 and listing.region.height > 0, "the list is seen"
        assert listing.has_focus
        await pilot.press("enter")  # opens the project to fix it
        await until(pilot, lambda: getattr(app.screen, "project_id", None) == project, "the project's dossier")


def test_a_publicity_list_names_the_household_of_each_cell(ctx, db_path):
    [(hid, _name, _), *_] = make_households(ctx)
    _plant(db_path, "UPDATE household SET status = '识别中' WHERE id = ?", hid)
    _plant(db_path, "UPDATE household SET head_name = ? WHERE id = ?", "王\x07大山", hid)
    village = villages(ctx)[0].id
    with collect_stripped() as stripped:
        path = write_publicity_list(ctx, village, out_dir=db_path.parent)
    assert {(c.column, c.record, c.number) for c in stripped} >= {("户主姓名", f"household:{hid}", "户编号 HH001")}
    assert path.exists() and pending_stripped() == []
