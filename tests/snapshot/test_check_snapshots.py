"""What the clerk sees on 体检 and 绩效自评 (today fixed at 2026-11-27), at 80x24 and 120x40."""

import pytest

from fupin_tui.app import make_app
from tests.checks_data import build_township
from tests.pilot.ready import app_ready, check_loaded, no_worker_running, until


def _to_check(*keys, shown=None):
    """Open 体检 once its run is drawn, press ``keys``, then wait for ``shown`` (and no worker left).

    Waits for conditions, not quiet moments: in CI a cancelled exclusive worker ended the old
    wait early and the 绩效自评 snapshot was taken before its figures were drawn.
    """
    async def run_before(pilot):
        await app_ready(pilot)
        await pilot.app.switch_mode("check")
        await check_loaded(pilot)
        if keys:
            await pilot.press(*keys)
            await until(pilot, lambda: (shown is None or shown(pilot.app)) and no_worker_running(pilot.app),
                        "按键之后的画面")
            await pilot.pause()

    return run_before


def _evaluation_drawn(app) -> bool:
    """The figures are in the table AND drawn: the title's 项目 count is on the composed screen."""
    from tests.screen_text import screen_text

    if type(app.screen).__name__ != "EvaluationScreen" or app.screen.evaluation is None:
        return False
    table = app.screen.query_one("#eval-table")
    return table.row_count == len(app.screen.evaluation.indicators) and "自评（项目" in screen_text(app)


class TestCheckScreen:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    def test_findings_grouped_by_severity_and_rule(self, snap_compare, ctx, db_path, size):
        """The list opens on every finding, the overdue first, with the detail of the first below."""
        build_township(ctx)
        app = make_app(db_path=db_path, operator="张会计")
        assert snap_compare(app, terminal_size=size, run_before=_to_check())

    def test_filtered_to_one_rule(self, snap_compare, ctx, db_path):
        """Typing a rule id narrows the list."""
        build_township(ctx)
        app = make_app(db_path=db_path, operator="张会计")
        assert snap_compare(app, terminal_size=(120, 40), run_before=_to_check("ctrl+f", "P", "1", "3", "enter"))


class TestEvaluationScreen:
    def test_indicators_of_the_year(self, snap_compare, ctx, db_path):
        """The 绩效自评 indicators with the figures behind them."""
        build_township(ctx)
        app = make_app(db_path=db_path, operator="张会计")
        assert snap_compare(app, terminal_size=(120, 40), run_before=_to_check("ctrl+z", shown=_evaluation_drawn))
