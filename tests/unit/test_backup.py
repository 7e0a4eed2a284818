"""Backups with the SQLite backup API, integrity-checked; restore keeps the current file."""

import sqlite3
from datetime import timedelta

import pytest
from sqlmodel import select

from fupin_tui import backup
from fupin_tui.db import DatabaseProblem
from fupin_tui.opening import open_database
from fupin_tui.models import Village


def test_backup_is_a_sound_private_copy(ctx):
    path = backup.make_backup(ctx.db.path)
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600
    copy = open_database(path)
    with copy.read() as s:
        assert {v.name for v in s.exec(select(Village))} == {"新寨村", "坪上村"}
    copy.close()


def test_only_the_last_ten_backups_are_kept(ctx):
    made = [backup.make_backup(ctx.db.path) for _ in range(12)]
    kept = backup.list_backups(ctx.db.path)
    assert len(kept) == 10
    assert kept[0] == made[-1] and made[0] not in kept


def test_backup_at_start_only_when_the_last_is_older_than_a_day(ctx):
    assert backup.backup_if_due(ctx.db.path) is not None
    assert backup.backup_if_due(ctx.db.path) is None
    assert backup.backup_if_due(ctx.db.path, max_age=timedelta(0)) is not None


def test_restore_brings_back_the_data_and_keeps_the_current_file_aside(ctx):
    saved = backup.make_backup(ctx.db.path)
    from fupin_tui.services import township

    township.save_village(ctx, "520123101299", "后来村", False)
    ctx.db.close()
    aside = backup.restore(saved, ctx.db.path)
    assert aside.exists()
    restored = open_database(ctx.db.path)
    with restored.read() as s:
        assert "后来村" not in {v.name for v in s.exec(select(Village))}
    restored.close()
    kept = open_database(aside)
    with kept.read() as s:
        assert "后来村" in {v.name for v in s.exec(select(Village))}
    kept.close()


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(ctx, tmp_path):
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = ctx.db.path.read_bytes()
    with pytest.raises(DatabaseProblem, match="不是本软件的数据库备份"):
        backup.restore(foreign, ctx.db.path)
    text_file = tmp_path / "notes.db"
    text_file.write_text("hello")
    with pytest.raises(DatabaseProblem):
        backup.restore(text_file, ctx.db.path)
    assert ctx.db.path.read_bytes() == before


def test_newest_sound_backup_skips_broken_ones(ctx):
    good = backup.make_backup(ctx.db.path)
    bad = backup.make_backup(ctx.db.path)
    data = bytearray(bad.read_bytes())
    data[100:2000] = b"\x00" * 1900
    bad.write_bytes(bytes(data))
    assert backup.newest_sound_backup(ctx.db.path) == good
