"""What a clerk typed survives Esc, a closed terminal and a crash (issue 12 item 9), seen on screen."""

import pytest

from fupin_tui.app import make_app
from fupin_tui.services import drafts
from tests.pilot.ready import app_ready, until
from tests.screen_text import screen_text


@pytest.fixture
def app(ctx, db_path):
    return make_app(db_path=db_path, operator="张会计")


def _on(app, name: str) -> bool:
    return type(app.screen).__name__ == name


async def _click_seen(app, pilot, selector: str) -> None:
    """Click a dialog's button once it is laid out on the screen (a click before lands elsewhere)."""
    await until(pilot, lambda: app.screen.query(selector) and app.screen.query_one(selector).region.width > 0,
                f"{selector} shown")
    await pilot.click(selector)


async def _new_household(app, pilot):
    await app_ready(pilot)
    await app.switch_mode("registry")
    await until(pilot, lambda: _on(app, "HouseholdListScreen"), "建档立卡")
    await pilot.press("ctrl+n")
    await until(pilot, lambda: _on(app, "HouseholdFormScreen") or _on(app, "DraftOfferDialog"), "新增贫困户")
    return app.screen


async def _type_address(pilot, text):
    address = pilot.app.screen.query_one("#address")
    address.focus()
    await until(pilot, lambda: pilot.app.focused is address, "光标在「地址」")
    await pilot.press(*list(text))


async def test_typing_is_kept_as_a_draft_and_offered_back_after_the_terminal_closed(ctx, db_path):
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _new_household(app, pilot)
        await _type_address(pilot, "新寨村一组")
        await pilot.press("tab")  # leaving the field writes the draft (in a worker thread)
        await until(pilot, lambda: (d := drafts.load(ctx, "household:new")) is not None
                    and d.values["address"] == "新寨村一组", "草稿已写")
    # the terminal closed without Ctrl+S or Esc: a new start offers the draft
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _new_household(app, pilot)
        await until(pilot, lambda: _on(app, "DraftOfferDialog") and "恢复草稿" in screen_text(app), "草稿提示")
        form = app.screen_stack[-2]
        text = screen_text(app)
        assert "未保存的草稿" in text and "恢复草稿" in text and "丢弃草稿" in text
        region = app.screen.query_one("#restore").region
        assert region.width > 0 and region.height > 0
        await pilot.press("enter")  # 恢复草稿 is focused
        await until(pilot, lambda: app.screen is form and form.query_one("#address").value == "新寨村一组", "已恢复")
        assert any("已恢复" in n.message for n in app._notifications)


async def test_esc_by_mistake_keeps_the_draft_and_discarding_is_a_choice_of_its_own(app, ctx):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _new_household(app, pilot)
        await _type_address(pilot, "坪上村三组")
        await pilot.press("escape")
        await until(pilot, lambda: "已存为草稿" in screen_text(app), "离开前询问")
        await _click_seen(app, pilot, "#yes")  # 离开
        await until(pilot, lambda: app.screen is not form and _on(app, "HouseholdListScreen"), "回到列表")
        assert drafts.load(ctx, "household:new").values["address"] == "坪上村三组"
        await pilot.press("ctrl+n")
        await until(pilot, lambda: _on(app, "DraftOfferDialog"), "草稿提示")
        await pilot.press("escape")  # 稍后: Esc never discards
        await until(pilot, lambda: _on(app, "HouseholdFormScreen"), "稍后：回到表")
        assert drafts.load(ctx, "household:new") is not None
        await pilot.press("escape")
        await until(pilot, lambda: _on(app, "HouseholdListScreen"), "回到列表")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: _on(app, "DraftOfferDialog"), "草稿提示")
        await _click_seen(app, pilot, "#discard")
        await until(pilot, lambda: drafts.load(ctx, "household:new") is None, "草稿已丢弃")
        assert any("草稿已丢弃" in n.message for n in app._notifications)
