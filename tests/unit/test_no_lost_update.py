"""No lost update on any edit path (issue 12 item 4), table-driven over the services.

Each case is what two windows (or two copies of the app on one file) do: window A shows a record
and keeps its ``row_version``; window B — another operator — saves a change to the same record;
A then saves with the version it saw. A's save must be refused with a Chinese message naming B
and the time, B's change must still be there, and (where the path allows) A's save succeeds once
A has looked again (so the check is not a refusal of everything).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Callable

import pytest
from sqlmodel import select

from fupin_tui.context import open_context
from fupin_tui.db import ChangedMeanwhile
from fupin_tui.models.funds import ProgressReport, Tranche, Voucher, VoucherLine
from fupin_tui.models.projects import ArchiveItem, Beneficiary, BudgetLine, LibraryEntry, Notice, Project
from fupin_tui.models.registry import Household
from fupin_tui.models.settings import AppSetting, Operator, PolicyOverride, Township, Village
from fupin_tui.services import archive, funds, library, policy_settings, progress, projects, registry, township
from tests.funds_data import make_households, make_project
from tests.unit.test_project_services import ENTRY

OTHER = "李出纳"


@dataclass(frozen=True)
class Case:
    name: str
    model: type
    make: Callable  # (ctx) -> record key
    touch: Callable  # (other ctx, key) -> the other window's save; returns what must survive (attr, value)
    edit: Callable  # (ctx, key, loaded_version) -> window A's save
    again: bool = True  # A's save goes through once A has the fresh version


def _version(ctx, model, key) -> int:
    with ctx.read() as s:
        row = s.get(model, key)
        return row.row_version if row is not None else 0


def _set(model, attr, value):
    def touch(other, key):
        with other.transaction() as s:
            row = s.get(model, key)
            setattr(row, attr, value)
            s.add(row)
        return attr, value
    return touch


# --- records ------------------------------------------------------------------------------------

def _project(ctx):
    return make_project(ctx)[0]


def _budget_line(ctx):
    return make_project(ctx, state="立项")[1][0]


def _beneficiary(ctx):
    pid = _project(ctx)
    hid = make_households(ctx)[0][0]
    return projects.add_beneficiary(ctx, pid, hid, benefit="到户补助")


def _row(model, **values):
    def make(ctx):
        pid = _project(ctx)
        with ctx.transaction() as s:
            row = model(project_id=pid, **values)
            s.add(row)
            s.flush()
            return row.id
    return make


def _voucher(ctx):
    pid = _project(ctx)
    with ctx.transaction() as s:
        v = Voucher(project_id=pid, voucher_no="BZ2026-0001", made_on=date(2026, 5, 1))
        s.add(v)
        s.flush()
        return v.id


def _voucher_line(ctx):
    pid, lines = make_project(ctx)
    with ctx.transaction() as s:
        v = Voucher(project_id=pid, voucher_no="BZ2026-0002", made_on=date(2026, 5, 1))
        s.add(v)
        s.flush()
        line = VoucherLine(voucher_id=v.id, budget_line_id=lines[0], kind="发票", amount=D("100"),
                           invoice_code="1234567890", invoice_no="00000001")
        s.add(line)
        s.flush()
        return line.id


def _notice(ctx):
    pid = _project(ctx)
    fields = {k: (v or "已填") for k, v in projects.notice_defaults(ctx, pid, "立项公告").items()}
    return projects.save_notice(ctx, pid, kind="立项公告", published_on=date(2026, 3, 5), place="村务公开栏",
                                fields=fields)


def _notice_edit(ctx, key, version):
    with ctx.read() as s:
        n = s.get(Notice, key)
        pid = n.project_id
    fields = {k: (v or "已填") for k, v in projects.notice_defaults(ctx, pid, "立项公告").items()}
    projects.save_notice(ctx, pid, kind="立项公告", published_on=date(2026, 3, 6), place="镇政府网站",
                         fields=fields, notice_id=key, loaded_version=version)


def _archive_item(ctx):
    pid = _project(ctx)
    archive.record_document(ctx, pid, 1, received_on=date(2026, 3, 1))
    with ctx.read() as s:
        return s.exec(select(ArchiveItem.id).where(ArchiveItem.project_id == pid)).one()


def _item(ctx, key):
    with ctx.read() as s:
        item = s.get(ArchiveItem, key)
        return item.project_id, item.doc_no


def _entry(ctx):
    from fupin_tui.services.township import villages

    return library.save_entry(ctx, {**ENTRY, "village_id": villages(ctx)[0].id})


def _household(ctx):
    hid = make_households(ctx)[0][0]
    with ctx.transaction() as s:
        s.get(Household, hid).main_cause = "缺资金"
    return hid


def _save_household(ctx, key, version):
    detail = registry.load_household(ctx, key)
    data = registry.HouseholdInput(**{k: v for k, v in detail.values.items()
                                      if k in registry.HouseholdInput.__dataclass_fields__})
    data.address = "新寨村一组"
    members = [registry.MemberInput(name=m.name, id_number=m.id_number, relation=m.relation, id=m.id)
               for m in detail.members]
    registry.save_household(ctx, data, members, key, loaded_version=version)


def _village(ctx):
    return township.villages(ctx)[0].id


def _township(ctx):
    with ctx.read() as s:
        return s.exec(select(Township)).one().id


def _operator(ctx):
    township.add_operator(ctx, "王文书")
    with ctx.read() as s:
        return s.exec(select(Operator).where(Operator.name == "王文书")).one().id


def _touch_operator(other, key):
    """The other window stops the operator and takes them on again (two saves of the row)."""
    name = _operator_name(other, key)
    township.deactivate_operator(other, name)
    township.add_operator(other, name)
    return "active", True


def _operator_name(ctx, key):
    with ctx.read() as s:
        return s.get(Operator, key).name


def _param(ctx):
    policy_settings.set_param(ctx, "warning_wd", "4")
    return "warning_wd"


def _setting(ctx):
    township.set_setting(ctx, "border_style", "ascii")
    return "border_style"


def _touch_setting(other, key):
    township.set_setting(other, key, "unicode")
    return "value", "unicode"


def _touch_param(other, key):
    policy_settings.set_param(other, key, "6")
    return "value", "6"


def _household_in(status, *steps):
    """A household in ``status``, with identification ``steps`` already recorded (by this window)."""
    def make(ctx):
        hid = _household(ctx)
        with ctx.transaction() as s:
            s.get(Household, hid).status = status
        for step, day in steps:
            registry.record_step(ctx, hid, "识别", step, day, "李干部")
        return hid
    return make


CASES = [
    Case("项目 修改基本信息", Project, _project, _set(Project, "location", "新寨村二组"),
         lambda c, k, v: projects.update_basics(c, k, {"content": "改过的内容"}, loaded_version=v)),
    Case("项目 办理下一步（含验收）", Project, _project, _set(Project, "location", "新寨村二组"),
         lambda c, k, v: projects.perform(c, k, "验收", {}, loaded_version=v), again=False),
    Case("项目 质量保证金", Project, _project, _set(Project, "location", "新寨村二组"),
         lambda c, k, v: projects.set_deposit_state(c, k, "已收取", date(2026, 4, 1), loaded_version=v)),
    Case("资金概算 作废", BudgetLine, _budget_line, _set(BudgetLine, "unit", "套"),
         lambda c, k, v: projects.void_budget_line(c, k, "录错", loaded_version=v)),
    Case("受益户 作废", Beneficiary, _beneficiary, _set(Beneficiary, "benefit", "务工"),
         lambda c, k, v: projects.void_beneficiary(c, k, "录错", loaded_version=v)),
    Case("公示 修改", Notice, _notice, _set(Notice, "place", "镇政府网站公示栏"), _notice_edit),
    Case("进度 作废", ProgressReport, _row(ProgressReport, reported_on=date(2026, 4, 1), work_share=D("0.3")),
         _set(ProgressReport, "description", "已完成钢架"),
         lambda c, k, v: progress.void_progress(c, k, "录错", loaded_version=v)),
    Case("拨款 作废", Tranche, _row(Tranche, seq=1, disbursed_on=date(2026, 3, 10), amount=D("10000")),
         _set(Tranche, "document_no", "新财发〔2026〕3号"),
         lambda c, k, v: funds.void_tranche(c, k, "录错", loaded_version=v)),
    Case("凭证 作废", Voucher, _voucher, _set(Voucher, "note", "附件3张"),
         lambda c, k, v: funds.void_voucher(c, k, "录错", loaded_version=v)),
    Case("凭证 报账", Voucher, _voucher, _set(Voucher, "note", "附件3张"),
         lambda c, k, v: funds.reimburse(c, k, date(2026, 5, 2), loaded_version=v), again=False),
    Case("凭证 增加明细", Voucher, _voucher, _set(Voucher, "note", "附件3张"),
         lambda c, k, v: funds.add_lines(c, k, [], loaded_version=v)),
    Case("凭证明细 作废", VoucherLine, _voucher_line, _set(VoucherLine, "seller", "某建材店"),
         lambda c, k, v: funds.void_line(c, k, "录错", loaded_version=v)),
    Case("档案 登记材料", ArchiveItem, _archive_item, _set(ArchiveItem, "storage_place", "档案柜2"),
         lambda c, k, v: archive.record_document(c, *_item(c, k), received_on=date(2026, 3, 2), loaded_version=v)),
    Case("档案 作废材料", ArchiveItem, _archive_item, _set(ArchiveItem, "storage_place", "档案柜2"),
         lambda c, k, v: archive.void_document(c, *_item(c, k), "录错", loaded_version=v)),
    Case("项目库 修改条目", LibraryEntry, _entry, _set(LibraryEntry, "location", "新寨村四组"),
         lambda c, k, v: library.save_entry(c, {**library.get_entry(c, k), "content": "改过"}, k, loaded_version=v)),
    Case("项目库 作废条目", LibraryEntry, _entry, _set(LibraryEntry, "location", "新寨村四组"),
         lambda c, k, v: library.void_entry(c, k, "重复", loaded_version=v)),
    Case("贫困户 保存", Household, _household, _set(Household, "phone", "13800000000"), _save_household),
    # procedures, returns and removals share the household form's version (issue 12, item 4)
    Case("贫困户 办理程序步骤", Household, _household_in("识别中"), _set(Household, "phone", "13800000000"),
         lambda c, k, v: registry.record_step(c, k, "识别", "申请", date(2026, 9, 1), "李干部", loaded_version=v)),
    Case("贫困户 作废程序步骤", Household, _household_in("识别中", ("申请", date(2026, 9, 1))),
         _set(Household, "phone", "13800000000"),
         lambda c, k, v: registry.void_last_step(c, k, "日期录错", loaded_version=v)),
    Case("贫困户 登记返贫", Household, _household_in("已脱贫"), _set(Household, "phone", "13800000000"),
         lambda c, k, v: registry.record_return(c, k, date(2026, 9, 1), "因病返贫", loaded_version=v)),
    Case("贫困户 清退", Household, _household_in("在册"), _set(Household, "phone", "13800000000"),
         lambda c, k, v: registry.remove_household(c, k, date(2026, 9, 1), "识别不准", loaded_version=v)),
    Case("设置 乡镇", Township, _township, _set(Township, "county", "示例区"),
         lambda c, k, v: township.save_township(c, "示例县", "新安镇", "520123101", loaded_version=v)),
    Case("设置 村", Village, _village, _set(Village, "is_poor_village", False),
         lambda c, k, v: township.save_village(c, "520123101201", "新寨村", True, k, loaded_version=v)),
    Case("设置 经办人停用", Operator, _operator, _touch_operator,
         lambda c, k, v: township.deactivate_operator(c, _operator_name(c, k), loaded_version=v)),
    Case("设置 政策参数", PolicyOverride, _param, _touch_param,
         lambda c, k, v: policy_settings.set_param(c, k, "5", loaded_version=v)),
    Case("设置 政策参数恢复默认", PolicyOverride, _param, _touch_param,
         lambda c, k, v: policy_settings.reset_param(c, k, loaded_version=v)),
    Case("设置 显示", AppSetting, _setting, _touch_setting,
         lambda c, k, v: township.set_setting(c, k, "auto", loaded_version=v)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_save_over_a_version_never_seen_is_refused_naming_who_and_when(ctx, case):
    key = case.make(ctx)
    seen = _version(ctx, case.model, key)
    other = open_context(ctx.db.path, operator=OTHER)  # a second window / process on the same file
    try:
        attr, kept = case.touch(other, key)
    finally:
        other.db.close()
    assert _version(ctx, case.model, key) != seen, "the other window's save did not bump row_version"

    with pytest.raises(ChangedMeanwhile) as refused:
        case.edit(ctx, key, seen)
    message = str(refused.value)
    assert OTHER in message and re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", message), message
    assert "没有保存" in message
    with ctx.read() as s:
        assert getattr(s.get(case.model, key), attr) == kept, "the other window's change was lost"

    if case.again:  # looked again: the save goes through
        case.edit(ctx, key, _version(ctx, case.model, key))


def test_the_version_a_list_shows_is_the_one_a_save_checks(ctx):
    """The rows the screens list carry the version the services compare (no plumbing gap)."""
    pid, lines = make_project(ctx, state="立项")
    with ctx.read() as s:
        line_version = s.get(BudgetLine, lines[0]).row_version
        project_version = s.get(Project, pid).row_version
    assert projects.budget_lines(ctx, pid)[0].version == line_version
    assert projects.dossier(ctx, pid).row_version == project_version
    assert funds.project_funds(ctx, pid).version == project_version
    assert township.villages(ctx)[0].version == _version(ctx, Village, township.villages(ctx)[0].id)
    rows = {r.name: r for r in policy_settings.param_rows(ctx)}
    assert rows["warning_wd"].version == 0
    policy_settings.set_param(ctx, "warning_wd", "4")
    rows = {r.name: r for r in policy_settings.param_rows(ctx)}
    assert rows["warning_wd"].version == 1


def test_a_step_another_window_recorded_refuses_a_step_dialog_opened_before_it(ctx):
    """The real clash: two clerks record the same household's next step. The second is refused,
    naming the first, although the first changed no field of the household (a step is a change)."""
    hid = _household_in("识别中")(ctx)
    seen = registry.load_household(ctx, hid).version
    other = open_context(ctx.db.path, operator=OTHER)
    try:
        registry.record_step(other, hid, "识别", "申请", date(2026, 9, 1), "王干部")
    finally:
        other.db.close()
    with pytest.raises(ChangedMeanwhile) as refused:
        registry.record_step(ctx, hid, "识别", "申请", date(2026, 9, 2), "李干部", loaded_version=seen)
    assert OTHER in str(refused.value) and "没有保存" in str(refused.value)
    assert [r.responsible for r in registry.procedure_view(ctx, hid).identification] == ["王干部"]


def test_the_clerks_own_steps_follow_each_other_within_one_second(ctx):
    """After each own step the form reloads the version (``load_household``): the next step, the
    void of it and the save of the form all go through, even all in the same second."""
    hid = _household_in("识别中")(ctx)
    versions = [registry.load_household(ctx, hid).version]
    for step, day in (("申请", date(2026, 9, 1)), ("入户调查", date(2026, 9, 3))):
        registry.record_step(ctx, hid, "识别", step, day, "李干部", loaded_version=versions[-1])
        versions.append(registry.load_household(ctx, hid).version)
    registry.void_last_step(ctx, hid, "日期录错", loaded_version=versions[-1])
    versions.append(registry.load_household(ctx, hid).version)
    _save_household(ctx, hid, versions[-1])
    assert len(set(versions)) == len(versions), f"every step moves the version: {versions}"
    assert [r.step for r in registry.procedure_view(ctx, hid).identification] == ["申请"]
