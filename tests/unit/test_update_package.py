"""The county → township update package: decisions, policy and calendar back to the township, safely."""

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from fupin_tui.context import open_context
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import AuditLog, PolicyOverride, Project, ProjectEvent
from fupin_tui.models.updates import UpdateApplied
from fupin_tui.package_safety import PackageRefused
from fupin_tui.services import checks, library, projects, update_export as ue, update_import as ui
from fupin_tui.services.township import save_township, save_village, villages

ENTRY = {
    "year": 2026, "name": "新寨村组组通公路硬化", "category": "基础设施", "construction_type": "新建",
    "fund_type": "发展资金", "location": "新寨村三组", "content": "硬化通组公路2.1公里，宽4.5米",
    "amount_fiscal": 300000, "amount_self": 20000,
    "beneficiary_households": 86, "beneficiary_people": 342, "poor_households": 31, "poor_people": 120,
    "performance_goals": "解决86户342人出行难", "benefit_mechanism": "务工带动", "priority": 1,
    "responsible_unit": "新安镇人民政府", "responsible_person": "李镇长",
}
HOLIDAYS_2027 = """[[years]]
year = 2027
status = "official"
source = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = ["2027-01-01", "2027-01-02", "2027-01-03"]
workdays = ["2027-02-20"]
"""
APPROVAL = dict(action="立项批复", decided_on="2026-11-20", document_no="示县扶发〔2026〕12号",
                fields={"approver": "示例县扶贫开发领导小组", "subsidy": "300000"})


def applied_project(ctx, name=ENTRY["name"]) -> int:
    from decimal import Decimal

    data = {**ENTRY, "name": name, "village_id": villages(ctx)[0].id,
            "amount_fiscal": Decimal("300000"), "amount_self": Decimal("20000")}
    entry = library.save_entry(ctx, data)
    return projects.apply_from_library(ctx, entry, {"date": "2026-02-10", "document_no": "新安镇申〔2026〕3号"},
                                       confirmed_similar=True)


@pytest.fixture
def county(ctx, tmp_path):
    """A county database holding 新安镇's package (one project in 申报); yields (county ctx, project id)."""
    pid = applied_project(ctx)
    pkg = export_package(ctx, tmp_path / "up").path
    county_path = tmp_path / "county.db"
    import_packages([pkg], county_path, operator="县汇总员")
    cctx = open_context(county_path, operator="县扶贫办王主任")
    yield cctx, pid
    cctx.db.close()


def _update(cctx, tmp_path, **decision) -> Path:
    d = {**APPROVAL, **decision}
    ue.record_decision(cctx, "520123101", d.pop("project_ref"), d["action"], d["decided_on"], d["document_no"], d["fields"])
    return ue.export_update(cctx, tmp_path / "down", "520123101")[0].path


def test_a_county_approval_moves_the_project_as_the_clerk_would_and_starts_its_clocks(ctx, county, tmp_path):
    cctx, pid = county
    path = _update(cctx, tmp_path, project_ref=pid)
    plan = ui.preview(ctx, path)
    assert [i.status for i in plan.items if i.kind == "县级决定"] == [ui.WILL_ACT]
    with ctx.read() as s:
        assert s.get(Project, pid).state == "申报"  # the preview kept nothing
    plan = ui.apply(ctx, path)
    assert plan.applied and "已应用 1 项" in plan.headline()
    with ctx.read() as s:
        p = s.get(Project, pid)
        assert (p.state, p.approved_on, p.approval_doc_no) == ("立项", date(2026, 11, 20), "示县扶发〔2026〕12号")
        event = s.exec(select(ProjectEvent).where(ProjectEvent.project_id == pid,
                                                  ProjectEvent.action == "立项批复")).one()
        assert event.created_by == "示例县（县级更新包第1号）"
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "project", AuditLog.action == "修改")).all()
        assert audit and all(a.operator == "示例县（县级更新包第1号）" for a in audit)
    # P05 上报实施方案 / P09 立项公告 now count from the county's date
    from fupin_tui.domain.workdays import add_workdays

    due = {d.rule: d.due for d in checks.next_deadlines(ctx, 30)}
    assert due["P09"] == add_workdays(date(2026, 11, 20), int(ctx.policy.approval_notice_wd))
    assert due["P05"] == add_workdays(date(2026, 11, 20), int(ctx.policy.plan_submit_wd))


def test_importing_twice_changes_nothing(ctx, county, tmp_path):
    cctx, pid = county
    path = _update(cctx, tmp_path, project_ref=pid)
    ui.apply(ctx, path)
    with ctx.read() as s:
        before = len(s.exec(select(AuditLog)).all())
    again = ui.apply(ctx, path)
    assert again.already and "已导入过，未作改动" in again.headline()
    with ctx.read() as s:
        assert len(s.exec(select(AuditLog)).all()) == before
        assert len(s.exec(select(UpdateApplied)).all()) == 1


