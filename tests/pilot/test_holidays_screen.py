"""设置 → 节假日: the clerk sees which years are computed, imports the official schedule, sees a refusal."""

from pathlib import Path

import pytest

from fupin_tui.app import make_app
from fupin_tui.domain import workdays


@pytest.fixture(autouse=True)
def _forget_imported_calendars():
    yield
    workdays.configure(())  # the next test must not see this test's imported 2027

OFFICIAL_2027 = """year = 2027
status = "official"
source = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = ["2027-01-01", "2027-01-02", "2027-01-03"]
workdays = ["2027-02-20"]
"""


async def _open(pilot, app):
    await pilot.press("f9")
    await pilot.pause()
    app.screen.query_one("#tabs").active = "tab-holidays"
    await pilot.pause()


def _shown(widget) -> str:
    return str(widget.render())


async def test_holidays_tab_lists_the_computed_years_and_imports_the_official_one(ctx, tmp_path):
    path = Path(tmp_path) / "2027.toml"
    path.write_text(OFFICIAL_2027, encoding="utf-8")
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, app)
        table = app.screen.query_one("#holiday-years")
        assert table.display and table.region.height > 0
        row = table.get_row("2027")
        assert row[1] == "按放假办法推算" and "全国年节及纪念日放假办法" in row[5]
        warning = app.screen.query_one("#holiday-warning")
        assert "2027" in _shown(warning) and warning.region.height > 0
        box = app.screen.query_one("#holiday-file")
        box.focus()
        box.value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        done = app.screen.query_one("#holiday-done")
        assert "已导入：2027年（正式" in _shown(done) and done.region.height > 0
        assert table.get_row("2027")[1] == "正式"
        assert "2027" not in _shown(warning)


async def test_a_bad_holiday_file_is_refused_and_the_path_kept(ctx, tmp_path):
    path = Path(tmp_path) / "bad.toml"
    path.write_text('year = 2027\nsource = "x"\nholidays = ["2027-02-30"]\n', encoding="utf-8")
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        box = app.screen.query_one("#holiday-file")
        box.focus()
        box.value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#holiday-error")
        assert "不是有效日期" in _shown(error) and error.region.height > 0
        assert box.value == str(path)
