"""The township's own data: county, township, villages, operators, app settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import select

from fupin_tui import identity
from fupin_tui.context import AppContext
from fupin_tui.domain.errors import InputError
from fupin_tui.models.settings import AppSetting, Operator, Township, Village


@dataclass(frozen=True)
class VillageRow:
    id: int
    code: str
    name: str
    is_poor_village: bool


def _require(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InputError(field, "不能为空")
    return value


def save_township(ctx: AppContext, county: str, name: str, code: str) -> None:
    county = _require(county, "县（区）")
    name = _require(name, "乡镇名称")
    code = _require(code, "乡镇代码")
    if not re.fullmatch(r"\d{9}", code):
        raise InputError("乡镇代码", "应为 9 位数字的行政区划代码（如 520123101）")
    with ctx.transaction() as s:
        row = s.exec(select(Township)).first() or Township(county=county, name=name, code=code)
        row.county, row.name, row.code = county, name, code
        s.add(row)
        identity.mark_in(s, township_code=code, township_name=name)


def save_village(ctx: AppContext, code: str, name: str, is_poor_village: bool, village_id: int | None = None) -> int:
    code = _require(code, "村代码")
    name = _require(name, "村名")
    if not re.fullmatch(r"\d{12}", code):
        raise InputError("村代码", "应为 12 位数字的行政区划代码")
    with ctx.transaction() as s:
        clash = s.exec(select(Village).where(Village.code == code, Village.id != village_id)).first()
        if clash:
            raise InputError("村代码", f"与「{clash.name}」重复")
        row = s.get(Village, village_id) if village_id else Village(code=code, name=name)
        row.code, row.name, row.is_poor_village = code, name, is_poor_village
        s.add(row)
        s.flush()
        return row.id


def villages(ctx: AppContext, include_voided: bool = False) -> list[VillageRow]:
    with ctx.read() as s:
        q = select(Village).order_by(Village.code)
        if not include_voided:
            q = q.where(Village.voided == False)  # noqa: E712
        return [VillageRow(v.id, v.code, v.name, v.is_poor_village) for v in s.exec(q)]


def add_operator(ctx: AppContext, name: str) -> None:
    name = _require(name, "经办人姓名")
    with ctx.transaction() as s:
        existing = s.exec(select(Operator).where(Operator.name == name)).first()
        if existing:
            existing.active = True
            s.add(existing)
        else:
            s.add(Operator(name=name))


def deactivate_operator(ctx: AppContext, name: str) -> None:
    with ctx.transaction() as s:
        row = s.exec(select(Operator).where(Operator.name == name)).first()
        if row:
            row.active = False
            s.add(row)


def operators(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return [o.name for o in s.exec(select(Operator).where(Operator.active == True).order_by(Operator.id))]  # noqa: E712


def get_setting(ctx: AppContext, key: str, default: str | None = None) -> str | None:
    with ctx.read() as s:
        row = s.get(AppSetting, key)
        return row.value if row else default


def set_setting(ctx: AppContext, key: str, value: str) -> None:
    with ctx.transaction() as s:
        row = s.get(AppSetting, key) or AppSetting(key=key, value=value)
        row.value = value
        s.add(row)


def is_set_up(ctx: AppContext) -> bool:
    """First start: the township and at least one operator must be known before anything else."""
    return ctx.township() is not None and bool(operators(ctx))
