"""Start-up on a read-only stick and on a full disk: the clerk works on, warned (issue 12 items 2, 3)."""

from fupin_tui.app import make_app
from fupin_tui.context import AppContext
from fupin_tui.opening import open_database
from fupin_tui.services import township
from tests.disks import fill, remount, small_disk
from tests.pilot.ready import no_worker_running, until
from tests.screen_text import screen_text


def _township_db(path):
    database = open_database(path)
    ctx = AppContext(db=database, operator="张会计")
    township.save_township(ctx, "示例县", "新安镇", "520123101")
    township.save_village(ctx, "520123101201", "新寨村", True)
    township.add_operator(ctx, "张会计")
    database.close()


async def _started(app, pilot):
    await until(pilot, lambda: type(app.screen).__name__ in ("DashboardScreen", "DatabaseProblemScreen")
                and app.ctx is not None, "数据库已打开")
    await until(pilot, lambda: no_worker_running(app), "启动时的检查已做完")


async def _warning_box(app, pilot, word: str) -> str:
    """The warning banner once it says ``word``: displayed, with a non-zero region."""
    def shown() -> bool:
        box = app.screen.query_one("#warnings")
        return box.display and box.region.height > 0 and word in str(box.render())

    await until(pilot, shown, f"警告栏：{word}")
    return str(app.screen.query_one("#warnings").render())


async def test_a_read_only_stick_opens_for_looking_with_a_visible_banner(tmp_path):
    with small_disk(tmp_path / "stick") as stick:
        path = stick / "fupin.db"
        _township_db(path)
        remount(stick, read_only=True)
        app = make_app(path, operator="张会计", defer_open=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await _started(app, pilot)
            assert type(app.screen).__name__ == "DashboardScreen"
            assert "只读" in await _warning_box(app, pilot, "只读") and "只读" in app.title
            assert "已损坏" not in screen_text(app) and "新安镇" in screen_text(app)


async def test_a_failed_backup_at_start_is_a_warning_and_the_app_goes_on(tmp_path):
    with small_disk(tmp_path / "disk", size="3m") as disk:
        path = disk / "fupin.db"
        _township_db(path)
        # room to work (the WAL and its index) but less than a copy of the database needs
        fill(disk, leave=path.stat().st_size // 2)
        assert path.stat().st_size > 100 * 1024
        app = make_app(path, operator="张会计", defer_open=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await _started(app, pilot)
            assert type(app.screen).__name__ == "DashboardScreen"
            # the day's backup runs once the dashboard is drawn and the database ready, in its own worker
            shown = await _warning_box(app, pilot, "备份")
            assert "磁盘空间已满" in shown and "备份" in shown and "损坏" not in shown
        assert not list(disk.rglob("*.part"))


async def test_an_audit_log_edited_with_another_tool_is_a_warning_on_the_township_dashboard(tmp_path):
    """Issue 12 item 11: the township's own SQLite file (the server case is in tests/county)."""
    import sqlite3

    path = tmp_path / "fupin.db"
    _township_db(path)
    con = sqlite3.connect(path)
    victim = con.execute("SELECT min(id) FROM auditlog").fetchone()[0]
    con.execute("UPDATE auditlog SET operator = '别人' WHERE id = ?", (victim,))  # a SQLite tool, not the app
    con.commit()
    con.close()
    app = make_app(path, operator="张会计", defer_open=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        said = await _warning_box(app, pilot, "审计日志被改动过")
        assert f"第 {victim} 条" in said, said
