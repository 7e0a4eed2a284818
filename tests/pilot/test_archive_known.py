"""档案: a 批复文号 recorded at 立项批复 ticks 3 县立项批复 by itself, says where from, and cannot be unticked."""

from datetime import date

from fupin_tui.services import archive, checks, projects
from fupin_tui.screens.dossier import ProjectDossierScreen

from tests.pilot.ready import app_ready, shown, until
from tests.pilot.test_project_screens import act, app, make_project  # noqa: F401  (app is a fixture)


def r02_messages(ctx, pid):
    return [f.message for f in checks.run_checks(ctx).findings if f.rule == "R02" and f.record == f"project:{pid}"]


async def test_approval_number_ticks_the_checklist_and_the_finding_goes(app, ctx):  # noqa: F811
    pid = make_project(ctx)
    archive.record_document(ctx, pid, 2, received_on=date(2026, 3, 1))  # 项目申报建议书, filed by hand
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        from fupin_tui.screens.projects import open_record

        open_record(app, pid, "档案")
        await until(pilot, lambda: isinstance(app.screen, ProjectDossierScreen), "项目档案")
        await act(pilot, "立项批复", {"document_no": "县扶发2026-12号", "approver": "县扶贫办", "subsidy": "200000"})
        assert projects.dossier(ctx, pid).state == "立项"
        await pilot.press("8")
        table = app.screen.query_one("#archive")
        await until(pilot, lambda: table.row_count == 18 and "批复文号" in str(table.get_row_at(2)[4]), "档案 ticked")
        row = [str(c) for c in table.get_row_at(2)]
        assert row[2] == "有" and row[4] == "批复文号 县扶发2026-12号"  # the column says 来源; no 已登记： before it
        # at 80 columns the whole 来源 is on screen: the title's bracketed detail gives way
        await shown(pilot, "县立项批复", "批复文号 县扶发2026-12号", "实施单位确定资料 ", "材料2/17")
        assert r02_messages(ctx, pid) == []  # 3 县立项批复 is not asked for

        table.move_cursor(row=2)
        table.focus()
        await pilot.press("ctrl+x")  # untick by hand: refused, and the clerk is told why
        await until(pilot, lambda: any("不能手工撤销" in n.message for n in app._notifications), "refusal told")
        assert type(app.screen) is ProjectDossierScreen  # no reason asked for
        assert "县立项批复" in [r.title for r in archive.checklist(ctx, pid) if r.present]
