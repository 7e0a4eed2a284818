"""Policy parameters in the settings screen: show, change (validated), restore the default."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from sqlmodel import select

from fupin_tui.context import AppContext
from fupin_tui.db import write_audit
from fupin_tui.domain import policy as pol
from fupin_tui.domain.errors import InputError
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
    rows = []
    for name, spec in pol.load_defaults().items():
        value = policy.value(name)
        rows.append(ParamRow(name, spec.label, spec.unit, "、".join(users.get(name, ())), spec.section,
                             show_value(value, spec.kind), show_value(spec.default, spec.kind),
                             name in policy.overrides))
    return rows


def _current(ctx: AppContext) -> Mapping[str, object]:
    return ctx.policy.as_dict()


def set_param(ctx: AppContext, name: str, text: str) -> None:
    """Validate (including the checks across two parameters) and store."""
    value = pol.validate_value(name, parse_typed(name, text), _current(ctx))
    stored = pol.to_storage(name, value)
    with ctx.transaction() as s:
        row = s.get(PolicyOverride, name) or PolicyOverride(name=name, value=stored)
        row.value = stored
        row.updated_by = ctx.operator
        s.add(row)
    ctx.reload_policy()


def reset_param(ctx: AppContext, name: str) -> None:
    spec = pol.load_defaults()[name]
    current = dict(_current(ctx))
    current[name] = spec.default
    pol.validate_value(name, spec.default, current)  # refuses when another value depends on it
    with ctx.transaction() as s:
        row = s.get(PolicyOverride, name)
        if row is None:
            return
        write_audit(s, "policyoverride", name, "恢复默认", before={"value": row.value}, after=None)
        s.delete(row)
    ctx.reload_policy()


def overridden(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return [r.name for r in s.exec(select(PolicyOverride))]
