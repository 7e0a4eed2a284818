"""A small township for the 体检 tests: two projects, three households, written with the ORM."""

from datetime import date
from decimal import Decimal

from sqlmodel import select

from fupin_tui.domain.idcard import check_digit
from fupin_tui.models import (
    BudgetLine, Beneficiary, Household, HouseholdEvent, LibraryEntry, Member, Notice, ProcedureStep, Project,
    Tranche, Village, Voucher, VoucherLine,
)


def id_number(birth: str = "19800101", seq: str = "001") -> str:
    first17 = "520123" + birth + seq + ""
    first17 = first17[:17]
    return first17 + check_digit(first17)


IDENT = (("申请", 1, date(2020, 1, 2), None, None), ("入户调查", 2, date(2020, 1, 5), None, None),
         ("民主评议", 3, date(2020, 1, 8), None, None),
         ("村委会审核公示", 4, date(2020, 1, 10), date(2020, 1, 10), date(2020, 1, 16)),
         ("乡镇审批公示", 5, date(2020, 1, 17), date(2020, 1, 17), date(2020, 1, 23)),
         ("县复核公告", 6, date(2020, 1, 24), None, None))


def add_household(s, village_id: int, no: str, head: str, birth: str, *, status="在册", bad_id=False) -> Household:
    number = id_number(birth)
    if bad_id:
        number = number[:-1] + ("0" if number[-1] != "0" else "1")
    h = Household(household_no=no, village_id=village_id, head_name=head, status=status, identified_year=2020,
                  income_year=2020, per_capita_income=Decimal("3000"), size=1,
                  look_house="土坯房", look_grain="耕地1亩", look_labour="劳动力1人", look_study="无",
                  entered_by="李登记", checked_by="王审核")
    s.add(h)
    s.flush()
    s.add(Member(household_id=h.id, name=head, id_number=number, relation="户主", labour_skill="普通劳动力"))
    for step, seq, on, pf, pt in IDENT:
        s.add(ProcedureStep(household_id=h.id, procedure="识别", step=step, seq=seq, done_on=on, responsible="村委会",
                            publicity_from=pf, publicity_to=pt))
    s.add(HouseholdEvent(household_id=h.id, happened_on=date(2020, 1, 24), from_status="识别中", to_status="在册"))
    from fupin_tui.models import CashLedgerLine

    s.add(CashLedgerLine(household_id=h.id, year=2025, direction="收入", category="工资性收入", amount=Decimal("8000")))
    return h


def build_township(ctx) -> dict:
    """Project A: plan approved 2026-11-02, not filed (P07 overdue), one tranche and a voucher.
    Project B: approved 2026-11-20, plan due 2026-12-04 (P05 due soon)."""
    with ctx.transaction() as s:
        village = s.exec(select(Village).order_by(Village.code)).first()
        good = add_household(s, village.id, "5201231012010001", "张三", "19800101")
        bad = add_household(s, village.id, "5201231012010002", "李四", "19850505", bad_id=True)
        lib = LibraryEntry(village_id=village.id, year=2026, name="新寨村产业路", category="基础设施",
                           performance_goals="硬化2公里")
        lib2 = LibraryEntry(village_id=village.id, year=2026, name="新寨村蓄水池", category="基础设施",
                            performance_goals="蓄水池1口")
        s.add(lib)
        s.add(lib2)
        s.flush()
        a = Project(library_entry_id=lib.id, village_id=village.id, year=2026, name="新寨村产业路",
                    category="基础设施", content="硬化产业路2公里", state="方案批复", subsidy=Decimal("300000"),
                    total_investment=Decimal("360000"), approved_on=date(2026, 10, 12),
                    plan_submitted_on=date(2026, 10, 20), plan_approved_on=date(2026, 11, 2),
                    plan_review_kind="县扶贫办审核", discipline_filed_on=date(2026, 11, 3),
                    supervision_entered_on=date(2026, 11, 3),  # P22 met; only the 扶贫云 filing (P07) is late
                    deposit_rate=Decimal("0.05"), deposit_amount=Decimal("15000"), file_number="2026-新安镇-001")
        b = Project(library_entry_id=lib2.id, village_id=village.id, year=2026, name="新寨村蓄水池",
                    category="生活条件改善", content="修建蓄水池1口", state="立项", subsidy=Decimal("80000"),
                    total_investment=Decimal("80000"), approved_on=date(2026, 11, 20), public_infrastructure=True,
                    file_number="2026-新安镇-002")
        s.add(a)
        s.add(b)
        s.flush()
        s.add(Beneficiary(project_id=a.id, household_id=good.id, benefit="务工"))
        s.add(Notice(project_id=a.id, kind="立项公告", published_on=date(2026, 10, 14),
                     fields_json='{"资金规模": "30万元", "监督电话": "0851-12345678"}'))
        line = BudgetLine(project_id=a.id, item="水泥", amount=Decimal("100000"), spending_kind="材料设备")
        s.add(line)
        t = Tranche(project_id=a.id, seq=1, disbursed_on=date(2026, 11, 25), amount=Decimal("150000"))
        s.add(t)
        s.flush()
        v = Voucher(project_id=a.id, voucher_no="BZ-001", made_on=date(2026, 11, 26), tranche_id=t.id,
                    total=Decimal("20000"), reimbursed_on=date(2026, 11, 26))
        s.add(v)
        s.flush()
        s.add(VoucherLine(voucher_id=v.id, budget_line_id=line.id, kind="发票", amount=Decimal("20000"),
                          invoice_code="052001", invoice_no="0001", invoice_date=date(2026, 11, 20), seller="某建材公司"))
        return {"a": a.id, "b": b.id, "good": good.id, "bad": bad.id}
