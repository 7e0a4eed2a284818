"""The merge's rows reach the server in bulk (one COPY a chunk), with the same values as on SQLite.

An executemany on PostgreSQL is one INSERT execution a row in the server, and the ORM's bulk
insert split each chunk further by its pattern of empty cells: a 20,000-household package
took 3x as long as on SQLite. The values written by COPY must be exactly an INSERT's: money
in integer fen, dates, flags, empty cells NULL, defaults for what the package does not carry.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import create_engine, event, select

from fupin_tui import server
from fupin_tui import sheets as schema
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package


def _rows(target, table) -> list[tuple]:
    engine = create_engine(server.engine_url(target) if server.is_server_url(target) else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:  # read through the column types: fen back to yuan, 0/1 to bools
            return [tuple(_plain(v) for v in row) for row in conn.execute(select(table).order_by(table.c.id))]
    finally:
        engine.dispose()


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def test_merged_rows_are_the_same_on_both_engines(town, other_town, pg_url, tmp_path):
    packages = [export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path]
    file = tmp_path / "county.db"
    import_packages(packages, file)
    import_packages(packages, pg_url)
    compared = 0
    for table_name in schema.INSERT_ORDER:
        table = schema.MODELS[table_name].__table__
        on_file, on_server = _rows(file, table), _rows(pg_url, table)
        if table_name in ("household", "member", "project", "voucherline", "budgetline"):
            assert on_file, table_name  # the sample fills these: a comparison of nothing proves nothing
        # created_at of a column the package lacks is the merge's own clock: the same column on both
        clock = [i for i, c in enumerate(table.columns) if c.name in ("created_at", "acknowledged_at")]
        strip = lambda rows: [tuple(v for i, v in enumerate(r) if i not in clock) for r in rows]  # noqa: E731
        assert strip(on_server) == strip(on_file), table_name
        compared += len(on_file)
    assert compared > 100


def test_a_merge_on_the_server_sends_each_chunk_in_one_copy(town, pg_url, tmp_path, monkeypatch):
    """No row-at-a-time INSERT into the township's tables: they go by COPY, a chunk at a time."""
    from fupin_tui.excel import merge

    monkeypatch.setattr(merge, "_CHUNK", 5)  # several chunks a sheet even for the small sample
    inserts: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement.split("(")[0].split()[-1].strip('"'))

    event.listen(__import__("sqlalchemy").engine.Engine, "before_cursor_execute", seen)
    try:
        [outcome] = import_packages([export_package(town, tmp_path / "a").path], pg_url)
    finally:
        event.remove(__import__("sqlalchemy").engine.Engine, "before_cursor_execute", seen)
    assert outcome.rows["户表"] == 10
    sheet_tables = set(schema.INSERT_ORDER) | {"countyowned"}
    assert not [t for t in inserts if t in sheet_tables]
    from pg_cluster import query

    assert query(pg_url, "select count(*) from household")[0][0] == 10


def test_an_undo_puts_every_value_back(town, county, tmp_path):
    """The replaced rows are kept (JSON) and put back by COPY on a server: every column as it was."""
    import excel_sample

    from fupin_tui.context import AppContext
    from fupin_tui.opening import open_database
    from fupin_tui.services import county_merges

    old = export_package(town, tmp_path / "old", period="2026-10").path
    excel_sample.fill(town, households=1, projects=0, seed=5)
    new = export_package(town, tmp_path / "new", period="2026-11").path
    import_packages([old], county)
    tables = [schema.MODELS[name].__table__ for name in schema.INSERT_ORDER]
    before = {t.name: _rows(county, t) for t in tables}
    [outcome] = import_packages([new], county)
    assert outcome.status == "已更新"
    ctx = AppContext(db=open_database(county), operator="县扶贫办王")
    try:
        county_merges.undo(ctx, outcome.merge_id)
    finally:
        ctx.db.close()
    after = {t.name: _rows(county, t) for t in tables}
    assert len(before["member"]) > 20 and before["voucherline"]  # money, dates, flags, empty cells among them
    for name in before:
        assert after[name] == before[name], name
