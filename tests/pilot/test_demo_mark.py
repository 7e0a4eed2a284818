"""A demo database says so on screen, however it was opened (the mark is inside the file)."""

from fupin_tui.app import make_app
from fupin_tui.demo import generate
from tests.screen_text import screen_text
from tests.pilot.ready import dashboard_settled, until


async def test_demo_database_opened_by_path_is_shown_as_demo(tmp_path):
    path = tmp_path / "any-name.db"
    generate(path, households=5, seed=1)
    app = make_app(path, operator="张会计")  # no --demo: only the file knows
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "演示数据" in app.title and "演示数据" in screen_text(app), "演示数据 mark")
        assert "演示数据" in app.title
        assert "演示数据" in screen_text(app)


async def test_a_township_database_is_not_called_demo(ctx):
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(100, 30)) as pilot:
        await dashboard_settled(pilot)
        assert "演示数据" not in screen_text(app)
