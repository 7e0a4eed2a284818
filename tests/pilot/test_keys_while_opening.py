"""Issue 13 item 10: an F-key pressed while the database is still opening is kept and done when ready."""

import threading

from fupin_tui.app import make_app

from tests.pilot.test_dialog_kit import seen


def _slow_app(db_path):
    """The app on a slow PC: its database opens only once the returned event is set."""
    app = make_app(db_path, operator="张会计", defer_open=True)
    opening = threading.Event()
    real_open = app._open_database

    def slow_open():
        opening.wait(10)
        real_open()

    app._open_database = slow_open
    return app, opening


async def test_f3_pressed_during_the_open_lands_in_the_registry(ctx, db_path):
    app, opening = _slow_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.ctx is None
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_mode == "dashboard"  # not yet: the database is not open
        opening.set()
        for _ in range(200):
            await pilot.pause(0.05)
            if app.current_mode == "registry":
                break
        assert app.current_mode == "registry"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdListScreen" and seen(app.screen.query_one("#search"))


async def test_keys_typed_after_the_queued_f3_find_and_open_the_household(ctx, db_path):
    """A slow PC: F3, Ctrl+F, a head's name and Enter typed before the database is open all
    reach the registry once it is; before, everything after F3 was dropped."""
    from fupin_tui.services import registry as reg
    from fupin_tui.services.township import villages
    from tests.pilot.ready import until
    from tests.pilot.test_registry_screens import HEAD_ID, WIFE_ID

    vid = villages(ctx)[0].id
    reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病"), [reg.MemberInput("王五", HEAD_ID, "户主")])
    reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病"), [reg.MemberInput("杨开秀", WIFE_ID, "户主")])
    app, opening = _slow_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.ctx is None
        await pilot.press("f3", "ctrl+f", *"杨开秀", "enter")
        opening.set()
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen", "户表打开")
        await until(pilot, lambda: "杨开秀" in str(app.screen.title), "户主杨开秀的户表")


async def test_letters_typed_while_opening_are_kept_the_letter_f_too(ctx, db_path):
    """Only another F-key replaces the queued job; an "f" typed into the search is text (pinyin 范, 冯)."""
    from tests.pilot.ready import until

    app, opening = _slow_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3", "ctrl+f", "f", "x")
        opening.set()
        # query, not query_one: the registry may be on top before it has composed its search box
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdListScreen"
                    and [w.value for w in app.screen.query("#search")] == ["fx"], "查找框里是 fx")
