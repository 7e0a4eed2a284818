"""How the household list and the household form look at a fixed date (2026-11-27)."""

from datetime import date

import pytest

from fupin_tui.app import make_app
from fupin_tui.domain.idcard import check_digit
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages
from tests.pilot.ready import app_ready, settled


def pid(birth: str, seq: str) -> str:
    first17 = "520123" + birth + seq
    return first17 + check_digit(first17)


@pytest.fixture
def registry(ctx):
    """Five households in two villages, one of them identified to 在册 with a ledger."""
    v1, v2 = (v.id for v in villages(ctx))
    people = [
        (v1, "因病", [("张三", "19700101", "011", "户主"), ("李四", "19720202", "022", "配偶"),
                     ("张小明", "20150505", "031", "之子")]),
        (v1, "缺技术", [("王大山", "19650303", "051", "户主"), ("杨秀英", "19660404", "062", "配偶")]),
        (v1, "因学", [("吴老三", "19800808", "071", "户主")]),
        (v2, "缺资金", [("龙光华", "19750909", "091", "户主"), ("龙小芳", "20080101", "102", "之女")]),
        (v2, "交通条件落后", [("韦昌世", "19590505", "111", "户主")]),
    ]
    ids = []
    for village, cause, members in people:
        saved = reg.save_household(
            ctx, reg.HouseholdInput(village_id=village, main_cause=cause, address="一组", wage_income="8000",
                                    transfer_income="1200", phone="13800138000", helper_name="李干部",
                                    look_house="砖木结构，年久失修"),
            [reg.MemberInput(n, pid(b, s), rel, education="小学" if rel != "之子" else "",
                             school_status="小学" if rel == "之子" else "", labour_skill="普通劳动力")
             for n, b, s, rel in members])
        ids.append(saved.id)
    day = date(2026, 9, 1)
    for step in reg.proc.IDENTIFICATION_STEPS:
        pub = (day, reg.proc.earliest_publicity_end(day, 7)) if reg.proc.is_publicity(step) else (None, None)
        reg.record_step(ctx, ids[0], "识别", step, day, "李干部", *pub)
        day = pub[1] or day
    reg.add_ledger_line(ctx, ids[0], 2026, "收入", "工资性收入", "8000", "外出务工", date(2026, 6, 30))
    reg.add_ledger_line(ctx, ids[0], 2026, "支出", "生产经营性支出", "600", "化肥", date(2026, 4, 2))
    return ids


def app_for(db_path):
    return make_app(db_path=db_path, operator="张会计")


async def show_list(pilot):
    await app_ready(pilot)
    await pilot.app.switch_mode("registry")
    await settled(pilot, "共 5 户 9 人", "龙光华")


def open_household(household_id):
    async def run_before(pilot):
        await show_list(pilot)
        pilot.app.open_record(f"household:{household_id}")
        await settled(pilot, "户主 张三", "8000.00")
    return run_before


class TestRegistryScreens:
    def test_household_list(self, snap_compare, db_path, registry):
        """The list with counts, sorted by household number."""
        assert snap_compare(app_for(db_path), terminal_size=(120, 40), run_before=show_list)

    def test_household_list_small_filtered(self, snap_compare, db_path, registry):
        """80x24, filtered by pinyin initials: columns stay aligned with Chinese text."""
        async def run_before(pilot):
            await show_list(pilot)
            await pilot.press("z", "s")
            await settled(pilot, "共 1 户 3 人")
        assert snap_compare(app_for(db_path), terminal_size=(80, 24), run_before=run_before)

    def test_household_form(self, snap_compare, db_path, registry):
        """The household tab of a saved household."""
        assert snap_compare(app_for(db_path), terminal_size=(120, 40), run_before=open_household(registry[0]))

    def test_household_members(self, snap_compare, db_path, registry):
        """The members table with the editor under it (80x24)."""
        async def run_before(pilot):
            await open_household(registry[0])(pilot)
            pilot.app.screen.query_one("TabbedContent").active = "tab-members"
            await settled(pilot, "520123201505050314", "由身份证号")
        assert snap_compare(app_for(db_path), terminal_size=(80, 24), run_before=run_before)

    def test_household_procedures(self, snap_compare, db_path, registry):
        """The procedure checklist of a household identified to 在册."""
        async def run_before(pilot):
            await open_household(registry[0])(pilot)
            pilot.app.screen.query_one("TabbedContent").active = "tab-procedures"
            await settled(pilot, "县复核公告", "退出程序")
        assert snap_compare(app_for(db_path), terminal_size=(120, 40), run_before=run_before)
