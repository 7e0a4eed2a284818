"""A clerk takes one project from the library to the archive at the keyboard."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.models.projects import ArchiveItem, LibraryEntry, Project, ProjectEvent
from fupin_tui.services import library, projects
from fupin_tui.services.township import villages
from tests.pilot.ready import until
from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


async def type_into(pilot, widget_id: str, text: str) -> None:
    """Focus a field as the clerk would land on it, clear it and type."""
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.focus()
    await pilot.pause()
    if hasattr(widget, "clear"):
        widget.clear()
    await pilot.press(*list(text))


async def pick(pilot, widget_id: str, text: str) -> None:
    """Open a dropdown with Enter, type to pick, Enter to take it."""
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.press("enter")
    await pilot.press(*list(text))
    await pilot.press("enter")
    await pilot.pause()


async def act(pilot, action: str, values: dict[str, str]) -> None:
    """a = 办理: choose the step in the menu, fill what the dialog asks, Ctrl+S."""
    # the date is prefilled with today, as a clerk recording the step the day it happens
    await pilot.press("ctrl+b")
    await pilot.pause()
    menu = pilot.app.screen
    assert action in menu.actions, (action, menu.actions)
    await pilot.press(*["down"] * menu.actions.index(action), "enter")
    await pilot.pause()
    await fill(pilot, values)


async def fill(pilot, values: dict[str, str]) -> None:
    for key, text in values.items():
        if key in ("grade", "review_kind"):
            await pick(pilot, f"f-{key}", text)
        else:
            await type_into(pilot, f"f-{key}", text)
    await pilot.press("ctrl+s")
    await pilot.pause()


def done_deadlines(app) -> set[str]:
    """The rules whose deadline row on 基本信息 shows a 完成 date."""
    table = app.screen.query_one("#deadlines")
    return {str(table.get_row_at(i)[0]) for i in range(table.row_count) if str(table.get_row_at(i)[3])}


def findings_of(ctx, pid) -> set[str]:
    """The rules 体检 (F8) finds on this project now."""
    from fupin_tui.services import checks

    return {f.rule for f in checks.run_checks(ctx).findings if f.record == f"project:{pid}"}


def state_of(ctx, pid):
    with ctx.read() as s:
        return s.get(Project, pid).state


@pytest.fixture
def app(ctx, db_path):
    return make_app(db_path=db_path, operator="张会计")


@pytest.mark.slow  # 30-90 s: a whole job at the keyboard / every workbook rendered
async def test_library_to_archive_at_the_keyboard(app, ctx):
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("projects")
        await pilot.pause()
        await pilot.press("ctrl+k")  # 项目库
        await pilot.press("ctrl+n")  # 入库
        await pilot.pause()
        await type_into(pilot, "name", "组组通公路")
        await pick(pilot, "category", "基础")
        await type_into(pilot, "content", "硬化2公里")
        await type_into(pilot, "amount_fiscal", "３０００００")  # full-width digits from the IME
        await pilot.press("ctrl+s")
        await pilot.pause()
        # no performance goals: refused, the field says why, nothing saved
        errors = [str(w.render()) for w in app.screen.query(".field-error")]
        assert any("没有绩效目标" in e for e in errors), errors
        assert library.count_entries(ctx) == 0
        await type_into(pilot, "performance_goals", "86户出行")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "LibraryScreen"
        (entry,) = library.list_entries(ctx)
        assert entry.amount_total == Decimal("300000.00")

        await pilot.press("ctrl+b")  # 申报, date prefilled with today
        await pilot.pause()
        await fill(pilot, {"document_no": "申1"})
        await pilot.pause()
        assert type(app.screen).__name__ == "ProjectDossierScreen"
        pid = app.screen.project_id
        assert state_of(ctx, pid) == "申报"

        await act(pilot, "立项批复", {"document_no": "县批3", "approver": "县扶贫办", "subsidy": "300000"})
        assert state_of(ctx, pid) == "立项"
        # the plan has no budget lines yet: refused with F05, the dialog stays open
        plan = {"document_no": "方1", "planned_start": "20261201", "planned_end": "20270630"}
        await act(pilot, "上报实施方案", plan)
        assert "[F05" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("escape")  # typed input: Esc asks first
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("y")
        await pilot.press("2")  # 资金概算
        await pilot.press("ctrl+n")
        await pilot.pause()
        await fill(pilot, {"item": "路面", "quantity": "2000", "unit_price": "150"})
        assert projects.budget_lines(ctx, pid)[0].amount == Decimal("300000.00")
        await act(pilot, "上报实施方案", plan)
        # deposit 12% is outside 5%-10%: P21 names itself, nothing changes
        await act(pilot, "批复实施方案", {"document_no": "县复4", "approver": "县扶贫办", "review_kind": "县扶贫办审核",
                                         "deposit_rate": "12%"})
        assert "[P21" in str(app.screen.query_one("#dialog-error").render())
        await type_into(pilot, "f-deposit_rate", "5%")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert state_of(ctx, pid) == "方案批复"
        await act(pilot, "开工", {})
        await act(pilot, "完工初检", {"completed_on": "20261127", "organiser": "镇"})
        await act(pilot, "申请验收", {})
        await act(pilot, "验收", {"document_no": "验7", "grade": "合格", "organiser": "县"})
        assert state_of(ctx, pid) == "已验收"
        assert {"P16", "R02"} <= findings_of(ctx, pid)  # 体检: 录入平台 due, the dossier incomplete
        # P16: the county platform entry of the result, a date the clerk records in the dossier
        await act(pilot, "验收录入平台", {})
        with ctx.read() as s:
            assert s.get(Project, pid).acceptance_entered_on == date(2026, 11, 27)

        # 进度 (F5): the work reported complete, which the second and third tranches wait for (六(二))
        await pilot.press("f5")
        await until(pilot, lambda: type(app.screen).__name__ == "ProgressEntryScreen", "进度")
        await pilot.press(*"组组通", "enter")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "work_share", "进度表单")
        await pilot.press(*"100", "ctrl+s")
        await until(pilot, lambda: "当前进度100%" in screen_text(app), "进度100%")

        # 报账 (F6) under "532" (六(二)): 50% to start, 30% at half the work, the rest less the deposit at
        # completion; each tranche's vouchers are reimbursed before the next is paid (F02), and only the
        # money left at the end is the final 报账 (F04), ticked by itself once every tranche is paid
        await pilot.press("f6")
        await until(pilot, lambda: type(app.screen).__name__ == "ReimbursementScreen", "报账")
        await pilot.press(*"组组通", "enter")
        await until(pilot, lambda: app.screen.query("FundsPanel"), "项目的资金")
        for seq, amount, invoice_no, final in ((1, "150000", "00012399", False), (2, "90000", "00012400", False),
                                               (3, "45000", "00012401", True)):
            await pilot.press("1")  # 分期拨款
            await pilot.press("ctrl+b")  # 分期拨款: the amount is offered
            await until(pilot, lambda: type(app.screen).__name__ == "FieldListDialog", f"第{seq}期拨款对话框")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: type(app.screen).__name__ == "ReimbursementScreen", f"第{seq}期拨款已登记")
            await pilot.press("ctrl+n")
            await until(pilot, lambda: type(app.screen).__name__ == "VoucherEntryScreen", "新凭证")
            assert app.screen.query_one("#is_final").value == final, f"第{seq}期的凭证：最终报账应为{final}"
            assert app.screen.focused.id == "amount"  # 概算项目: 路面, the only line, is chosen already
            await pilot.press(*amount, "enter", *"052001900111", "enter", *invoice_no, "enter",
                              *"2026-11-26", "enter", *"gl", "enter", "1", "enter")
            await until(pilot, lambda: "（1行）" in str(app.screen.query_one("#voucher-total").render()), "一行明细")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: type(app.screen).__name__ == "ReimbursementScreen", "凭证已保存")
            with ctx.read() as s:
                assert s.get(Project, pid).final_reimbursed_on is None  # made, not yet 报账
            await pilot.press("ctrl+b")  # 报账 of the voucher just saved, the date prefilled
            await until(pilot, lambda: type(app.screen).__name__ == "FieldListDialog", "报账对话框")
            assert ("最终报账" in screen_text(app)) == final
            await pilot.press("ctrl+s")
            await until(pilot, lambda: type(app.screen).__name__ == "ReimbursementScreen", f"第{seq}期已报账")
            if not final:
                await until(pilot, lambda: state_of(ctx, pid) == "已验收", "本期报账，项目仍是已验收")
        await until(pilot, lambda: "最终报账已于2026-11-27完成" in str(app.screen.query_one("#funds-status").render()),
                    "F04 已完成")
        assert seen(app.screen.query_one("#funds-status"))
        assert state_of(ctx, pid) == "已报账"

        assert "F04" not in findings_of(ctx, pid)
        await pilot.press("f4")  # back to the dossier, where the clerk left it
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen"
                    and "已报账" in str(app.screen.query_one("#dossier-title").render()), "档案里是已报账")
        await pilot.press("1")  # 基本信息: the deadlines P16 and F04 show as done
        await until(pilot, lambda: {"P16", "F04"} <= done_deadlines(app), "P16、F04 已完成")
        await act(pilot, "移交", {"assets": "公路；2；公里", "maintainer": "村委会"})
        assert state_of(ctx, pid) == "已移交"

        # 档案: what the dossier already records is ticked by itself (立项批复, 方案批复, 初检, 验收, 移交清单 …);
        # the rest (filed along the way) are recorded here, each: Down to it, Ctrl+N, Ctrl+S (date prefilled)
        await pilot.press("8")
        await until(pilot, lambda: app.screen.query_one("#archive").row_count == 18, "档案 checklist")
        table = app.screen.query_one("#archive")
        assert str(table.get_row_at(16)[4]) == "县级验收 合格"  # 来源: the record that stands for it
        assert str(table.get_row_at(17)[4]).startswith("移交清单")
        await act(pilot, "归档", {})
        assert "[R02" in str(app.screen.query_one("#dialog-error").render())  # documents still missing
        assert "13 结算报告" in str(app.screen.query_one("#dialog-error").render())
        assert seen(app.screen.query_one("#dialog-error"))
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "回到档案")
        await pilot.press("down")  # from the tab bar into the checklist
        assert app.screen.focused is table and table.cursor_row == 0
        missing = [row for row in range(18) if str(table.get_row_at(row)[2]) == "缺"]
        assert missing == [0, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12]  # 2, 4 and 14-18 are known already
        at = 0
        for row in missing:
            await pilot.press(*["down"] * (row - at), "ctrl+n")
            await until(pilot, lambda: type(app.screen).__name__ == "SpecDialog", "登记档案材料")
            if row == 12:  # 13 结算报告: where it is kept, too
                await pilot.press("tab", "tab", "tab", *"柜A")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen"
                        and str(table.get_row_at(row)[2]) == "有", f"材料{row + 1}已登记")
            at = row
        await act(pilot, "归档", {})
        assert state_of(ctx, pid) == "已归档"
        assert not {"R01", "R02"} & findings_of(ctx, pid)
        assert "已归档" in str(app.screen.query_one("#dossier-title").render())

    with ctx.read() as s:
        p = s.get(Project, pid)
        assert p.file_number == "2026-新安镇-001"
        assert s.exec(select(LibraryEntry)).one().status == "已立项"
        # the known documents (3, 5, 14, 16, 17, 18) are derived, not stored
        stored = {i.doc_no for i in s.exec(select(ArchiveItem).where(ArchiveItem.project_id == pid))}
        assert stored.isdisjoint({3, 5, 14, 16, 17, 18}) and 13 in stored
        actions = [e.action for e in s.exec(select(ProjectEvent).order_by(ProjectEvent.id))]
    assert actions == ["申报", "立项批复", "上报实施方案", "批复实施方案", "开工", "完工初检", "申请验收", "验收",
                       "验收录入平台", "最终报账", "移交", "归档"]


def make_project(ctx, **changes):
    data = {"year": 2026, "name": "新寨村产业路", "category": "产业发展", "content": "产业路1公里",
            "amount_fiscal": Decimal("200000"), "performance_goals": "带动30户增收",
            "village_id": villages(ctx)[0].id, "responsible_unit": "新安镇人民政府", **changes}
    entry = library.save_entry(ctx, data)
    return projects.apply_from_library(ctx, entry, {"date": "2026-03-01"})


async def test_suspected_split_asks_for_confirmation(app, ctx):
    make_project(ctx)
    second = library.save_entry(ctx, {"year": 2026, "name": "新寨村产业路二期", "category": "产业发展",
                                      "content": "产业路1公里", "amount_fiscal": Decimal("150000"),
                                      "performance_goals": "带动20户", "village_id": villages(ctx)[0].id})
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("projects")
        await pilot.press("ctrl+k")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#library").move_cursor(row=[r.id for r in screen.rows].index(second))
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "新寨村产业路" in app.screen.message and "疑似拆分" in app.screen.message
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "ProjectDossierScreen"
    assert len(projects.list_projects(ctx)) == 2


async def test_photo_key_opens_the_notice_picture(app, ctx, tmp_path, monkeypatch):
    pid = make_project(ctx)
    photo = tmp_path / "公示.jpg"
    photo.write_bytes(b"jpg")
    fields = {k: "有" for k in projects.NOTICE_FIELDS["立项公告"]}
    projects.save_notice(ctx, pid, kind="立项公告", published_on=date(2026, 3, 5), place="县政府网站",
                         fields=fields, photo_paths=str(photo))
    opened = []
    monkeypatch.setattr("fupin_tui.screens.dossier._launch", opened.append)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_record(f"project:{pid}", tab="公示")
        await pilot.pause()
        await pilot.pause()
        app.screen.query_one("#notices").focus()
        await pilot.press("ctrl+a")
        await pilot.pause()
    assert opened == [str(photo)]


async def test_beneficiary_from_the_registry_refused_when_not_registered(app, ctx):
    from fupin_tui.models.registry import Household

    pid = make_project(ctx)
    with ctx.transaction() as s:
        s.add(Household(household_no="520123101201007", village_id=villages(ctx)[0].id, head_name="杨二",
                        status="已脱贫"))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_record(f"project:{pid}", tab="受益户")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await fill(pilot, {"household": "520123101201007"})
        assert "[P20" in str(app.screen.query_one("#dialog-error").render())
    assert projects.beneficiaries(ctx, pid) == []


async def test_down_on_the_tab_bar_goes_into_the_archive_table(app, ctx):
    """8 shows 档案 with the focus on the tab bar; Down reaches the first document, Down again the next."""
    from textual.widgets import Tabs

    pid = make_project(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_record(f"project:{pid}")
        await pilot.pause()
        await pilot.pause()
        app.screen.query_one("#tabs Tabs", Tabs).focus()
        await pilot.press("8")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#archive")
        assert isinstance(app.focused, Tabs) and table.row_count > 2
        await pilot.press("down")
        await pilot.pause()
        assert app.focused is table and table.region.height > 0 and table.cursor_row == 0
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 1
