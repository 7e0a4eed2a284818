"""The dossier's 采购备案 tab and the 利益联结 enterprise conditions (RULES-2 P22, P25, L05): a clerk types,
saves, sees it; a finding opens the record where it is fixed."""

from datetime import date

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.models import EnterpriseCondition, Entity, Procurement, Project
from fupin_tui.services import checks
from tests.pilot.ready import until
from tests.screen_text import screen_text


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUPIN_TUI_TODAY", "2026-11-27")
        mp.setenv("FUPIN_TUI_HOME", str(tmp_path_factory.mktemp("home")))
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        generate(path, households=300, seed=3)
    return path


@pytest.fixture
def db(demo_file, tmp_path):
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    return copy


async def _type(pilot, widget_id: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*list(text))


async def _pick(pilot, widget_id: str, text: str) -> None:
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.press("enter", *list(text), "enter")
    await pilot.pause()


def _finding(db, rule):
    ctx = open_context(db, operator="张会计")
    try:
        return next(f for f in checks.run_checks(ctx).findings if f.rule == rule)
    finally:
        ctx.db.close()


async def _open_finding(app, pilot, f):
    await pilot.pause()
    app.open_record(f.record, f.tab)
    for _ in range(4):
        await pilot.pause()


async def test_a_contract_is_recorded_on_the_procurement_tab_and_an_amount_not_money_refused(db):
    f = _finding(db, "P25")  # the demo's contract without its 阳光操作 record
    project_id = int(f.record.split(":")[1])
    app = make_app(db_path=db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_finding(app, pilot, f)
        dossier = app.screen
        assert dossier.current_tab() == "采购备案"
        assert "合同及承建单位的选定" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        await _type(pilot, "contract_name", "便民桥护栏")
        await _type(pilot, "contract_amount", "8wan")
        await _pick(pilot, "method", "阳光")
        await _type(pilot, "sunshine_note", "cunmin daibiao bixuan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        error = dialog.query_one("#dialog-error")
        assert "合同金额" in str(error.content) and error.region.height > 0
        with app.ctx.read() as s:
            before = len(s.exec(select(Procurement).where(Procurement.project_id == project_id)).all())

        await _type(pilot, "contract_amount", "80000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dossier
        with app.ctx.read() as s:
            rows = s.exec(select(Procurement).where(Procurement.project_id == project_id)
                          .order_by(Procurement.id)).all()
        assert len(rows) == before + 1
        new = rows[-1]
        assert (new.contract_name, str(new.contract_amount), new.method, new.sunshine_note) == (
            "便民桥护栏", "80000.00", "阳光操作", "cunmin daibiao bixuan")
        # the tab redraws on the change signal, after the save: wait for it as the clerk's eye would
        await until(pilot, lambda: "便民桥护栏" in screen_text(app) and "80,000.00" in screen_text(app), "新合同显示")


async def test_supervision_entry_in_the_future_is_refused_then_recorded(db):
    f = _finding(db, "P22")
    project_id = int(f.record.split(":")[1])
    app = make_app(db_path=db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_finding(app, pilot, f)
        assert app.screen.current_tab() == "采购备案"
        assert "涉农资金监管系统录入：未登记" in screen_text(app)
        app.screen.query_one("#btn-supervision").press()
        await pilot.pause()
        dialog = app.screen
        await _type(pilot, "on", "2026-12-30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = dialog.query_one("#dialog-error")
        assert app.screen is dialog and "不能晚于今天" in str(error.content) and error.region.height > 0
        with app.ctx.read() as s:
            assert s.get(Project, project_id).supervision_entered_on is None
        await _type(pilot, "on", "2026-11-26")
        await pilot.press("ctrl+s")
        await pilot.pause()
        with app.ctx.read() as s:
            assert s.get(Project, project_id).supervision_entered_on == date(2026, 11, 26)
        await until(pilot, lambda: "涉农资金监管系统录入：2026-11-26" in screen_text(app), "录入日期显示")


async def test_an_enterprise_condition_finding_opens_the_linkage_screen_where_it_is_recorded(db):
    f = _finding(db, "L05")
    assert f.tab == "利益联结"
    app = make_app(db_path=db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_finding(app, pilot, f)
        screen = app.screen
        assert type(screen).__name__ == "LinkageScreen"
        table = screen.query_one("#entities")
        name = f.record_label.split(" ", 1)[1]
        row = next(i for i, e in enumerate(screen.rows) if e.name == name)
        table.move_cursor(row=row)
        await pilot.pause()
        assert "缺少证明：积极参与三变改革" in screen_text(app)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await _type(pilot, "condition-3", "sanbian xieyi 2026-1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        entity_id = screen.rows[row].id
        with app.ctx.read() as s:
            got = s.exec(select(EnterpriseCondition).where(EnterpriseCondition.entity_id == entity_id,
                                                           EnterpriseCondition.condition == "积极参与三变改革")).one()
            assert s.get(Entity, entity_id).kind == "企业"
        assert got.evidence == "sanbian xieyi 2026-1"
        await until(pilot, lambda: "五项条件均有证明材料" in screen_text(app), "五项条件显示")


PART_B = {"P22", "P23", "P24", "P25", "P26", "P27", "L05", "H10", "H11", "H12", "H13", "H14"}


def test_every_part_b_rule_finds_something_in_the_demo_and_names_a_tab_that_exists(demo_file):
    from fupin_tui.screens.dossier import TAB_IDS
    from fupin_tui.screens.household_form import TABS
    from fupin_tui.screens.linkage_conditions import TAB as LINKAGE

    ctx = open_context(demo_file, operator="张会计")
    try:
        found = [f for f in checks.run_checks(ctx).findings if f.rule in PART_B]
    finally:
        ctx.db.close()
    assert {f.rule for f in found if f.severity != "提示" or f.rule == "P23"} == PART_B
    assert len(found) < 60  # a handful each, as the other rules' demo breaks
    for f in found:
        kind = f.record.split(":")[0]
        tabs = TABS if kind == "household" else {**TAB_IDS, LINKAGE: ""}
        assert f.tab in tabs, (f.rule, f.tab)
