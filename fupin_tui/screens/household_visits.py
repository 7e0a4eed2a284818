"""The household form's part-B pieces (RULES-2 H10, H11, H13, H14): the identification's names, the
责任状, the 一户一档 and the county approval on 户信息, and the 走访 tab (遍访).

Kept apart from ``household_form`` so that screen only mounts them.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Label

from fupin_tui import keymap as km
from fupin_tui.dialogs.kit import FormDialog
from fupin_tui.domain.rules.duties_registry import FILE_ITEMS
from fupin_tui.services import duties
from fupin_tui.widgets.forms import DateInput, Field, TextInput

VISITS_TAB = "tab-visits"


def duty_fields() -> ComposeResult:
    """户信息: 谁调查 beside 谁登记/谁审核 (H14), the 责任状, the household's file (H10), the county's approval (H13)."""
    yield Label("识别责任与档案", classes="section")
    with Grid(classes="form-grid"):
        yield Field("调查人", TextInput(id="investigator"))
        yield Field("责任状签订日期", DateInput(id="responsibility_letter_on"))
        yield Field("归档日期", DateInput(id="file_filed_on"))
        yield Field("已归档材料", TextInput(id="file_items", placeholder="用、分隔：" + "、".join(FILE_ITEMS[:2]) + "…"))
        yield Field("县级批准文号", TextInput(id="county_approval_no", placeholder="超出县下达规模时填写"))
        yield Field("县级批准日期", DateInput(id="county_approved_on"))


def visits_text(ctx, household_id: int) -> str:
    """The 走访 tab: every visit, newest first, and this year's count against the county's minimum."""
    rows = duties.visits(ctx, household_id)
    need = int(ctx.policy.visits_per_year)
    this_year = ctx.today().year
    done = sum(1 for v in rows if v.visited_on.year == this_year)
    lines = [f"走访记录（{km.shown('new')} 登记走访）　{this_year}年已走访{done}次，每年至少{need}次", ""]
    for v in rows:
        unit = f"（{v.visitor_unit}）" if v.visitor_unit else ""
        lines.append(f"  {v.visited_on.isoformat()}  {v.visitor}{unit}  {v.note}".rstrip())
    if not rows:
        lines.append("  （尚无走访记录）")
    return "\n".join(lines)


class VisitDialog(FormDialog):
    """One visit (遍访, H11): the date and who visited; a date after today is refused by the service."""

    def __init__(self, household_id: int, helper: str = "", unit: str = "") -> None:
        super().__init__("登记走访")
        self.household_id, self.helper, self.unit = household_id, helper, unit

    def compose_fields(self) -> ComposeResult:
        yield Field("走访日期", DateInput(self.app.ctx.today().isoformat(), id="visited_on", required=True))
        yield Field("走访人", TextInput(self.helper, id="visitor", required=True))
        yield Field("走访人单位", TextInput(self.unit, id="visitor_unit"))
        yield Field("走访情况", TextInput(id="note"))

    def submit(self, confirmed: bool = False) -> Any:
        values = self.parsed_values()
        duties.add_visit(self.app.ctx, self.household_id, visited_on=values["visited_on"], visitor=values["visitor"],
                         visitor_unit=values["visitor_unit"], note=values["note"])
        self.app.notify(f"已登记 {values['visited_on'].isoformat()} {values['visitor']} 的走访")
        return True
