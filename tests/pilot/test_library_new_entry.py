"""After 入库 the cursor is on the entry just admitted, so Ctrl+B 申报s that one (it stayed on the first row:
the clerk had to find the new entry, and another 在库 entry was one Ctrl+B away)."""

from decimal import Decimal

from fupin_tui.app import make_app
from fupin_tui.services import library
from fupin_tui.services.township import villages
from tests.pilot.ready import until


async def test_ctrl_b_after_a_new_entry_applies_for_that_entry(ctx, db_path):
    vid = villages(ctx)[0].id
    for name in ("甲村人居环境整治", "乙村产业路"):  # older entries, still 在库, listed before the new one
        library.save_entry(ctx, {"year": 2026, "name": name, "category": "产业发展", "content": "x",
                                 "amount_fiscal": Decimal("100000"), "performance_goals": "带动10户", "village_id": vid})
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("projects")
        await pilot.pause()
        await pilot.press("ctrl+k")
        await until(pilot, lambda: type(app.screen).__name__ == "LibraryScreen" and app.screen.rows, "项目库")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: type(app.screen).__name__ == "LibraryEntryForm", "入库表")
        await pilot.press("enter", "down", "enter", "tab", "tab", *"组组通公路", "tab", "enter", *"基", "enter",
                          "tab", "tab", "tab", "tab", *"硬化", "tab", "tab", *"300000")
        app.screen.query_one("#performance_goals").focus()
        await pilot.press(*"86户出行", "ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "LibraryScreen", "回到项目库")
        table = app.screen.query_one("#library")
        await until(pilot, lambda: str(table.get_row_at(table.cursor_row)[2]) == "组组通公路", "光标在新条目上")
        await pilot.press("ctrl+b")
        await until(pilot, lambda: type(app.screen).__name__ == "LifecycleDialog", "申报")
        assert "申报：组组通公路" in str(app.screen.query_one(".dialog-title").render())
