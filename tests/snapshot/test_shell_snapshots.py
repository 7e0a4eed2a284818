"""The shell's key screens as a clerk sees them, at 80×24 and 120×40."""

import pytest

from fupin_tui.app import make_app


@pytest.fixture
def demo_db(tmp_path):
    from fupin_tui.demo import generate

    path = tmp_path / "demo.db"
    generate(path, households=300, seed=1)
    return path


async def _settle(pilot):
    """Wait until the loading workers have started, finished, and the screen has taken their results."""
    quiet = 0
    for _ in range(600):
        await pilot.pause(0.05)
        busy = any(w.is_running for w in pilot.app.workers)
        panels = pilot.app.screen.query(".panel")
        ready = (getattr(pilot.app.screen, "figures_shown", True) and len(panels) > 0
                 and all(p.data is not None or p.failed for p in panels))
        quiet = quiet + 1 if ready and not busy else 0
        if quiet >= 5:
            break
    await pilot.pause()


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
            await pilot.pause()
            pilot.app.screen.query_one("#tabs").active = "tab-params"
            await pilot.pause()

        assert snap_compare(make_app(demo_db, operator="张会计"), terminal_size=(120, 40), run_before=open_params)
