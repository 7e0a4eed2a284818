"""Tranches, vouchers and progress through the services: what lands in the database, and each refusal."""

from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from sqlalchemy import text

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import amount_in_words
from fupin_tui.services import funds, progress
from fupin_tui.services.funds import LineInput

from tests.funds_data import make_households, make_project


@pytest.fixture
def project(ctx):
    pid, (frame, seedlings) = make_project(ctx)
    people = make_households(ctx)
    return pid, frame, seedlings, people


def invoice(bl, amount, no="00012345", code="052001900111", on=date(2026, 3, 15)):
    return LineInput(bl, D(amount), invoice_code=code, invoice_no=no, invoice_date=on, seller="贵州某钢构公司",
                     attachments=2)


def roster(bl, amount, person, on=date(2026, 3, 16)):
    hid, _, idn = person
    return LineInput(bl, D(amount), household_id=hid, id_number=idn, signed_on=on)


def first_tranche_reimbursed(ctx, project):
    """Tranche 1 paid, progress entered, a voucher of both kinds reimbursed."""
    pid, frame, seedlings, people = project
    funds.disburse(ctx, pid, D("50000"), date(2026, 3, 10), document_no="新财拨〔2026〕8号")
    progress.record_progress(ctx, pid, reported_on=date(2026, 3, 12), work_share=D("0.2"), description="钢架进场")
    vid = funds.create_voucher(ctx, pid, [invoice(frame, "30000"), roster(seedlings, "10000", people[0]),
                                          roster(seedlings, "10000", people[1])], made_on=date(2026, 3, 18))
    funds.reimburse(ctx, vid, date(2026, 3, 20))
    progress.record_progress(ctx, pid, reported_on=date(2026, 3, 23), work_share=D("0.55"))
    return vid


def test_voucher_total_is_sum_of_lines_in_database(ctx, project):
    vid = first_tranche_reimbursed(ctx, project)
    with ctx.read() as s:
        mismatches = s.execute(text(
            "SELECT v.id FROM voucher v LEFT JOIN voucherline l ON l.voucher_id = v.id AND l.voided = 0 "
            "GROUP BY v.id HAVING v.total != COALESCE(SUM(l.amount), 0)")).all()
        assert mismatches == []
        assert s.execute(text("SELECT total FROM voucher WHERE id = :v"), {"v": vid}).scalar() == 5000000  # fen
    view = funds.project_funds(ctx, project[0])
    assert view.totals.disbursed == D("50000.00") and view.totals.reimbursed == D("50000.00")
    assert [b.spent for b in view.budget] == [D("30000.00"), D("20000.00")]
    assert view.vouchers[0].lines[1].payee_name == "王大山"


def test_voiding_a_line_recomputes_the_total(ctx, project):
    pid, frame, seedlings, people = project
    funds.disburse(ctx, pid, D("50000"), date(2026, 3, 10))
    vid = funds.create_voucher(ctx, pid, [invoice(frame, "1000"), invoice(frame, "234.56", no="99")],
                               made_on=date(2026, 3, 18))
    line_id = funds.project_funds(ctx, pid).vouchers[0].lines[1].id
    funds.void_line(ctx, line_id, "发票开错")
    assert funds.project_funds(ctx, pid).vouchers[0].total == D("1000.00")
    with ctx.read() as s:
        assert s.execute(text("SELECT voided, void_reason FROM voucherline WHERE id = :i"), {"i": line_id}).one() == (1, "发票开错")


def test_walk_through_532_with_deposit(ctx, project):
    pid, frame, seedlings, people = project
    first_tranche_reimbursed(ctx, project)
    funds.disburse(ctx, pid, D("30000"), date(2026, 3, 25))
    progress.record_progress(ctx, pid, reported_on=date(2026, 4, 10), work_share=D("1"))
    funds.disburse(ctx, pid, D("15000"), date(2026, 4, 13))
    view = funds.project_funds(ctx, pid)
    assert [t.status for t in view.plan] == ["已拨", "已拨", "已拨"]
    assert view.payments[-1].deposit_withheld == D("5000.00")
    assert view.totals.deposit_held == D("5000.00") and view.totals.disbursed == D("95000.00")
    assert view.deposit_state == "已收取"


@pytest.mark.parametrize("amount, rule, words", [
    ("50000.01", "F02", "第1期最多拨付补助的50%"),
])
def test_over_share_is_refused(ctx, project, amount, rule, words):
    with pytest.raises(DomainError) as exc:
        funds.disburse(ctx, project[0], D(amount), date(2026, 3, 10))
    assert exc.value.rule == rule and words in exc.value.message
    assert funds.project_funds(ctx, project[0]).payments == ()


def test_early_tranche_is_refused(ctx, project):
    pid = project[0]
    first_tranche_reimbursed(ctx, project)
    progress.record_progress(ctx, pid, reported_on=date(2026, 3, 24), work_share=D("0.4"), regress_reason="返工")
    with pytest.raises(DomainError) as exc:
        funds.disburse(ctx, pid, D("30000"), date(2026, 3, 25))
    assert exc.value.rule == "F02" and "需工程进度达到50%，当前40%" in exc.value.message


