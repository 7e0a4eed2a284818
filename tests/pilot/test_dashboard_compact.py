"""Issue 13 item 11: at 80x24 the 工作台 shows at least three deadlines and the fund line, unscrolled."""

import pytest

from fupin_tui.app import make_app
from fupin_tui.widgets.dashboard_panels import FundExecutionChart, NextDeadlines

from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from fupin_tui.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate(path, households=300, seed=1)
    return path


async def _settled(pilot):
    for _ in range(1200):
        await pilot.pause(0.05)
        if pilot.app.screen.settled and not any(w.is_running for w in pilot.app.workers):
            return
    raise AssertionError("dashboard never settled")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_deadlines_and_fund_line_on_the_first_screen(demo_db, size):
    app = make_app(demo_db, operator="张会计")
    async with app.run_test(size=size) as pilot:
        await _settled(pilot)
        deadlines = app.screen.query_one(NextDeadlines)
        funds = app.screen.query_one(FundExecutionChart)
        assert seen(deadlines) and seen(funds)
        text = screen_text(app)
        lines = text.splitlines()[:size[1] - 1]  # above the footer: what is on the screen without scrolling
        dated = [x for x in lines if "2026-1" in x and "天" in x or "今天" in x]
        assert len(dated) >= 3, text
        assert any("全乡镇：批复" in x and "已拨付" in x for x in lines), text
        # the deadline panel is wholly inside the visible part of the scroll area
        figures = app.screen.query_one("#figures")
        assert deadlines.region.bottom <= figures.region.bottom


async def test_the_deadline_panel_is_as_tall_as_the_lines_it_draws_at_a_narrower_width(demo_db):
    """The 80x24 flake (blank lines under 近期期限): the panel draws for its last width, and the layout
    after the figures' scrollbar came measures it two cells narrower; wrapped there, each full line
    counted twice. The height must be the lines drawn, whatever width measures them."""
    app = make_app(demo_db, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(pilot)
        panel = app.screen.query_one(NextDeadlines)
        assert panel.short  # set by the dashboard for a short terminal, not measured while drawing
        drawn = panel.render().plain.split("\n")
        assert len(drawn) >= 5 and panel.region.height == len(drawn)
        size = panel.size
        assert panel.get_content_height(size, size, size.width - 2) == len(drawn)
