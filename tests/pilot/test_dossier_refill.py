"""The dossier is built once and refilled for each project (issue 18): what the clerk sees is the new project's."""

from fupin_tui.app import make_app
from fupin_tui.screens.dossier import ProjectDossierScreen
from fupin_tui.screens.progress_panel import ProgressPanel

from tests.funds_data import make_project
from tests.screen_text import screen_text


async def test_a_second_dossier_is_the_same_screen_showing_the_other_project(ctx, db_path):
    first, _ = make_project(ctx, name="新寨村蔬菜大棚", subsidy="100000.00",
                            budget=(("大棚钢架", "工程建设", "60000.00"), ("农户种苗补助", "直接补助到户", "40000.00")))
    second, _ = make_project(ctx, name="坡头组通组公路", subsidy="80000.00",
                             budget=(("路面硬化", "工程建设", "80000.00"),))
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        from fupin_tui.screens.projects import open_record

        open_record(app, first, "资金概算")
        await pilot.pause()
        await pilot.pause()
        built = app.screen
        assert isinstance(built, ProjectDossierScreen) and built.project_id == first
        await pilot.press("down")  # the cursor on the second budget line
        await pilot.press("5")  # 进度: its panel is mounted for the first project
        await pilot.pause()
        assert built.query_one(ProgressPanel).project_id == first
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ProjectDossierScreen)

        open_record(app, second, "资金概算")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is built  # refilled, not built again
        text = screen_text(app)
        assert "坡头组通组公路" in text and "路面硬化" in text and "共1项，合计80,000.00元" in text
        assert "新寨村蔬菜大棚" not in text and "大棚钢架" not in text
        assert built.query_one("#budget").cursor_row == 0  # at the top, not where the last project was left
        await pilot.press("5")
        await pilot.pause()
        await pilot.pause()
        panels = list(built.query(ProgressPanel))
        assert [p.project_id for p in panels] == [second]  # nothing typed for the last project stays
        await pilot.press("1")  # 基本信息 of the second project, read when shown
        await pilot.pause()
        assert "补助：80,000.00元" in screen_text(app)
