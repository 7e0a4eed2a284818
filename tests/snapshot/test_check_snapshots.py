"""What the clerk sees on 体检 and 绩效自评 (today fixed at 2026-11-27), at 80x24 and 120x40."""

import pytest
from textual.worker import WorkerCancelled

from fupin_tui.app import make_app
from tests.checks_data import build_township


async def _settle(pilot):
    for _ in range(2):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive worker replaced by a newer one
            pass
        await pilot.pause()


def _to_check(*keys):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.app.switch_mode("check")
        await _settle(pilot)
        if keys:
            await pilot.press(*keys)
            await _settle(pilot)

    return run_before


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
        assert snap_compare(app, terminal_size=(120, 40), run_before=_to_check("ctrl+z"))
