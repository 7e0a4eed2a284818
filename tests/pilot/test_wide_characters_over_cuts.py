"""A Chinese character drawn over another widget's edge stays whole (Textual #6357): a dropdown's
option such as 材料及设备采购（发票，余9,084.00） lost its ，(two spaces) where the form beneath had
the edge of a field, seen in tmux in 新建报账凭证 at 80x24."""

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static

from fupin_tui import textual_wide

TEXT = "材料及设备采购（发票，余9,084.00）"  # 34 cells


class Overlaid(App):
    CSS = """
    Screen { layers: base top; }
    #row Static { width: 7; height: 3; }  /* edges at 7, 14, 21, 28, 35 ... odd columns */
    #over { layer: top; offset: 2 0; width: 36; height: 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="row"):
            for i in range(8):
                yield Static("甲乙丙", id=f"s{i}")
        yield Label(TEXT, id="over")


def _line(app, y: int) -> str:
    return "".join(seg.text for seg in app.screen._compositor.render_strips()[y])


async def test_stock_textual_splits_them_into_spaces():
    """What the fix is for: without it the same screen loses 及, 票 and ）."""
    textual_wide.uninstall()
    try:
        app = Overlaid()
        async with app.run_test(size=(60, 5)) as pilot:
            await pilot.pause()
            assert TEXT not in _line(app, 0)
    finally:
        textual_wide.install()


async def test_an_overlay_keeps_its_wide_characters_across_the_edges_beneath():
    textual_wide.install()
    app = Overlaid()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        line = _line(app, 0)
        assert TEXT in line, line
        # and beneath, beside the overlay, the base is drawn as before: the Statics at 42 and 49
        assert line.startswith("甲" + TEXT) and line.count("甲乙丙") == 2, line


async def test_a_partial_redraw_of_the_overlay_keeps_them_too():
    textual_wide.install()
    app = Overlaid()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        app.query_one("#over", Label).update("到户补助（名册，余21,196.00）")
        await pilot.pause()
        assert "到户补助（名册，余21,196.00）" in _line(app, 0), _line(app, 0)
