"""体检 over a county database: the rules run township by township.

A county database holds the merged packages of several townships. Each
township's rows (known from ``CountyOwned``) are checked as that township
checks them: its own name fills the file-number pattern (R01), township-wide
rules (F08, L02, L04, Y02 …) count its own households and projects, and every
finding carries the township's name. Policy values are the county database's.

The data is loaded once (``checks.load_check_data``) and split by ownership,
so the loaders stay the township's and the county costs one load.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select

from fupin_tui.context import AppContext
from fupin_tui.domain.errors import InputError
from fupin_tui.domain.rules import CheckData, Finding, run_rules
from fupin_tui.models import CountyOwned, Township


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    households: frozenset[int]
    projects: frozenset[int]
    entities: frozenset[int]


def is_county(ctx: AppContext) -> bool:
    """True when the database holds merged township packages."""
    from sqlalchemy import inspect

    if not inspect(ctx.db.engine).has_table("countyowned"):
        return False
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(CountyOwned)).scalar_one() > 0


def towns(ctx: AppContext, code: str | None = None) -> list[Town]:
    """The townships merged into the county database (one, when ``code`` is given)."""
    with ctx.read() as s:
        names = dict(s.execute(select(Township.code, Township.name).where(Township.voided == False)).all())  # noqa: E712
        owned: dict[tuple[str, str], set[int]] = {}
        for town, table, row_id in s.execute(select(CountyOwned.township_code, CountyOwned.table_name,
                                                    CountyOwned.row_id)):
            owned.setdefault((town, table), set()).add(row_id)
    codes = sorted({town for town, _ in owned} | set(names))
    if code is not None:
        code = code.strip()
        if code not in codes:
            known = "、".join(f"{c} {names.get(c, '')}".strip() for c in codes) or "无"
            raise InputError("乡镇", f"汇总库中没有乡镇代码 {code}（有：{known}）")
        codes = [code]
    return [Town(c, names.get(c, c), frozenset(owned.get((c, "household"), ())),
                 frozenset(owned.get((c, "project"), ())), frozenset(owned.get((c, "entity"), ())))
            for c in codes]


def split(data: CheckData, town: Town) -> CheckData:
    """The part of the county's data that belongs to one township, named after it."""
    shared = []
    for key, households in data.shared_ids:
        mine = tuple(h for h in households if h.id in town.households)
        if len(mine) > 1:
            shared.append((key, mine))
    return replace(
        data, township=town.name,
        projects=tuple(p for p in data.projects if p.id in town.projects),
        households=tuple(h for h in data.households if h.id in town.households),
        entities=tuple(e for e in data.entities if e.id in town.entities),
        shared_ids=tuple(shared))


def township_acks(ctx: AppContext) -> dict[tuple[str, str, str], object]:
    """The acknowledgements merged into the county, keyed by (township name, rule, record): a
    township-wide finding is acknowledged by its text, and another township's identical text is
    not the same finding."""
    from sqlalchemy import text

    from fupin_tui.domain.rules import ack_of

    names = {t.code: t.name for t in towns(ctx)}
    out = {}
    with ctx.read() as s:
        rows = s.execute(text(
            "SELECT fa.rule, fa.record, fa.reason, fa.acknowledged_by, fa.acknowledged_at, co.township_code "
            "FROM findingack fa LEFT JOIN countyowned co ON co.table_name = 'findingack' AND co.row_id = fa.id "
            "WHERE NOT fa.voided ORDER BY fa.id"))
        for rule, record, reason, by, at, code in rows:
            # an acknowledgement made at the county itself (no township owns it) holds wherever it matches
            out[(names.get(code, code) if code else None, rule, record)] = ack_of(reason, by, at)
    return out


def apply_township_acks(ctx: AppContext, findings: list[Finding]) -> list[Finding]:
    from fupin_tui.domain.rules import ack_key

    acks = township_acks(ctx)
    out = []
    for f in findings:
        key = ack_key(f)
        ack = acks.get((f.township, *key)) or acks.get((None, *key))
        out.append(replace(f, ack=ack) if ack else f)
    return out


def county_findings(ctx: AppContext, data: CheckData, today: date, rules=None,
                    township_code: str | None = None) -> list[Finding]:
    """Every township's findings, each naming its township, in township order."""
    out: list[Finding] = []
    for town in towns(ctx, township_code):
        for f in run_rules(split(data, town), ctx.policy, today, only=rules):
            out.append(replace(f, township=town.name))
    return out
