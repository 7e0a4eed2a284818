"""The township's own data: county, township, villages, operators, app settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import select

from fupin_tui import identity, identity_change
from fupin_tui.context import AppContext
from fupin_tui.db import ChangedMeanwhile, refuse_if_changed
from fupin_tui.domain import text_check
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.models.base import now
from fupin_tui.models.settings import AppSetting, Operator, Township, Village


@dataclass(frozen=True)
class VillageRow:
    id: int
    code: str
    name: str
    is_poor_village: bool
    version: int = 0  # row_version as listed: saving over a newer one is refused


def _require(value: str, field: str, limit: int = text_check.NAME) -> str:
    return text_check.clean_text(value, field, limit=limit, required=True)


def township_version(ctx: AppContext) -> int | None:
    """The township row's row_version (None before set-up), kept by the settings form it shows."""
    row = ctx.township()
    return row.row_version if row is not None else None


def save_township(ctx: AppContext, county: str, name: str, code: str, *, loaded_version: int | None = None) -> None:
    county = _require(county, "县（区）")
    name = _require(name, "乡镇名称")
    code = _require(code, "乡镇代码")
    if not re.fullmatch(r"\d{9}", code):
        raise InputError("乡镇代码", "应为 9 位数字的行政区划代码（如 520123101）")
    with ctx.transaction() as s:
        existing = s.exec(select(Township)).first()
        if existing is not None:
            refuse_if_changed(existing, loaded_version, "乡镇信息")
        row = existing or Township(county=county, name=name, code=code)
        row.county, row.name, row.code = county, name, code
        s.add(row)
        identity_change.mark_in(s, township_code=code, township_name=name)


def save_village(ctx: AppContext, code: str, name: str, is_poor_village: bool, village_id: int | None = None, *,
                 loaded_version: int | None = None) -> int:
    code = _require(code, "村代码")
    name = _require(name, "村名")
    if not re.fullmatch(r"\d{12}", code):
        raise InputError("村代码", "应为 12 位数字的行政区划代码")
    with ctx.transaction() as s:
        clash = s.exec(select(Village).where(Village.code == code, Village.id != village_id)).first()
        if clash:
            raise InputError("村代码", f"与「{clash.name}」重复")
        if village_id:
            row = s.get(Village, village_id)
            if row is None:
                raise DomainError("该村不存在")
            refuse_if_changed(row, loaded_version, f"村「{row.name}」")
        else:
            row = Village(code=code, name=name)
        row.code, row.name, row.is_poor_village = code, name, is_poor_village
        s.add(row)
        s.flush()
        return row.id


def villages(ctx: AppContext, include_voided: bool = False) -> list[VillageRow]:
    with ctx.read() as s:
        q = select(Village).order_by(Village.code)
        if not include_voided:
            q = q.where(Village.voided == False)  # noqa: E712
        return [VillageRow(v.id, v.code, v.name, v.is_poor_village, v.row_version) for v in s.exec(q)]


def add_operator(ctx: AppContext, name: str) -> None:
    name = _require(name, "经办人姓名", text_check.PERSON)
    with ctx.transaction() as s:
        existing = s.exec(select(Operator).where(Operator.name == name)).first()
        if existing:
            existing.active = True
            s.add(existing)
        else:
            s.add(Operator(name=name))


def deactivate_operator(ctx: AppContext, name: str, *, loaded_version: int | None = None) -> None:
    with ctx.transaction() as s:
        row = s.exec(select(Operator).where(Operator.name == name)).first()
        if row:
            refuse_if_changed(row, loaded_version, f"经办人「{row.name}」")
            row.active = False
            s.add(row)


def operators(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return [o.name for o in s.exec(select(Operator).where(Operator.active == True).order_by(Operator.id))]  # noqa: E712


def operator_versions(ctx: AppContext) -> dict[str, int]:
    """Active operators' row_version by name, as the settings list shows them."""
    with ctx.read() as s:
        return {o.name: o.row_version for o in s.exec(select(Operator).where(Operator.active == True))}  # noqa: E712


def get_setting(ctx: AppContext, key: str, default: str | None = None) -> str | None:
    with ctx.read() as s:
        row = s.get(AppSetting, key)
        return row.value if row else default


def setting_version(ctx: AppContext, key: str) -> int:
    """The setting's row_version (0 when never set), kept by a form showing it."""
    with ctx.read() as s:
        row = s.get(AppSetting, key)
        return row.row_version if row else 0


def set_setting(ctx: AppContext, key: str, value: str, *, loaded_version: int | None = None) -> None:
    with ctx.transaction() as s:
        row = s.get(AppSetting, key)
        if row is None:
            row = AppSetting(key=key, value=value)
            if loaded_version:  # the form showed a value that is gone now
                raise ChangedMeanwhile("这项设置已被其他窗口清除，本次没有保存；请重新打开设置。")
        else:
            refuse_if_changed(row, loaded_version, "这项设置")
        row.value = value
        row.updated_at, row.updated_by = now(), ctx.operator
        row.row_version = (row.row_version or 0) + 1
        s.add(row)


def is_set_up(ctx: AppContext) -> bool:
    """First start: the township and at least one operator must be known before anything else."""
    return ctx.township() is not None and bool(operators(ctx))
