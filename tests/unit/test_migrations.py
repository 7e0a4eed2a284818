"""A later release opens an older database and upgrades it.

``tests/fixtures/schema_v1.sql`` is the schema of the first release, frozen.
Whoever changes a model must add a migration to ``fupin_tui.db.MIGRATIONS``:
the test below builds a v1 database, upgrades it, and requires the result to
match a freshly created database, table by table and column by column.
"""

import sqlite3
from pathlib import Path

from fupin_tui import db as dbmod
from fupin_tui.opening import open_database

V1 = Path(__file__).resolve().parent.parent / "fixtures" / "schema_v1.sql"


def make_v1_database(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(V1.read_text(encoding="utf-8"))
    con.execute(f"PRAGMA application_id={dbmod.APPLICATION_ID}")
    con.execute("PRAGMA user_version=1")
    con.execute("INSERT INTO township (county, name, code, created_at, created_by, voided, row_version) "
                "VALUES ('示例县', '新安镇', '520123101', '2026-01-05 09:00:00', '张会计', 0, 0)")
    con.execute("INSERT INTO village (code, name, is_poor_village, created_at, created_by, voided, row_version) "
                "VALUES ('520123101201', '新寨村', 1, '2026-01-05 09:00:00', '张会计', 0, 0)")
    con.commit()
    con.close()


def schema(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    shape = {t: [tuple(r[1:]) for r in con.execute(f"PRAGMA table_info('{t}')")] for t in tables}
    shape["(indexes)"] = sorted(r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'"))
    con.close()
    return shape


def test_an_older_database_upgrades_to_exactly_the_current_schema(tmp_path):
    old, fresh = tmp_path / "old.db", tmp_path / "fresh.db"
    make_v1_database(old)
    open_database(old).close()
    open_database(fresh).close()
    assert schema(old) == schema(fresh), "a model changed without a migration in fupin_tui.db.MIGRATIONS"
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
    assert con.execute("SELECT name FROM village").fetchall() == [("新寨村",)]


def test_the_upgraded_database_is_usable(tmp_path):
    from fupin_tui.context import open_context
    from fupin_tui.services import township

    old = tmp_path / "old.db"
    make_v1_database(old)
    ctx = open_context(old, operator="张会计")
    township.save_village(ctx, "520123101202", "坪上村", False)
    assert [v.name for v in township.villages(ctx)] == ["新寨村", "坪上村"]
    ctx.db.close()


def test_an_exit_recorded_by_the_first_release_keeps_its_basic_needs(tmp_path):
    """H03: the first release wrote 两不愁三保障 only into the note of the first exit step."""
    old = tmp_path / "old.db"
    make_v1_database(old)
    con = sqlite3.connect(old)
    row = ("INSERT INTO procedurestep (created_at, created_by, voided, row_version, household_id, procedure, step, "
           "seq, round_no, done_on, responsible, document_no, note) VALUES ('2026-01-05', '张会计', 0, 0, 1, ?, ?, ?, "
           "1, '2021-11-01', '村委会', '', ?)")
    con.execute(row, ("退出", "村委会审核公示", 1, "退出标准：人均纯收入 5200 元；已达到两不愁三保障"))
    con.execute(row, ("退出", "乡镇审批公示", 2, ""))
    con.commit()
    con.close()
    open_database(old).close()
    con = sqlite3.connect(old)
    got = con.execute("SELECT seq, basic_needs_met FROM procedurestep ORDER BY seq").fetchall()
    assert got == [(1, 1), (2, 0)]
