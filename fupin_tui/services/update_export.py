"""County side of the update package (更新包): record decisions, write one zip per township.

The county records its decisions on a township's projects with
``record_decision`` (``fupin-tui county-decide``): the project is named by
township code and 记录号 (its id in the township's database, as the merged
上报包 carries it), and the values are the ones the township's own dialog for
that step asks for, checked the same way. ``export_update`` writes, per
township, a zip with ``manifest.json`` (format, version, county, township,
sequence number, period, creation time, SHA-256 and size of every file) and:

- ``policy.json``   the county's policy values (``PolicyOverride``) with their effective date;
- ``codes.toml``    the code lists the county uses (when it imported its own), with the version;
- ``holidays.toml`` the holiday schedule of this year and the years after it (when the county has one);
- ``decisions.json`` every live decision on the township's projects (cumulative: a package that
  is lost is made good by the next one; the township applies each decision once).

Only the models/session API is used (no SQL of one engine): the county database
may be SQLite or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Mapping

from sqlmodel import func, select

from fupin_tui import __version__, server
from fupin_tui.context import AppContext
from fupin_tui.domain import lifecycle as lc
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import parse_amount
from fupin_tui.models import AppSetting, CountyOwned, PolicyOverride, Project, Township
from fupin_tui.models.updates import DECISIONS, CountyDecision, UpdateIssued

UPDATE_FORMAT = "fupin-tui 更新包"
UPDATE_FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECALLED_LABEL = "收回资金（元）"
POLICY, CODES, HOLIDAYS, DECISIONS_FILE = "policy.json", "codes.toml", "holidays.toml", "decisions.json"


@dataclass
class UpdateResult:
    path: Path
    township: str  # "520123101 新安镇"
    sequence: int
    counts: dict[str, int]


def county_code(township_code: str) -> str:
    """The county's 行政区划代码: the first six digits of its townships' codes."""
    return township_code[:6]


def decision_uid(county: str, decision_id: int) -> str:
    """What the township remembers a decision by (never applied twice)."""
    return f"{county}-{decision_id}"


# --------------------------------------------------------------------------- decisions


def _county_project(s, township_code: str, project_ref: int) -> Project | None:
    row = s.exec(select(Project).join(CountyOwned, CountyOwned.row_id == Project.id).where(
        CountyOwned.township_code == township_code, CountyOwned.table_name == "project",
        CountyOwned.source_id == project_ref)).first()
    return row


def record_decision(ctx: AppContext, township_code: str, project_ref: int, action: str, decided_on: date | str,
                    document_no: str = "", fields: Mapping[str, str] | None = None) -> int:
    """Record one county decision; its values are checked as the township's dialog checks them."""
    if action not in DECISIONS:
        raise InputError("决定", f"应为{'/'.join(DECISIONS)}之一，实际为“{action}”")
    fields = {k: str(v) for k, v in (fields or {}).items() if v not in (None, "")}
    with ctx.transaction() as s:
        town = s.exec(select(Township).where(Township.code == township_code, Township.voided == False)).first()  # noqa: E712
        if town is None:
            raise InputError("乡镇代码", f"汇总库中没有乡镇 {township_code}（请先导入其上报包）")
        p = _county_project(s, township_code, project_ref)
        if p is None:
            raise InputError("记录号", f"{town.name}的上报包中没有记录号为 {project_ref} 的项目")
        facts = lc.ProjectFacts(state=p.state, category=p.category, subsidy=p.subsidy or 0,
                                household_project=p.household_project, audit_opinion_on=p.audit_opinion_on)
        raw = {"date": str(decided_on), "document_no": document_no, **fields}
        values = lc.parse_values(action, facts, ctx.policy, raw)  # the dialog's own checks, by field name
        if action == "收回" and fields.get("amount"):
            fields["amount"] = str(parse_amount(fields["amount"], RECALLED_LABEL))
        if values["date"] > ctx.today():
            raise InputError(lc.ACTIONS[action].date_label, f"不能晚于今天（{ctx.today().isoformat()}）")
        row = CountyDecision(township_code=township_code, project_ref=project_ref, project_name=p.name,
                             action=action, decided_on=values["date"], document_no=document_no.strip(),
                             fields_json=json.dumps(fields, ensure_ascii=False, sort_keys=True))
        s.add(row)
        s.flush()
        return row.id


