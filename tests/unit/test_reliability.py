"""Nothing lost: killed saves, a full disk, two copies, Chinese paths (issue 8)."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from sqlmodel import select

from fupin_tui.context import open_context
from fupin_tui.db import DatabaseProblem, integrity_ok
from fupin_tui.opening import open_database
from fupin_tui.models import Household, Village

WRITER = textwrap.dedent("""
    import sys
    from decimal import Decimal
    from fupin_tui.context import open_context
    from fupin_tui.models import Household, Member
    ctx = open_context(sys.argv[1], operator="张会计")
    start = int(sys.argv[2])
    print("ready", flush=True)
    for i in range(start, start + 100000):
        with ctx.transaction() as s:
            h = Household(household_no=f"K{i}", village_id=1, head_name=f"户{i}", size=3,
                          net_income=Decimal("3000.10"))
            s.add(h)
            s.flush()
            for j in range(3):
                s.add(Member(household_id=h.id, name=f"人{i}-{j}", id_number=f"X{i}-{j}"))
""")


def test_a_save_killed_at_any_moment_leaves_all_of_it_or_none(ctx, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    path = str(ctx.db.path)
    ctx.db.close()
    start = 0
    for delay in (0.05, 0.13, 0.21, 0.34, 0.55, 0.08, 0.29, 0.47):
        child = subprocess.Popen([sys.executable, str(script), path, str(start)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        start += 100000
        assert integrity_ok(ctx.db.path)
        con = sqlite3.connect(path)
        # every household has its three members and its audit rows; no orphan members
        incomplete = con.execute("""SELECT COUNT(*) FROM household h WHERE
            (SELECT COUNT(*) FROM member m WHERE m.household_id = h.id) != 3""").fetchone()[0]
        orphans = con.execute("SELECT COUNT(*) FROM member WHERE household_id NOT IN (SELECT id FROM household)").fetchone()[0]
        audited = con.execute("SELECT COUNT(*) FROM auditlog WHERE table_name = 'household'").fetchone()[0]
        saved = con.execute("SELECT COUNT(*) FROM household").fetchone()[0]
        member_audit = con.execute("SELECT COUNT(*) FROM auditlog WHERE table_name = 'member'").fetchone()[0]
        con.close()
        assert incomplete == 0 and orphans == 0
        assert audited == saved and member_audit == 3 * saved
    assert saved > 0  # the writer did get work done between kills


def test_a_full_disk_refuses_the_save_with_a_clear_message_and_writes_nothing(ctx):
    with ctx.read() as s:
        before = len(s.exec(select(Household)).all())
    with pytest.raises(DatabaseProblem, match="磁盘空间已满"):
        with ctx.transaction() as s:
            pages = s.connection().exec_driver_sql("PRAGMA page_count").scalar()
            s.connection().exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            village = s.exec(select(Village)).first()
            for i in range(200):
                s.add(Household(household_no=f"F{i}", village_id=village.id, head_name="满" * 50,
                                remarks="很长的备注" * 200))
            s.flush()
    ctx.db.close()
    assert integrity_ok(ctx.db.path)
    with open_database(ctx.db.path).read() as s:
        assert len(s.exec(select(Household)).all()) == before


def test_two_copies_of_the_app_work_side_by_side_on_one_database(ctx):
    other = open_context(ctx.db.path, operator="李文书")
    with ctx.transaction() as s:
        s.add(Household(household_no="A1", village_id=1, head_name="甲"))
    with other.transaction() as s:
        s.add(Household(household_no="B1", village_id=1, head_name="乙"))
    with other.read() as s:
        assert {h.household_no for h in s.exec(select(Household))} == {"A1", "B1"}
    other.db.close()


def test_a_busy_database_says_it_is_in_use(ctx):
    blocker = sqlite3.connect(ctx.db.path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseProblem, match="另一个窗口或程序"):
            with ctx.transaction() as s:
                s.connection().exec_driver_sql("PRAGMA busy_timeout = 50")
                s.add(Household(household_no="L1", village_id=1, head_name="锁"))
                s.flush()
    finally:
        blocker.rollback()
        blocker.close()


def test_database_and_backups_under_a_chinese_folder_with_spaces(tmp_path):
    from fupin_tui import backup
    from fupin_tui.services import township

    folder = tmp_path / "新安镇 扶贫办" / "数据 2026"
    folder.mkdir(parents=True)
    ctx = open_context(folder / "扶贫 数据库.db", operator="张会计")
    township.save_township(ctx, "示例县", "新安镇", "520123101")
    saved = backup.make_backup(ctx.db.path)
    assert saved.parent.parent == folder / "backups" and integrity_ok(saved)  # backups/<this database>/
    ctx.db.close()
    backup.restore(saved, folder / "扶贫 数据库.db")
    assert open_context(folder / "扶贫 数据库.db").township().name == "新安镇"


def test_a_missing_folder_for_a_new_database_is_created(tmp_path):
    path = tmp_path / "没有的文件夹" / "子目录" / "x.db"
    open_database(path).close()
    assert path.exists() and oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_two_copies_editing_one_household_never_lose_an_update(ctx):
    """The later save is refused, naming who changed the household; nothing is overwritten."""
    from fupin_tui.db import ChangedMeanwhile
    from fupin_tui.services import registry as reg

    def household_input(**kw):
        return reg.HouseholdInput(**{"village_id": 1, "main_cause": "因病", "phone": "13800000001", **kw})

    head = reg.MemberInput(name="张三", id_number="520123198001010015", relation="户主")
    saved = reg.save_household(ctx, household_input(), [head])
    first = reg.load_household(ctx, saved.id)          # copy A opens the form
    other = open_context(ctx.db.path, operator="李文书")
    second = reg.load_household(other, saved.id)       # copy B opens the same household
    members_b = [reg.MemberInput(id=m.id, name=m.name, id_number=m.id_number, relation=m.relation)
                 for m in second.members]
    reg.save_household(other, household_input(phone="13900000002"), members_b, saved.id, second.version)
    members_a = [reg.MemberInput(id=m.id, name=m.name, id_number=m.id_number, relation=m.relation)
                 for m in first.members]
    with pytest.raises(ChangedMeanwhile, match="李文书"):
        reg.save_household(ctx, household_input(phone="13700000003"), members_a, saved.id, first.version)
    assert reg.load_household(ctx, saved.id).values["phone"] == "13900000002"
    other.db.close()