def test_over_budget_line_is_refused_unless_adjusted(ctx, project):
    pid, frame, seedlings, people = project
    funds.disburse(ctx, pid, D("50000"), date(2026, 3, 10))
    funds.create_voucher(ctx, pid, [roster(seedlings, "39000", people[0])], made_on=date(2026, 3, 18))
    with pytest.raises(DomainError) as exc:
        funds.create_voucher(ctx, pid, [roster(seedlings, "1000.01", people[1])], made_on=date(2026, 3, 18))
    assert exc.value.rule == "F05" and "农户种苗补助" in exc.value.message
    from fupin_tui.models.projects import BudgetLine
    with ctx.transaction() as s:
        bl = s.get(BudgetLine, seedlings)
        bl.adjusted_amount = D("41000")
        s.add(bl)
    funds.create_voucher(ctx, pid, [roster(seedlings, "1000.01", people[1])], made_on=date(2026, 3, 18))


def test_duplicate_invoice_names_first_voucher(ctx, project):
    pid, frame, seedlings, people = project
    other, (other_frame, _) = make_project(ctx, name="坪上村饮水工程")
    funds.create_voucher(ctx, pid, [invoice(frame, "100", no="777")], made_on=date(2026, 3, 18), voucher_no="BZ2026-001")
    with pytest.raises(InputError) as exc:
        funds.create_voucher(ctx, other, [invoice(other_frame, "100", no="777")], made_on=date(2026, 3, 19))
    assert exc.value.field == "发票号码"
    assert "BZ2026-001（新寨村蔬菜大棚）" in exc.value.problem
    # the same number twice on one voucher is caught too, naming the voucher being made
    with pytest.raises(InputError) as exc:
        funds.create_voucher(ctx, other, [invoice(other_frame, "1", no="888"), invoice(other_frame, "1", no="888")],
                             made_on=date(2026, 3, 19), voucher_no="BZ2026-009")
    assert exc.value.field == "第2行发票号码" and "BZ2026-009" in exc.value.problem
    assert len(funds.project_funds(ctx, other).vouchers) == 0  # nothing half-saved


@pytest.mark.parametrize("kind", ["invoice-on-roster-line", "roster-on-invoice-line"])
def test_wrong_document_kind_is_refused(ctx, project, kind):
    pid, frame, seedlings, people = project
    line = invoice(seedlings, "100") if kind == "invoice-on-roster-line" else roster(frame, "100", people[0])
    with pytest.raises(DomainError) as exc:
        funds.create_voucher(ctx, pid, [line], made_on=date(2026, 3, 18))
    assert exc.value.rule == "F06"


def test_roster_id_must_belong_to_household(ctx, project):
    pid, frame, seedlings, people = project
    hid = people[0][0]
    with pytest.raises(InputError) as exc:
        funds.create_voucher(ctx, pid, [LineInput(seedlings, D("100"), household_id=hid, id_number=people[1][2],
                                                  signed_on=date(2026, 3, 16))], made_on=date(2026, 3, 18))
    assert exc.value.field == "身份证号" and "王大山户" in exc.value.problem


def test_missing_progress_entry_blocks_tranches_and_reimbursement(ctx, project):
    pid, frame, seedlings, people = project
    first_tranche_reimbursed(ctx, project)
    funds.disburse(ctx, pid, D("30000"), date(2026, 3, 25))  # no progress entered since
    vid = funds.create_voucher(ctx, pid, [invoice(frame, "20000", no="555")], made_on=date(2026, 4, 1))
    with pytest.raises(DomainError) as exc:
        funds.reimburse(ctx, vid, date(2026, 4, 2))
    assert exc.value.rule == "P13" and "拨款（第2期）" in exc.value.message
    view = funds.project_funds(ctx, pid)
    assert view.reimburse_block is not None and not view.available.allowed
    progress.record_progress(ctx, pid, reported_on=date(2026, 11, 26), work_share=D("0.8"))
    funds.reimburse(ctx, vid, date(2026, 11, 26))
    assert funds.project_funds(ctx, pid).totals.reimbursed == D("70000.00")


def test_reimbursed_over_disbursed_is_refused(ctx, project):
    pid, frame, seedlings, people = project
    funds.disburse(ctx, pid, D("10000"), date(2026, 3, 10))
    progress.record_progress(ctx, pid, reported_on=date(2026, 3, 11), work_share=D("0.1"))
    vid = funds.create_voucher(ctx, pid, [invoice(frame, "10000.01")], made_on=date(2026, 3, 11))
    with pytest.raises(DomainError) as exc:
        funds.reimburse(ctx, vid, date(2026, 3, 11))
    assert exc.value.rule == "F03"


