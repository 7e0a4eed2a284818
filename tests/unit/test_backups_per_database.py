"""Backups belong to one database: own folder, own rotation, restore of another's asks (issue 12 item 1)."""

import random

import pytest

from fupin_tui import backup, cli, identity
from fupin_tui.config import data_dir
from fupin_tui.context import AppContext
from fupin_tui.opening import open_database
from fupin_tui.services import township


@pytest.fixture
def two_databases():
    """The real fupin.db and a 50-household demo.db of the same township, in one data folder."""
    from fupin_tui.demo import generate

    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    real = folder / "fupin.db"
    database = open_database(real)
    ctx = AppContext(db=database, operator="张会计")
    township.save_township(ctx, "示例县", "新安镇", "520123101")
    township.save_village(ctx, "520123101201", "新寨村", True)
    township.add_operator(ctx, "张会计")
    database.close()
    demo = folder / "demo.db"
    generate(demo, households=50, seed=3)
    return real, demo


def test_ten_demo_backups_keep_the_real_databases_only_backup(two_databases):
    real, demo = two_databases
    own = backup.make_backup(real)
    for _ in range(backup.KEEP):
        backup.make_backup(demo)
    assert own.exists()
    assert backup.list_backups(real) == [own]
    assert len(backup.list_backups(demo)) == backup.KEEP
    assert own.parent != backup.list_backups(demo)[0].parent
    assert identity.read(own).id == identity.read(real).id


def test_a_damaged_real_database_is_offered_its_own_backup_not_the_demos(two_databases):
    real, demo = two_databases
    own = backup.make_backup(real)
    backup.make_backup(demo)  # newer
    data = bytearray(real.read_bytes())
    rng = random.Random(1)
    for _ in range(200):
        data[rng.randrange(100, len(data))] ^= 0xFF
    real.write_bytes(bytes(data))
    assert backup.newest_sound_backup(real) == own


def test_restoring_another_databases_backup_asks_with_both_sides_counts(two_databases, capsys):
    real, demo = two_databases
    theirs = backup.make_backup(demo)
    before = real.read_bytes()
    with pytest.raises(backup.OtherDatabase) as refused:
        backup.restore(theirs, real)
    said = str(refused.value)
    assert "不是这个数据库的备份" in said and "贫困户 50 户" in said and "贫困户 0 户" in said
    assert "演示数据" in said and "乡镇数据库" in said and "新安镇" in said
    assert real.read_bytes() == before
    assert cli.main(["--db", str(real), "restore", str(theirs)]) == 2
    assert "不是这个数据库的备份" in capsys.readouterr().err and real.read_bytes() == before
    assert cli.main(["--db", str(real), "restore", str(theirs), "--other-database"]) == 0
    assert backup.summarize(real).households == 50


def test_the_backups_command_lists_this_databases_backups_with_what_they_hold(two_databases, capsys):
    real, demo = two_databases
    own = backup.make_backup(real)
    backup.make_backup(demo)
    assert cli.main(["--db", str(real), "backups"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and str(own) in lines[0] and "贫困户 0 户" in lines[0]
