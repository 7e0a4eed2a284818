"""How the project list, the library and the dossier tabs look at a fixed date (2026-11-27)."""

from datetime import date
from decimal import Decimal as D

import pytest

from fupin_tui.app import make_app
from fupin_tui.models.registry import Household
from fupin_tui.services import archive, library, projects
from fupin_tui.services.township import villages
from tests.pilot.ready import app_ready, dossier_open, settled, until


@pytest.fixture
def underway(ctx):
    """One project started with budget, beneficiaries, a notice and half its documents; one in the library."""
    village = villages(ctx)[0].id
    base = {"year": 2026, "village_id": village, "performance_goals": "带动32户贫困户户均增收2000元",
            "responsible_unit": "新安镇人民政府", "responsible_person": "李明"}
    entry = library.save_entry(ctx, {**base, "name": "新寨村蔬菜大棚", "category": "产业发展",
                                     "content": "新建钢架大棚20亩", "amount_fiscal": D("300000"),
                                     "amount_self": D("30000"), "beneficiary_households": 32, "poor_households": 32})
    library.save_entry(ctx, {**base, "name": "坪上村人饮工程", "category": "基础设施", "content": "新建蓄水池1座",
                             "village_id": villages(ctx)[1].id, "amount_fiscal": D("120000"), "priority": 2})
    pid = projects.apply_from_library(ctx, entry, {"date": "2026-03-02", "document_no": "新安镇申〔2026〕2号"})
    with ctx.transaction() as s:
        for n, name in enumerate(("王大山", "杨秀英", "吴老三"), 1):
            s.add(Household(household_no=f"52012310120100{n}", village_id=village, head_name=name, status="在册",
                            size=3 + n))
    for n, benefit in enumerate(("到户补助", "务工", "入股分红"), 1):
        projects.add_beneficiary(ctx, pid, f"52012310120100{n}", benefit=benefit, amount=D("2000") * n)
    projects.add_budget_line(ctx, pid, item="钢架大棚", unit="亩", quantity=D("20"), unit_price=D("12000"),
                             spending_kind="工程建设")
    projects.add_budget_line(ctx, pid, item="蔬菜种苗", unit="亩", quantity=D("20"), unit_price=D("3000"),
                             spending_kind="直接补助到户")
    steps = [("立项批复", {"date": "2026-03-16", "document_no": "县扶发〔2026〕21号", "approver": "县扶贫办",
                       "subsidy": "300000"}),
             ("上报实施方案", {"date": "2026-03-23", "document_no": "新安镇〔2026〕9号",
                         "planned_start": "2026-04-01", "planned_end": "2026-12-31"}),
             ("批复实施方案", {"date": "2026-04-01", "document_no": "县扶发〔2026〕30号", "approver": "县扶贫办",
                         "deposit_rate": "5%", "review_kind": "县扶贫办审核"}),
             ("开工", {"date": "2026-04-10"})]
    for action, values in steps:
        projects.perform(ctx, pid, action, values)
    projects.update_basics(ctx, pid, {"supervision_phone": "0851-12317"})
    fields = projects.notice_defaults(ctx, pid, "立项公告")
    fields.update(分配原则="按贫困户申请和村民评议", 分配结果="32户")
    projects.save_notice(ctx, pid, kind="立项公告", published_on=date(2026, 3, 20), place="示例县人民政府网站",
                         fields=fields, photo_paths="照片/立项公告.jpg")
    for doc in range(1, 8):
        archive.record_document(ctx, pid, doc, received_on=date(2026, 4, 12), copies=1, storage_place="档案柜A-3")
    return pid


def app_for(db_path):
    return make_app(db_path=db_path, operator="张会计")


async def show_projects(pilot):
    await app_ready(pilot)
    await pilot.app.switch_mode("projects")
    await settled(pilot, "共1个项目", "新寨村蔬菜大棚")


# what each dossier tab draws once its figures are in (the tab bar alone is drawn before them)
TAB_SHOWS = {"1": "办理时限", "2": "共2项", "3": "受益3户", "4": "立项公告", "8": "材料8/17", "9": "批复实施方案"}


def open_tab(pid, key):
    async def run_before(pilot):
        await show_projects(pilot)
        await dossier_open(pilot, pid)
        await settled(pilot, "档号：未编号")
        await pilot.press(key)
        await settled(pilot, TAB_SHOWS[key])
    return run_before


class TestProjectScreens:
    def test_project_list(self, snap_compare, db_path, underway):
        """The project list: state, subsidy, archive completeness and file number."""
        assert snap_compare(app_for(db_path), terminal_size=(120, 40), run_before=show_projects)

    def test_library_80x24(self, snap_compare, db_path, underway):
        """The library at the smallest size: one entry applied for, one waiting."""
        async def run_before(pilot):
            await show_projects(pilot)
            await pilot.press("ctrl+k")
            await settled(pilot, "共2条", "坪上村人饮工程")

        assert snap_compare(app_for(db_path), terminal_size=(80, 24), run_before=run_before)

    def test_dossier_basics_with_deadlines(self, snap_compare, db_path, underway):
        """基本信息: project data, the deposit and each deadline in working days."""
        assert snap_compare(app_for(db_path), terminal_size=(120, 40), run_before=open_tab(underway, "1"))

    def test_dossier_basics_80x24(self, snap_compare, db_path, underway):
        """基本信息 at 80x24: Chinese lines wrap without breaking the columns."""
        assert snap_compare(app_for(db_path), terminal_size=(80, 24), run_before=open_tab(underway, "1"))

    def test_dossier_budget(self, snap_compare, db_path, underway):
        """资金概算: lines with amount = quantity x unit price and the total."""
        assert snap_compare(app_for(db_path), terminal_size=(100, 30), run_before=open_tab(underway, "2"))

    def test_dossier_beneficiaries(self, snap_compare, db_path, underway):
        """受益户: households from the registry and how each benefits."""
        assert snap_compare(app_for(db_path), terminal_size=(100, 30), run_before=open_tab(underway, "3"))

    def test_dossier_notices(self, snap_compare, db_path, underway):
        """公示: the approval notice with every P09 item and its photo."""
        assert snap_compare(app_for(db_path), terminal_size=(100, 30), run_before=open_tab(underway, "4"))

    def test_dossier_archive(self, snap_compare, db_path, underway):
        """档案: the R02 checklist, 7 of 17 received, #15 not needed under the audit threshold."""
        assert snap_compare(app_for(db_path), terminal_size=(120, 40), run_before=open_tab(underway, "8"))

    def test_dossier_log(self, snap_compare, db_path, underway):
        """日志: every step with its date, document number and operator."""
        assert snap_compare(app_for(db_path), terminal_size=(120, 30), run_before=open_tab(underway, "9"))

    def test_acceptance_dialog(self, snap_compare, db_path, underway):
        """The 完工初检 dialog asks only for what that step needs."""
        async def run_before(pilot):
            await open_tab(underway, "1")(pilot)
            await pilot.press("ctrl+b")
            await until(pilot, lambda: hasattr(pilot.app.screen, "actions"), "办理菜单")
            menu = pilot.app.screen
            await pilot.press(*["down"] * menu.actions.index("完工初检"), "enter")
            await settled(pilot, "完工初检：新寨村蔬菜大棚", "初检组织人")

        assert snap_compare(app_for(db_path), terminal_size=(100, 30), run_before=run_before)
