"""Issue 13 item 12: planned dates carry over to the next step. The 计划开工/计划完工 typed at 入库 are
what 上报实施方案 starts with (it showed 年-月-日 twice, and the clerk typed both dates again); the
clerk can still type over them, and a project with none starts empty."""

from datetime import date
from decimal import Decimal

from fupin_tui.app import make_app
from fupin_tui.models.projects import Project
from fupin_tui.services import library, projects
from fupin_tui.services.township import villages
from tests.pilot.ready import dossier_open, until
from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


def _approved(ctx, **planned) -> int:
    entry = library.save_entry(ctx, {"year": 2026, "name": "新寨村产业路", "category": "教育",
                                     "content": "助学", "amount_fiscal": Decimal("200000"),
                                     "performance_goals": "带动30户", "village_id": villages(ctx)[0].id,
                                     **planned})
    pid = projects.apply_from_library(ctx, entry, {"date": "2026-03-01"})
    projects.perform(ctx, pid, "立项批复", {"date": "2026-03-05", "document_no": "县批1", "approver": "县扶贫办",
                                        "subsidy": "200000"})
    projects.add_budget_line(ctx, pid, item="助学金", quantity=Decimal(1), unit_price=Decimal("200000"),
                             spending_kind="直接补助到户")
    return pid


async def _plan_dialog(pilot, pid: int):
    app = pilot.app
    await dossier_open(pilot, pid)
    await pilot.press("ctrl+b")
    await until(pilot, lambda: hasattr(app.screen, "actions") and "上报实施方案" in app.screen.actions, "办理菜单")
    await pilot.press(*["down"] * app.screen.actions.index("上报实施方案"), "enter")
    await until(pilot, lambda: app.screen.query("#f-planned_start"), "上报实施方案对话框")
    return app.screen


async def test_the_library_entrys_planned_dates_are_what_the_plan_starts_with(ctx, db_path):
    pid = _approved(ctx, planned_start=date(2026, 4, 1), planned_end=date(2026, 10, 1))
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _plan_dialog(pilot, pid)
        start, end = dialog.query_one("#f-planned_start"), dialog.query_one("#f-planned_end")
        assert seen(start) and seen(end)
        lines = screen_text(app).splitlines()  # drawn in the boxes, not only their values
        assert any("计划开工日期" in x and "2026-04-01" in x for x in lines)
        assert any("计划完工日期" in x and "2026-10-01" in x for x in lines)
        dialog.query_one("#f-document_no").focus()
        await pilot.press(*"方1", "ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "保存后回到档案")
    with ctx.read() as s:
        p = s.get(Project, pid)
        assert p.state == "方案已报"
        assert (p.planned_start, p.planned_end) == (date(2026, 4, 1), date(2026, 10, 1))


async def test_without_planned_dates_the_plan_asks_for_them(ctx, db_path):
    pid = _approved(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _plan_dialog(pilot, pid)
        assert dialog.query_one("#f-planned_start").value == ""
        dialog.query_one("#f-document_no").focus()
        await pilot.press(*"方1", "ctrl+s")
        await pilot.pause()
        error = dialog.query_one("#dialog-error")
        assert seen(error) and "计划开工日期" in str(error.render())
    with ctx.read() as s:
        assert s.get(Project, pid).state == "立项"
