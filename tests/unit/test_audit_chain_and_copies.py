"""Tamper-evident audit log, settings audited, the .db file alone current, 导出数据库副本 (issue 12 items 10, 11)."""

import shutil
import sqlite3

from sqlmodel import select

from fupin_tui import audit_chain, backup, cli
from fupin_tui.opening import open_database
from fupin_tui.models import AuditLog, Village
from fupin_tui.services import township


def test_app_setting_changes_are_audited(ctx):
    township.set_setting(ctx, "border_style", "ascii")
    with ctx.read() as s:
        rows = s.exec(select(AuditLog).where(AuditLog.table_name == "appsetting",
                                             AuditLog.record_id == "border_style")).all()
    assert rows and rows[-1].operator == "张会计" and "ascii" in rows[-1].after


def test_the_chain_holds_and_an_edit_with_another_tool_is_found_at_its_row(ctx, capsys):
    township.save_village(ctx, "520123101203", "后山村", False)
    path = ctx.db.path
    report = audit_chain.verify(path)
    assert report.ok and report.rows >= 5
    assert cli.main(["--db", str(path), "verify-audit"]) == 0
    assert "完整" in capsys.readouterr().out
    con = sqlite3.connect(path)
    victim = con.execute("SELECT id FROM auditlog WHERE table_name = 'village' ORDER BY id LIMIT 1").fetchone()[0]
    con.execute("UPDATE auditlog SET operator = '别人' WHERE id = ?", (victim,))
    con.commit()
    con.close()
    report = audit_chain.verify(path)
    assert not report.ok and report.first_bad_id == victim
    assert cli.main(["--db", str(path), "verify-audit"]) == 1
    said = capsys.readouterr().out
    assert f"第 {victim} 条" in said and "改动" in said


def test_a_deleted_audit_row_breaks_the_chain_at_the_next(ctx):
    path = ctx.db.path
    con = sqlite3.connect(path)
    ids = [r[0] for r in con.execute("SELECT id FROM auditlog ORDER BY id")]
    con.execute("DELETE FROM auditlog WHERE id = ?", (ids[1],))
    con.commit()
    con.close()
    assert audit_chain.verify(path).first_bad_id == ids[2]


def test_bulk_summary_rows_of_the_demo_are_chained(tmp_path):
    from fupin_tui.demo import generate

    path = tmp_path / "demo.db"
    generate(path, households=30, seed=4)
    assert audit_chain.verify(path).ok


def test_an_upgraded_database_gets_its_old_audit_rows_chained(tmp_path):
    from tests.unit.test_migrations import make_v1_database

    old = tmp_path / "old.db"
    make_v1_database(old)
    con = sqlite3.connect(old)
    con.execute("INSERT INTO auditlog (at, operator, table_name, record_id, action) "
                "VALUES ('2026-01-05 09:00:00', '张会计', 'village', '1', '新增')")
    con.commit()
    con.close()
    open_database(old).close()
    report = audit_chain.verify(old)
    assert report.ok and report.rows >= 1


def test_the_db_file_alone_holds_the_latest_save_while_the_app_is_open(ctx, tmp_path):
    township.save_village(ctx, "520123101204", "刚存村", False)
    copy = tmp_path / "usb" / "fupin.db"
    copy.parent.mkdir()
    shutil.copyfile(ctx.db.path, copy)  # the -wal left behind, as a clerk copying to a stick would
    con = sqlite3.connect(copy)
    assert "刚存村" in [r[0] for r in con.execute("SELECT name FROM village")]
    con.close()


def test_export_copy_is_complete_checked_private_and_safely_named(ctx, tmp_path, capsys):
    township.save_village(ctx, "520123101205", "副本村", False)
    out = tmp_path / "副本"
    assert cli.main(["--db", str(ctx.db.path), "export-copy", str(out)]) == 0
    (made,) = out.glob("*.db")
    assert made.stat().st_mode & 0o777 == 0o600 and "新安镇" in made.name
    assert not list(out.glob("*.part"))
    copy = open_database(made)
    with copy.read() as s:
        assert "副本村" in {v.name for v in s.exec(select(Village))}
    copy.close()
    assert backup.list_backups(ctx.db.path) == []  # a copy is not a backup in the rotation
