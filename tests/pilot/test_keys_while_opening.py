"""Issue 13 item 10: an F-key pressed while the database is still opening is kept and done when ready."""

import threading

from fupin_tui.app import make_app

from tests.pilot.test_dialog_kit import seen


async def test_f3_pressed_during_the_open_lands_in_the_registry(ctx, db_path):
    app = make_app(db_path, operator="张会计", defer_open=True)
    opening = threading.Event()
    real_open = app._open_database

    def slow_open():  # a slow PC: the open waits until the clerk has pressed F3
        opening.wait(10)
        real_open()

    app._open_database = slow_open
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
