"""基本信息's 可办理 line says where the next step is done when the dossier has none: after 验收 and its
platform entry, the 最终报账 is done in 报账 (F6); it never says 按 Ctrl+B 办理 when Ctrl+B offers nothing."""

from datetime import date

import pytest

from fupin_tui.app import make_app
from fupin_tui.models.projects import Project
from tests.funds_data import make_project
from tests.pilot.ready import app_ready, dossier_open, until
from tests.pilot.test_dialog_kit import seen


def _at(ctx, state: str) -> int:
    pid, _ = make_project(ctx, state=state)
    with ctx.transaction() as s:
        p = s.get(Project, pid)
        p.accepted_on = p.acceptance_entered_on = date(2026, 11, 20)  # 验收 and its 平台录入 done
        s.add(p)
    return pid


@pytest.mark.parametrize("state, says, never", [
    ("已验收", "下一步最终报账，在报账（F6）里办理", "按 Ctrl+B 办理"),
    ("已归档", "可办理：无", "按 Ctrl+B 办理"),
])
async def test_the_next_step_line_says_where_it_is_done(ctx, db_path, state, says, never):
    pid = _at(ctx, state)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        await dossier_open(pilot, pid)
        await until(pilot, lambda: app.screen.query("#basics") and "可办理" in str(app.screen.query_one("#basics").render()),
                    "基本信息")
        basics = app.screen.query_one("#basics")
        text = str(basics.render())
        line = next(x for x in text.splitlines() if x.startswith("可办理"))
        assert says in line and never not in line, line
        assert seen(basics)