def test_next_package_carries_the_same_decision_but_it_is_not_done_twice(ctx, county, tmp_path):
    cctx, pid = county
    ui.apply(ctx, _update(cctx, tmp_path, project_ref=pid))
    second = ue.export_update(cctx, tmp_path / "down2", "520123101")[0]
    assert second.sequence == 2
    plan = ui.apply(ctx, second.path)
    assert [i.status for i in plan.items if i.kind == "县级决定"] == [ui.BEFORE]
    with ctx.read() as s:
        assert len(s.exec(select(ProjectEvent).where(ProjectEvent.action == "立项批复")).all()) == 1


def test_an_older_package_is_refused_by_name_with_nothing_changed(ctx, county, tmp_path):
    cctx, pid = county
    first = ue.export_update(cctx, tmp_path / "a", "520123101")[0].path
    second = ue.export_update(cctx, tmp_path / "b", "520123101")[0].path
    ui.apply(ctx, second)
    with pytest.raises(PackageRefused, match=f"{first.name}.*第1号，比已导入的第2号"):
        ui.apply(ctx, first)


def test_a_decision_for_a_project_the_township_does_not_have_is_listed_not_applied(ctx, county, tmp_path):
    cctx, pid = county
    ue.record_decision(cctx, "520123101", pid, **{k: v for k, v in APPROVAL.items()})
    with cctx.transaction() as s:  # a decision on a project the township voided or never had
        from fupin_tui.models.updates import CountyDecision

        s.add(CountyDecision(township_code="520123101", project_ref=999, project_name="不存在的项目", action="验收",
                             decided_on=date(2026, 11, 21), fields_json='{"grade": "合格", "organiser": "县扶贫办"}'))
    path = ue.export_update(cctx, tmp_path / "down", "520123101")[0].path
    plan = ui.apply(ctx, path)
    missing = [i for i in plan.items if i.status == ui.NO_PROJECT]
    assert len(missing) == 1 and "记录号999" in missing[0].what and "未办理" in missing[0].reason
    assert any(line.startswith("[本乡镇没有此项目]") for line in plan.lines())
    with ctx.read() as s:
        assert s.get(Project, pid).state == "立项"  # the other decision was applied


def test_a_decision_that_does_not_fit_the_state_is_listed_with_the_rule(ctx, county, tmp_path):
    cctx, pid = county
    path = _update(cctx, tmp_path, project_ref=pid, action="批复实施方案",
                   fields={"approver": "县扶贫办", "review_kind": "专家评审", "deposit_rate": "5%"})
    plan = ui.apply(ctx, path)
    item = next(i for i in plan.items if i.kind == "县级决定")
    assert item.status == ui.SKIPPED and "只能在“方案已报”时办理" in item.reason
    with ctx.read() as s:
        assert s.get(Project, pid).state == "申报"


def test_county_decision_values_are_checked_like_the_dialog(county):
    cctx, pid = county
    with pytest.raises(InputError, match="批复财政补助"):
        ue.record_decision(cctx, "520123101", pid, "立项批复", "2026-11-20", "文号", {"approver": "县"})
    with pytest.raises(InputError, match="记录号"):
        ue.record_decision(cctx, "520123101", 77, "立项批复", "2026-11-20", "文号", {"approver": "县", "subsidy": "1"})
    with pytest.raises(InputError, match="不能晚于今天"):
        ue.record_decision(cctx, "520123101", pid, "立项批复", "2026-12-20", "文号", {"approver": "县", "subsidy": "1"})


def test_policy_values_and_holidays_arrive_and_a_later_effective_date_waits(ctx, county, tmp_path):
    cctx, pid = county
    from fupin_tui import configuration
    from fupin_tui.services import policy_settings

    policy_settings.set_param(cctx, "max_build_months", "10")
    configuration.import_text(cctx.db, "holidays.toml", HOLIDAYS_2027, "县里的 holidays.toml")
    path = ue.export_update(cctx, tmp_path / "down", "520123101")[0].path
    plan = ui.apply(ctx, path)
    kinds = {(i.kind, i.status) for i in plan.items}
    assert ("政策参数", ui.DONE) in kinds and ("节假日", ui.DONE) in kinds
    with ctx.read() as s:
        assert s.get(PolicyOverride, "max_build_months").value == "10"
    assert ctx.policy.max_build_months == 10
    from fupin_tui.domain import workdays

    assert not workdays.is_workday(date(2027, 1, 1)) and workdays.year_info(2027).status == "official"
    later = ue.export_update(cctx, tmp_path / "later", "520123101", effective_on=date(2027, 1, 1))[0].path
    policy_settings.set_param(cctx, "max_build_months", "11")
    later = ue.export_update(cctx, tmp_path / "later2", "520123101", effective_on=date(2027, 1, 1))[0].path
    plan = ui.apply(ctx, later)
    waiting = [i for i in plan.items if i.status == ui.LATER]
    assert waiting and "2027-01-01" in waiting[0].reason
    assert ctx.policy.max_build_months == 10


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)
    return dst


