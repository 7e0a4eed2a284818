"""The search box's queries read the narrow covering index, not the wide household rows (issue 18):
each keystroke counts the matches, and a name typed out fetches its few rows, over every household."""

import sqlite3

import pytest
from sqlalchemy import event

from fupin_tui.services import registry_query as rq


def _plans(ctx, run) -> list[str]:
    """The query plans of the SQL statements ``run`` makes, asked of SQLite with the same parameters."""
    seen: list[tuple[str, tuple]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", grab)
    con = sqlite3.connect(ctx.db.path)
    try:
        return [" / ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
                for sql, params in seen if sql.lstrip().upper().startswith("SELECT")]
    finally:
        con.close()


@pytest.mark.parametrize("text", ["z", "zhang", "张", "2613", "5201231012030001"])
def test_the_count_of_a_typed_filter_scans_the_covering_index(ctx, text):
    plans = _plans(ctx, lambda: rq.counts(ctx, rq.HouseholdFilter(text=text)))
    assert plans and all("COVERING INDEX ix_household_list" in p for p in plans), plans


def test_a_village_filter_with_the_text_uses_it_too(ctx):
    from fupin_tui.services.township import villages

    village = villages(ctx)[0].id
    plans = _plans(ctx, lambda: rq.counts(ctx, rq.HouseholdFilter(text="li", village_id=village)))
    assert plans and all("ix_household_list" in p for p in plans), plans
