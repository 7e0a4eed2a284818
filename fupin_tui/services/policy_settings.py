"""Policy parameters in the settings screen: show, change (validated), restore the default."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from sqlmodel import select

from fupin_tui.context import AppContext
from fupin_tui.db import ChangedMeanwhile, refuse_if_changed, write_audit
from fupin_tui.domain import policy as pol
from fupin_tui.domain.errors import InputError
from fupin_tui.models.base import now
from fupin_tui.models.settings import PolicyOverride


@dataclass(frozen=True)
class ParamRow:
    name: str
    label: str
    unit: str
    rules: str
    section: str
    value: str
    default: str
    changed: bool
    version: int = 0  # the override's row_version (0: the shipped default is in force)


def show_value(value: object, kind: str) -> str:
    """A value as the clerk reads and types it: 5%, 50%, 30%, 20%, 产业发展=30% …"""
    if kind in ("rate",):
        return _pct(value)
    if kind == "switch":
        return "是" if value else "否"
    if kind == "rate_list":
        return ", ".join(_pct(v) for v in value)
    if kind == "ratio_table":
        return ", ".join(f"{k}={_pct(v)}" for k, v in value.items())
    if kind in ("year_table", "count_table"):
        if not value and kind == "count_table":
            return "未设定（不检查）"
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if kind == "text_list":
        return "、".join(value)
    return str(value)


def _pct(value: object) -> str:
    return f"{(Decimal(value) * 100).normalize():f}%"


def parse_typed(name: str, text: str) -> object:
    """Text typed in settings to the raw form validate_value expects."""
    spec = pol.load_defaults()[name]
    text = text.strip()
    if spec.kind == "count_table" and text in ("", "未设定（不检查）", "不检查", "无"):
        return {}
    if spec.kind in ("ratio_table", "year_table", "count_table"):
        table: dict = {}
        for part in re.split(r"[,，、;\n]+", text):
            if not part.strip():
                continue
            key, sep, value = part.replace("＝", "=").partition("=")
            if not sep:
                raise InputError(spec.label, f"「{part.strip()}」应写成 名称=数值")
            key = key.strip()
            table[int(key) if spec.kind != "ratio_table" and key.isdigit() else key] = value.strip()
        return table
    return text


def param_rows(ctx: AppContext) -> list[ParamRow]:
    from fupin_tui.domain.rules import param_rules  # the one rule <-> parameter map (the rule code)

    policy = ctx.policy
    users = param_rules()
    with ctx.read() as s:
        versions = {r.name: r.row_version for r in s.exec(select(PolicyOverride))}
    rows = []
    for name, spec in pol.load_defaults().items():
        value = policy.value(name)
        rows.append(ParamRow(name, spec.label, spec.unit, "、".join(users.get(name, ())), spec.section,
                             show_value(value, spec.kind), show_value(spec.default, spec.kind),
                             name in policy.overrides, versions.get(name, 0)))
    return rows


def _current(ctx: AppContext) -> Mapping[str, object]:
    return ctx.policy.as_dict()


def _refuse_if_changed(row: PolicyOverride | None, loaded_version: int | None, label: str) -> None:
    """As ``db.refuse_if_changed``; an absent override is version 0 (the shipped default)."""
    if loaded_version is None or (row.row_version if row else 0) == loaded_version:
        return
    if row is None:
        raise ChangedMeanwhile(f"政策参数「{label}」已被其他窗口恢复为默认值，本次没有保存；请重新打开后再改。")
    refuse_if_changed(row, loaded_version, f"政策参数「{label}」")


def set_param(ctx: AppContext, name: str, text: str, *, loaded_version: int | None = None) -> None:
    """Validate (including the checks across two parameters) and store."""
    value = pol.validate_value(name, parse_typed(name, text), _current(ctx))
    stored = pol.to_storage(name, value)
    with ctx.transaction() as s:
        row = s.get(PolicyOverride, name)
        _refuse_if_changed(row, loaded_version, pol.load_defaults()[name].label)
        row = row or PolicyOverride(name=name, value=stored)
        row.value = stored
        row.updated_by, row.updated_at = ctx.operator, now()
        row.row_version = (row.row_version or 0) + 1
        s.add(row)
    ctx.reload_policy()


def reset_param(ctx: AppContext, name: str, *, loaded_version: int | None = None) -> None:
    spec = pol.load_defaults()[name]
    current = dict(_current(ctx))
    current[name] = spec.default
    pol.validate_value(name, spec.default, current)  # refuses when another value depends on it
    with ctx.transaction() as s:
        row = s.get(PolicyOverride, name)
        _refuse_if_changed(row, loaded_version, spec.label)
        if row is None:
            return
        write_audit(s, "policyoverride", name, "恢复默认", before={"value": row.value}, after=None)
        s.delete(row)
    ctx.reload_policy()


def overridden(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return [r.name for r in s.exec(select(PolicyOverride))]
