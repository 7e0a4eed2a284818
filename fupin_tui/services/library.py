"""项目库 (P01): library entries per village and year — save, void, search.

Only an entry in the library can be applied for; an entry without performance
goals (绩效目标) is not admitted.  Lists filter by name, pinyin initials or
full pinyin through the stored ``search_keys`` column, as in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import or_
from sqlmodel import col, func, select

from fupin_tui.context import AppContext
from fupin_tui.db import refuse_if_changed
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.pinyin import search_keys
from fupin_tui.domain.text_check import fold_search
from fupin_tui.models.projects import LibraryEntry
from fupin_tui.models.settings import Village
from fupin_tui.services.voiding import live_row, require_reason, void

# Field key -> the Chinese label the form shows and errors name (one place for both).
LABELS: dict[str, str] = {
    "village_id": "所在村",
    "year": "年度",
    "name": "项目名称",
    "category": "项目类别",
    "construction_type": "建设性质",
    "fund_type": "资金类型",
    "location": "建设地点",
    "content": "建设内容",
    "subsidy_standard": "补助标准",
    "amount_total": "总投资（元）",
    "amount_fiscal": "财政专项（元）",
    "amount_integrated": "整合资金（元）",
    "amount_self": "自筹（元）",
    "amount_other": "其他资金（元）",
    "planned_start": "计划开工",
    "planned_end": "计划完工",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "beneficiary_households": "受益户数",
    "beneficiary_people": "受益人数",
    "poor_households": "其中贫困户",
    "poor_people": "其中贫困人口",
    "performance_goals": "绩效目标",
    "benefit_mechanism": "带贫减贫机制",
    "participation": "群众参与",
    "priority": "优先级",
}
REQUIRED = ("year", "name", "category", "content", "performance_goals")
CODE_LISTS = {"category": "项目类别", "construction_type": "建设性质", "fund_type": "资金类型"}
MONEY = ("amount_total", "amount_fiscal", "amount_integrated", "amount_self", "amount_other")
COUNTS = ("beneficiary_households", "beneficiary_people", "poor_households", "poor_people")
STATUSES = ("在库", "已申报", "已立项", "已出库")


@dataclass(frozen=True)
class EntryRow:
    id: int
    year: int
    village: str
    name: str
    category: str
    construction_type: str
    amount_total: Decimal
    amount_fiscal: Decimal
    poor_households: int
    priority: int
    status: str
    voided: bool
    version: int = 0


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def validate_entry(ctx: AppContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an entry as typed; returns the cleaned values or raises InputError naming the field."""
    values = {k: _clean(v) for k, v in data.items() if k in LABELS}
    for key in REQUIRED:
        if values.get(key) in (None, ""):
            problem = "不能为空：没有绩效目标的项目不予入库" if key == "performance_goals" else "不能为空"
            raise InputError(LABELS[key], problem)
    codes = ctx.codes
    for key, list_name in CODE_LISTS.items():
        if values.get(key) and not codes.is_valid(list_name, values[key]):
            raise InputError(LABELS[key], f"“{values[key]}”不在{list_name}代码表中")
        if values.get(key):
            values[key] = codes.canonical(list_name, values[key])
    if not values.get("village_id"):
        values["village_id"] = None
    year = int(values["year"])
    if not 2000 <= year <= 2100:
        raise InputError(LABELS["year"], f"年份不对：{year}")
    values["year"] = year
    for key in MONEY:
        amount = values.get(key) or Decimal("0")
        if not isinstance(amount, Decimal):
            raise InputError(LABELS[key], "应为金额")
        if amount < 0:
            raise InputError(LABELS[key], "不能为负数")
        values[key] = amount
    sources = sum((values[k] for k in MONEY[1:]), Decimal("0"))
    if values["amount_total"] == 0:
        values["amount_total"] = sources
    elif sources and sources != values["amount_total"]:
        raise InputError(LABELS["amount_total"],
                         f"应等于各资金来源之和 {sources:,.2f}（现填 {values['amount_total']:,.2f}）")
    if values["amount_total"] <= 0:
        raise InputError(LABELS["amount_fiscal"], "至少填写一项资金来源的金额")
    for key in COUNTS:
        n = values.get(key) or 0
        if n < 0:
            raise InputError(LABELS[key], "不能为负数")
        values[key] = int(n)
    if values["poor_households"] > values["beneficiary_households"]:
        raise InputError(LABELS["poor_households"], "不能多于受益户数")
    if values["poor_people"] > values["beneficiary_people"]:
        raise InputError(LABELS["poor_people"], "不能多于受益人数")
    start, end = values.get("planned_start"), values.get("planned_end")
    if start and end and end < start:
        raise InputError(LABELS["planned_end"], "不能早于计划开工")
    priority = values.get("priority") or 3
    if not 1 <= int(priority) <= 5:
        raise InputError(LABELS["priority"], "应为1到5（1最优先）")
    values["priority"] = int(priority)
    return values


