"""Changing what a database is (its kind or township), audited: above ``db`` and ``identity``,
so that ``identity`` stays a plain reader and writer of the row that ``db`` itself needs.

    from fupin_tui import identity, identity_change
    identity_change.mark(db, kind=identity.COUNTY, operator="县级汇总")
"""

from __future__ import annotations

from dataclasses import replace

from fupin_tui import identity
from fupin_tui.db import write_audit


def mark(db, *, kind: str | None = None, township_code: str | None = None, township_name: str | None = None,
         operator: str = "") -> identity.DatabaseIdentity:
    """Change the kind or township of an open ``db.Database``; one transaction with an audit row."""
    with db.session(operator) as s:
        return mark_in(s, kind=kind, township_code=township_code, township_name=township_name)


def mark_in(session, *, kind: str | None = None, township_code: str | None = None,
            township_name: str | None = None) -> identity.DatabaseIdentity:
    """``mark`` inside a transaction the caller already has open (e.g. saving the township)."""
    if kind is not None and kind not in identity.KINDS:
        raise ValueError(kind)
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        con = conn.connection.driver_connection
        before = identity.read_from(con) or identity._infer(con)
    else:  # a server database is created with its identity row
        before = identity.read_in(conn)
    after = replace(before, kind=kind if kind is not None else before.kind,
                    township_code=township_code if township_code is not None else before.township_code,
                    township_name=township_name if township_name is not None else before.township_name)
    if after != before:
        identity.write_in(conn, after)
        write_audit(session, "appsetting", identity.KEY, "修改", note="数据库标识",
                    before={"kind": before.kind, "township_code": before.township_code,
                            "township_name": before.township_name},
                    after={"kind": after.kind, "township_code": after.township_code,
                           "township_name": after.township_name})
    return after