def _manifest(change):
    def edit(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        change(m)
        return json.dumps(m, ensure_ascii=False).encode()
    return edit


@pytest.mark.parametrize("label,edit,problem", [
    ("tampered", lambda n, d: d.replace("示县扶发".encode(), "伪造文号".encode()) if n == "decisions.json" else d,
     "decisions.json 与清单的 SHA-256 不符"),
    ("other township", _manifest(lambda m: m["township"].update(code="520123102")), "是乡镇 520123102 的，本数据库是乡镇 520123101"),
    ("unknown format", _manifest(lambda m: m.update(format_version=9)), "格式版本 9 比本软件新"),
    ("not ours", _manifest(lambda m: m.update(format="别的软件")), "不是本软件生成的更新包"),
    ("no township", _manifest(lambda m: m.pop("township")), "清单缺少“township”"),
    ("future period", _manifest(lambda m: m["period"].update(to="9999-12-31")), "在今天（2026-11-27）之后"),
    ("period backwards", _manifest(lambda m: m["period"].update({"from": "2026-11-27", "to": "2026-01-01"})), "晚于结束"),
    ("extra member", lambda n, d: d, "清单未列出的文件：../evil"),
])
def test_bad_update_packages_are_refused_by_name_with_nothing_changed(ctx, county, tmp_path, label, edit, problem):
    cctx, pid = county
    good = _update(cctx, tmp_path, project_ref=pid)
    bad = tmp_path / f"bad-{label.replace(' ', '-')}.zip"
    _rewrite(good, bad, edit)
    if label == "extra member":
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("../evil", b"x")
        problem = "成员“../evil”路径含“..”"
    with ctx.read() as s:
        audit_before = len(s.exec(select(AuditLog)).all())
    with pytest.raises(PackageRefused) as err:
        ui.apply(ctx, bad)
    assert bad.name in str(err.value) and problem in str(err.value)
    with ctx.read() as s:
        assert s.get(Project, pid).state == "申报"
        assert len(s.exec(select(AuditLog)).all()) == audit_before


def test_export_writes_one_package_per_township_with_a_manifest(ctx, county, tmp_path):
    cctx, pid = county
    results = ue.export_update(cctx, tmp_path / "all")
    assert [r.township for r in results] == ["520123101 新安镇"]
    with zipfile.ZipFile(results[0].path) as zf:
        m = json.loads(zf.read("manifest.json"))
        assert m["county"] == {"code": "520123", "name": "示例县"} and m["sequence"] == 1
        assert {f["file"] for f in m["files"]} == {"policy.json", "decisions.json"}
        import hashlib

        for f in m["files"]:
            assert hashlib.sha256(zf.read(f["file"])).hexdigest() == f["sha256"]
    assert results[0].path.stat().st_mode & 0o777 == 0o600


def test_a_failed_acceptance_and_a_recall_arrive_as_the_dialog_would_record_them(ctx, tmp_path):
    from decimal import Decimal

    from fupin_tui.models import Rectification
    from tests.unit.test_project_services import APPROVE, PLAN_OK, SUBMIT, walk

    road = applied_project(ctx)
    projects.add_budget_line(ctx, road, item="路面", unit="米", quantity=Decimal("2100"), unit_price=Decimal("140"),
                             spending_kind="工程建设")
    walk(ctx, road, APPROVE, SUBMIT, PLAN_OK, ("开工", {"date": "2026-04-01"}),
         ("完工初检", {"date": "2026-09-20", "completed_on": "2026-09-15", "organiser": "新安镇"}),
         ("申请验收", {"date": "2026-09-25", "document_no": "新安镇请〔2026〕9号"}))
    shed = applied_project(ctx, name="坪上村蔬菜大棚")
    walk(ctx, shed, APPROVE)
    county_path = tmp_path / "county.db"
    import_packages([export_package(ctx, tmp_path / "up").path], county_path)
    cctx = open_context(county_path, operator="县扶贫办")
    try:
        ue.record_decision(cctx, "520123101", road, "验收", "2026-10-10", "验2026-7",
                           {"grade": "不合格", "organiser": "县扶贫办", "rectifications": "路肩培土；2026-12-30"})
        ue.record_decision(cctx, "520123101", shed, "收回", "2026-11-02", "示县扶发〔2026〕30号",
                           {"reason": "未按期开工", "amount": "150000"})
        path = ue.export_update(cctx, tmp_path / "down", "520123101")[0].path
    finally:
        cctx.db.close()
    plan = ui.apply(ctx, path)
    assert [i.status for i in plan.items if i.kind == "县级决定"] == [ui.ACTED, ui.ACTED], plan.lines()
    with ctx.read() as s:
        p = s.get(Project, road)
        assert (p.state, p.acceptance_grade) == ("整改", "不合格")
        rect = s.exec(select(Rectification).where(Rectification.project_id == road)).one()
        assert (rect.item, rect.deadline) == ("路肩培土", date(2026, 12, 30))
        recalled = s.get(Project, shed)
        assert recalled.side_state == "已收回"
        event = s.exec(select(ProjectEvent).where(ProjectEvent.project_id == shed, ProjectEvent.action == "收回")).one()
        assert "收回资金150000.00元" in event.note and "未按期开工" in event.note
