"""Two windows on one project (issue 12 item 4): the second save is refused where the clerk sees it."""

from fupin_tui.app import make_app
from fupin_tui.context import open_context
from fupin_tui.models.projects import Project
from fupin_tui.services import projects
from tests.funds_data import make_project


async def test_a_stale_edit_dialog_does_not_overwrite_another_windows_save(ctx, db_path):
    pid = make_project(ctx)[0]
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_record(f"project:{pid}")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+e")  # 修改基本信息
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "SpecDialog"
        other = open_context(db_path, operator="李出纳")  # another window saves first
        projects.update_basics(other, pid, {"location": "新寨村二组"})
        other.db.close()
        dialog.query_one("#f-location").value = "新寨村五组"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog, "the dialog stays open with what was typed"
        error = dialog.query_one("#dialog-error")
        text = str(error.render())
        assert error.display and error.region.width > 0 and error.region.height > 0
        assert "李出纳" in text and "没有保存" in text
        assert dialog.query_one("#f-location").value == "新寨村五组"
    with ctx.read() as s:
        assert s.get(Project, pid).location == "新寨村二组"
