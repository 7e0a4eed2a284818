"""A damaged database is found at start, and the newest sound backup is offered (issue 8)."""

import sqlite3

from fupin_tui import backup
from fupin_tui.app import make_app
from fupin_tui.db import integrity_ok
from tests.screen_text import screen_text


def _wreck(path):
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))


async def test_a_damaged_database_offers_the_newest_sound_backup_and_restores_it(ctx):
    path = ctx.db.path
    saved = backup.make_backup(path)
    ctx.db.close()
    for suffix in ("-wal", "-shm"):
        (path.parent / (path.name + suffix)).unlink(missing_ok=True)
    _wreck(path)
    app = make_app(path, operator="张会计", defer_open=True)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "DatabaseProblemScreen" and screen_text(app).strip():
                break  # pushed and drawn
        assert type(app.screen).__name__ == "DatabaseProblemScreen"
        for _ in range(40):  # the screen is installed a frame before it is drawn
            await pilot.pause(0.05)
            if shown := screen_text(app).strip():
                break
        shown = screen_text(app)
        assert "已损坏" in shown and saved.name in shown
        await pilot.click("#restore")
        await pilot.pause()
    assert integrity_ok(path)
    assert sqlite3.connect(path).execute("SELECT name FROM township").fetchone()[0] == "新安镇"
    assert list(path.parent.glob(path.name + ".before-restore-*"))  # the damaged file is kept, not deleted


def test_the_error_log_names_where_a_bug_happened_but_no_personal_data(tmp_path, monkeypatch):
    from fupin_tui import errorlog

    monkeypatch.setattr(errorlog, "log_path", lambda: tmp_path / "error.log")
    try:
        raise ValueError("身份证号 520123198001010015 的户主 张三 电话 13800000001")
    except ValueError as exc:
        where = errorlog.log_exception(exc)
    text = where.read_text(encoding="utf-8")
    assert "ValueError" in text and "test_damaged_database.py" in text
    for secret in ("520123198001010015", "张三", "13800000001"):
        assert secret not in text
