"""A letter typed in the household list's search box is drawn with the list and count it changes, in
one frame and without laying out the screen (``textual_frame.draw_now``, ``textual_input``).

Seen in tmux at 20,000 households: the letter appeared about 25 ms after the key and the list and
count line one frame later, 45–60 ms; and every key laid out the whole screen for the Input's
text width.
"""

from textual.screen import Screen

from fupin_tui import textual_input
from fupin_tui.app import make_app
from fupin_tui.screens import registry as registry_screen
from fupin_tui.widgets import lazy_table

from tests.pilot.ready import app_ready, dashboard_settled, shown, until
from tests.pilot.test_key_bursts import _household
from tests.pilot.test_registry_screens import HEAD_ID, WIFE_ID


class Frames:
    """What each frame drew (the ids of the widgets it repainted) and how many layouts ran."""

    def __init__(self, monkeypatch) -> None:
        self.drawn: list[set[str]] = []
        self.layouts = 0
        refresh, layout = Screen._compositor_refresh, Screen._refresh_layout

        def recorded_refresh(screen):
            self.drawn.append({w.id or type(w).__name__ for w in screen._dirty_widgets})
            return refresh(screen)

        def counted_layout(screen, *args, **kwargs):
            self.layouts += 1
            return layout(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "_compositor_refresh", recorded_refresh)
        monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)

    def reset(self) -> None:
        self.drawn, self.layouts = [], 0

    def first_with(self, widget_id: str) -> set[str]:
        return next(d for d in self.drawn if widget_id in d)


async def _type_in_search(ctx, db_path, monkeypatch, key: str, stock_input: bool = False) -> Frames:
    _household(ctx, "王五", HEAD_ID)
    _household(ctx, "杨开秀", WIFE_ID)
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await dashboard_settled(pilot)
        await pilot.press("f3")
        await shown(pilot, "共 2 户", what="户列表")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "search", "光标在查找框")
        if stock_input:  # after the app has mended Textual's widgets at open
            monkeypatch.setattr(textual_input.Input, "_watch_value", textual_input._stock)
        await pilot.pause()
        frames = Frames(monkeypatch)
        await pilot.press(key)
        text = await shown(pilot, "共 1 户", what="按杨查找后的户数")
        assert "杨开秀" in text and "王五" not in text
        await pilot.pause()
        return frames


async def test_the_letter_the_list_and_the_count_come_in_one_frame_without_a_layout(ctx, db_path, monkeypatch):
    frames = await _type_in_search(ctx, db_path, monkeypatch, "y")
    assert frames.first_with("search") >= {"search", "households", "counts"}, frames.drawn
    assert frames.layouts == 0


async def test_stock_textual_lays_out_the_screen_for_each_letter(ctx, db_path, monkeypatch):
    """What textual_input is for: Textual's Input sets its text width as a layout reactive."""
    frames = await _type_in_search(ctx, db_path, monkeypatch, "y", stock_input=True)
    assert frames.layouts >= 1


async def test_without_draw_now_the_list_comes_a_frame_after_the_letter(ctx, db_path, monkeypatch):
    """What draw_now is for: a refresh made by another widget's handler waits for that widget's idle."""
    monkeypatch.setattr(lazy_table, "draw_now", lambda *widgets: None)
    monkeypatch.setattr(registry_screen, "draw_now", lambda *widgets: None)
    frames = await _type_in_search(ctx, db_path, monkeypatch, "y")
    assert "households" not in frames.first_with("search"), frames.drawn
