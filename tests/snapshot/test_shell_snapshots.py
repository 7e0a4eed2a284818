"""The shell's key screens as a clerk sees them, at 80×24 and 120×40."""

import pytest

from fupin_tui.app import make_app
from tests.pilot.ready import settled, until


@pytest.fixture
def demo_db(tmp_path):
    from fupin_tui.demo import generate

    path = tmp_path / "demo.db"
    generate(path, households=300, seed=1)
    return path


async def _settle(pilot):
    """Wait for the conditions the dashboard's look depends on, not for a quiet moment.

    Under load a quiet moment came before the last answer (a reload's cancelled worker still finishes
    and draws, the audit-chain check may add a warning): so wait until the database is ready, every
    panel and the counts show the answer to their latest load, and no worker is left running.
    """
    app = pilot.app
    for _ in range(1200):
        await pilot.pause(0.05)
        screen = app.screen
        settled = getattr(screen, "settled", True)
        if settled and not any(w.is_running or w.state.name == "PENDING" for w in app.workers):
            break
    else:
        raise AssertionError("the dashboard did not settle in 60 s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()  # the panels' second layout pass (DashboardPanel._loaded)
    assert getattr(app.screen, "settled", True)


class TestShell:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    def test_dashboard(self, snap_compare, demo_db, size):
        """Counts, 体检 severities, next deadlines and charts on the 工作台."""
        assert snap_compare(make_app(demo_db, operator="张会计"), terminal_size=size, run_before=_settle)

    def test_policy_settings(self, snap_compare, demo_db):
        """Every policy parameter with its current value, default, rule and section."""

        async def open_params(pilot):
            await _settle(pilot)
            await pilot.press("f9")
            await until(pilot, lambda: pilot.app.screen.query("#tabs"), "设置")
            pilot.app.screen.query_one("#tabs").active = "tab-params"
            await settled(pilot, "县里按制度填写的参数", "疑似拆分项目比对期")

        assert snap_compare(make_app(demo_db, operator="张会计"), terminal_size=(120, 40), run_before=open_params)
