"""建档立卡's search box: Enter on a filter that finds no household says so on screen, and the list stays."""

from fupin_tui.app import make_app

from tests.pilot.ready import app_ready, dashboard_settled, shown, toast_seen, until
from tests.pilot.test_key_bursts import _household
from tests.pilot.test_registry_screens import HEAD_ID, WIFE_ID


async def test_enter_on_a_search_with_no_match_says_so(ctx, db_path):
    _household(ctx, "王五", HEAD_ID)
    _household(ctx, "杨开秀", WIFE_ID)
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn
        await app_ready(pilot)
        await dashboard_settled(pilot)
        await pilot.press("f3")
        await shown(pilot, "共 2 户", what="户列表")
        await pilot.press("ctrl+f", *"zz9", "enter")
        await shown(pilot, "共 0 户", what="查无此户的户数")
        await until(pilot, lambda: toast_seen(app, "没有找到符合条件的户"), "没有找到的提示，显示在屏幕上")
        assert type(app.screen).__name__ == "HouseholdListScreen"