def test_progress_never_goes_back_without_reason(ctx, project):
    pid = project[0]
    progress.record_progress(ctx, pid, reported_on=date(2026, 3, 12), work_share=D("0.6"))
    with pytest.raises(InputError) as exc:
        progress.record_progress(ctx, pid, reported_on=date(2026, 3, 20), work_share=D("0.5"))
    assert exc.value.field == "进度回退原因" and "60%" in exc.value.problem
    progress.record_progress(ctx, pid, reported_on=date(2026, 3, 20), work_share=D("0.5"), regress_reason="暴雨冲毁")
    assert [r.work_share for r in progress.history(ctx, pid)] == [D("0.6"), D("0.5")]
    with pytest.raises(InputError) as exc:
        progress.record_progress(ctx, pid, reported_on=date(2026, 12, 1), work_share=D("0.7"))
    assert exc.value.field == "填报日期"


def test_final_reimbursement_and_deposit_after_acceptance(ctx, project):
    pid, frame, seedlings, people = project
    first_tranche_reimbursed(ctx, project)
    funds.disburse(ctx, pid, D("30000"), date(2026, 3, 25))
    vid = funds.create_voucher(ctx, pid, [invoice(frame, "100", no="901")], made_on=date(2026, 3, 25), is_final=True)
    with pytest.raises(DomainError) as exc:
        funds.reimburse(ctx, vid, date(2026, 3, 25))
    assert exc.value.rule == "F04"
    from fupin_tui.services import projects
    with pytest.raises(DomainError):
        projects.set_deposit_state(ctx, pid, "已退还", date(2026, 11, 1))
    from fupin_tui.models.projects import Project
    with ctx.transaction() as s:
        p = s.get(Project, pid)
        p.accepted_on, p.acceptance_grade, p.state, p.deposit_state = date(2026, 11, 2), "合格", "已验收", "已收取"
        s.add(p)
    assert funds.project_funds(ctx, pid).final_deadline.due == date(2026, 12, 2)
    progress.record_progress(ctx, pid, reported_on=date(2026, 11, 20), work_share=D("1"))
    # 六(二): the final 报账 is that of the money left (余下20%): refused while 第3期 was never paid
    with pytest.raises(DomainError) as exc:
        funds.reimburse(ctx, vid, date(2026, 11, 25))
    assert exc.value.rule == "F04" and "第3期15,000.00元尚未拨付" in str(exc.value), str(exc.value)
    assert funds.project_funds(ctx, pid).state == "已验收"  # nothing moved
    funds.disburse(ctx, pid, D("15000"), date(2026, 11, 24))  # 20% less the 5,000 deposit
    funds.reimburse(ctx, vid, date(2026, 11, 25))
    projects.set_deposit_state(ctx, pid, "已退还", date(2026, 11, 26))
    view = funds.project_funds(ctx, pid)
    assert view.final_reimbursed_on == date(2026, 11, 25) and view.deposit_state == "已退还"
    assert view.state == "已报账"  # the life cycle moved on in the same transaction
    assert view.totals.deposit_held == 0


def test_printed_total_in_capitals_matches_sum(ctx, project, tmp_path):
    from fupin_tui.excel.voucher_print import print_voucher

    pid, frame, seedlings, people = project
    funds.disburse(ctx, pid, D("50000"), date(2026, 3, 10))
    vid = funds.create_voucher(ctx, pid, [invoice(frame, "12345.67"), roster(seedlings, "1000.05", people[0]),
                                          roster(seedlings, "0.30", people[2])], made_on=date(2026, 3, 18))
    path = print_voucher(ctx, pid, vid, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["报账单"]
    amounts = [r[8] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    words = next(r[0] for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("大写金额"))
    assert sum(D(str(a)) for a in amounts) == D("13346.02")
    assert words.endswith(amount_in_words(D("13346.02"))) and "壹万叁仟叁佰肆拾陆元零贰分" in words
    roster_sheet = wb["名册"]  # the payment roster's layout: 身份证号 in full, a signature cell, the 合计
    header = [c.value for c in roster_sheet[3]]
    at, sign = header.index("身份证号"), header.index("领款人签名")
    rows = [r for r in roster_sheet.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert sorted(r[at] for r in rows) == sorted([people[0][2], people[2][2]])  # full IDs as text
    assert all(r[sign] is None for r in rows)
    assert any(str(r[1]).startswith("合计") and D(str(r[8])) == D("1000.35")
               for r in roster_sheet.iter_rows(values_only=True) if r[1])
    assert any("经办人：张会计" in str(r[0]) for r in ws.iter_rows(values_only=True) if r[0])


def test_township_overview_and_allocation(ctx, project):
    first_tranche_reimbursed(ctx, project)
    make_project(ctx, name="坪上村公路", category="基础设施", subsidy="300000")
    town = funds.township_funds(ctx, 2026)
    assert town.totals.approved == D("400000.00") and town.totals.disbursed == D("50000.00")
    split = {r.use: r for r in town.allocation}
    assert split["基础设施"].share == D("0.75") and split["产业发展"].target == D("0.3")
