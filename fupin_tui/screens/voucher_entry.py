"""新建报账凭证: type the lines one by one (invoice or roster, as the budget line decides), then save.

Keys from fupin_tui/keymap.py (text inputs leave Ctrl letters to it, see textual_zh).
Each line is checked against the database when it is added (budget line
ceiling F05, roster or invoice F06, invoice used before), so a problem shows
while the paper is still in the clerk's hand; Ctrl+S saves the voucher with
all its lines in one transaction.
"""

from __future__ import annotations

import re
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from fupin_tui import keymap as km

from fupin_tui.domain.disbursement import INVOICE, ROSTER
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import format_money
from fupin_tui.services import funds as service
from fupin_tui.widgets.forms import (CheckField, CodeSelect, DateInput, Field, IntInput, MoneyInput, TextInput,
                                     first_problem)
from fupin_tui.widgets.search_picker import SearchPicker
from fupin_tui.widgets.footer import SteadyFooter

LINE_FIELDS = ("budget_line_id", "amount", "invoice_code", "invoice_no", "invoice_date", "seller", "attachments",
               "id_number", "signed_on")


class VoucherEntryScreen(ModalScreen[int | None]):
    DEFAULT_CSS = """
    VoucherEntryScreen { background: $background; }
    VoucherEntryScreen > VerticalScroll { height: 1fr; padding: 0 1; }
    VoucherEntryScreen .title { height: 1; }
    VoucherEntryScreen Grid { grid-size: 2; grid-gutter: 0 2; height: auto; }
    VoucherEntryScreen .section { color: $accent; height: 1; margin-top: 1; }
    VoucherEntryScreen #roster-fields, VoucherEntryScreen #invoice-fields { height: auto; }
    VoucherEntryScreen .-hidden { display: none; }
    VoucherEntryScreen .-wide { column-span: 2; }  /* 路面硬化C25混凝土（发票，余100,000.00） whole at 80 columns */
    VoucherEntryScreen #payee-row { height: auto; }
    VoucherEntryScreen #payee-row > Label { width: 14; color: $text-muted; }
    VoucherEntryScreen #payee-row > SearchPicker { width: 1fr; }
    VoucherEntryScreen #pending { height: auto; max-height: 8; }
    VoucherEntryScreen #voucher-total { height: 1; text-style: bold; }
    VoucherEntryScreen #voucher-error { color: $error; height: auto; }
    """
    BINDINGS = [
        km.bind("new", "add_line", "加入明细", tooltip="检查并加入本行明细（最后一栏回车也可）"),
        km.bind("save", "save", "保存凭证", tooltip="保存凭证及全部明细（一次完整保存）"),
        km.bind("void", "drop_line", "删除明细", tooltip="删除选中的未保存明细"),
        km.bind("back", "leave", "返回"),
    ]

    def __init__(self, project_id: int, *, final: bool = False) -> None:
        super().__init__()
        self.project_id = project_id
        self.final = final
        self.pending: list[service.LineInput] = []
        self.payee_household: int | None = None

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        view = service.project_funds(ctx, self.project_id)
        self.budget = {b.id: b for b in view.budget}
        with VerticalScroll():
            yield Label(f"新建报账凭证：{view.name}", classes="title")
            with Grid():
                yield Field("凭证号", TextInput(service.next_voucher_no(ctx), id="voucher_no", required=True))
                yield Field("制单日期", DateInput(ctx.today().isoformat(), id="made_on", required=True))
                yield Field("最终报账", CheckField(self.final, label="验收后的最后一笔", id="is_final"))
                yield Field("备注", TextInput(id="note"))
            yield Label("明细（每行对应一项概算）", classes="section")
            with Grid():
                # one budget line (a road's 路面): chosen already, the clerk starts at 金额
                only = view.budget[0].id if len(view.budget) == 1 else None
                budget = Field("概算项目", CodeSelect([(b.label, b.id) for b in view.budget], id="budget_line_id",
                                                      value=only, required=True))
                budget.add_class("-wide")
                yield budget
                yield Field("金额", MoneyInput(id="amount", required=True))
            with Grid(id="invoice-fields"):
                yield Field("发票代码", TextInput(id="invoice_code"))
                yield Field("发票号码", TextInput(id="invoice_no"))
                yield Field("开票日期", DateInput(id="invoice_date"))
                yield Field("销售方", TextInput(id="seller"))
                yield Field("附件张数", IntInput(id="attachments"))
            with Vertical(id="roster-fields", classes="-hidden"):
                with Horizontal(id="payee-row"):
                    yield Label("领款人")
                    yield SearchPicker(self._payees, placeholder="姓名、身份证号或户编号，回车选定", id="payee")
                with Grid():
                    yield Field("身份证号", TextInput(id="id_number"))
                    yield Field("签字日期", DateInput(id="signed_on"))
            yield DataTable(id="pending", cursor_type="row", zebra_stripes=True)
            yield Static("合计：0.00元", id="voucher-total")
            yield Static("", id="voucher-error")
        yield SteadyFooter()

    def _payees(self, text: str):
        return [(p.label, (p.household_id, p.id_number)) for p in service.find_payees(self.app.ctx, text)]

    def on_mount(self) -> None:
        self.query_one("#pending", DataTable).add_columns("行", "概算项目", "票据", "发票号/领款人", "金额")
        chosen = not self.query_one("#budget_line_id", CodeSelect).is_blank()
        self.query_one("#amount" if chosen else "#budget_line_id").focus()

    # -- the line editor ------------------------------------------------------
    def _field(self, widget_id: str) -> Field:
        return next(f for f in self.query(Field) if f.widget.id == widget_id)

    @on(Select.Changed, "#budget_line_id")
    def _budget_chosen(self, event: Select.Changed) -> None:
        b = self.budget.get(event.value) if isinstance(event.value, int) else None
        roster = b is not None and b.line_kind == ROSTER
        self.query_one("#invoice-fields").set_class(roster, "-hidden")
        self.query_one("#roster-fields").set_class(not roster, "-hidden")

    @on(SearchPicker.Picked, "#payee")
    def _payee_picked(self, event: SearchPicker.Picked) -> None:
        self.payee_household, id_number = event.value
        self.query_one("#id_number", TextInput).value = id_number
        self.query_one("#signed_on").focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        last = "signed_on" if self._line_kind() == ROSTER else "attachments"
        if event.input.id == last:
            self.action_add_line()
        else:
            self.focus_next()

    def _line_kind(self) -> str | None:
        value = self.query_one("#budget_line_id", CodeSelect).value
        b = self.budget.get(value) if isinstance(value, int) else None
        return b.line_kind if b else None

    def _line_touched(self) -> bool:
        return bool(self.query_one("#amount", MoneyInput).value.strip())

    def _read_line(self) -> service.LineInput:
        kind = self._line_kind()
        ids = ["budget_line_id", "amount"] + (["id_number", "signed_on"] if kind == ROSTER else
                                              ["invoice_code", "invoice_no", "invoice_date", "seller", "attachments"])
        values, problems = {}, []
        for widget_id in ids:
            f = self._field(widget_id)
            try:
                values[widget_id] = f.validate()
            except InputError as exc:
                problems.append((f, exc))
        if problems:
            raise first_problem(problems)
        if kind == ROSTER:
            household = self.payee_household
            if household is None and values["id_number"]:
                found = service.find_payees(self.app.ctx, values["id_number"])
                household = found[0].household_id if len(found) == 1 else None
            # not found in the registry: the name as typed (技工补助/培训务工补助 pay any person, 六(三))
            name = "" if household else self.query_one("#payee", SearchPicker).input.value.strip()
            return service.LineInput(values["budget_line_id"], values["amount"], household_id=household,
                                     id_number=values["id_number"], signed_on=values["signed_on"], payee_name=name)
        return service.LineInput(values["budget_line_id"], values["amount"], invoice_code=values["invoice_code"],
                                 invoice_no=values["invoice_no"], invoice_date=values["invoice_date"],
                                 seller=values["seller"], attachments=values["attachments"] or 0)

    def _header(self) -> dict:
        return {"voucher_no": self._field("voucher_no").validate(), "made_on": self._field("made_on").validate(),
                "is_final": self._field("is_final").validate(), "note": self._field("note").validate()}

    def _show(self, exc: Exception) -> None:
        self.query_one("#voucher-error", Static).update(str(exc))
        if isinstance(exc, InputError):
            label = re.sub(r"^第\d+行", "", exc.field)
            for f in self.query(Field):
                if f.label == label:
                    f.show_error(exc.problem)
                    f.widget.focus()
                    break
            if label in ("农户", "领款人"):
                self.query_one("#payee", SearchPicker).focus()

    def action_add_line(self) -> bool:
        try:
            line = self._read_line()
            head = self._header()
            service.check_voucher(self.app.ctx, self.project_id, [*self.pending, line], made_on=head["made_on"],
                                  voucher_no=head["voucher_no"])
        except DomainError as exc:  # InputError included
            self._show(exc)
            return False
        self.pending.append(line)
        self._redraw_pending()
        for widget_id in ("amount", "invoice_code", "invoice_no", "seller", "attachments", "id_number"):
            self._field(widget_id).widget.set_value(None)
        self.payee_household = None
        self.query_one("#payee", SearchPicker).clear()
        self.query_one("#voucher-error", Static).update("")
        self.query_one("#amount").focus()
        return True

    def _redraw_pending(self) -> None:
        table = self.query_one("#pending", DataTable)
        table.clear()
        for i, li in enumerate(self.pending, start=1):
            b = self.budget[li.budget_line_id]
            who = f"{li.invoice_code}-{li.invoice_no}" if b.line_kind == INVOICE else li.id_number
            table.add_row(str(i), b.item, b.line_kind, who, format_money(li.amount))
        total = sum((li.amount for li in self.pending), Decimal("0"))
        self.query_one("#voucher-total", Static).update(f"合计：{format_money(total)}元（{len(self.pending)}行）")

    def action_drop_line(self) -> None:
        table = self.query_one("#pending", DataTable)
        if self.pending and table.row_count:
            del self.pending[table.cursor_row]
            self._redraw_pending()

    def action_save(self) -> None:
        if self._line_touched() and not self.action_add_line():
            return
        try:
            head = self._header()
            voucher_id = service.create_voucher(self.app.ctx, self.project_id, self.pending, **head)
        except DomainError as exc:
            self._show(exc)
            return
        self.notify(f"凭证{head['voucher_no']}已保存")
        self.dismiss(voucher_id)

    def action_leave(self) -> None:
        if not self.pending and not self._line_touched():
            self.dismiss(None)
            return
        from fupin_tui.widgets.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog("凭证尚未保存，确定放弃吗？", yes="放弃", no="继续填写"),
                             lambda yes: self.dismiss(None) if yes else None)
