"""The 导出 screen as a clerk uses it: export with progress, cancel, and the roster import."""

import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from fupin_tui.app import make_app
from fupin_tui.models import Household, Member

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import excel_sample  # noqa: E402

from tests.pilot.ready import until  # noqa: E402


def _shows(widget, text: str):
    return lambda: text in str(widget.render())


async def test_export_writes_the_package(ctx, db_path, tmp_path):
    excel_sample.fill(ctx, households=8, projects=2)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("export")
        screen = app.screen
        assert screen.query_one("#export-period").value == "2026-11"
        out = screen.query_one("#export-dir")
        out.value = str(tmp_path / "上报")
        await pilot.press("ctrl+d")
        await until(pilot, _shows(screen.query_one("#export-result"), ".zip"), "导出结果")
        result = str(screen.query_one("#export-result").render())
        assert "520123101-新安镇-2026-11.zip" in result and "户 8" in result
        zips = list((tmp_path / "上报").glob("*.zip"))
        assert len(zips) == 1
        with zipfile.ZipFile(zips[0]) as zf:
            assert "manifest.json" in zf.namelist()
        assert screen.query_one("#export-progress").percentage == 1.0


async def test_bad_period_is_named(ctx, db_path, tmp_path):
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("export")
        screen = app.screen
        screen.query_one("#export-dir").value = str(tmp_path / "x")
        period = screen.query_one("#export-period")
        period.value = ""
        period.focus()
        await pilot.press(*"2026-13")
        await pilot.press("ctrl+d")
        await until(pilot, _shows(screen.query_one("#export-status"), "报送期"), "报送期有误")
        assert not (tmp_path / "x").exists() or not list((tmp_path / "x").glob("*.zip"))


async def test_cancel_stops_the_export(ctx, db_path, tmp_path):
    excel_sample.fill(ctx, households=8, projects=1)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("export")
        screen = app.screen
        screen.query_one("#export-dir").value = str(tmp_path / "c")
        screen.action_export()
        screen._cancel.set()  # the clerk pressed Ctrl+X before the first rows were written
        await until(pilot, _shows(screen.query_one("#export-status"), "取消"), "已取消")
        await app.workers.wait_for_complete()
        assert list((tmp_path / "c").glob("*.zip")) == []


async def test_roster_import_from_the_export_screen(ctx, db_path, tmp_path):
    ids = excel_sample.unique_ids(__import__("random").Random(3), 3)
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "新寨村花名册"
    ws.append(["户主姓名", "姓名", "身份证号", "与户主关系"])
    ws.append(["刘一", "刘一", ids[0], "户主"])
    ws.append(["刘一", "陈二", ids[1], "配偶"])
    ws.append(["黄三", "黄三", ids[2][:-1] + ("1" if ids[2][-1] != "1" else "2"), "户主"])
    path = tmp_path / "名册.xlsx"
    wb.save(path)

    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("export")
        await pilot.press("ctrl+n")
        screen = app.screen
        assert type(screen).__name__ == "ImportRosterScreen"
        screen.query_one("#roster-village").value = "520123101201"  # no village column in this file
        screen.query_one("#roster-path").focus()
        await pilot.press(*str(path))
        await pilot.press("enter")
        # reading, then checking: two workers one after the other
        await until(pilot, lambda: screen.plan is not None, "名册已读、已校验")
        assert screen.query_one("#map-id_number").value == 2
        table = screen.query_one("#roster-problems")
        assert table.row_count == 1
        assert "校验码" in str(table.get_row_at(0)[3])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.query("#yes"), "导入前确认")
        await pilot.click("#yes")
        await until(pilot, _shows(screen.query_one("#roster-info"), "已导入 1 户、2 人"), "已导入")
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Household)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 2


async def test_print_key_writes_a_projects_payment_roster_and_notice(tmp_path):
    """内容 chosen with the keyboard, then the project; Ctrl+D writes the list, a missing project is named."""
    import sqlite3

    import openpyxl

    from fupin_tui.demo import generate

    db = tmp_path / "demo.db"
    generate(db, households=40, seed=3)
    con = sqlite3.connect(db)
    project, name = con.execute(
        "select p.id, p.name from project p join voucher v on v.project_id = p.id join voucherline l "
        "on l.voucher_id = v.id where l.kind = '名册' and not l.voided group by p.id order by count(*) desc").fetchone()
    con.close()
    app = make_app(db_path=db, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("export")
        screen = app.screen
        screen.query_one("#export-dir").value = str(tmp_path / "打印")
        screen.query_one("#export-what").focus()
        await pilot.press("enter", "down", "enter")  # 到户补助发放花名册
        await until(pilot, lambda: screen.query_one("#export-what").value == "roster", "选了发放花名册")
        await pilot.press("ctrl+d")
        status = screen.query_one("#export-status")
        await until(pilot, _shows(status, "项目：请选择"), "没选项目，说出来")
        assert status.region.height > 0
        screen.query_one("#export-project").value = project
        await pilot.press("ctrl+d")
        await until(pilot, lambda: list((tmp_path / "打印").glob("发放花名册_*.xlsx"))
                    and "发放花名册" in str(screen.query_one("#export-result").render()), "花名册已写")
        [book] = (tmp_path / "打印").glob("发放花名册_*.xlsx")
        assert name in book.name and str(book) in str(screen.query_one("#export-result").render())
        ws = openpyxl.load_workbook(book).active
        assert ws.cell(3, 10).value == "领款人签名"
        screen.query_one("#export-what").focus()
        await pilot.press("enter", "down", "enter")  # 受益户公示
        await until(pilot, lambda: screen.query_one("#export-what").value != "roster", "选了受益户公示")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: list((tmp_path / "打印").glob("受益户公示_*.xlsx")), "受益户公示已写")
