"""How the export and roster import screens look at a fixed date (2026-11-27)."""

import random
import sys
from pathlib import Path

from openpyxl import Workbook

from fupin_tui.app import make_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import excel_sample  # noqa: E402
from tests.pilot.ready import app_ready, settled, until  # noqa: E402


class TestExportScreens:
    def test_export_screen_at_80x24(self, snap_compare, db_path, ctx):
        """The export form: period of this month, whole township, the folder to save to."""
        async def run_before(pilot):
            await app_ready(pilot)
            await pilot.app.switch_mode("export")
            await until(pilot, lambda: pilot.app.screen.query("#export-dir"), "导出上报")
            pilot.app.screen.query_one("#export-dir").value = "/home/clerk/上报包"
            await settled(pilot, "/home/clerk/上报包", "2026-11")

        assert snap_compare(make_app(db_path=db_path, operator="张会计"), terminal_size=(80, 24),
                            run_before=run_before)

    def test_roster_preview_with_problems(self, snap_compare, db_path, ctx, tmp_path):
        """A roster with a bad check digit and an Excel-mangled ID: both named by row and column."""
        ids = excel_sample.unique_ids(random.Random(11), 3)
        wb = Workbook()
        ws = wb.active
        ws["A1"] = "新寨村贫困户花名册"
        ws.append(["村", "户主姓名", "姓名", "身份证号", "与户主关系"])
        ws.append(["新寨村", "刘一", "刘一", ids[0], "户主"])
        ws.append(["新寨村", "刘一", "陈二", 520123198001011000, "配偶"])
        ws.append(["新寨村", "黄三", "黄三", ids[2][:-1] + ("1" if ids[2][-1] != "1" else "2"), "户主"])
        path = tmp_path / "名册.xlsx"
        wb.save(path)

        async def run_before(pilot):
            from fupin_tui.screens.import_roster import ImportRosterScreen

            await app_ready(pilot)
            await pilot.app.switch_mode("export")
            pilot.app.push_screen(ImportRosterScreen(str(path)))
            await pilot.pause()
            await pilot.press("enter")
            for _ in range(100):  # reading, then checking: two workers one after the other
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
                if pilot.app.screen.plan is not None:
                    break
            # show the path the same way on every machine
            pilot.app.screen.query_one("#roster-path").value = "名册.xlsx"
            pilot.app.screen.query_one("#roster-info").update("工作表「Sheet」，表头在第 2 行，共 5 行。")
            await settled(pilot, "表头在第 2 行", "名册.xlsx")

        assert snap_compare(make_app(db_path=db_path, operator="张会计"), terminal_size=(120, 40),
                            run_before=run_before)
