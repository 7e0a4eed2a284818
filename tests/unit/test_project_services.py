"""Project library, dossier services and the archive checklist on a real database."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.lifecycle import NeedsConfirmation
from fupin_tui.models.audit import AuditLog
from fupin_tui.models.projects import Project, ProjectEvent
from fupin_tui.models.registry import Household
from fupin_tui.services import archive, library, projects
from fupin_tui.services.township import villages

ENTRY = {
    "year": 2026, "name": "新寨村组组通公路硬化", "category": "基础设施", "construction_type": "新建",
    "fund_type": "发展资金", "location": "新寨村三组", "content": "硬化通组公路2.1公里，宽4.5米",
    "amount_fiscal": Decimal("300000"), "amount_self": Decimal("20000"),
    "beneficiary_households": 86, "beneficiary_people": 342, "poor_households": 31, "poor_people": 120,
    "performance_goals": "解决86户342人出行难", "benefit_mechanism": "务工带动", "priority": 1,
    "responsible_unit": "新安镇人民政府", "responsible_person": "李镇长",
}


def new_entry(ctx, **changes):
    data = {**ENTRY, "village_id": villages(ctx)[0].id, **changes}
    return library.save_entry(ctx, data)


def add_household(ctx, no, name, status="在册"):
    with ctx.transaction() as s:
        h = Household(household_no=no, village_id=villages(ctx)[0].id, head_name=name, status=status, size=4)
        s.add(h)
        s.flush()
        return h.id


def applied(ctx, **changes):
    entry = new_entry(ctx, **changes)
    return projects.apply_from_library(ctx, entry, {"date": "2026-02-10", "document_no": "新安镇申〔2026〕3号"})


# --------------------------------------------------------------------------- library


@pytest.mark.parametrize("changes,field,problem", [
    ({"performance_goals": ""}, "绩效目标", "没有绩效目标的项目不予入库"),
    ({"name": "  "}, "项目名称", "不能为空"),
    ({"category": "修路"}, "项目类别", "不在项目类别代码表中"),
    ({"amount_total": Decimal("999")}, "总投资（元）", "应等于各资金来源之和 320,000.00"),
    ({"poor_households": 90}, "其中贫困户", "不能多于受益户数"),
    ({"planned_start": date(2026, 5, 1), "planned_end": date(2026, 4, 1)}, "计划完工", "不能早于计划开工"),
    ({"amount_fiscal": Decimal("0"), "amount_self": Decimal("0")}, "财政专项（元）", "至少填写一项"),
])
def test_library_refuses_bad_entries_naming_the_field(ctx, changes, field, problem):
    with pytest.raises(InputError) as err:
        new_entry(ctx, **changes)
    assert err.value.field == field
    assert problem in err.value.problem
    assert library.count_entries(ctx) == 0  # nothing half-saved


def test_library_entry_total_and_pinyin_search(ctx):
    entry_id = new_entry(ctx)
    row = library.get_entry(ctx, entry_id)
    assert row["amount_total"] == Decimal("320000.00")
    for query in ("xzc", "xinzhaicun", "组组通", "三组"):
        assert [r.id for r in library.list_entries(ctx, text=query)] == [entry_id], query
    assert library.list_entries(ctx, text="zzz") == []
    assert library.list_entries(ctx, year=2025) == []


def test_voided_entry_is_kept_but_hidden_and_cannot_be_applied(ctx):
    entry_id = new_entry(ctx)
    with pytest.raises(InputError):
        library.void_entry(ctx, entry_id, "")
    library.void_entry(ctx, entry_id, "村民大会未通过")
    assert library.list_entries(ctx) == []
    assert library.list_entries(ctx, include_voided=True)[0].voided
    with pytest.raises(DomainError) as err:
        projects.apply_from_library(ctx, entry_id, {"date": "2026-02-10"})
    assert err.value.rule == "P01"


# --------------------------------------------------------------------------- apply, P02


def test_apply_creates_project_event_and_marks_entry(ctx):
    pid = applied(ctx)
    d = projects.dossier(ctx, pid)
    assert d.state == "申报" and d.subsidy == Decimal("300000.00") and d.applied_on == date(2026, 2, 10)
    assert [(e.action, e.to_state, e.operator) for e in projects.events(ctx, pid)] == [("申报", "申报", "张会计")]
    assert library.get_entry(ctx, d.library_entry_id)["status"] == "已申报"
    assert any(x.rule == "P03" for x in d.deadlines)  # county review due in working days
    with pytest.raises(DomainError) as err:  # the same entry twice
        projects.apply_from_library(ctx, d.library_entry_id, {"date": "2026-02-11"})
    assert err.value.rule == "P01"


def test_suspected_split_needs_confirmation_listing_the_similar_project(ctx):
    first = applied(ctx)
    second_entry = new_entry(ctx, name="新寨村组组通公路硬化二期", amount_fiscal=Decimal("200000"))
    with pytest.raises(NeedsConfirmation) as err:
        projects.apply_from_library(ctx, second_entry, {"date": "2026-03-01"})
    assert err.value.rule == "P02"
    assert [(s.other.id, s.kind) for s in err.value.similar] == [(first, "疑似拆分")]
    with ctx.read() as s:
        assert len(s.exec(select(Project)).all()) == 1  # nothing saved before confirming
    pid = projects.apply_from_library(ctx, second_entry, {"date": "2026-03-01"}, confirmed_similar=True)
    assert "经确认非重复" in projects.events(ctx, pid)[0].note


def test_continuing_project_is_not_a_duplicate(ctx):
    applied(ctx)
    entry = new_entry(ctx, construction_type="续建")
    assert projects.similar_projects(ctx, entry) == []


# --------------------------------------------------------------------------- life cycle through the services


def walk(ctx, pid, *steps):
    for action, values in steps:
        projects.perform(ctx, pid, action, values)


APPROVE = ("立项批复", {"date": "2026-03-02", "document_no": "县扶发〔2026〕12号", "approver": "县扶贫办",
                    "subsidy": "300000"})
SUBMIT = ("上报实施方案", {"date": "2026-03-09", "document_no": "新安镇〔2026〕5号",
                       "planned_start": "2026-04-01", "planned_end": "2026-10-31"})
PLAN_OK = ("批复实施方案", {"date": "2026-03-16", "document_no": "县扶发〔2026〕20号", "approver": "县扶贫办",
                       "deposit_rate": "5%", "review_kind": "县扶贫办审核"})


def test_plan_needs_budget_lines_and_deposit_in_range(ctx):
    pid = applied(ctx)
    walk(ctx, pid, APPROVE)
    with pytest.raises(DomainError) as err:
        walk(ctx, pid, SUBMIT)
    assert err.value.rule == "F05"
    with pytest.raises(InputError) as bad:
        projects.add_budget_line(ctx, pid, item="水泥", unit="吨", quantity=Decimal("0"), unit_price=Decimal("480"),
                                 spending_kind="材料设备")
    assert bad.value.field == "数量"
    line = projects.add_budget_line(ctx, pid, item="C25混凝土路面", unit="平方米", quantity=Decimal("9450"),
                                    unit_price=Decimal("31.746"), spending_kind="工程建设")
    assert projects.budget_lines(ctx, pid)[0].amount == Decimal("299999.70")  # 四舍五入 to the fen
    walk(ctx, pid, SUBMIT)
    with pytest.raises(DomainError) as err:
        walk(ctx, pid, ("批复实施方案", {**PLAN_OK[1], "deposit_rate": "15%"}))
    assert err.value.rule == "P21"
    walk(ctx, pid, PLAN_OK)
    d = projects.dossier(ctx, pid)
    assert (d.state, d.plan_review_kind, d.deposit_amount) == ("方案批复", "县扶贫办审核", Decimal("15000.00"))
    with pytest.raises(DomainError) as err:  # after approval: only through an adjustment
        projects.void_budget_line(ctx, line, "录错")
    assert err.value.rule == "P12"


def test_beneficiaries_must_be_registered_households(ctx):
    pid = applied(ctx, category="产业发展")
    ok = add_household(ctx, "520123101201001", "张三")
    add_household(ctx, "520123101201002", "李四", status="已脱贫")
    projects.add_beneficiary(ctx, pid, "520123101201001", benefit="到户补助", amount=Decimal("3000"))
    with pytest.raises(DomainError) as err:
        projects.add_beneficiary(ctx, pid, "520123101201002")
    assert err.value.rule == "P20" and "已脱贫" in err.value.message
    with pytest.raises(DomainError) as err:
        projects.add_beneficiary(ctx, pid, "999")
    assert err.value.rule == "P20"
    with pytest.raises(InputError):
        projects.add_beneficiary(ctx, pid, ok)
    rows = projects.beneficiaries(ctx, pid)
    assert [(r.head_name, r.benefit, r.amount) for r in rows] == [("张三", "到户补助", Decimal("3000.00"))]
    # the household leaves the registry before approval: P20 refuses the approval
    with ctx.transaction() as s:
        h = s.get(Household, ok)
        h.status = "已脱贫"
        s.add(h)
    with pytest.raises(DomainError) as err:
        walk(ctx, pid, APPROVE)
    assert err.value.rule == "P20"
    assert projects.dossier(ctx, pid).state == "申报"


def test_public_infrastructure_may_list_any_household(ctx):
    pid = applied(ctx)  # 基础设施 → public infrastructure by default
    add_household(ctx, "520123101201009", "王五", status="已脱贫")
    projects.add_beneficiary(ctx, pid, "520123101201009", benefit="出行", applied=False)
    walk(ctx, pid, APPROVE)
    assert projects.dossier(ctx, pid).state == "立项"


@pytest.mark.parametrize("kind,missing_key,rule", [("立项公告", "监督电话", "P09"), ("现场公示", "受益农户", "P10")])
def test_notice_needs_every_item_of_its_rule(ctx, kind, missing_key, rule):
    pid = applied(ctx)
    fields = {k: "有" for k in projects.NOTICE_FIELDS[kind]}
    fields[missing_key] = ""
    with pytest.raises(DomainError) as err:
        projects.save_notice(ctx, pid, kind=kind, published_on=date(2026, 11, 1), place="村务公开栏", fields=fields)
    assert err.value.rule == rule and missing_key in err.value.message
    assert projects.notices(ctx, pid) == []


def test_approval_notice_saved_with_photos(ctx):
    pid = applied(ctx)
    walk(ctx, pid, APPROVE)
    projects.update_basics(ctx, pid, {"supervision_phone": "0851-12317"})
    fields = projects.notice_defaults(ctx, pid, "立项公告")
    assert fields["监督电话"] == "0851-12317" and fields["资金规模"] == "300,000.00元"
    fields.update(分配原则="按需分配", 分配结果="新寨村300000元")
    projects.save_notice(ctx, pid, kind="立项公告", published_on=date(2026, 3, 5), place="县政府门户网站",
                         fields=fields, photo_paths="/tmp/a.jpg\n\n/tmp/b.jpg")
    (n,) = projects.notices(ctx, pid)
    assert n.photo_paths == ["/tmp/a.jpg", "/tmp/b.jpg"] and n.missing == ()
    p09 = next(x for x in projects.dossier(ctx, pid).deadlines if x.rule == "P09")
    assert p09.done_on == date(2026, 3, 5)


def full_way_to_handover(ctx, pid):
    projects.add_budget_line(ctx, pid, item="路面", unit="米", quantity=Decimal("2100"), unit_price=Decimal("140"),
                             spending_kind="工程建设")
    walk(ctx, pid, APPROVE, SUBMIT, PLAN_OK,
         ("开工", {"date": "2026-04-01"}),
         ("完工初检", {"date": "2026-09-20", "completed_on": "2026-09-15", "organiser": "新安镇"}),
         ("申请验收", {"date": "2026-09-25", "document_no": "新安镇请〔2026〕9号"}),
         ("验收", {"date": "2026-10-10", "document_no": "验2026-7", "grade": "不合格", "organiser": "县扶贫办",
                 "rectifications": "路肩培土；2026-10-30"}),
         ("整改完成", {"date": "2026-10-28"}),
         ("验收", {"date": "2026-11-02", "document_no": "验2026-9", "grade": "合格", "organiser": "县扶贫办"}))
    projects.record_final_reimbursement(ctx, pid, date(2026, 11, 10), "BZ-2026-031")
    walk(ctx, pid, ("移交", {"date": "2026-11-12", "assets": "通组公路；2.1；公里；300000",
                           "maintainer": "新寨村村委会", "maintenance_duty": "日常养护"}))


def test_rectification_then_handover_to_the_village_collective(ctx):
    pid = applied(ctx)
    full_way_to_handover(ctx, pid)
    d = projects.dossier(ctx, pid)
    assert d.state == "已移交"
    assert [(a.kind, a.grade) for a in d.acceptances] == [("初检", ""), ("县级验收", "不合格"), ("复验", "合格")]
    assert [(r.item, r.done_on) for r in d.rectifications] == [("路肩培土", date(2026, 10, 28))]
    assert [(a.owner_kind, a.owner_name, a.maintainer) for a in d.assets] == [("村集体", "新寨村村集体", "新寨村村委会")]
    actions = [e.action for e in projects.events(ctx, pid)]
    assert actions[-3:] == ["验收", "最终报账", "移交"]


def test_archive_needs_every_document_then_gets_one_file_number(ctx):
    pid = applied(ctx)
    full_way_to_handover(ctx, pid)
    rows = archive.checklist(ctx, pid)
    assert len(rows) == 18 and not rows[14].needed  # #15 审计意见 only at or above 50万
    with pytest.raises(DomainError) as err:
        walk(ctx, pid, ("归档", {"date": "2026-11-20"}))
    assert err.value.rule == "R02" and "1 资金下达通知" in err.value.message
    for row in rows:
        if row.needed:
            archive.record_document(ctx, pid, row.doc_no, received_on=date(2026, 11, 18), copies=1,
                                    storage_place="档案柜A-3", scan_path=f"/scan/{row.doc_no}.pdf")
    assert projects.list_projects(ctx)[0].archive == "17/17"
    walk(ctx, pid, ("归档", {"date": "2026-11-20"}))
    d = projects.dossier(ctx, pid)
    assert d.state == "已归档" and d.file_number == "2026-新安镇-001"
    with pytest.raises(DomainError) as err:
        archive.record_document(ctx, pid, 3, received_on=date(2026, 11, 21))
    assert err.value.rule == "R01"


def test_file_numbers_are_unique_per_year(ctx):
    a, b = applied(ctx), applied(ctx, name="坪上村产业路", content="产业路1公里", construction_type="续建")
    assert projects.assign_file_number(ctx, a) == "2026-新安镇-001"
    assert projects.assign_file_number(ctx, b) == "2026-新安镇-002"
    assert projects.assign_file_number(ctx, a) == "2026-新安镇-001"  # kept once given


def test_audit_threshold_makes_document_15_needed(ctx):
    pid = applied(ctx, amount_fiscal=Decimal("600000"))
    rows = archive.checklist(ctx, pid)
    assert rows[14].needed and rows[14].title == "审计意见"
    assert projects.list_projects(ctx)[0].archive == "0/18"


def test_failed_action_changes_nothing_and_adjustment_window(ctx):
    pid = applied(ctx)
    projects.add_budget_line(ctx, pid, item="路面", quantity=Decimal("1"), unit_price=Decimal("300000"),
                             spending_kind="工程建设")
    walk(ctx, pid, APPROVE, SUBMIT, PLAN_OK, ("开工", {"date": "2026-04-01"}))
    with ctx.read() as s:
        before = len(s.exec(select(AuditLog)).all())
    with pytest.raises(DomainError) as err:
        walk(ctx, pid, ("调整", {"date": "2026-07-01", "document_no": "调1", "content": "改线"}))
    assert err.value.rule == "P12"
    with ctx.read() as s:
        assert len(s.exec(select(AuditLog)).all()) == before
        assert len(s.exec(select(ProjectEvent).where(ProjectEvent.project_id == pid)).all()) == 5
    walk(ctx, pid, ("调整", {"date": "2026-05-01", "document_no": "调1", "content": "改线"}))
    assert projects.dossier(ctx, pid).side_state == "调整中"
    walk(ctx, pid, ("调整批复", {"date": "2026-05-20", "document_no": "调批1", "approver": "县扶贫办"}))
    d = projects.dossier(ctx, pid)
    assert d.side_state == "" and d.adjustments[0][1] == date(2026, 5, 20)


def test_deposit_states(ctx):
    pid = applied(ctx)
    projects.add_budget_line(ctx, pid, item="路面", quantity=Decimal("1"), unit_price=Decimal("300000"),
                             spending_kind="工程建设")
    walk(ctx, pid, APPROVE, SUBMIT, PLAN_OK)
    with pytest.raises(DomainError) as err:
        projects.set_deposit_state(ctx, pid, "已退还", date(2026, 4, 1))
    assert err.value.rule == "P21"
    projects.set_deposit_state(ctx, pid, "已收取", date(2026, 4, 1))
    assert projects.dossier(ctx, pid).deposit_state == "已收取"


def test_terminate_keeps_history(ctx):
    pid = applied(ctx)
    walk(ctx, pid, ("终止", {"date": "2026-03-01", "document_no": "终1", "reason": "群众意愿变化"}))
    d = projects.dossier(ctx, pid)
    assert d.side_state == "已终止" and d.actions == []
    assert projects.events(ctx, pid)[-1].note == "群众意愿变化"
    assert [r.side_state for r in projects.list_projects(ctx, state="已终止")] == ["已终止"]


def test_printouts_library_table_and_archive_index(ctx, tmp_path):
    from openpyxl import load_workbook

    from fupin_tui.excel import project_print

    pid = applied(ctx)
    archive.record_document(ctx, pid, 1, received_on=date(2026, 3, 1), copies=2, pages=3, storage_place="档案柜A")
    assert project_print.write_library(ctx, tmp_path / "库.xlsx", year=2026) == 1
    ws = load_workbook(tmp_path / "库.xlsx").active
    assert ws["A1"].value == "示例县新安镇2026年度脱贫攻坚项目库"
    assert [c.value for c in ws[4]][3:5] == ["新寨村组组通公路硬化", "基础设施"]
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    assert project_print.write_archive_index(ctx, pid, tmp_path / "目录.xlsx") == 17  # #15 not needed
    ws = load_workbook(tmp_path / "目录.xlsx").active
    assert [c.value for c in ws[4]][:6] == [1, "资金下达通知", ws["C4"].value, 2, 3, "档案柜A"]
    assert ws["G5"].value == "缺"
