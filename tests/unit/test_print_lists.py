"""The payment roster (发放花名册, issue 15.7) and the 受益户公示 (15.8), on paper.

Both are rendered as the office prints them (LibreOffice headless, A4, the
workbook's own settings) and read back with ``pdftotext -bbox``: every page
legible (text >= 8 pt), nothing off the page, the header and the page's 小计
on every page, the 合计 and the signature lines on the last. The 公示 is
posted in the village: no full ID number, phone or bank account of anyone in
the database may appear in its PDF (H09).
"""

import math
import os
import re
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.money import format_money
from fupin_tui.excel import beneficiary_print, payment_print

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import print_render  # noqa: E402

MIN_TEXT_PT = 8.0


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    base = tmp_path_factory.mktemp("lists")
    db = base / "township.db"
    generate(db, households=150, seed=3)
    con = sqlite3.connect(db)
    roster_project = con.execute(
        "select v.project_id from voucherline l join voucher v on v.id = l.voucher_id where l.kind = '名册' "
        "and not l.voided and not v.voided group by 1 order by count(*) desc, 1 limit 1").fetchone()[0]
    notice_project = con.execute("select project_id from beneficiary where not voided group by 1 "
                                 "order by count(*) desc, 1 limit 1").fetchone()[0]
    # amounts a default would hide, and one payee line voided (it must not print)
    con.execute("update beneficiary set amount = 100000 + id where project_id = ?", (notice_project,))
    con.execute("update voucherline set voided = 1, void_reason = '录错' where id = (select min(l.id) from voucherline l "
                "join voucher v on v.id = l.voucher_id where v.project_id = ? and l.kind = '名册')", (roster_project,))
    con.commit()
    con.close()
    ctx = open_context(db, operator="张会计")
    yield base, ctx, roster_project, notice_project
    ctx.db.close()


def _yuan(stored) -> Decimal:
    return Decimal(stored) / 100  # money is stored in fen


def _db(ctx):
    return sqlite3.connect(ctx.db.path)


# ------------------------------------------------------------------ the workbooks (no LibreOffice needed)


def _live_roster(ctx, project_id):
    return _db(ctx).execute(
        "select h.household_no, l.payee_name, l.id_number, l.amount, h.size, h.bank_account from voucherline l "
        "join voucher v on v.id = l.voucher_id left join household h on h.id = l.household_id "
        "where v.project_id = ? and l.kind = '名册' and not l.voided and not v.voided", (project_id,)).fetchall()


def test_payment_roster_has_one_row_per_payee_in_registry_order_with_totals(township):
    _base, ctx, project, _ = township
    ws = payment_print.payment_workbook(ctx, project).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    data = [r for r in rows if isinstance(r[0], int)]
    live = _live_roster(ctx, project)
    assert len(data) == len(live) > payment_print.PAGING.rows_per_page
    assert [r[0] for r in data] == list(range(1, len(data) + 1))
    assert [r[2] for r in data] == sorted(r[2] for r in data)  # by 户编号, not by voucher
    assert {(r[2], r[3], r[4]) for r in data} == {(no, name, idn) for no, name, idn, *_ in live}
    assert all(r[5] for r in data) and all(r[6] for r in data)  # 家庭人口, 一卡通账号
    assert all(r[9] in (None, "") for r in data)  # the signature cell is left for the payee
    subtotals = [r for r in rows if isinstance(r[1], str) and r[1].startswith("本页小计")]
    pages = math.ceil(len(data) / payment_print.PAGING.rows_per_page)
    assert len(subtotals) == pages and len(ws.row_breaks.brk) == pages - 1
    [total] = [r for r in rows if isinstance(r[1], str) and r[1].startswith("合计")]
    expected = sum(_yuan(a) for *_, a, _s, _b in live)
    assert Decimal(str(total[payment_print.AMOUNT])) == expected
    assert sum(Decimal(str(r[payment_print.AMOUNT])) for r in subtotals) == expected
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not formulas  # totals are values: exported text is never a formula


def test_payment_roster_of_a_project_without_payees_is_refused_in_chinese(township):
    _base, ctx, _, _ = township
    none = _db(ctx).execute("select id from project where id not in (select v.project_id from voucher v join "
                            "voucherline l on l.voucher_id = v.id where l.kind = '名册') limit 1").fetchone()[0]
    with pytest.raises(DomainError, match="没有领款名册"):
        payment_print.payment_workbook(ctx, none)


