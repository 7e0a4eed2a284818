"""批复实施方案 starts on the review the amount calls for (P06), so the usual case costs no keys."""

from decimal import Decimal

from fupin_tui.app import make_app
from fupin_tui.models.projects import Project
from fupin_tui.services import library, projects
from fupin_tui.services.township import villages
from tests.pilot.ready import dossier_open, until
from tests.pilot.test_dialog_kit import seen


def _plan_submitted(ctx, subsidy: str) -> int:
    entry = library.save_entry(ctx, {"year": 2026, "name": "新寨村产业路", "category": "教育",
                                     "content": "助学", "amount_fiscal": Decimal(subsidy),
                                     "performance_goals": "带动30户", "village_id": villages(ctx)[0].id})
    pid = projects.apply_from_library(ctx, entry, {"date": "2026-03-01"})
    projects.perform(ctx, pid, "立项批复", {"date": "2026-03-05", "document_no": "县批1", "approver": "县扶贫办",
                                        "subsidy": subsidy})
    projects.add_budget_line(ctx, pid, item="助学金", quantity=Decimal(1), unit_price=Decimal(subsidy),
                             spending_kind="直接补助到户")
    projects.perform(ctx, pid, "上报实施方案", {"date": "2026-03-06", "document_no": "方1",
                                          "planned_start": "2026-04-01", "planned_end": "2026-10-01"})
    return pid


async def test_plan_approval_offers_office_review_below_the_threshold_and_saves_it(ctx, db_path):
    pid = _plan_submitted(ctx, "200000")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await dossier_open(pilot, pid)
        await pilot.press("ctrl+b")
        await until(pilot, lambda: hasattr(app.screen, "actions") and "批复实施方案" in app.screen.actions, "办理菜单")
        await pilot.press(*["down"] * app.screen.actions.index("批复实施方案"), "enter")
        await until(pilot, lambda: app.screen.query("#f-review_kind"), "批复实施方案对话框")
        choice = app.screen.query_one("#f-review_kind")
        assert choice.value == "县扶贫办审核" and seen(choice)
        shown = choice.query_one("SelectCurrent #label")
        assert str(shown.render()) == "县扶贫办审核" and seen(shown)  # in the closed dropdown, not only its value
        for key, text in {"f-document_no": "县复4", "f-approver": "县扶贫办"}.items():
            app.screen.query_one(f"#{key}").focus()
            await pilot.press(*text)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "保存后回到档案")
    with ctx.read() as s:
        p = s.get(Project, pid)
        assert p.state == "方案批复" and p.plan_review_kind == "县扶贫办审核"
