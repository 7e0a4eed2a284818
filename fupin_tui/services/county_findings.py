"""The county's last 体检, kept per township for the 县级汇总 screen (a full 体检 at every start
is too slow: a whole county takes tens of seconds).

``fupin-tui check`` (and ``county-summary``) over a county database stores, per township, the
open findings by severity (and 已确认 apart) with the time of the run, in the database itself
(``appsetting`` key ``county_findings``): every county user, on a file or on the server, sees
the same. Not audited: it is a count the software derived, no one's record. A township merged
or undone after its 体检 shows 合并后未体检; one never checked, 未体检.

    from fupin_tui.services import county_findings
    county_findings.record(ctx, run_checks(ctx).findings)            # whole county
    county_findings.record(ctx, findings, township_code="520123101")  # one township
    county_findings.apply(ctx, summary)                               # onto county_summary.build(ctx)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import func, insert, select, update

from fupin_tui import server
from fupin_tui.context import AppContext
from fupin_tui.domain.rules import SEVERITIES, Finding
from fupin_tui.models import AppSetting, CountyMerge
from fupin_tui.models.base import now

KEY = "county_findings"
ACKNOWLEDGED = "已确认"
NOT_CHECKED = "未体检"
CHECKED_BEFORE_MERGE = "合并后未体检"


@dataclass(frozen=True)
class Checked:
    at: datetime
    counts: dict[str, int]  # severity (and 已确认) -> findings
    merge: int | None  # the township's standing merge then: another one since means other data


def record(ctx: AppContext, findings: Iterable[Finding], township_code: str | None = None,
           at: datetime | None = None) -> bool:
    """Store the counts of a full 体检 (all rules) of the county or of one township; False when the
    database cannot be written (read-only): the 体检 itself stands."""
    from fupin_tui.services import county_check

    if ctx.db.read_only:
        return False
    at = at or now()
    towns = county_check.towns(ctx, township_code)
    code_of = {t.name: t.code for t in towns}
    counts = {t.code: {key: 0 for key in (*SEVERITIES, ACKNOWLEDGED)} for t in towns}
    for f in findings:
        code = code_of.get(f.township)
        if code is not None:
            key = ACKNOWLEDGED if f.ack else f.severity
            counts[code][key] = counts[code].get(key, 0) + 1
    with ctx.transaction() as s:
        server.write_lock(s.connection(), KEY)  # two county users checking at once: one after the other
        current = s.execute(select(AppSetting.value).where(AppSetting.key == KEY)).scalar()
        kept = {} if current is None or township_code is None else _parse(current)
        merges = _standing_merges(s)
        kept.update({code: {"at": at.isoformat(), "counts": c, "merge": merges.get(code)} for code, c in counts.items()})
        value = json.dumps(kept, ensure_ascii=False, sort_keys=True)
        if current is None:
            s.execute(insert(AppSetting).values(key=KEY, value=value, updated_at=at, updated_by=ctx.operator))
        else:
            s.execute(update(AppSetting).where(AppSetting.key == KEY).values(
                value=value, updated_at=at, updated_by=ctx.operator, row_version=AppSetting.row_version + 1))
    return True


def _parse(value: str) -> dict:
    try:
        data = json.loads(value)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def stored(ctx: AppContext) -> dict[str, Checked]:
    """township code -> its last 体检 (only townships whose data has not changed since)."""
    return _load(ctx)[0]


def _load(ctx: AppContext) -> tuple[dict[str, Checked], set[str]]:
    """(the 体检 still standing, per township; the townships checked before their latest change)."""
    with ctx.read() as s:
        value = s.execute(select(AppSetting.value).where(AppSetting.key == KEY)).scalar()
        merges = _standing_merges(s)
    standing, outdated = {}, set()
    for code, entry in _parse(value or "{}").items():
        try:
            checked = Checked(datetime.fromisoformat(entry["at"]), {k: int(v) for k, v in entry["counts"].items()},
                              entry.get("merge"))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if merges.get(code) != checked.merge:
            outdated.add(code)
        else:
            standing[code] = checked
    return standing, outdated


def _standing_merges(s) -> dict[str, int]:
    """township code -> the merge its data comes from now (a new merge or an undo changes it)."""
    return dict(s.execute(select(CountyMerge.township_code, func.max(CountyMerge.id))
                          .where(CountyMerge.undone_at.is_(None)).group_by(CountyMerge.township_code)).all())


def apply(ctx: AppContext, summary) -> None:
    """Put the stored counts on a ``county_summary.CountySummary``: ``findings`` and ``checked``
    ("体检于 12-02 20:30", 未体检, 合并后未体检) of each township and of the county total."""
    standing, outdated = _load(ctx)
    total: dict[str, int] = {}
    times = []
    for town in summary.towns:
        mine = standing.get(town.code)
        if mine is None:
            town.findings = None
            town.checked = CHECKED_BEFORE_MERGE if town.code in outdated else NOT_CHECKED
            continue
        town.findings = dict(mine.counts)
        town.checked = f"体检于 {mine.at:%m-%d %H:%M}"
        times.append(mine.at)
        for key, n in mine.counts.items():
            total[key] = total.get(key, 0) + n
    summary.total.findings = total if times else None
    if not times:
        summary.total.checked = NOT_CHECKED
    elif len(times) < len(summary.towns):
        summary.total.checked = f"{len(summary.towns) - len(times)} 个乡镇{NOT_CHECKED}"
    else:
        summary.total.checked = f"体检于 {min(times):%m-%d %H:%M} 起"


def shown(findings: dict[str, int] | None) -> str:
    """"逾期 2 不合规 5" (the open ones; 已确认 left out), 无 when none, "" when not checked."""
    if findings is None:
        return ""
    parts = [f"{key} {findings[key]}" for key in SEVERITIES if findings.get(key)]
    return " ".join(parts) or "无"
