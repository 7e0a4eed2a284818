"""Damage, read-only, locked, missing and a full disk told apart (issue 12 items 2 and 3)."""

import sqlite3

import pytest
from sqlmodel import select

from fupin_tui import backup, cli, storage
from fupin_tui.context import AppContext
from fupin_tui.db import DatabaseProblem
from fupin_tui.opening import open_database
from fupin_tui.models import Village
from fupin_tui.services import township
from tests.disks import fill, remount, small_disk


def _township_db(path):
    database = open_database(path)
    ctx = AppContext(db=database, operator="张会计")
    township.save_township(ctx, "示例县", "新安镇", "520123101")
    township.save_village(ctx, "520123101201", "新寨村", True)
    township.add_operator(ctx, "张会计")
    database.close()


def _parts(folder):
    return [p for p in folder.rglob("*") if p.suffix in (".part", ".restoring")]


def test_a_sound_database_on_a_read_only_stick_opens_read_only_and_refuses_saves_with_words(tmp_path):
    with small_disk(tmp_path / "stick") as stick:
        path = stick / "fupin.db"
        _township_db(path)
        remount(stick, read_only=True)
        database = open_database(path)
        assert database.read_only
        with database.read() as s:
            assert [v.name for v in s.exec(select(Village))] == ["新寨村"]
        ctx = AppContext(db=database, operator="张会计")
        with pytest.raises(DatabaseProblem, match="只读") as refused:
            township.save_village(ctx, "520123101202", "坪上村", False)
        assert refused.value.kind == storage.READ_ONLY and "损坏" not in str(refused.value)
        with pytest.raises(DatabaseProblem, match="只读") as no_backup:
            backup.make_backup(path)
        assert "损坏" not in str(no_backup.value)
        database.close()


def test_a_read_only_database_that_needs_an_upgrade_is_refused_with_the_right_words(tmp_path, monkeypatch):
    from fupin_tui import db as dbmod

    with small_disk(tmp_path / "stick") as stick:
        path = stick / "fupin.db"
        _township_db(path)
        remount(stick, read_only=True)
        monkeypatch.setattr(dbmod, "SCHEMA_VERSION", dbmod.SCHEMA_VERSION + 1)
        with pytest.raises(DatabaseProblem, match="只读") as refused:
            open_database(path)
        assert refused.value.kind == storage.READ_ONLY and "损坏" not in str(refused.value)


def test_restore_onto_a_read_only_stick_says_so_and_changes_nothing(tmp_path):
    source = tmp_path / "home.db"
    _township_db(source)
    saved = backup.make_backup(source)
    with small_disk(tmp_path / "stick") as stick:
        path = stick / "fupin.db"
        _township_db(path)
        before = path.read_bytes()
        remount(stick, read_only=True)
        with pytest.raises(DatabaseProblem, match="只读") as refused:
            backup.restore(saved, path, other_database=True)
        assert refused.value.kind == storage.READ_ONLY
        assert path.read_bytes() == before


def test_a_backup_on_a_full_disk_says_full_disk_not_damage_and_leaves_no_part_file(tmp_path, capsys):
    with small_disk(tmp_path / "disk", size="3m") as disk:
        path = disk / "fupin.db"
        _township_db(path)
        fill(disk, leave=16 * 1024)
        with pytest.raises(DatabaseProblem, match="磁盘空间已满") as refused:
            backup.make_backup(path)
        assert refused.value.kind == storage.FULL and "完好" in str(refused.value)
        assert not _parts(disk)
        assert cli.main(["--db", str(path), "backup"]) == 2
        said = capsys.readouterr().err
        assert "磁盘空间已满" in said and "损坏" not in said and "disk I/O" not in said
        assert not _parts(disk)


def test_a_disk_that_fills_during_the_copy_is_still_called_full(tmp_path, monkeypatch):
    with small_disk(tmp_path / "disk", size="3m") as disk:
        path = disk / "fupin.db"
        _township_db(path)
        fill(disk, leave=16 * 1024)
        monkeypatch.setattr(backup, "_room_for", lambda *_a: True)  # the early look saw room
        with pytest.raises(DatabaseProblem, match="磁盘空间已满") as refused:
            backup.make_backup(path)
        assert refused.value.kind == storage.FULL
        assert not _parts(disk)


def test_a_restore_on_a_full_disk_changes_nothing(tmp_path):
    source = tmp_path / "home.db"
    _township_db(source)
    saved = backup.make_backup(source)
    with small_disk(tmp_path / "disk", size="3m") as disk:
        path = disk / "fupin.db"
        _township_db(path)
        before = path.read_bytes()
        fill(disk, leave=8 * 1024)
        with pytest.raises(DatabaseProblem, match="磁盘空间已满"):
            backup.restore(saved, path, other_database=True)
        assert path.read_bytes() == before and not _parts(disk)


def test_a_missing_file_or_folder_is_called_missing(tmp_path):
    for path in (tmp_path / "nothing.db", tmp_path / "unplugged" / "fupin.db"):
        with pytest.raises(DatabaseProblem, match="不存在") as refused:
            open_database(path, create=False)
        assert refused.value.kind == storage.MISSING


def test_a_database_in_use_is_called_locked_not_damaged(db_path, monkeypatch):
    _township_db(db_path)
    holder = sqlite3.connect(db_path)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE village SET name = name")
    monkeypatch.setattr(storage, "OPEN_TIMEOUT", 0.1)
    try:
        with pytest.raises(DatabaseProblem, match="另一个") as refused:
            open_database(db_path)
        assert refused.value.kind == storage.LOCKED and "损坏" not in str(refused.value)
    finally:
        holder.rollback()
        holder.close()


def test_a_damaged_database_is_called_damaged(db_path):
    _township_db(db_path)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseProblem, match="已损坏") as refused:
        open_database(db_path)
    assert refused.value.kind == storage.DAMAGED


@pytest.mark.parametrize("message, kind", [
    ("database or disk is full", storage.FULL),
    ("attempt to write a readonly database", storage.READ_ONLY),
    ("database is locked", storage.LOCKED),
    ("database disk image is malformed", storage.DAMAGED),
    ("file is not a database", storage.DAMAGED),
])
def test_sqlite_errors_are_classified(message, kind):
    assert storage.classify(sqlite3.OperationalError(message)) == kind
