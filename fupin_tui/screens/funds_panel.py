"""FundsPanel: one project's money — tranches under 532, vouchers and their lines, budget lines.

Used by the funds screen and by the project dossier's 报账 tab.  Every action
calls ``services.funds``; a refusal is shown with its rule id and reason.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from fupin_tui import keymap as km

from fupin_tui.domain.disbursement import pct, unpaid_tranches
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.money import format_money
from fupin_tui.services import funds as service
from fupin_tui.widgets.forms import CodeSelect, DateInput, Field, MoneyInput, TextInput
from fupin_tui.dialogs.kit import FieldListDialog

M = format_money


def summary_text(view: service.ProjectFunds) -> str:
    t = view.totals
    deposit = f"质保金{M(view.deposit)}（{view.deposit_state or '未扣留'}）" if view.deposit else "无质保金"
    return (f"批复{M(t.approved)}  已拨{M(t.disbursed)}  已报账{M(t.reimbursed)}  待报账{M(t.unreimbursed)}"
            f"  未拨{M(t.undisbursed)}  {deposit}  进度{pct(view.work_share)}  {view.mode}")


def status_lines(view: service.ProjectFunds, today) -> list[tuple[str, str]]:
    """(text, css class) lines: what can be disbursed now and why; blocks; the F04 due date."""
    av = view.available
    out = []
    if av.tranche is None:
        out.append((av.reason, "ok"))
    elif av.allowed:
        out.append((f"可拨款：{av.reason}", "ok"))
    else:
        out.append(("暂不可拨：" + "；".join(str(p) for p in av.problems), "bad"))
    if view.reimburse_block:
        out.append((f"报账暂停：{view.reimburse_block}", "bad"))
    d = view.final_deadline
    if d is not None:
        if d.done_on:
            out.append((f"最终报账已于{d.done_on.isoformat()}完成" + ("（逾期）" if d.done_late else ""), "ok"))
        else:
            late = d.is_overdue(today)
            # in working days, like every other deadline (the basis may be calendar days: 30天，合20个工作日)
            left = (f"已逾期{-d.workdays_left}个工作日" if late else
                    "今天到期" if d.workdays_left == 0 else f"还剩{d.workdays_left}个工作日")
            kind = "bad" if late else "warn"
            # the due date and what is left first, the basis under it: one line would wrap mid-word at 80
            out.append((f"[F04] 最终报账截止{d.due.isoformat()}，{left}", kind))
            out.append((f"      （{d.basis}）", kind))
    return out


class FundsPanel(Vertical):
    DEFAULT_CSS = """
    FundsPanel { height: 1fr; }
    FundsPanel #funds-summary { height: auto; }
    FundsPanel #funds-status { height: auto; }
    FundsPanel TabbedContent { height: 1fr; }
    FundsPanel TabPane { padding: 0; }
    FundsPanel DataTable { height: 1fr; min-height: 3; }
    FundsPanel #voucher-lines { height: 1fr; max-height: 8; }
    FundsPanel #tranche-plan { height: auto; max-height: 6; margin-bottom: 1; }
    """
    BINDINGS = [
        km.bind("act", "act", "拨款/报账", tooltip="分期拨款页：按532规则拨付下一期；报账凭证页：选中的凭证办理报账"),
        km.bind("new", "new_voucher", "新凭证", tooltip="新建报账凭证（发票或名册）"),
        km.bind("print", "print_voucher", "打印", tooltip="生成选中凭证的报账单和名册（Excel）"),
        km.bind("void", "void", "作废", tooltip="作废选中的凭证或拨款（须说明原因）", show=False),
        km.bind("deposit", "deposit", "质保金", tooltip="验收后退还或转入质量保证金", show=False),
        km.bind("tab-1", "tab('tab-tranches')", "分期拨款", show=False),
        km.bind("tab-2", "tab('tab-vouchers')", "报账凭证", show=False),
        km.bind("tab-3", "tab('tab-budget')", "资金概算", show=False),
    ]
    TAB_FOCUS = {"tab-tranches": "#tranche-plan", "tab-vouchers": "#vouchers", "tab-budget": "#budget"}

    class Changed(Message):
        def __init__(self, project_id: int) -> None:
            super().__init__()
            self.project_id = project_id

    def __init__(self, project_id: int, *, tab_keys: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.project_id = project_id
        self.tab_keys = tab_keys  # digits switch inner tabs only on the funds screen, not in the dossier
        self.view: service.ProjectFunds | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="funds-summary")
        yield Static("", id="funds-status")
        with TabbedContent(id="funds-tabs"):
            with TabPane("分期拨款", id="tab-tranches"):
                yield DataTable(id="tranche-plan", cursor_type="row")
                yield DataTable(id="payments", cursor_type="row")
            with TabPane("报账凭证", id="tab-vouchers"):
                yield DataTable(id="vouchers", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="voucher-lines", cursor_type="row")
            with TabPane("资金概算", id="tab-budget"):
                yield DataTable(id="budget", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#tranche-plan", DataTable).add_columns(
            "期次", "比例", "需进度", "应拨", "扣质保金", "已拨", "尚可拨", "状态")
        self.query_one("#payments", DataTable).add_columns("期次", "拨款日期", "金额", "扣质保金", "文号", "经办人")
        self.query_one("#vouchers", DataTable).add_columns(
            "凭证号", "制单日期", "报账日期", "拨款期次", "金额", "行数", "状态")
        self.query_one("#voucher-lines", DataTable).add_columns("概算项目", "票据", "明细", "日期", "金额")
        self.query_one("#budget", DataTable).add_columns("概算项目", "支出类别", "报账凭据", "概算", "调整后", "已用", "余额")
        self.refresh_data()

    def data_changed(self, changes) -> None:
        """Progress entered, money moved, the project accepted …: show it now (fupin_tui.relay)."""
        if changes.touches("project", self.project_id):
            self.refresh_data()

    # -- showing ----------------------------------------------------------------
    def refresh_data(self) -> None:
        ctx = self.app.ctx
        view = self.view = service.project_funds(ctx, self.project_id)
        self.query_one("#funds-summary", Static).update(summary_text(view))
        status = self.query_one("#funds-status", Static)
        from rich.text import Text

        styles = {"ok": "green", "warn": "yellow", "bad": "bold red"}
        text = Text()
        for i, (line, kind) in enumerate(status_lines(view, ctx.today())):
            text.append(("\n" if i else "") + line, style=styles[kind])
        status.update(text)

        plan = self.query_one("#tranche-plan", DataTable)
        plan.clear()
        for t in view.plan:
            plan.add_row(f"第{t.seq}期", pct(t.share), pct(t.threshold), M(t.planned), M(t.deposit), M(t.paid),
                         M(t.remaining), t.status, key=str(t.seq))
        pay = self.query_one("#payments", DataTable)
        pay.clear()
        for p in view.payments:
            pay.add_row(f"第{p.seq}期", p.disbursed_on.isoformat(), M(p.amount), M(p.deposit_withheld), p.document_no,
                        p.created_by, key=str(p.id))
        vouchers = self.query_one("#vouchers", DataTable)
        keep = vouchers.cursor_row
        vouchers.clear()
        for v in view.vouchers:
            vouchers.add_row(v.voucher_no, v.made_on.isoformat(),
                             v.reimbursed_on.isoformat() if v.reimbursed_on else "",
                             f"第{v.tranche_seq}期" if v.tranche_seq else "", M(v.total), str(len(v.lines)), v.status,
                             key=str(v.id))
        if view.vouchers:
            vouchers.move_cursor(row=min(keep, len(view.vouchers) - 1))
        self._show_lines()
        budget = self.query_one("#budget", DataTable)
        budget.clear()
        for b in view.budget:
            budget.add_row(b.item, b.spending_kind, b.line_kind, M(b.amount),
                           M(b.adjusted) if b.adjusted is not None else "", M(b.spent), M(b.left), key=str(b.id))

    def selected_voucher(self) -> service.VoucherRow | None:
        if not self.view or not self.view.vouchers:
            return None
        row = self.query_one("#vouchers", DataTable).cursor_row
        return self.view.vouchers[min(max(row, 0), len(self.view.vouchers) - 1)]

    @on(DataTable.RowHighlighted, "#vouchers")
    def _voucher_highlighted(self, _event) -> None:
        self._show_lines()

    def _show_lines(self) -> None:
        lines = self.query_one("#voucher-lines", DataTable)
        lines.clear()
        v = self.selected_voucher()
        for line in v.lines if v else ():
            when = line.invoice_date or line.signed_on
            lines.add_row(line.budget_item, line.kind, line.detail, when.isoformat() if when else "", M(line.amount))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "tab" and not self.tab_keys:
            return False  # let the dossier's own digit keys through
        return True

    def action_tab(self, tab: str) -> None:
        self.show_tab(tab)

    def show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(self.TAB_FOCUS[tab]).focus()

    def _changed(self, message: str, tab: str | None = None) -> None:
        self.refresh_data()
        if tab:
            self.show_tab(tab)
        self.notify(message)
        self.post_message(self.Changed(self.project_id))

    # -- actions ----------------------------------------------------------------
    def action_act(self) -> None:
        """Ctrl+B 办理: 拨款 on the tranches page, 报账 of the chosen voucher on the vouchers page."""
        if self.query_one(TabbedContent).active == "tab-vouchers":
            self.action_reimburse()
        else:
            self.action_disburse()

    def action_disburse(self) -> None:
        ctx = self.app.ctx
        av = self.view.available
        if not av.allowed:
            reason = "；".join(str(p) for p in av.problems) or av.reason
            self.notify(f"暂不能拨款：{reason}", title="拨款", severity="error", timeout=10)
            return
        t = av.tranche
        fields = [
            Field("拨款金额", MoneyInput(M(av.amount).replace(",", ""), id="amount", required=True)),
            Field("拨款日期", DateInput(ctx.today().isoformat(), id="disbursed_on", required=True)),
            Field("拨款文号", TextInput(id="document_no")),
        ]

        def act(v):
            service.disburse(ctx, self.project_id, v["amount"], v["disbursed_on"], document_no=v["document_no"])
            return True

        def done(ok):
            if ok:
                self._changed(f"第{t.seq}期拨款已登记", "tab-tranches")

        self.app.push_screen(FieldListDialog(f"第{t.seq}期拨款", fields, act, info=av.reason), done)

    def action_new_voucher(self) -> None:
        from fupin_tui.screens.voucher_entry import VoucherEntryScreen

        def done(voucher_id):
            if voucher_id:
                self._changed("凭证已保存，待报账", "tab-vouchers")
                vouchers = self.query_one("#vouchers", DataTable)
                vouchers.move_cursor(row=vouchers.row_count - 1)

        # 最终报账 is offered ticked for the money left after acceptance, once every tranche is paid
        final = (self.view.accepted_on is not None and self.view.final_reimbursed_on is None
                 and not unpaid_tranches(self.view.plan))
        self.app.push_screen(VoucherEntryScreen(self.project_id, final=final), done)

    def action_reimburse(self) -> None:
        ctx = self.app.ctx
        v = self.selected_voucher()
        if v is None:
            self.notify("请先在“报账凭证”（按2）中选中一张凭证", severity="warning")
            return
        if v.reimbursed_on:
            self.notify(f"凭证{v.voucher_no}已于{v.reimbursed_on.isoformat()}报账", severity="warning")
            return
        fields = [Field("报账日期", DateInput(ctx.today().isoformat(), id="reimbursed_on", required=True))]

        def act(values):
            service.reimburse(ctx, v.id, values["reimbursed_on"], loaded_version=v.version)
            return True

        def done(ok):
            if ok:
                self._changed(f"凭证{v.voucher_no}已报账")

        info = f"凭证{v.voucher_no}，金额{M(v.total)}元" + ("（最终报账）" if v.is_final else "")
        self.app.push_screen(FieldListDialog("办理报账", fields, act, info=info), done)

    def action_print_voucher(self) -> None:
        v = self.selected_voucher()
        if v is None:
            self.notify("请先选中一张凭证", severity="warning")
            return
        self._print(v.id)

    @work(thread=True, exclusive=True, group="print-voucher", description="生成报账单")
    def _print(self, voucher_id: int) -> None:
        from fupin_tui.excel.voucher_print import print_voucher

        from fupin_tui.dialogs.stripped import printed
        from fupin_tui.excel.styles import collect_stripped

        try:
            with collect_stripped() as stripped:
                path: Path = print_voucher(self.app.ctx, self.project_id, voucher_id)
        except (DomainError, OSError) as exc:
            self.app.call_from_thread(self.notify, f"未能生成：{exc}", severity="error")
            return
        self.app.call_from_thread(printed, self, stripped, f"报账单已保存：{path}", here=f"project:{self.project_id}")

    def action_void(self) -> None:
        from fupin_tui.dialogs.reason import ReasonDialog

        ctx = self.app.ctx
        tabs = self.query_one(TabbedContent)
        if tabs.active == "tab-tranches":
            pays = self.query_one("#payments", DataTable)
            if not self.view.payments:
                return
            p = self.view.payments[pays.cursor_row]
            title, call = f"作废第{p.seq}期拨款（{M(p.amount)}元）", lambda r: service.void_tranche(
                ctx, p.id, r, loaded_version=p.version)
        else:
            v = self.selected_voucher()
            if v is None:
                return
            title, call = f"作废凭证{v.voucher_no}", lambda r: service.void_voucher(
                ctx, v.id, r, loaded_version=v.version)

        def done(reason):
            if not reason:
                return
            try:
                call(reason)
            except DomainError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self._changed("已作废")

        self.app.push_screen(ReasonDialog(title, "作废原因"), done)

    def action_deposit(self) -> None:
        """Refund or transfer the withheld deposit after acceptance (the projects service owns P21)."""
        from fupin_tui.services import projects

        ctx = self.app.ctx
        fields = [
            Field("保证金去向", CodeSelect(("已退还", "已转入"), value="已退还", id="state", required=True)),
            Field("日期", DateInput(ctx.today().isoformat(), id="on", required=True)),
        ]

        version = self.view.version  # the project as shown: another window's newer save is not overwritten

        def act(v):
            projects.set_deposit_state(ctx, self.project_id, v["state"], v["on"], loaded_version=version)
            return True

        def done(ok):
            if ok:
                self._changed("质量保证金已处理")

        info = f"质量保证金{M(self.view.deposit)}元（{self.view.deposit_state or '未扣留'}），验收合格后退还或转入"
        self.app.push_screen(FieldListDialog("质量保证金", fields, act, info=info), done)
