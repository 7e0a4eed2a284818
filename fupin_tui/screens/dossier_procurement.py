"""The dossier's 采购备案 tab (RULES-2 P22-P25): the 涉农资金监管系统 entry beside the 扶贫云 filing,
the contracts and how their contractors were chosen, delegated implementation with the households'
consent, and the 备案 of approved adjustments.  Mounted by ``screens.dossier``; every change goes
through ``services.duties`` (Chinese messages naming the field, one transaction each).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from fupin_tui import keymap as km
from fupin_tui.dialogs.kit import FormDialog
from fupin_tui.domain.money import format_money
from fupin_tui.domain.rules.duties_projects import DELEGATE_KINDS, METHODS
from fupin_tui.services import duties
from fupin_tui.widgets.forms import CodeSelect, DateInput, Field, MoneyInput, TextInput

TAB = "采购备案"


def _d(value: date | None) -> str:
    return value.isoformat() if value else "未登记"


def summary_text(view: duties.ProjectDutiesView) -> str:
    lines = [f"实施方案批复：{_d(view.plan_approved_on)}　扶贫云备案：{_d(view.filed_on)}"
             f"　涉农资金监管系统录入：{_d(view.supervision_entered_on)}"]
    for a in view.adjustments:
        state = f"批复{a.approved_on.isoformat()}" if a.approved_on else "审核中"
        lines.append(f"项目调整（{a.content or '未写内容'}）：申请{a.filed_on.isoformat()}　{state}"
                     f"　报县备案：{_d(a.county_filed_on) if a.approved_on else '批复后备案'}")
    for g in view.delegations:
        lines.append(f"委托{g.delegate_kind}「{g.delegate_name}」实施：协议{g.agreement_on.isoformat()}"
                     f"　农户同意{_d(g.consent_on)}（{g.consent_method}，{g.consent_agreed}/{g.consent_households}户）")
    if not view.delegations:
        lines.append("委托实施：无（由乡镇组织实施）")
    return "\n".join(lines)


class DutiesPanel(Vertical):
    DEFAULT_CSS = """
    DutiesPanel { height: 1fr; padding: 0 1; }
    DutiesPanel #duties-summary { height: auto; }
    DutiesPanel .actions { height: auto; margin: 1 0 0 0; }
    DutiesPanel .actions Button { margin-right: 1; min-width: 10; }
    DutiesPanel #procurements { height: 1fr; }
    """

    def __init__(self, project_id: int) -> None:
        super().__init__()
        self.project_id = project_id
        self.view: duties.ProjectDutiesView | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="duties-summary", markup=False)
        with Horizontal(classes="actions"):
            yield Button("登记合同", id="btn-procurement", variant="primary")
            yield Button("监管系统录入", id="btn-supervision")
            yield Button("调整备案", id="btn-adjustment-filing")
            yield Button("委托实施", id="btn-delegation")
        yield Static(f"合同及承建单位的选定（{km.shown('new')} 登记合同）", classes="tab-note")
        yield DataTable(id="procurements", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        view = self.view = duties.project_duties(self.app.ctx, self.project_id)
        self.query_one("#duties-summary", Static).update(summary_text(view))
        table = self.query_one("#procurements", DataTable)
        table.clear(columns=True)
        table.add_columns("合同名称", "合同金额", "选定方式", "日期", "中标（成交）单位", "中标金额", "阳光操作记录")
        for c in view.procurements:
            table.add_row(c.contract_name, format_money(c.contract_amount), c.method,
                          c.procured_on.isoformat() if c.procured_on else "", c.winner,
                          format_money(c.awarded_amount) if c.awarded_amount else "", c.sunshine_note)

    def _open(self, dialog: FormDialog) -> None:
        self.app.push_screen(dialog, lambda done: done and self.refresh_data())

    def add_contract(self) -> None:
        self._open(ProcurementDialog(self.project_id))

    @on(Button.Pressed, "#btn-procurement")
    def _contract(self) -> None:
        self.add_contract()

    @on(Button.Pressed, "#btn-supervision")
    def _supervision(self) -> None:
        self._open(DateDialog("录入贵州省涉农资金监管系统", "录入日期",
                              lambda ctx, on: duties.record_supervision_entry(ctx, self.project_id, on)))

    @on(Button.Pressed, "#btn-adjustment-filing")
    def _adjustment(self) -> None:
        a = self.view.adjustment_to_file() if self.view else None
        if a is None:
            self.app.notify("没有待报县备案的已批复调整。", severity="warning")
            return
        self._open(DateDialog(f"项目调整（{a.content or '未写内容'}，{a.approved_on.isoformat()}批复）报县备案",
                              "备案日期", lambda ctx, on: duties.record_adjustment_filing(ctx, a.id, on)))

    @on(Button.Pressed, "#btn-delegation")
    def _delegation(self) -> None:
        self._open(DelegationDialog(self.project_id))


class DateDialog(FormDialog):
    """One dated step (P22 entry, P24 备案): the service refuses a date after today or before the approval."""

    def __init__(self, title: str, label: str, record) -> None:
        super().__init__(title)
        self.label, self.record = label, record

    def compose_fields(self) -> ComposeResult:
        yield Field(self.label, DateInput(self.app.ctx.today().isoformat(), id="on", required=True))

    def submit(self, confirmed: bool = False) -> Any:
        self.record(self.app.ctx, self.parsed_values()["on"])
        return True


class ProcurementDialog(FormDialog):
    """A contract and how its contractor was chosen (P25, 三(六))."""

    def __init__(self, project_id: int) -> None:
        super().__init__("登记合同及承建单位的选定", notes=[
            "达到县定标准的须政府采购或招投标（写日期、中标单位和金额）；未达标准的阳光操作（写明如何公开选定）。"])
        self.project_id = project_id

    def compose_fields(self) -> ComposeResult:
        yield Field("合同名称", TextInput(id="contract_name", required=True))
        yield Field("合同金额", MoneyInput(id="contract_amount", required=True))
        yield Field("选定方式", CodeSelect(list(METHODS), id="method", required=True))
        yield Field("采购日期", DateInput(id="procured_on"))
        yield Field("中标（成交）单位", TextInput(id="winner"))
        yield Field("中标（成交）金额", TextInput(id="awarded_amount", placeholder="元"))
        yield Field("阳光操作记录", TextInput(id="sunshine_note", placeholder="如何公开、公正、公平地选定"))

    def submit(self, confirmed: bool = False) -> Any:
        v = self.parsed_values()
        duties.add_procurement(self.app.ctx, self.project_id, contract_name=v["contract_name"],
                               contract_amount=v["contract_amount"], method=v["method"] or "",
                               procured_on=v["procured_on"], winner=v["winner"], awarded_amount=v["awarded_amount"],
                               sunshine_note=v["sunshine_note"])
        return True


class DelegationDialog(FormDialog):
    """Implementation delegated by agreement, the beneficiaries' consent first (P23, 三(二))."""

    def __init__(self, project_id: int) -> None:
        super().__init__("委托实施（须先征得受益农户同意）")
        self.project_id = project_id

    def compose_fields(self) -> ComposeResult:
        yield Field("受托方类型", CodeSelect(list(DELEGATE_KINDS), id="delegate_kind", required=True))
        yield Field("受托方名称", TextInput(id="delegate_name", required=True))
        yield Field("协议日期", DateInput(id="agreement_on", required=True))
        yield Field("协议编号", TextInput(id="agreement_no"))
        yield Field("农户同意日期", DateInput(id="consent_on", required=True))
        yield Field("征求方式", TextInput(id="consent_method", placeholder="户主大会、逐户签字等"))
        yield Field("征求意见户数", TextInput(id="consent_households"))
        yield Field("同意户数", TextInput(id="consent_agreed"))

    def submit(self, confirmed: bool = False) -> Any:
        v = self.parsed_values()
        duties.add_delegation(self.app.ctx, self.project_id, delegate_kind=v["delegate_kind"] or "",
                              delegate_name=v["delegate_name"], agreement_on=v["agreement_on"],
                              agreement_no=v["agreement_no"], consent_on=v["consent_on"],
                              consent_method=v["consent_method"], consent_households=v["consent_households"],
                              consent_agreed=v["consent_agreed"])
        return True
