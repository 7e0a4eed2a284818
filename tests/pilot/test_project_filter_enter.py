"""项目档案's filter works as 建档立卡's search: Enter opens the highlighted match, Down goes to the list,
and a new filter highlights its own first match (not the row number the cursor had before)."""

from fupin_tui.app import make_app
from fupin_tui.services import projects
from tests.funds_data import make_project

from tests.pilot.ready import app_ready, toast_seen, until

NAMES = ("新寨村蔬菜大棚", "坪上村茶园提质增效", "新寨村人饮工程", "坪上村便民桥")


async def _project_list(pilot, ctx):
    app = pilot.app
    await app_ready(pilot)
    await app.switch_mode("projects")
    await until(pilot, lambda: app.screen.query("#projects") and app.screen.query_one("#projects").row_count == 4,
                "项目列表")
    return app.screen.query_one("#projects")


async def test_enter_typed_at_once_opens_the_first_match_of_what_was_typed(ctx, db_path):
    for name in NAMES:
        make_project(ctx, name=name)
    first = projects.list_projects(ctx, text="坪上")[0]
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _project_list(pilot, ctx)
        await pilot.press("down", "down", "down")  # the clerk had looked at the last project
        assert table.cursor_row == 3
        await pilot.press("ctrl+f", *"坪上", "enter")  # no wait: Enter comes before the new list is drawn
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "项目档案")
        assert app.screen.project_id == first.id, "Enter opened another project than the first match"


async def test_a_new_filter_highlights_its_first_match_and_down_chooses_another(ctx, db_path):
    for name in NAMES:
        make_project(ctx, name=name)
    matches = projects.list_projects(ctx, text="坪上")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _project_list(pilot, ctx)
        await pilot.press("down", "down", "down")
        await pilot.press("ctrl+f", *"坪上")
        await until(pilot, lambda: table.row_count == 2, "筛选后的列表")
        assert table.cursor_row == 0, "the highlight stayed on the old row number, another project"
        await pilot.press("down")  # from the filter into the list, on the first match
        assert app.focused is table
        await pilot.press("down", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "项目档案")
        assert app.screen.project_id == matches[1].id


async def test_enter_on_a_filter_with_no_match_says_so(ctx, db_path):
    for name in NAMES:
        make_project(ctx, name=name)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn
        await _project_list(pilot, ctx)
        await pilot.press("ctrl+f", *"没有这个", "enter")
        await until(pilot, lambda: toast_seen(app, "没有找到符合条件的项目"), "没有找到的提示，显示在屏幕上")
        assert type(app.screen).__name__ == "ProjectListScreen"
