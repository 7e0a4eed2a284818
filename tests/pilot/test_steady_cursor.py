"""Tests draw a steady cursor (conftest turns blinking off), so snapshots never catch it half-way."""

from fupin_tui.app import make_app


async def test_inputs_do_not_blink_under_test(ctx):
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        inputs = list(app.screen.query("Input"))
        assert inputs and all(i.cursor_blink is False for i in inputs)