def void_decision(ctx: AppContext, decision_id: int, reason: str) -> None:
    if not (reason or "").strip():
        raise InputError("作废原因", "不能为空")
    with ctx.transaction() as s:
        # two county users voiding at once: the second reads the decision only after the first
        # committed, so sees it voided (both read it valid before, and the later reason won)
        server.write_lock(s.connection(), "county-decision")
        row = s.get(CountyDecision, decision_id)
        if row is None or row.voided:
            raise InputError("决定编号", f"没有编号为 {decision_id} 的有效决定")
        row.voided, row.void_reason = True, reason.strip()
        s.add(row)


def decisions(ctx: AppContext, township_code: str | None = None) -> list[CountyDecision]:
    with ctx.read() as s:
        q = select(CountyDecision).where(CountyDecision.voided == False)  # noqa: E712
        if township_code:
            q = q.where(CountyDecision.township_code == township_code)
        return list(s.exec(q.order_by(CountyDecision.township_code, CountyDecision.id)))


# --------------------------------------------------------------------------- writing


def _setting(s, key: str) -> dict | None:
    row = s.get(AppSetting, key)
    if row is None:
        return None
    try:
        return json.loads(row.value)
    except ValueError:
        return None


def _holidays_text(entry: dict | None, from_year: int) -> tuple[str, list[int]] | None:
    """This year's and later years' schedule, as a holidays.toml (None: the county has none of them)."""
    from fupin_tui.domain import workdays
    from fupin_tui.services.holidays import _render

    if not entry or not entry.get("text"):
        return None
    years = [y for y in workdays.parse_holiday_toml(entry["text"], "县级节假日安排") if y.year >= from_year]
    if not years:
        return None
    return _render(years), sorted(y.year for y in years)


def _policy(s, effective_on: date | None, today: date) -> list[dict]:
    from fupin_tui.domain import policy as pol

    specs = pol.load_defaults()
    out = []
    for row in s.exec(select(PolicyOverride).order_by(PolicyOverride.name)):
        spec = specs.get(row.name)
        # by default in effect since the county set it (never later than the county's today)
        on = effective_on or min(row.updated_at.date() if row.updated_at else today, today)
        out.append({"name": row.name, "label": spec.label if spec else row.name, "value": row.value,
                    "effective_on": on.isoformat()})
    return out


def _decisions(s, township_code: str, county: str) -> list[dict]:
    rows = s.exec(select(CountyDecision).where(CountyDecision.township_code == township_code,
                                               CountyDecision.voided == False)  # noqa: E712
                  .order_by(CountyDecision.decided_on, CountyDecision.id))
    return [{"uid": decision_uid(county, d.id), "project_ref": d.project_ref, "project_name": d.project_name,
             "action": d.action, "decided_on": d.decided_on.isoformat(), "document_no": d.document_no,
             "fields": json.loads(d.fields_json or "{}")} for d in rows]


def _private_write(path: Path):
    from fupin_tui.filenames import open_private  # 0600 even over a left-over file (issue 12 item 8)

    return open_private(path)


def package_name(code: str, name: str, sequence: int) -> str:
    return f"更新包-{code}-{name}-第{sequence:03d}号.zip"


