"""The dossier's title is one line at 80 columns: name, state, subsidy and file number stay; the
village and the year go first when the line would wrap (it wrapped and pushed the tabs a row down)."""

import pytest

from fupin_tui.app import make_app
from fupin_tui.models.projects import Project
from tests.pilot.ready import dossier_open, until
from tests.pilot.test_project_screens import make_project

NAME = "岩脚村组组通公路硬化工程"


@pytest.fixture
def app(ctx, db_path):
    return make_app(db_path=db_path, operator="张会计")


def _title(app):
    return app.screen.query_one("#dossier-title")


async def test_the_title_keeps_one_line_and_what_matters_at_80_columns(app, ctx):
    """Opened at 120 columns with everything, then the terminal made 80 columns wide."""
    pid = make_project(ctx, name=NAME)
    with ctx.transaction() as s:  # as 归档 numbers it
        s.get(Project, pid).file_number = "2026-新安镇-022"
    async with app.run_test(size=(120, 40)) as pilot:
        await dossier_open(pilot, pid)
        await until(pilot, lambda: app.screen.query("#dossier-title") and NAME in str(_title(app).render()),
                    "档案标题")
        wide = str(_title(app).render())
        assert "新寨村" in wide and "2026年" in wide and _title(app).region.height == 1

        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "新寨村" not in str(_title(app).render()), "80列的标题")
        narrow = str(_title(app).render())
        assert narrow.startswith(NAME[:8]) and "…" in narrow  # a long name cut, not the state or the number
        for part in ("状态：申报", "补助：200,000.00元", "档号：2026-新安镇-022"):
            assert part in narrow
        assert _title(app).region.height == 1 and _title(app).region.width == 80
