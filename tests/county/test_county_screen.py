"""The app on a county database opens in county mode: the 全县汇总 on screen, the townships'
records refused for editing (visibly), and a merge undone from the screen after a confirm."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import DataTable

from fupin_tui.app import make_app
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from tests.pilot.ready import app_ready, until
from tests.screen_text import screen_text


@pytest.fixture
def county_db(town, other_town, tmp_path):
    county = tmp_path / "county.db"
    import_packages([export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path],
                    county, operator="县汇总")
    return county


def _households(db, code: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from household h join countyowned co on co.row_id = h.id and "
                           "co.table_name = 'household' where co.township_code = ?", (code,)).fetchone()[0]
    finally:
        con.close()


def _rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_county_database_opens_the_summary_refuses_edits_and_undoes_a_merge(county_db):
    app = make_app(county_db, operator="县汇总")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:  # the refusal is a toast
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 3, "全县汇总显示")
        rows = _rows(app, "#county-summary")
        assert [r[0] for r in rows] == ["520123101 新安镇", "520123102 坪山乡", "全县合计"]
        assert rows[0][2] == "10" and rows[1][2] == "6" and rows[2][2] == "16"
        assert "全县汇总" in screen_text(app) and "新安镇" in screen_text(app)
        assert "县级汇总" in app.title

        # a township's records cannot be edited here: the job is refused, said on screen
        await pilot.press("f3")
        await until(pilot, lambda: "不可用" in screen_text(app).replace("\n", ""), "只读的提示（显示在屏幕上）")
        assert type(app.screen).__name__ == "CountyScreen"
        app.show_rule("H01")  # the palette's way into 体检 is refused the same way
        await pilot.pause()
        assert type(app.screen).__name__ == "CountyScreen" and app.current_mode == "county"

        # undo the newest merge (坪山乡's, listed first) after the confirm dialog
        merges = app.screen.query_one("#county-merges", DataTable)
        merges.focus()
        merges.move_cursor(row=0)
        await pilot.press("ctrl+x")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog", "确认撤销")
        assert "撤销合并" in screen_text(app) and "坪山乡" in screen_text(app)
        await until(pilot, lambda: app.screen.query_one("#yes").region.area > 0, "撤销按钮")
        app.screen.query_one("#yes").press()  # not a click: a toast may lie over the dialog
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 2, "撤销后的汇总")
        assert [r[0] for r in _rows(app, "#county-summary")] == ["520123101 新安镇", "全县合计"]
        assert "已撤销" in _rows(app, "#county-merges")[0][6]
    assert _households(county_db, "520123102") == 0
    assert _households(county_db, "520123101") == 10


async def test_a_township_database_is_not_in_county_mode(ctx):
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(100, 30)) as pilot:
        await app_ready(pilot)
        assert not app.county_mode and type(app.screen).__name__ != "CountyScreen"