def export_update(ctx: AppContext, out_dir: Path | str, township_code: str | None = None,
                  effective_on: date | None = None) -> list[UpdateResult]:
    """One update package per township of the county database (or only ``township_code``)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("导出到", f"无法创建文件夹 {out_dir}（{exc.strerror}）") from exc
    with ctx.read() as s:
        towns = list(s.exec(select(Township).where(Township.voided == False).order_by(Township.code)))  # noqa: E712
    if township_code:
        towns = [t for t in towns if t.code == township_code]
        if not towns:
            raise InputError("乡镇代码", f"汇总库中没有乡镇 {township_code}")
    if not towns:
        raise DomainError("汇总库中还没有乡镇（请先用 import-package 导入各乡镇的上报包）。")
    return [_export_one(ctx, out_dir, t, effective_on) for t in towns]


def _export_one(ctx: AppContext, out_dir: Path, town: Township, effective_on: date | None) -> UpdateResult:
    today = ctx.today()
    county = county_code(town.code)
    created = datetime.combine(today, datetime.now().time()).replace(microsecond=0)
    target = partial = None
    try:
        with ctx.transaction() as s:
            # two county users exporting at once: the second reads the last number only after the
            # first recorded its own (both read the same before, and both packages were 第N号)
            server.write_lock(s.connection(), f"update-export:{town.code}")
            files: dict[str, bytes] = {}
            policy = _policy(s, effective_on, today)
            files[POLICY] = json.dumps(policy, ensure_ascii=False, indent=1).encode("utf-8")
            decided = _decisions(s, town.code, county)
            files[DECISIONS_FILE] = json.dumps(decided, ensure_ascii=False, indent=1).encode("utf-8")
            codes_entry = _setting(s, "config.codes")
            codes_version = ""
            if codes_entry and codes_entry.get("text"):
                from fupin_tui.domain.codes import parse_codes_toml

                codes_version = parse_codes_toml(codes_entry["text"], "县级代码表").version or ""
                files[CODES] = codes_entry["text"].encode("utf-8")
            holidays = _holidays_text(_setting(s, "config.holidays"), today.year)
            if holidays:
                files[HOLIDAYS] = holidays[0].encode("utf-8")
            last = s.exec(select(func.max(UpdateIssued.sequence)).where(UpdateIssued.township_code == town.code)).one()
            previous = s.exec(select(UpdateIssued.created_at).where(UpdateIssued.township_code == town.code)
                              .order_by(UpdateIssued.sequence.desc())).first()
            sequence = (last or 0) + 1
            start = (previous.date() if previous
                     else min([date.fromisoformat(d["decided_on"]) for d in decided] + [today]))
            manifest = {
                "format": UPDATE_FORMAT, "format_version": UPDATE_FORMAT_VERSION,
                "county": {"code": county, "name": town.county},
                "township": {"code": town.code, "name": town.name, "county": town.county},
                "sequence": sequence, "created_at": created.isoformat(), "created_by": ctx.operator,
                "period": {"from": min(start, today).isoformat(), "to": today.isoformat()},
                "app_version": __version__, "codes_version": codes_version,
                "holiday_years": holidays[1] if holidays else [],
                "files": [{"file": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                          for name, data in files.items()],
            }
            raw_manifest = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            target = out_dir / package_name(town.code, town.name, sequence)
            partial = target.with_name(target.name + ".part")
            with _private_write(partial) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, data in files.items():
                    zf.writestr(name, data)
                zf.writestr(MANIFEST, raw_manifest)
            # the number is taken only with the package complete, in the transaction that read the last one
            s.add(UpdateIssued(township_code=town.code, sequence=sequence, file_name=target.name,
                               manifest_sha256=hashlib.sha256(raw_manifest).hexdigest(), created_at=created,
                               created_by=ctx.operator, decisions=len(decided)))
        os.replace(partial, target)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    counts = {"政策参数": len(policy), "决定": len(decided), "节假日年份": len(holidays[1]) if holidays else 0,
              "代码表": 1 if CODES in files else 0}
    return UpdateResult(target, f"{town.code} {town.name}", sequence, counts)
