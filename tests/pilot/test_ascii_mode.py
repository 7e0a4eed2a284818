"""ASCII border mode (old Windows console): typed filter text shows, and no wide or box glyph is drawn."""

import pytest

from fupin_tui.app import make_app
from tests.pilot.ready import app_ready, no_worker_running, until
from tests.screen_text import screen_text

WIDE_OR_BOX = {chr(c) for c in range(0x2500, 0x25A0)} | set("…—·●→⭘━▔▏▼▲🔎╸╺")


@pytest.fixture
def ascii_db(ctx):
    from fupin_tui.services import township
    from tests import excel_sample

    excel_sample.fill(ctx, households=4, projects=2)
    township.set_setting(ctx, "border_style", "ascii")
    return ctx.db.path


@pytest.mark.parametrize("key, box", [("f3", "#filters Input"), ("f4", "#project-filter"), ("f8", "#check-filter")])
async def test_typed_filter_text_is_visible(ascii_db, key, box):
    app = make_app(ascii_db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()
        field = app.screen.query(box).first()
        field.focus()
        await pilot.press(*"zq")
        await pilot.pause()
        assert app.has_class("-ascii")
        assert field.value == "zq" and field.region.height >= 1
        row = screen_text(app).splitlines()[field.region.y]
        assert "zq" in row, row


@pytest.mark.parametrize("key", ["f2", "f3", "f4", "f8", "f9"])
async def test_no_wide_or_box_glyph_on_the_main_screens(ascii_db, key):
    app = make_app(ascii_db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await pilot.press(key)
        # the screen switched and its loads answered: a late table would bring its own glyphs
        await until(pilot, lambda: app.screen is not None and no_worker_running(app)
                    and getattr(app.screen, "settled", True), "screen loaded")
        await pilot.pause()
        shown = screen_text(app)
    assert not (set(shown) & WIDE_OR_BOX), sorted(set(shown) & WIDE_OR_BOX)


async def test_no_box_glyph_in_the_help_panel_and_palette(ascii_db):
    app = make_app(ascii_db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app_ready(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: type(app.screen).__name__ == "KeyHelpScreen", "F1 面板")
        await pilot.pause()
        help_shown = screen_text(app)
        await pilot.press("f1", "ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "FupinPalette", "命令面板")
        await pilot.pause()
        palette_shown = screen_text(app)
    # "→" in key descriptions belongs to the key map (issue 14); the panel's own border must be plain
    assert not (set(help_shown) & (WIDE_OR_BOX - {"→"})), sorted(set(help_shown) & WIDE_OR_BOX)
    # the palette's placeholder text ("…") is Textual's built-in text, translated by the key map (issue 14)
    assert not (set(palette_shown) & (WIDE_OR_BOX - {"…"})), sorted(set(palette_shown) & WIDE_OR_BOX)
