"""ProgressPanel: enter a dated progress report for one project, with its history and a bar chart.

Used by the progress screen and by the project dossier's 进度 tab.  Errors from
the service appear next to the field they name; nothing typed is lost.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from fupin_tui import keymap as km

from fupin_tui.domain.disbursement import pct
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import format_money, parse_decimal
from fupin_tui.services import funds as funds_service
from fupin_tui.services import progress as service
from fupin_tui.widgets.forms import DateInput, Field, IntInput, MoneyInput, TextInput, parse_fields

CHART_ROWS = 5


class PercentInput(TextInput):
    """Share of the work done as a clerk says it: 60, 60%, ６０％ or 0.6 of the whole."""

    def parse(self, text: str) -> Decimal:
        s = unicodedata.normalize("NFKC", text).strip().removesuffix("%").strip()
        value = parse_decimal(s, self.field_label, places=2)
        if "%" not in text and "％" not in text and value <= 1 and "." in s:
            value *= 100  # 0.6 means 60%
        if not 0 <= value <= 100:
            raise InputError(self.field_label, "应在0到100之间（百分数）")
        return (value / 100).quantize(Decimal("0.0001"))

    def empty_value(self):
        return None


def progress_bars(rows: list[service.ProgressRow], width: int = 40) -> Text:
    """One bar per report, drawn with coloured spaces (safe on the old Windows console)."""
    text = Text()
    for r in rows[-CHART_ROWS:]:
        filled = int((r.work_share * width).to_integral_value())
        text.append(f"{r.reported_on.strftime('%m-%d')} ")
        text.append(" " * filled, style="on green" if not r.regress_reason else "on yellow")
        text.append(" " * (width - filled), style="on grey23")
        text.append(f" {pct(r.work_share)}\n")
    if not rows:
        text.append("尚无进度记录", style="dim")
    return text


def _field(key: str, widget) -> Field:
    """Labels from the service, so its InputError lands on the right field; 16 cells fit 工程量完成比例."""
    return Field(service.LABELS[key], widget, label_width=16)


class ProgressPanel(Vertical):
    DEFAULT_CSS = """
    ProgressPanel { height: 1fr; }
    ProgressPanel #progress-form { grid-size: 2; grid-gutter: 0 2; height: auto; }
    ProgressPanel #progress-due { height: auto; color: $warning; }
    ProgressPanel #progress-chart { height: auto; max-height: 6; margin-top: 1; }
    ProgressPanel DataTable { height: 1fr; min-height: 4; }
    """
    BINDINGS = [
        km.bind("save", "save", "保存进度", tooltip="保存这条进度（一次完整保存）"),
        km.bind("void", "void", "作废", tooltip="作废选中的进度记录（须说明原因）"),
    ]

    class Saved(Message):
        def __init__(self, project_id: int, report_id: int) -> None:
            super().__init__()
            self.project_id, self.report_id = project_id, report_id

    def __init__(self, project_id: int, *, editable: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.project_id = project_id
        self.editable = editable

    def compose(self) -> ComposeResult:
        if self.editable:
            with Grid(id="progress-form"):
                yield _field("reported_on", DateInput(id="reported_on", required=True))
                yield _field("work_share", PercentInput(id="work_share", required=True, placeholder="如 60 表示60%"))
                yield _field("spent", MoneyInput(id="spent"))
                yield _field("households_reached", IntInput(id="households_reached"))
                yield _field("description", TextInput(id="description"))
                yield _field("platform_entered_on", DateInput(id="platform_entered_on"))
                yield _field("photos_before", TextInput(id="photos_before", placeholder="文件路径"))
                yield _field("photos_during", TextInput(id="photos_during"))
                yield _field("photos_after", TextInput(id="photos_after"))
                yield _field("regress_reason", TextInput(id="regress_reason", placeholder="进度比上次低时必填"))
        yield Static("", id="progress-due")
        yield Static("", id="progress-chart")
        yield DataTable(id="progress-history", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("填报日期", "完成比例", "已用资金", "受益户", "录入平台", "说明", "经办人")
        if self.editable:
            self.query_one("#reported_on", DateInput).set_value(self.app.ctx.today())
        self.refresh_data()

    def data_changed(self, changes) -> None:
        if changes.touches("project", self.project_id):
            self.refresh_data()

    def refresh_data(self) -> None:
        ctx = self.app.ctx
        rows = service.history(ctx, self.project_id)
        self.versions = {r.id: r.version for r in rows}  # as listed: voiding over a newer save is refused
        table = self.query_one(DataTable)
        table.clear()
        for r in reversed(rows):  # newest first
            note = r.description + (f"（回退：{r.regress_reason}）" if r.regress_reason else "")
            table.add_row(r.reported_on.isoformat(), pct(r.work_share), format_money(r.spent),
                          str(r.households_reached), r.platform_entered_on.isoformat() if r.platform_entered_on else "",
                          note, r.created_by, key=str(r.id))
        self.query_one("#progress-chart", Static).update(progress_bars(rows))
        self.query_one("#progress-due", Static).update(self._due_text())

    def _due_text(self) -> str:
        """P13: what must be entered, by when (the disbursements and reimbursements still waiting)."""
        try:
            view = funds_service.project_funds(self.app.ctx, self.project_id)
        except DomainError:
            return ""
        today = self.app.ctx.today()
        lines = []
        for d in view.info_deadlines:
            if d.is_open:
                state = "已逾期，拨款和报账已暂停" if d.is_overdue(today) else f"还剩{d.workdays_left}个工作日"
                lines.append(f"[P13] {d.basis}须录入进度：截止{d.due.isoformat()}，{state}"
                             + (f"（{d.warning}）" if d.warning else ""))
        return "\n".join(lines[-2:])

    # -- entry ----------------------------------------------------------------
    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    def _values(self) -> dict:
        return parse_fields(self.query(Field))

    def action_save(self) -> None:
        if not self.editable:
            return
        try:
            v = self._values()
            report_id = service.record_progress(
                self.app.ctx, self.project_id, reported_on=v["reported_on"], work_share=v["work_share"],
                description=v["description"], spent=v["spent"], households_reached=v["households_reached"] or 0,
                photos_before=v["photos_before"], photos_during=v["photos_during"], photos_after=v["photos_after"],
                platform_entered_on=v["platform_entered_on"], regress_reason=v["regress_reason"])
        except InputError as exc:
            self._show_error(exc)
            self.notify(str(exc), title="未保存", severity="error")
            return
        except DomainError as exc:
            self.notify(str(exc), title="未保存", severity="error", timeout=8)
            return
        for f in self.query(Field):
            if f.widget.id != "reported_on":
                f.empty()
        self.refresh_data()
        self.notify("进度已保存")
        self.post_message(self.Saved(self.project_id, report_id))

    def _show_error(self, exc: InputError) -> None:
        for f in self.query(Field):
            if f.label == exc.field:
                f.show_error(exc.problem)
                f.widget.focus()
                return

    def action_void(self) -> None:
        table = self.query_one(DataTable)
        if not self.editable or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        from fupin_tui.dialogs.reason import ReasonDialog

        def done(reason: str | None) -> None:
            if not reason:
                return
            try:
                service.void_progress(self.app.ctx, int(key), reason,
                                      loaded_version=getattr(self, "versions", {}).get(int(key)))
            except DomainError as exc:
                self.notify(str(exc), severity="error")
                return
            self.refresh_data()
            self.notify("已作废该进度记录")

        self.app.push_screen(ReasonDialog("作废进度记录", "作废原因"), done)
