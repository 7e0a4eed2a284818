"""Issue 13 items 1 and 5: one dialog kit — every refusal is seen, whatever was opened before; Esc asks.

"Seen" means the error widget is displayed with a non-zero region on the
screen the clerk looks at, and carries the refusal's text.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
from textual.screen import ModalScreen
from textual.widget import Widget

import fupin_tui
from fupin_tui.app import make_app
from fupin_tui.domain import procedures as proc
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.lifecycle import FieldSpec
from fupin_tui.widgets.forms import Field, MoneyInput

from tests.funds_data import make_households, make_project
from tests.screen_text import screen_text


def seen(widget) -> bool:
    """Displayed (itself and every ancestor), with a non-zero region inside the screen."""
    node = widget
    while node is not None and isinstance(node, Widget):
        if not node.display or not node.visible:
            return False
        node = node.parent
    region = widget.region
    return region.width > 0 and region.height > 0 and widget.screen.region.overlaps(region)


def text_of(widget) -> str:
    return str(widget.render())


def _all_modules():
    for info in pkgutil.walk_packages(fupin_tui.__path__, "fupin_tui."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_widget_class_names_are_unique():
    """Textual's CSS type selectors match by class name: two classes of one name break each other's styles."""
    _all_modules()
    ours = [c for c in _subclasses(Widget) if c.__module__.startswith("fupin_tui.")]
    names: dict[str, list[str]] = {}
    for c in ours:
        names.setdefault(c.__name__, []).append(c.__module__)
    assert {n: m for n, m in names.items() if len(set(m)) > 1} == {}


def _refuse(*_args):
    raise DomainError("第1期最多拨付补助的50%", rule="F02", section="六(一)")


def _dialogs(ctx, household_id, project_id):
    """Every dialog of the app that can refuse, built as its screen builds it, and how to make it refuse."""
    from fupin_tui.dialogs.reason import ReasonDialog
    from fupin_tui.dialogs.kit import FieldListDialog, SpecDialog
    from fupin_tui.dialogs.lifecycle_dialog import LifecycleDialog
    from fupin_tui.dialogs.operator import OperatorDialog
    from fupin_tui.screens.household_form import ActWithReasonDialog, LedgerDialog, StepDialog
    from fupin_tui.screens.settings import ParamDialog
    from fupin_tui.screens.voucher_entry import VoucherEntryScreen
    from fupin_tui.services.policy_settings import param_rows
    from fupin_tui.screens.dossier_procurement import DateDialog, DelegationDialog, ProcurementDialog
    from fupin_tui.screens.household_visits import VisitDialog
    from fupin_tui.screens.linkage_conditions import ConditionsDialog
    from fupin_tui.services import duties

    row = param_rows(ctx)[0]
    return {
        "SpecDialog": (lambda: SpecDialog("新增资金概算明细", [FieldSpec("item", "明细")], _refuse),
                       ("ctrl+s",), "#dialog-error", "F02"),
        "LifecycleDialog": (lambda: LifecycleDialog("路", "开工", [FieldSpec("date", "日期", "date")], [], _refuse),
                            ("ctrl+s",), "#dialog-error", "F02"),
        "FieldListDialog": (lambda: FieldListDialog("第1期拨款", [Field("拨款金额", MoneyInput("260000", id="amount"))],
                                                    _refuse), ("ctrl+s",), "#dialog-error", "F02"),
        "StepDialog": (lambda: StepDialog(household_id, proc.IDENTIFICATION, "申请", 7, False),
                       ("ctrl+s",), "#dialog-error", "责任人"),
        "LedgerDialog": (lambda: LedgerDialog(household_id, 2026), ("ctrl+s",), "#dialog-error", "收支"),
        "ReasonDialog": (lambda: ReasonDialog("作废凭证", "作废原因"), ("ctrl+s",), "#dialog-error", "不能为空"),
        "ActWithReasonDialog": (lambda: ActWithReasonDialog("清退", "清退原因", _refuse), (*"重复识别", "ctrl+s"),
                                "#dialog-error", "F02"),
        "ParamDialog": (lambda: ParamDialog(row), ("ctrl+a", "ctrl+k", *"abc", "ctrl+s"), "#dialog-error", row.label),
        "OperatorDialog": (lambda: OperatorDialog([], None), ("enter",), ".dialog-error", "不能为空"),
        "VoucherEntryScreen": (lambda: VoucherEntryScreen(project_id), ("ctrl+s",), "#voucher-error", ""),
        # RULES-2 part B
        "VisitDialog": (lambda: VisitDialog(household_id), ("ctrl+s",), "#dialog-error", "走访人"),
        "ProcurementDialog": (lambda: ProcurementDialog(project_id), ("ctrl+s",), "#dialog-error", "合同名称"),
        "DelegationDialog": (lambda: DelegationDialog(project_id), ("ctrl+s",), "#dialog-error", "受托方类型"),
        "DateDialog": (lambda: DateDialog("录入涉农资金监管系统", "录入日期", lambda c, on: duties.record_supervision_entry(
            c, 9999, on)), ("ctrl+s",), "#dialog-error", "项目不存在"),
        "ConditionsDialog": (lambda: ConditionsDialog(9999, "某企业", {}), ("ctrl+s",), "#dialog-error", "经营主体不存在"),
    }


@pytest.fixture
def data(ctx):
    pid, _lines = make_project(ctx, subsidy="500000.00")
    people = make_households(ctx)
    return pid, people[0][0]


def test_every_input_dialog_is_covered():
    """A new ModalScreen with typed input must join the list above (and the kit)."""
    _all_modules()
    modal = {c.__name__ for c in _subclasses(ModalScreen) if c.__module__.startswith("fupin_tui.")}
    covered = {"SpecDialog", "LifecycleDialog", "FieldListDialog", "StepDialog", "LedgerDialog", "ReasonDialog",
               "ActWithReasonDialog",
               "ParamDialog", "OperatorDialog", "VoucherEntryScreen", "VisitDialog", "ProcurementDialog",
               "DelegationDialog", "DateDialog", "ConditionsDialog"}
    no_input = {"ConfirmDialog", "ActionMenu", "FormDialog", "KeyHelpScreen", "FupinPalette",
                "DraftOfferDialog", "StrippedCellsDialog"}  # questions, menus, F1; the kit's base; 恢复/丢弃草稿; a list to open
    assert modal - covered - no_input == set()


async def test_every_refusal_is_seen_after_every_other_dialog(ctx, db_path, data):
    pid, hid = data
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialogs = _dialogs(ctx, hid, pid)
        # open every dialog once, so every DEFAULT_CSS is loaded before any refusal is looked at
        for build, *_ in dialogs.values():
            app.push_screen(build())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        for name, (build, keys, error_id, expected) in dialogs.items():
            dialog = build()
            app.push_screen(dialog)
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            assert app.screen is dialog, f"{name} closed instead of refusing"
            error = dialog.query_one(error_id)
            assert seen(error), f"{name}: the refusal is not on screen"
            assert expected in text_of(error) and text_of(error).strip(), (name, text_of(error))
            first_line = text_of(error).strip().splitlines()[0][:12]
            assert first_line in screen_text(app).replace("\n", ""), (name, first_line)
            app.pop_screen()
            await pilot.pause()


async def test_tranche_above_its_share_is_refused_visibly_after_a_dossier_dialog(ctx, db_path, data):
    """The issue's case: after a 项目档案 action dialog, 260,000 against a 250,000 tranche shows its refusal."""
    pid, _hid = data
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        from fupin_tui.screens.projects import open_record

        await pilot.pause()
        open_record(app, pid)
        await pilot.pause()
        await pilot.press("2", "ctrl+n")  # 资金概算: a FieldSpec dialog of the dossier
        await pilot.pause()
        assert type(app.screen).__name__ == "SpecDialog"
        await pilot.press("escape")
        await pilot.pause()
        await app.switch_mode("funds")
        await pilot.pause()
        await pilot.press(*"xzc", "enter")
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        amount = app.screen.query_one("#amount")
        amount.value = ""
        await pilot.press(*"260000", "ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "FieldListDialog"
        error = app.screen.query_one("#dialog-error")
        assert seen(error) and "[F02" in text_of(error), text_of(error)
        await pilot.press("ctrl+s")  # pressed again: still there
        await pilot.pause()
        assert seen(app.screen.query_one("#dialog-error"))


async def test_esc_with_typed_input_asks_and_keeps_it(ctx, db_path, data):
    """Item 5: a half-filled dialog is not thrown away by Esc; an untouched one closes at once."""
    pid, hid = data
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for name, (build, *_rest) in _dialogs(ctx, hid, pid).items():
            if name in ("OperatorDialog", "VoucherEntryScreen"):
                continue  # Esc at the operator question quits the app; the voucher screen asked already
            dialog = build()
            app.push_screen(dialog)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not dialog, f"{name}: untouched, Esc should close"
            dialog = build()
            app.push_screen(dialog)
            await pilot.pause()
            dialog.query("TextInput").first().focus()  # a text field (the ledger starts with a dropdown)
            await pilot.press(*"现场")
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmDialog", name
            assert seen(app.screen.query_one("#no"))
            await pilot.press("escape")  # 继续填写
            await pilot.pause()
            assert app.screen is dialog and "现场" in str(dialog.raw_values()), name
            await pilot.press("escape", "y")  # 放弃
            await pilot.pause()
            assert app.screen is not dialog, name


async def test_notice_dialog_keeps_a_half_filled_notice(ctx, db_path, data):
    """The 现场公示 case: typed, Esc, the question, and the text is still there."""
    pid, _hid = data
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        from fupin_tui.screens.projects import open_record

        await pilot.pause()
        open_record(app, pid)
        await pilot.pause()
        await pilot.press("4", "ctrl+n")  # 公示 → 新增
        await pilot.pause()
        await pilot.press("enter")  # the first kind of notice
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "SpecDialog"
        await pilot.press("tab", *"村委会公示栏")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog and dialog.raw_values()["place"] == "村委会公示栏"
        assert date.today()  # the date field kept its default too
