"""The raw key log (FUPIN_TUI_KEYLOG) reads right: a Backspace is logged with the value after the
binding deleted (``bound``). Its input's handler sees the key first, before the deletion, so with only
``got`` lines the first of seven quick Backspaces looked lost in tmux, though all seven had deleted."""

from textual.app import App
from textual.widgets import Input

from fupin_tui import keylog
from fupin_tui.app import make_app
from tests.pilot.ready import app_ready, until


async def test_each_backspace_is_logged_with_the_value_after_it(ctx, db_path, tmp_path, monkeypatch):
    log = tmp_path / "keys.log"
    monkeypatch.setenv(keylog.ENV, str(log))
    monkeypatch.setattr(keylog, "_out", None)
    monkeypatch.setattr(Input, "_on_key", Input._on_key)  # put back after the test: the log patches both
    monkeypatch.setattr(App, "_on_key", App._on_key)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        await pilot.press("f3")
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdListScreen" and app.focused, "建档立卡")
        await pilot.press(*"abc", "backspace", "backspace")
        await until(pilot, lambda: app.focused.value == "a", "两次退格")
    keylog._out.close()
    lines = [x.split("\t") for x in log.read_text(encoding="utf-8").splitlines()]
    bound = [x[-1] for x in lines if x[1] == "bound" and x[2] == "backspace"]
    assert bound == ["'ab'", "'a'"]  # each Backspace with what it left
    assert sum(1 for x in lines if x[1] == "got" and x[2] == "backspace") == 2  # once each, not twice