def test_notice_masks_ids_phones_and_accounts_in_the_workbook(township):
    _base, ctx, _, project = township
    ws = beneficiary_print.beneficiary_notice_workbook(ctx, project).active
    data = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert data
    for r in data:
        assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", r[3]), r[3]
        assert r[5] == "" or r[5] is None or re.fullmatch(r"\d{3}\*+\d{4}", r[5]), r[5]
        assert r[6] is None or re.fullmatch(r"尾号\d{4}", r[6]), r[6]


# ------------------------------------------------------------------ on paper


@pytest.fixture(scope="module")
def rendered(township):
    if not print_render.available():
        message = "LibreOffice (soffice) and poppler-utils (pdftotext) are needed: see .ci/run"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    base, ctx, roster_project, notice_project = township
    out = base / "books"
    roster = payment_print.print_payment_roster(ctx, roster_project, folder=out)
    notice = beneficiary_print.print_beneficiary_notice(ctx, notice_project, folder=out)
    pdfs = print_render.render([roster, notice], base / "pdf")
    return {"roster": (pdfs[roster], print_render.pages(pdfs[roster])),
            "notice": (pdfs[notice], print_render.pages(pdfs[notice]))}


def _page_text(page) -> str:
    return "".join(w.text for w in page.words)


@pytest.mark.slow
def test_every_page_of_both_lists_is_legible_and_on_the_paper(rendered):
    for name, (_pdf, pages) in rendered.items():
        assert pages, name
        for page in pages:
            assert page.smallest_text >= MIN_TEXT_PT, (name, page.number, page.smallest_text)
            outside = [w.text for w in page.words if w.x1 > page.width - 5 or w.y1 > page.height - 5]
            assert not outside, (name, page.number, outside[:5])
            assert "###" not in _page_text(page), (name, page.number)  # a number too wide for its column
        print(name, "pages", len(pages), "smallest text (pt)", min(p.smallest_text for p in pages))


@pytest.mark.slow
def test_roster_pages_each_carry_header_signature_column_and_subtotal(township, rendered):
    _base, ctx, project, _ = township
    _pdf, pages = rendered["roster"]
    live = _live_roster(ctx, project)
    assert len(pages) == math.ceil(len(live) / payment_print.PAGING.rows_per_page)
    for page in pages:
        text = _page_text(page)
        assert "领款人签名" in text and "一卡通账号" in text and "本页小计" in text, page.number
        assert f"第{page.number}页，共{len(pages)}页" in text  # the footer numbers the pages
    last = _page_text(pages[-1])
    total = sum(_yuan(r[3]) for r in live)
    assert "合计" in last and format_money(total) in last
    assert "发放人" in last and "村干部" in last
    printed = "".join(_page_text(p) for p in pages)
    for no, name, id_number, *_ in live:  # kept in the office: the numbers are printed in full
        assert id_number in printed and name in printed


@pytest.mark.slow
def test_notice_pdf_shows_no_full_id_phone_or_account_of_anyone(township, rendered):
    _base, ctx, _, project = township
    pdf, pages = rendered["notice"]
    plain = print_render.plain_text(pdf)
    squeezed = re.sub(r"\s+", "", plain)
    con = _db(ctx)
    secrets = {r[0] for r in con.execute("select id_number from member where id_number != ''")}
    secrets |= {r[0] for r in con.execute("select phone from household where phone != '' union "
                                          "select bank_account from household where bank_account != '' union "
                                          "select phone from member where phone != ''")}
    shown = [s for s in secrets if s in squeezed]
    assert not shown, shown[:3]
    assert not re.search(r"\d{11,}", plain)  # no run of digits as long as a phone, an ID or an account
    names = [r[0] for r in con.execute("select h.head_name from beneficiary b join household h on h.id = b.household_id "
                                       "where b.project_id = ? and not b.voided", (project,))]
    for name in names:
        assert name in squeezed
    assert "**********" in squeezed and "尾号" in squeezed and "****" in squeezed
    assert "合计" in _page_text(pages[-1]) and "村委会（盖章）" in _page_text(pages[-1])
