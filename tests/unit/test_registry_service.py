"""Registry use cases on a real database: save, duplicates, procedures, ledger, history, list queries."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.idcard import check_digit
from fupin_tui.models.audit import AuditLog
from fupin_tui.models.registry import Household, HouseholdEvent, Member, ProcedureStep
from fupin_tui.services import registry as reg
from fupin_tui.services import registry_query as rq
from fupin_tui.services.township import villages

D = date.fromisoformat


def pid(birth: str, seq: str = "011") -> str:
    first17 = "520123" + birth + seq
    return first17 + check_digit(first17)


def family(head="张三", head_id=None, wife="李四", kid="张小明"):
    return [
        reg.MemberInput(head, head_id or pid("19700101", "011"), "户主", education="小学", labour_skill="普通劳动力"),
        reg.MemberInput(wife, pid("19720202", "022"), "配偶", education="小学", labour_skill="普通劳动力"),
        reg.MemberInput(kid, pid("20150505", "031"), "之子", school_status="小学"),
    ]


@pytest.fixture
def village_id(ctx):
    return villages(ctx)[0].id


def save(ctx, village_id, members=None, **kw):
    data = reg.HouseholdInput(village_id=village_id, main_cause=kw.pop("main_cause", "因病"),
                              wage_income=kw.pop("wage_income", "9,000"), **kw)
    return reg.save_household(ctx, data, members or family())


def test_save_computes_head_size_income_and_keys(ctx, village_id):
    saved = save(ctx, village_id, transfer_income="１２００。５", business_expense="300")
    assert saved.household_no == "5201231012010001"
    assert saved.problems == []
    with ctx.read() as s:
        h = s.get(Household, saved.id)
        members = s.exec(select(Member).where(Member.household_id == h.id)).all()
    assert (h.head_name, h.size, h.status) == ("张三", 3, "识别中")
    assert h.net_income == Decimal("9900.50")
    assert h.per_capita_income == Decimal("3300.17")  # 9900.50 / 3, 四舍五入
    assert "zs zhangsan" in h.search_keys and "zxm" in h.search_keys and saved.household_no in h.search_keys
    kid = next(m for m in members if m.name == "张小明")
    assert (kid.gender, kid.birth_date) == ("男", date(2015, 5, 5))
    assert h.entered_by == "张会计"


def test_household_numbers_follow_the_village_sequence(ctx, village_id):
    a = save(ctx, village_id)
    b = save(ctx, village_id, members=family("王五", pid("19800101", "051"), "赵六", "王七")
             if False else [reg.MemberInput("王五", pid("19800101", "051"), "户主")])
    assert (a.household_no, b.household_no) == ("5201231012010001", "5201231012010002")
    assert reg.next_household_no(ctx, village_id) == "5201231012010003"


def test_duplicate_id_refused_with_the_other_household(ctx, village_id):
    first = save(ctx, village_id)
    members = [reg.MemberInput("王五", pid("19800101", "051"), "户主"),
               reg.MemberInput("李四", pid("19720202", "022"), "配偶")]
    with pytest.raises(InputError) as exc:
        save(ctx, village_id, members=members)
    assert exc.value.field == "身份证号"
    assert exc.value.row == 1
    assert f"已登记在 户号 {first.household_no}（户主 张三）" in exc.value.problem
    with ctx.read() as s:  # nothing of the refused household was written
        assert len(s.exec(select(Household)).all()) == 1


@pytest.mark.parametrize(
    "members, field, fragment",
    [
        ([reg.MemberInput("李四", pid("19720202", "022"), "配偶")], "与户主关系", "户主应有且只有1人，现有0人"),
        ([reg.MemberInput("张三", "520123197001010112", "户主")], "身份证号", "第1位成员（张三）身份证号校验码错误"),
        ([reg.MemberInput("张三", pid("19700101"), "户主"), reg.MemberInput("", pid("19720202", "022"), "配偶")],
         "姓名", "第2位成员姓名不能为空"),
        ([reg.MemberInput("张三", pid("19700101"), "户主"), reg.MemberInput("张四", pid("19700101"), "之子")],
         "身份证号", "与本户 张三 重复"),
        ([], "家庭成员", "至少要有户主一人"),
    ],
)
def test_bad_members_refused(ctx, village_id, members, field, fragment):
    with pytest.raises(InputError) as exc:
        reg.save_household(ctx, reg.HouseholdInput(village_id=village_id, main_cause="因病"), members)
    assert exc.value.field == field and fragment in exc.value.problem


@pytest.mark.parametrize(
    "kw, field, fragment",
    [
        (dict(main_cause=""), "主要致贫原因", "请选择一项"),
        (dict(other_causes="因学、因灾、缺水"), "其他致贫原因", "最多两项"),
        (dict(other_causes="因病"), "其他致贫原因", "已是主要致贫原因"),
        (dict(wage_income="九千"), "工资性收入", ""),
    ],
)
def test_bad_household_fields_refused(ctx, village_id, kw, field, fragment):
    with pytest.raises(InputError) as exc:
        save(ctx, village_id, **kw)
    assert exc.value.field == field and fragment in exc.value.problem


def test_quality_findings_returned_on_save(ctx, village_id):
    members = family()
    members[1].relation = "配偶"
    members.append(reg.MemberInput("陈二", pid("19860606", "062"), "配偶", labour_skill="无劳动力"))
    saved = save(ctx, village_id, members=members, phone="12345")
    texts = [p.message for p in saved.problems]
    assert any("配偶最多1人" in t for t in texts)
    assert any("不是11位手机号码" in t for t in texts)
    assert any("劳动技能却为「无劳动力」" in t for t in texts)


def test_edit_and_void_member_keeps_history(ctx, village_id):
    saved = save(ctx, village_id)
    detail = reg.load_household(ctx, saved.id)
    members = [reg.MemberInput(**{k: getattr(m, k) for k in ("name", "id_number", "relation")}, id=m.id)
               for m in detail.members]
    with pytest.raises(InputError, match="不能直接删除"):
        reg.save_household(ctx, reg.HouseholdInput(village_id=village_id, main_cause="因病",
                                                   household_no=saved.household_no), members[:2], saved.id)
    members[2].void_reason = "迁出"
    reg.save_household(ctx, reg.HouseholdInput(village_id=village_id, main_cause="因病", wage_income="9000",
                                               household_no=saved.household_no), members, saved.id)
    detail = reg.load_household(ctx, saved.id)
    assert detail.size == 2 and detail.per_capita_income == Decimal("4500.00")
    with ctx.read() as s:
        voided = s.exec(select(Member).where(Member.voided == True)).one()  # noqa: E712
    assert (voided.name, voided.void_reason) == ("张小明", "迁出")
    # the person can now be registered in another household
    other = save(ctx, village_id, members=[reg.MemberInput("张小明", pid("20150505", "031"), "户主")])
    assert other.id != saved.id


def run_identification(ctx, hid, start=D("2026-09-01")):
    day = start
    for step in reg.proc.IDENTIFICATION_STEPS:
        pub = (day, reg.proc.earliest_publicity_end(day, 7)) if reg.proc.is_publicity(step) else (None, None)
        status = reg.record_step(ctx, hid, "识别", step, day, "李干部", *pub)
        day = pub[1] or day
    return status, day


def test_identification_then_exit_then_return(ctx, village_id):
    hid = save(ctx, village_id, wage_income="15000").id
    view = reg.procedure_view(ctx, hid)
    assert view.next_identification == "申请" and view.next_exit is None
    with pytest.raises(DomainError, match="下一步应为「申请」"):
        reg.record_step(ctx, hid, "识别", "入户调查", D("2026-09-01"), "李干部")
    status, day = run_identification(ctx, hid)
    assert status == "在册"
    view = reg.procedure_view(ctx, hid)
    assert view.next_identification is None and view.next_exit == "村委会审核公示"
    # exit: needs 两不愁三保障 confirmed and income above the line
    with pytest.raises(DomainError, match="两不愁三保障"):
        reg.record_step(ctx, hid, "退出", "村委会审核公示", D("2026-10-01"), "王主任", D("2026-10-01"), D("2026-10-07"))
    reg.record_step(ctx, hid, "退出", "村委会审核公示", D("2026-10-01"), "王主任", D("2026-10-01"), D("2026-10-07"),
                    basic_needs_met=True)
    reg.record_step(ctx, hid, "退出", "乡镇审批公示", D("2026-10-08"), "乡长", D("2026-10-08"), D("2026-10-14"))
    assert reg.record_step(ctx, hid, "退出", "县复核公告", D("2026-10-20"), "县扶贫办") == "已脱贫"
    reg.record_return(ctx, hid, D("2026-11-20"), "因病返贫")
    view = reg.procedure_view(ctx, hid)
    assert view.status == "返贫" and view.exit == [] and view.next_exit == "村委会审核公示"
    with ctx.read() as s:
        events = [(e.from_status, e.to_status) for e in s.exec(select(HouseholdEvent).order_by(HouseholdEvent.id))]
        first_exit = s.exec(select(ProcedureStep).where(ProcedureStep.procedure == "退出",
                                                        ProcedureStep.seq == 1)).one()
    assert events == [("", "识别中"), ("识别中", "在册"), ("在册", "已脱贫"), ("已脱贫", "返贫")]
    assert "高于2026年贫困线 4000.00 元" in first_exit.note
    assert first_exit.basic_needs_met is True  # H03: kept as data, not only in the note


def test_exit_refused_below_poverty_line(ctx, village_id):
    hid = save(ctx, village_id, wage_income="9000").id  # 3000 a head
    run_identification(ctx, hid)
    with pytest.raises(DomainError, match="未超过2026年贫困线") as exc:
        reg.record_step(ctx, hid, "退出", "村委会审核公示", D("2026-10-01"), "王主任", D("2026-10-01"),
                        D("2026-10-07"), basic_needs_met=True)
    assert exc.value.rule == "H03"


def test_removal_recorded_never_deleted(ctx, village_id):
    hid = save(ctx, village_id).id
    with pytest.raises(DomainError, match="须说明原因"):
        reg.remove_household(ctx, hid, D("2026-11-01"), "")
    reg.remove_household(ctx, hid, D("2026-11-01"), "家有财政供养人员")
    detail = reg.load_household(ctx, hid)
    assert detail.status == "清退"
    hist = reg.history(ctx, hid)
    assert any("识别中 变为 清退：家有财政供养人员" in r.text for r in hist)


def test_ledger_feeds_income(ctx, village_id):
    hid = save(ctx, village_id).id
    reg.add_ledger_line(ctx, hid, 2026, "收入", "工资性收入", "8000", "外出务工")
    reg.add_ledger_line(ctx, hid, 2026, "收入", "转移性收入", "1200.30", "低保金")
    reg.add_ledger_line(ctx, hid, 2026, "支出", "生产经营性支出", "500", "化肥")
    reg.add_ledger_line(ctx, hid, 2026, "支出", "生活支出", "3000", "伙食")
    bad = reg.add_ledger_line(ctx, hid, 2026, "收入", "工资性收入", "99999", "录错")
    reg.void_ledger_line(ctx, bad, "录错金额")
    with pytest.raises(InputError, match="类别"):
        reg.add_ledger_line(ctx, hid, 2026, "收入", "生活支出", "1")
    with pytest.raises(InputError, match="必须大于零"):
        reg.add_ledger_line(ctx, hid, 2026, "收入", "工资性收入", "0")
    book = reg.ledger(ctx, hid, 2026)
    assert (book.income, book.expense, book.net_income) == (Decimal("9200.30"), Decimal("3500.00"), Decimal("8700.30"))
    assert reg.apply_ledger_to_income(ctx, hid, 2026) == Decimal("2900.10")
    detail = reg.load_household(ctx, hid)
    assert detail.values["income_year"] == 2026 and detail.net_income == Decimal("8700.30")


def test_history_lists_edits_with_who(ctx, village_id):
    hid = save(ctx, village_id).id
    reg.record_step(ctx, hid, "识别", "申请", D("2026-09-01"), "李干部")
    hist = reg.history(ctx, hid)
    texts = [r.text for r in hist]
    assert any("程序：登记 识别 申请，办理日期 2026-09-01" in t for t in texts)
    assert any(t.startswith("成员 张小明") for t in texts)
    assert all(r.operator == "张会计" for r in hist)
    with ctx.read() as s:
        assert s.exec(select(AuditLog).where(AuditLog.table_name == "household")).first().operator == "张会计"


def test_list_filters_sort_and_pages(ctx, village_id):
    other_village = villages(ctx)[1].id
    save(ctx, village_id)
    save(ctx, village_id, members=[reg.MemberInput("王五", pid("19800101", "051"), "户主")], main_cause="缺技术",
         attribute="低保贫困户")
    save(ctx, other_village, members=[reg.MemberInput("赵六", pid("19810101", "071"), "户主")], main_cause="因学",
         other_causes="因病")
    everyone = rq.HouseholdFilter()
    assert rq.count_households(ctx, everyone) == 3 and rq.count_people(ctx, everyone) == 5
    cases = {
        "zs": ["张三"], "ZhangXiao": ["张三"], "李四": ["张三"], "wangwu": ["王五"], pid("19810101", "071")[-6:]: ["赵六"],
        "5201231012020001": ["赵六"], "z": ["张三", "赵六"], "zs wx": [], "%": [], "san": [],  # pinyin matches from the start of a key
    }
    for text, heads in cases.items():
        rows = rq.page_households(ctx, rq.HouseholdFilter(text=text))
        assert [r.head_name for r in rows] == heads, text
    assert [r.head_name for r in rq.page_households(ctx, rq.HouseholdFilter(cause="因病"))] == ["张三", "赵六"]
    assert [r.head_name for r in rq.page_households(ctx, rq.HouseholdFilter(attribute="低保贫困户"))] == ["王五"]
    assert [r.head_name for r in rq.page_households(ctx, rq.HouseholdFilter(village_id=other_village))] == ["赵六"]
    by_size = rq.page_households(ctx, everyone, sort="人口", descending=True)
    assert [r.size for r in by_size] == [3, 1, 1]
    first = rq.page_households(ctx, everyone, sort="户主", limit=2)
    rest = rq.page_households(ctx, everyone, sort="户主", after=(first[-1].sort_value, first[-1].id), limit=2)
    assert [r.head_name for r in first + rest] == [r.head_name for r in rq.rows_at(ctx, everyone, sort="户主")]
    assert [r.head_name for r in rq.rows_at(ctx, everyone, sort="户主", offset=2)] == [rest[0].head_name]
    assert rq.status_counts(ctx) == {"识别中": 3}


def test_registry_quality_run(ctx, village_id):
    save(ctx, village_id)
    save(ctx, village_id, members=[reg.MemberInput("王五", pid("19800101", "051"), "之子")
                                   if False else reg.MemberInput("王五", pid("19800101", "051"), "户主", phone="138")])
    problems = rq.quality_run(ctx)
    assert [(p.rule, p.member_name) for p in problems] == [("H08", "王五")]


def test_few_matches_sorted_without_the_index_give_the_same_pages(ctx, village_id):
    for i, (income, cause) in enumerate([("9000", "因病"), ("12000", "因学"), ("3000.03", "因病"), ("9000", "缺技术")]):
        save(ctx, village_id, members=[reg.MemberInput(f"户{i}", pid("19800101", f"0{i}1"), "户主")],
             wage_income=income, main_cause=cause)
    everyone = rq.HouseholdFilter()
    for sort in rq.SORTS:
        for descending in (False, True):
            indexed = rq.rows_at(ctx, everyone, sort, descending)
            assert rq.rows_at(ctx, everyone, sort, descending, few=True) == indexed, (sort, descending)
            assert rq.rows_at(ctx, everyone, sort, descending, offset=1, limit=2, few=True) == indexed[1:3]
            first = rq.page_households(ctx, everyone, sort, descending, limit=2, few=True)
            rest = rq.page_households(ctx, everyone, sort, descending, after=(first[-1].sort_value, first[-1].id),
                                      few=True)
            assert first + rest == indexed, (sort, descending)


def test_list_pages_by_income_keep_money_exact(ctx, village_id):
    for i, income in enumerate(["9000", "12000", "3000.03"]):
        save(ctx, village_id, members=[reg.MemberInput(f"户{i}", pid("19800101", f"0{i}1"), "户主")], wage_income=income)
    rows = rq.page_households(ctx, rq.HouseholdFilter(), sort="人均纯收入", limit=2)
    assert [r.per_capita_income for r in rows] == [Decimal("3000.03"), Decimal("9000.00")]
    rest = rq.page_households(ctx, rq.HouseholdFilter(), sort="人均纯收入", after=(rows[-1].sort_value, rows[-1].id))
    assert [r.per_capita_income for r in rest] == [Decimal("12000.00")]


def _all_text(wb) -> str:
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def test_publicity_list_masks_ids_and_hides_private_data(ctx, village_id, tmp_path):
    from fupin_tui.excel.registry_print import publicity_workbook, write_publicity_list

    save(ctx, village_id, phone="13800138000", bank_account="6217000011112222")
    wb = publicity_workbook(ctx, village_id)
    text = _all_text(wb)
    head_id = pid("19700101", "011")
    assert "新寨村 贫困户识别公示名单" in text
    assert f"{head_id[:4]}**********{head_id[-4:]}" in text
    for secret in (head_id, pid("19720202", "022"), "13800138000", "6217000011112222", "因病", "健康"):
        assert secret not in text
    assert "李四、张小明" in text
    path = write_publicity_list(ctx, village_id, out_dir=tmp_path)
    assert path.exists() and path.suffix == ".xlsx"


def test_household_table_has_members_and_seven_signatures(ctx, village_id, tmp_path):
    from fupin_tui.excel.registry_print import SEVEN_SIGNATURES, write_household_table
    from openpyxl import load_workbook

    hid = save(ctx, village_id).id
    reg.record_step(ctx, hid, "识别", "申请", D("2026-09-01"), "李干部")
    wb = load_workbook(write_household_table(ctx, hid, out_dir=tmp_path))
    text = _all_text(wb)
    assert "贫困户基本情况统计表" in text and pid("20150505", "031") in text and "识别：申请" in text
    assert all(f"{name}：" in text for name in SEVEN_SIGNATURES) and len(SEVEN_SIGNATURES) == 7
    id_cell = next(c for row in wb.worksheets[1].iter_rows() for c in row if c.value == pid("20150505", "031"))
    assert id_cell.data_type == "s"  # an ID stays text, never 5.2E+17
