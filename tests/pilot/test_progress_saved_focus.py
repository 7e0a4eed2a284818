"""Issue 13 item 12: after a progress report is saved, the cursor goes back to the project box, so
the clerk types the next project at once (it stayed in the emptied report, and the next project
cost a Ctrl+F or a row of Shift+Tabs). The box's text is selected: typing replaces the old name."""

from fupin_tui.app import make_app
from fupin_tui.services import progress as service
from fupin_tui.widgets.search_picker import SearchPicker

from tests.funds_data import make_project
from tests.pilot.ready import app_ready, progress_form_open, until
from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


async def test_after_saving_progress_the_cursor_is_in_the_project_box(ctx, db_path):
    pid, _lines = make_project(ctx, subsidy="500000.00")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        await progress_form_open(pilot)
        await pilot.press(*"60", "ctrl+s")
        picker = app.screen.query_one(SearchPicker)
        await until(pilot, lambda: app.focused is picker.input, "保存后回到查找项目")
        assert seen(picker.input)
        assert service.current_share(app.ctx, pid) * 100 == 60
        assert "当前进度60%" in screen_text(app)
        # the emptied report is not "wrong" because the cursor left it: no 不能为空 after a good save
        await pilot.pause()
        await pilot.pause()
        assert not [e for e in app.screen.query(".field-error") if e.display], screen_text(app)
        assert "不能为空" not in screen_text(app)
        await pilot.press(*"xzc")  # the old name was selected: typing replaces it
        await until(pilot, lambda: picker.input.value == "xzc", "输入替换旧项目名")


async def test_enter_in_the_box_opens_the_same_project_again_for_the_next_report(ctx, db_path):
    pid, _lines = make_project(ctx, subsidy="500000.00")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        await progress_form_open(pilot)
        await pilot.press(*"30", "ctrl+s")
        picker = app.screen.query_one(SearchPicker)
        await until(pilot, lambda: app.focused is picker.input, "保存后回到查找项目")
        await pilot.press("enter")  # the box still names the project: Enter opens it, not a search for its label
        await until(pilot, lambda: app.focused is not None and app.focused.id == "work_share", "再次进入进度表单")
        await pilot.press(*"45", "ctrl+s")
        await until(pilot, lambda: "当前进度45%" in screen_text(app), "第二次进度")
        assert service.current_share(app.ctx, pid) * 100 == 45
