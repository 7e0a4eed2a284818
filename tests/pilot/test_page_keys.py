"""The pages of the household form (and the dossier) by keyboard: a form is all inputs, where
digits are typed, so Ctrl+PgDn / Ctrl+PgUp turn its pages (found walking 退出 in tmux: the
clerk could not reach 户信息's income from 程序 without the mouse)."""

from fupin_tui.app import make_app
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages

from tests.pilot.ready import app_ready, until
from tests.pilot.test_dialog_kit import seen
from tests.pilot.test_registry_screens import HEAD_ID


async def test_ctrl_pagedown_and_pageup_turn_the_household_forms_pages(ctx, db_path):
    saved = reg.save_household(ctx, reg.HouseholdInput(village_id=villages(ctx)[0].id, main_cause="因病"),
                               [reg.MemberInput("王五", HEAD_ID, "户主")])
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        app.open_record(f"household:{saved.id}")
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen"
                    and app.screen.query("#wage_income"), "户表")
        form = app.screen
        tabs = form.query_one("TabbedContent")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "village_id", "光标在「村」")
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        await until(pilot, lambda: tabs.active == "tab-procedures", "翻到「程序」")
        await until(pilot, lambda: seen(form.query_one("#btn-next-step")), "「办理下一步」看得见")
        await pilot.press("ctrl+pageup", "ctrl+pageup")
        await until(pilot, lambda: tabs.active == "tab-household" and seen(form.query_one("#wage_income")),
                    "回到「户信息」，收入栏看得见")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "village_id", "光标回到「村」")
        await pilot.press("ctrl+pageup")  # from the first page, round to the last
        await until(pilot, lambda: tabs.active == "tab-history", "翻到最后一页「历史」")


async def test_ctrl_pagedown_and_pageup_turn_the_dossiers_pages(ctx, db_path):
    from fupin_tui.screens.dossier import TAB_IDS, TABS, ProjectDossierScreen
    from fupin_tui.screens.projects import open_record
    from tests.pilot.test_project_screens import make_project

    pid = make_project(ctx)
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        open_record(app, pid, "档案")
        await until(pilot, lambda: isinstance(app.screen, ProjectDossierScreen), "项目档案")
        tabs = app.screen.query_one("#tabs")
        await until(pilot, lambda: tabs.active == TAB_IDS["档案"], "「档案」")
        await pilot.press("ctrl+pagedown")
        await until(pilot, lambda: tabs.active == TAB_IDS["日志"], "翻到「日志」")
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")  # past the last page, round to the first
        await until(pilot, lambda: tabs.active == TAB_IDS[TABS[0]], "翻回「基本信息」")
        await pilot.press("ctrl+pageup")
        await until(pilot, lambda: tabs.active == TAB_IDS[TABS[-1]], "翻到最后一页「采购备案」")
