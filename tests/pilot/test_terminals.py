"""Usable on a 16-colour terminal: the focused field and the typed text stay visible."""

from fupin_tui.app import make_app
from tests.screen_text import ansi16_line


def _row_of(app, widget_id: str) -> int:
    return app.screen.query_one(f"#{widget_id}").region.y


async def test_focus_and_typed_text_are_visible_with_16_colours(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"abc")  # typed into the focused first field
        focused = ansi16_line(app, _row_of(app, "county"))
        other = ansi16_line(app, _row_of(app, "name"))
    typed = next(seg for seg in focused if seg[0] == "abc")
    label_bg = focused[0][2]
    unfocused_input_bg = other[-1][2]
    assert typed[1] != typed[2], "typed text would vanish into its background"
    assert typed[2] != unfocused_input_bg, "the focused field looks like the others"
    assert unfocused_input_bg is not None and label_bg is not None