def save_entry(ctx: AppContext, data: Mapping[str, Any], entry_id: int | None = None, *,
               loaded_version: int | None = None) -> int:
    """Admit a new entry or change one still in the library; one transaction."""
    values = validate_entry(ctx, data)
    with ctx.transaction() as s:
        if values.get("village_id") and s.get(Village, values["village_id"]) is None:
            raise InputError(LABELS["village_id"], "没有这个村")
        if entry_id is None:
            row = LibraryEntry(**values)
        else:
            row = s.get(LibraryEntry, entry_id)
            if row is None or row.voided:
                raise DomainError("项目库条目不存在或已作废")
            refuse_if_changed(row, loaded_version, f"项目库条目「{row.name}」")
            if row.status != "在库":
                raise DomainError(f"条目已{row.status}，其内容以项目档案为准，不能再改", rule="P01", section="二(五)")
            for key, value in values.items():
                setattr(row, key, value)
        row.search_keys = _keys(row.name, row.location)
        s.add(row)
        s.flush()
        return row.id


def _keys(*texts: str) -> str:
    return " ".join(k for k in (search_keys(t) for t in texts if t) if k)


def void_entry(ctx: AppContext, entry_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    """作废 with a reason; an entry already applied for stays (its project carries on)."""
    reason = require_reason(reason)
    with ctx.transaction() as s:
        row = live_row(s, LibraryEntry, entry_id, "项目库条目不存在或已作废", loaded_version=loaded_version,
                       what="这条项目库条目")
        if row.status != "在库":
            raise DomainError(f"条目已{row.status}，请在项目档案中终止项目", rule="P01", section="二(五)")
        void(s, row, reason)


def get_entry(ctx: AppContext, entry_id: int) -> dict[str, Any]:
    """The entry's fields as a dict (for the form)."""
    with ctx.read() as s:
        row = s.get(LibraryEntry, entry_id)
        if row is None:
            raise DomainError("项目库条目不存在")
        out = {k: getattr(row, k) for k in LABELS}
        out.update(id=row.id, status=row.status, voided=row.voided, void_reason=row.void_reason,
                   row_version=row.row_version)
        return out


def list_entries(ctx: AppContext, *, text: str = "", year: int | None = None, village_id: int | None = None,
                 category: str = "", status: str = "", include_voided: bool = False,
                 limit: int = 500) -> list[EntryRow]:
    """Library entries by priority; ``text`` matches name, content, pinyin keys."""
    with ctx.read() as s:
        q = (select(LibraryEntry, Village.name).join(Village, isouter=True)
             .order_by(LibraryEntry.year.desc(), LibraryEntry.priority, LibraryEntry.id))
        if not include_voided:
            q = q.where(LibraryEntry.voided == False)  # noqa: E712
        if year:
            q = q.where(LibraryEntry.year == year)
        if village_id:
            q = q.where(LibraryEntry.village_id == village_id)
        if category:
            q = q.where(LibraryEntry.category == category)
        if status:
            q = q.where(LibraryEntry.status == status)
        needle = fold_search(text)
        if needle:
            like = f"%{needle}%"
            q = q.where(or_(col(LibraryEntry.name).like(like), col(LibraryEntry.content).like(like),
                            col(LibraryEntry.search_keys).like(like), col(LibraryEntry.location).like(like)))
        rows = s.exec(q.limit(limit)).all()
        return [EntryRow(e.id, e.year, v or "", e.name, e.category, e.construction_type, e.amount_total,
                         e.amount_fiscal, e.poor_households, e.priority, e.status, e.voided, e.row_version) for e, v in rows]


def count_entries(ctx: AppContext) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(LibraryEntry).where(LibraryEntry.voided == False)).one()  # noqa: E712


def default_entry(ctx: AppContext) -> dict[str, Any]:
    """A fresh form: this year, 新建, 发展资金, priority 3."""
    return {"year": ctx.today().year, "construction_type": "新建", "fund_type": "发展资金", "priority": 3}
