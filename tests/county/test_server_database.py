"""The county database on PostgreSQL: created, marked, migrated and refused like a file.

Bad input (wrong or unreachable URL, no driver, old server) is one Chinese line, exit 2,
and the server database is left as it was.
"""

from __future__ import annotations

import builtins
import re
from decimal import Decimal

import pytest

from fupin_tui import cli, identity, identity_change, server
from fupin_tui.config import APPLICATION_ID
from fupin_tui.db import SCHEMA_VERSION, DatabaseProblem
from fupin_tui.opening import open_database

from pg_cluster import query


def _tables(url: str) -> list[str]:
    return [r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def test_new_server_database_has_the_schema_and_its_mark_in_the_identity_row(pg_url):
    db = open_database(pg_url)
    try:
        ident = db.identity()
        assert (ident.kind, ident.schema_version, ident.application_id) == (identity.COUNTY, SCHEMA_VERSION,
                                                                            APPLICATION_ID)
        assert db.is_server and db.path is None
    finally:
        db.close()
    assert {"household", "member", "countymerge", "countymergerow", "auditlog"} <= set(_tables(pg_url))
    # the partial unique indexes stay partial on the server (a total one would refuse a voided duplicate)
    defs = dict(query(pg_url, "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ux_%'"))
    assert "WHERE (NOT voided)" in defs["ux_member_id_number"]
    assert "WHERE ((NOT voided) AND ((kind)::text = '发票'::text))" in defs["ux_invoice"]
    assert "WHERE (file_number IS NOT NULL)" in defs["ux_project_file_number"]
    # money is BIGINT on the server: a county's sums pass 21 million yuan
    kinds = dict(query(pg_url, "SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_name = 'voucher'"))
    assert kinds["total"] == "bigint"


def test_money_above_int32_is_exact_on_the_server(pg_url):
    from sqlalchemy import select

    from fupin_tui.models import Voucher
    from fupin_tui.models.types import Money

    db = open_database(pg_url)
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TEMP TABLE m (v BIGINT)")
            big = Decimal("98765432.10")
            conn.exec_driver_sql("INSERT INTO m VALUES (%s)", (Money().process_bind_param(big, None),))
            assert Money().process_result_value(conn.exec_driver_sql("SELECT v FROM m").scalar(), None) == big
        assert str(select(Voucher.total).compile(db.engine))  # compiles on the server dialect
    finally:
        db.close()


def test_reopening_keeps_the_identity(pg_url):
    first = open_database(pg_url)
    ident = first.identity()
    first.close()
    again = open_database(pg_url, create=False)
    try:
        assert again.identity().id == ident.id
    finally:
        again.close()


def test_migration_runs_in_order_on_the_server(pg_url):
    """A server database one step behind (version 7, before the merge history) is upgraded by
    migration 8 in one transaction, and its version in the identity row follows."""
    open_database(pg_url).close()
    from dataclasses import replace

    from sqlalchemy import create_engine

    engine = create_engine(server.engine_url(pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE countymergerow")
        conn.exec_driver_sql("DROP TABLE countymerge")
        identity.write_in(conn, replace(identity.read_in(conn), schema_version=7))
    engine.dispose()
    db = open_database(pg_url)
    try:
        assert db.identity().schema_version == SCHEMA_VERSION
    finally:
        db.close()
    assert {"countymerge", "countymergerow"} <= set(_tables(pg_url))
    assert query(pg_url, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_county_merge_row'") == [(1,)]


def test_a_strangers_database_is_not_touched(pg_url):
    from sqlalchemy import create_engine

    engine = create_engine(server.engine_url(pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE ledger (id int)")
    engine.dispose()
    with pytest.raises(DatabaseProblem, match="不是本软件的数据库"):
        open_database(pg_url)
    assert _tables(pg_url) == ["ledger"]


def test_a_newer_release_database_is_refused(pg_url):
    from dataclasses import replace

    from sqlalchemy import create_engine

    open_database(pg_url).close()
    engine = create_engine(server.engine_url(pg_url))
    with engine.begin() as conn:
        identity.write_in(conn, replace(identity.read_in(conn), schema_version=SCHEMA_VERSION + 1))
    engine.dispose()
    with pytest.raises(DatabaseProblem, match="更新版本的软件"):
        open_database(pg_url)


def _one_chinese_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert re.search(r"[\u4e00-\u9fff]", err) and "Traceback" not in err
    return err


@pytest.mark.parametrize("command", [["check"], ["import-package", "x.zip"]])
def test_unreachable_missing_and_malformed_targets_are_one_line_exit_2(pg_cluster, capsys, command):
    socket = pg_cluster.folder
    cases = {
        f"postgresql://fupin@/nosuch?host={socket}": "没有这个数据库",
        "postgresql://fupin@/t?host=/nonexistent-socket-dir": "连接不上服务器",
        f"postgresql://nobodyhere@/postgres?host={socket}": "用户名或密码",
        "postgresql://": "缺少数据库名",
        "postgresql+asyncpg://a@b/c": "驱动",
    }
    for url, words in cases.items():
        assert cli.main(["--db", url, *command]) == 2
        err = _one_chinese_line(capsys)
        assert words in err and "未作任何改动" in err


def test_missing_driver_is_named_with_what_to_install(pg_url, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_psycopg(name, *args, **kwargs):
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    assert cli.main(["--db", pg_url, "check"]) == 2
    assert "fupin-tui[county]" in _one_chinese_line(capsys)
    monkeypatch.undo()
    assert _tables(pg_url) == []  # nothing written


def test_an_old_server_is_refused_before_anything_is_written(pg_url, monkeypatch, capsys):
    monkeypatch.setattr(server, "server_version", lambda conn: 110005)
    assert cli.main(["--db", pg_url, "import-package", "x.zip"]) == 2
    err = _one_chinese_line(capsys)
    assert "版本是 11" in err and "12 或更新" in err
    assert _tables(pg_url) == []


def test_file_only_commands_refuse_a_server_url(pg_url, capsys, monkeypatch):
    monkeypatch.setenv("FUPIN_TUI_DB", pg_url)  # the environment variable counts like --db
    for command in (["backup"], ["export", "--out", "x"], ["export-copy", "x"]):
        assert cli.main(command) == 2
        assert "不能用于服务器" in _one_chinese_line(capsys)
    assert _tables(pg_url) == []


def test_verify_audit_on_the_server_walks_the_chain_by_a_query(pg_url, capsys):
    from sqlalchemy import create_engine, text

    open_database(pg_url).close()
    from fupin_tui.excel.merge import import_packages

    import_packages([], pg_url)
    db = open_database(pg_url)
    identity_change.mark(db, kind=identity.COUNTY, township_name="", operator="县汇总")  # no change: no row
    with db.session("县汇总") as s:
        from fupin_tui.db import write_audit

        write_audit(s, "appsetting", "x", "修改", note="试")
    db.close()
    assert cli.main(["--db", pg_url, "verify-audit"]) == 0
    assert "审计日志完整：共 1 条记录" in capsys.readouterr().out
    engine = create_engine(server.engine_url(pg_url))
    with engine.begin() as conn:
        conn.execute(text("update auditlog set note = '改过'"))
    engine.dispose()
    assert cli.main(["--db", pg_url, "verify-audit"]) == 1
    assert "审计日志被改动过：第 1 条记录" in capsys.readouterr().out
