"""Opening, refusing, upgrading the database; the audit log; soft delete only."""

import json
import os
import sqlite3
from decimal import Decimal

import pytest
from sqlmodel import select

from fupin_tui import db as dbmod
from fupin_tui.db import DatabaseProblem
from fupin_tui.opening import open_database
from fupin_tui.models import AuditLog, Household, Village


def test_new_database_is_marked_ours_private_and_in_wal(db_path):
    database = open_database(db_path)
    database.close()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == dbmod.APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    assert os.stat(db_path).st_mode & 0o777 == 0o600


def test_connection_pragmas(db_path):
    database = open_database(db_path)
    with database.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert con.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    database.close()


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "workbook.db"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a database")
    before = path.read_bytes()
    with pytest.raises(DatabaseProblem, match="不是本软件的数据库"):
        open_database(path)
    assert path.read_bytes() == before


def test_someone_elses_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseProblem, match="不是本软件的数据库"):
        open_database(path)
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["customers"]


def test_a_database_from_a_newer_release_is_refused(db_path):
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute(f"PRAGMA user_version={dbmod.SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(DatabaseProblem, match="更新版本"):
        open_database(db_path)


def test_a_damaged_database_is_reported_with_what_to_do(db_path):
    open_database(db_path).close()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseProblem, match="restore"):
        open_database(db_path)


def test_an_older_database_is_backed_up_and_upgraded_step_by_step(db_path, monkeypatch):
    open_database(db_path).close()
    current = dbmod.SCHEMA_VERSION

    def add_column(con):
        con.execute("ALTER TABLE village ADD COLUMN population INTEGER DEFAULT 0")

    monkeypatch.setitem(dbmod.MIGRATIONS, current + 1, add_column)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr("fupin_tui.backup.SCHEMA_VERSION", current + 1)
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == current + 1
    assert "population" in [r[1] for r in con.execute("PRAGMA table_info(village)")]
    con.close()
    from fupin_tui.backup import list_backups

    assert len(list_backups(db_path)) == 1


def test_a_failing_migration_leaves_the_database_at_its_old_version(db_path, monkeypatch):
    open_database(db_path).close()
    current = dbmod.SCHEMA_VERSION

    def broken(con):
        con.execute("ALTER TABLE village ADD COLUMN half_done INTEGER")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(dbmod.MIGRATIONS, current + 1, broken)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", current + 1)
    with pytest.raises(DatabaseProblem):
        open_database(db_path)
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == current
    assert "half_done" not in [r[1] for r in con.execute("PRAGMA table_info(village)")]


def test_every_change_is_audited_in_the_same_transaction(ctx):
    ctx.operator = "李文书"
    with ctx.transaction() as s:
        village = s.exec(select(Village)).first()
        s.add(Household(household_no="H1", village_id=village.id, head_name="张三", net_income=Decimal("1234.50")))
    with ctx.transaction() as s:
        h = s.exec(select(Household).where(Household.household_no == "H1")).one()
        h.phone = "13800000000"
    with ctx.read() as s:
        rows = s.exec(select(AuditLog).where(AuditLog.table_name == "household")).all()
        h = s.exec(select(Household).where(Household.household_no == "H1")).one()
    assert [r.action for r in rows] == ["新增", "修改"]
    assert all(r.operator == "李文书" for r in rows)
    assert json.loads(rows[0].after)["net_income"] == "1234.50"
    assert json.loads(rows[1].before) == {"phone": ""}
    assert json.loads(rows[1].after) == {"phone": "13800000000"}
    assert (h.created_by, h.updated_by) == ("李文书", "李文书")


def test_a_failed_save_leaves_neither_the_change_nor_its_audit_row(ctx):
    with pytest.raises(RuntimeError):
        with ctx.transaction() as s:
            village = s.exec(select(Village)).first()
            s.add(Household(household_no="H2", village_id=village.id, head_name="李四"))
            s.flush()
            raise RuntimeError("power cut")
    with ctx.read() as s:
        assert s.exec(select(Household)).all() == []
        assert s.exec(select(AuditLog).where(AuditLog.table_name == "household")).all() == []


def test_records_a_clerk_entered_cannot_be_deleted_only_voided(ctx):
    with ctx.transaction() as s:
        village = s.exec(select(Village)).first()
        s.add(Household(household_no="H3", village_id=village.id, head_name="王五"))
    with pytest.raises(DatabaseProblem, match="作废"):
        with ctx.transaction() as s:
            s.delete(s.exec(select(Household)).one())
    with ctx.transaction() as s:
        h = s.exec(select(Household)).one()
        h.voided, h.void_reason = True, "重复录入"
    with ctx.read() as s:
        last = s.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.action == "作废"


@pytest.mark.parametrize("amount, fen", [
    ("0.005", 1),      # 四舍五入: half up, not half-even
    ("0.015", 2),
    ("0.025", 3),
    ("1234.56", 123456),
    ("99999999999.99", 9999999999999),
])
def test_money_is_stored_as_integer_fen_rounded_half_up(amount, fen):
    from fupin_tui.models.types import from_fen, to_fen

    assert to_fen(Decimal(amount)) == fen
    assert from_fen(fen) == Decimal(fen) / 100


def test_sums_of_money_in_sql_are_exact(ctx):
    from sqlalchemy import text

    with ctx.transaction() as s:
        village = s.exec(select(Village)).first()
        for i in range(10):
            s.add(Household(household_no=f"S{i}", village_id=village.id, head_name="x", net_income=Decimal("0.10")))
    with ctx.read() as s:
        total = s.execute(text("SELECT SUM(net_income) FROM household")).scalar()
    assert total == 100  # integer fen: 10 × 0.10 yuan, no float drift


def test_the_audit_row_of_a_new_record_names_its_id(ctx):
    from fupin_tui.services import township

    village_id = township.save_village(ctx, "520123101250", "新建村", False)
    with ctx.read() as s:
        row = s.exec(select(AuditLog).where(AuditLog.table_name == "village", AuditLog.action == "新增")
                     .order_by(AuditLog.id.desc())).first()
    assert row.record_id == str(village_id)


def test_a_database_missing_a_column_is_refused_not_crashed_on(db_path):
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("ALTER TABLE township DROP COLUMN row_version")
    con.commit()
    con.close()
    with pytest.raises(DatabaseProblem, match="township.row_version"):
        open_database(db_path)
