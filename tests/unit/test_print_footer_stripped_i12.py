"""A printout's footer lines (制表人：…) and the voucher's 经办人 are written without control
characters too, and say so (issue 12: nothing cut silently). An operator's name typed before the
checks existed is the case: it is the one text of a footer that comes from the database."""

import sqlite3

import pytest

from fupin_tui.context import open_context
from fupin_tui.excel.styles import collect_stripped


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from fupin_tui.demo import generate

    db = tmp_path_factory.mktemp("demo") / "township.db"
    generate(db, households=40, seed=3)
    con = sqlite3.connect(db)
    project = con.execute("select v.project_id from voucherline l join voucher v on l.voucher_id = v.id "
                          "where l.kind = '名册' and not l.voided and not v.voided limit 1").fetchone()
    voucher = con.execute("select v.project_id, v.id from voucher v where not v.voided order by v.id limit 1").fetchone()
    con.close()
    assert project is not None, "the demo pays a roster"
    return db, project[0], voucher


def test_a_payment_rosters_footer_names_what_it_left_out(demo, tmp_path):
    from fupin_tui.excel.payment_print import print_payment_roster

    db, project, _ = demo
    ctx = open_context(db, operator="李\x07会计")
    try:
        with collect_stripped() as stripped:
            path = print_payment_roster(ctx, project, folder=tmp_path)
    finally:
        ctx.db.close()
    assert path.exists()
    footer = [c for c in stripped if c.column == "表尾"]
    assert [(c.removed, c.record) for c in footer] == [("U+0007", f"project:{project}")], stripped
    assert "表尾" in str(footer[0]) and "去掉了 U+0007" in str(footer[0])


def test_a_vouchers_operator_is_named_when_it_loses_a_character(demo, tmp_path):
    from fupin_tui.excel.voucher_print import voucher_workbook
    from fupin_tui.services.funds import project_funds

    db, _, (project, voucher) = demo
    ctx = open_context(db, operator="李\x07会计")
    try:
        with collect_stripped() as stripped:
            voucher_workbook(ctx, project, project_funds(ctx, project), voucher)
    finally:
        ctx.db.close()
    assert any(c.column == "经办人" and c.record == f"project:{project}" for c in stripped), stripped
