"""Township side of the update package (更新包): preview what will change, then apply it in one transaction.

    plan = preview(ctx, path)      # refuses (PackageRefused) another township's, older, tampered, unknown ones
    plan.lines()                   # what will change, in Chinese, one item a line
    plan = apply(ctx, path)        # the same, carried out: one transaction, audited under the county's name

The package is checked by ``package_safety`` (members, manifest, SHA-256 of each
file, format version, township code, period). Then, inside one transaction:

- policy values already in effect replace the township's (a later effective date: listed, not applied);
- the code lists and the new years' holiday schedule are kept in the database, like the config-folder files;
- each county decision goes through ``services.projects.perform_in`` — the very path of the clerk's
  dialog — so the project's life cycle moves as if recorded by hand and its deadline clocks start from
  the county's date; a decision for a project the township does not have, or whose step does not fit
  the project's state, is listed with the reason and not applied (it stays in the county's next package).

Preview and apply are one code path: the preview runs the same work and rolls it back.
The same package twice changes nothing; a package with a lower sequence than one applied is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from fupin_tui import package_safety as safety
from fupin_tui.context import AppContext
from fupin_tui.domain.errors import DomainError
from fupin_tui.models import AppSetting, PolicyOverride, Project, ProjectEvent
from fupin_tui.models.updates import UpdateApplied
from fupin_tui.services.update_export import (
    CODES, DECISIONS_FILE, HOLIDAYS, MANIFEST, POLICY, RECALLED_LABEL, UPDATE_FORMAT, UPDATE_FORMAT_VERSION,
)

WHAT = "更新包"
# statuses of an item, as the clerk reads them
WILL, DONE, SAME, SKIPPED, LATER = "将更新", "已更新", "未变化", "未办理", "未到生效日期"
WILL_ACT, ACTED, BEFORE, BY_HAND, NO_PROJECT = "将办理", "已办理", "以前已办理", "乡镇已录入", "本乡镇没有此项目"


@dataclass
class Item:
    kind: str  # 政策参数 / 代码表 / 节假日 / 县级决定
    what: str  # the parameter, the year, the project and step
    change: str  # old → new, date and document number
    status: str  # one of the statuses above
    reason: str = ""  # why not applied

    @property
    def applies(self) -> bool:
        return self.status in (WILL, DONE, WILL_ACT, ACTED)

    def line(self) -> str:
        tail = f"（{self.reason}）" if self.reason else ""
        return f"[{self.status}] {self.kind} {self.what}：{self.change}{tail}"


@dataclass
class UpdatePlan:
    file: str
    county: str  # "520123 示例县"
    township: str
    sequence: int
    created_at: str
    period: str
    items: list[Item] = field(default_factory=list)
    already: bool = False  # this very package was applied before: nothing to do
    applied: bool = False

    @property
    def changes(self) -> list[Item]:
        return [i for i in self.items if i.applies]

    @property
    def not_applied(self) -> list[Item]:
        return [i for i in self.items if i.status in (SKIPPED, NO_PROJECT, LATER)]

    def headline(self) -> str:
        head = f"{self.file}：{self.county}第{self.sequence}号更新包（{self.created_at} 生成，期间 {self.period}）"
        if self.already:
            return head + "，已导入过，未作改动。"
        verb = "已应用" if self.applied else "将应用"
        return head + f"，{verb} {len(self.changes)} 项，未办理 {len(self.not_applied)} 项。"

    def lines(self) -> list[str]:
        shown = [i for i in self.items if i.status != SAME]
        return [self.headline()] + [i.line() for i in shown]


@dataclass
class _Update:
    file: str
    manifest: dict
    digest: str
    files: dict[str, bytes]
    county_code: str
    county_name: str
    sequence: int
    created: datetime

    def json(self, name: str):
        try:
            return json.loads(self.files[name].decode("utf-8")) if name in self.files else None
        except (UnicodeDecodeError, ValueError):
            raise safety.refuse(self.file, f"{name} 不是有效的内容", WHAT) from None

    def text(self, name: str) -> str | None:
        try:
            return self.files[name].decode("utf-8") if name in self.files else None
        except UnicodeDecodeError:
            raise safety.refuse(self.file, f"{name} 不是 UTF-8 文本", WHAT) from None


# --------------------------------------------------------------------------- reading and refusing


def read_update(path: Path | str, own_code: str, today: date) -> _Update:
    """The verified package, or PackageRefused naming it and the problem (nothing read into the database)."""
    path = Path(path)
    with safety.open_zip(path, WHAT) as zf:
        m, digest = safety.read_manifest(zf, path.name, MANIFEST, UPDATE_FORMAT, UPDATE_FORMAT_VERSION, WHAT)
        code, _, _ = safety.township_of(m, path.name, WHAT)
        safety.check_township(code, own_code, path.name, WHAT)
        county = safety.require(m, "county", dict, path.name, WHAT)
        county_code = str(safety.require(county, "code", str, path.name, WHAT, "清单的县"))
        if county_code != code[:6]:
            raise safety.refuse(path.name, f"县代码 {county_code} 与乡镇代码 {code} 不符", WHAT)
        sequence = safety.require(m, "sequence", int, path.name, WHAT)
        if sequence < 1:
            raise safety.refuse(path.name, f"序号 {sequence} 无效", WHAT)
        created = safety.moment(m.get("created_at"), path.name, "created_at", WHAT)
        safety.check_created(created, path.name, today, WHAT)
        period = safety.require(m, "period", dict, path.name, WHAT)
        safety.check_span(period.get("from"), period.get("to"), path.name, today, what=WHAT)
        files = safety.verify_files(zf, m.get("files"), path.name, WHAT, MANIFEST, nested_zip=False)
    return _Update(path.name, m, digest, files, county_code, str(county.get("name") or ""), sequence, created)


def _own_code(ctx: AppContext) -> str:
    town = ctx.township()
    if town is None or not town.code:
        raise DomainError("本数据库还没有设置乡镇代码（设置 → 乡镇），不能导入更新包。")
    return town.code


def _refuse_older(s: Session, up: _Update) -> bool:
    """True when this package was applied already; refused when an older or a different one of the same number."""
    last = s.exec(select(UpdateApplied).where(UpdateApplied.county_code == up.county_code)
                  .order_by(UpdateApplied.sequence.desc(), UpdateApplied.id.desc())).first()
    if last is None:
        return False
    same = s.exec(select(UpdateApplied).where(UpdateApplied.manifest_sha256 == up.digest)).first()
    if same is not None:
        return True
    if up.sequence < last.sequence:
        raise safety.refuse(up.file, f"是第{up.sequence}号，比已导入的第{last.sequence}号（{last.file_name}）旧，"
                                     "未作改动", WHAT)
    if up.sequence == last.sequence:
        raise safety.refuse(up.file, f"与已导入的第{last.sequence}号更新包（{last.file_name}）序号相同而内容不同"
                                     "（可能被修改），未作改动", WHAT)
    return False


def _applied_uids(s: Session, county_code: str) -> set[str]:
    uids: set[str] = set()
    for text in s.exec(select(UpdateApplied.decisions_json).where(UpdateApplied.county_code == county_code)):
        uids.update(json.loads(text or "[]"))
    return uids


# --------------------------------------------------------------------------- the parts


def _policy(s: Session, up: _Update, today: date, items: list[Item]):
    """Write the policy values in effect; return the township's policy as it then stands."""
    from fupin_tui.domain import policy as pol
    from fupin_tui.services.policy_settings import show_value

    specs = pol.load_defaults()
    stored = {r.name: r for r in s.exec(select(PolicyOverride))}
    current = {name: pol.from_storage(name, row.value) for name, row in stored.items() if name in specs}
    wanted: dict[str, str] = {}
    for entry in up.json(POLICY) or []:
        name = str(entry.get("name", "")) if isinstance(entry, dict) else ""
        spec = specs.get(name)
        label = spec.label if spec else name
        if spec is None:
            items.append(Item("政策参数", label or "（无名称）", "本软件没有此参数", SKIPPED, "请升级软件"))
            continue
        try:
            value = pol.from_storage(name, str(entry.get("value")))
            effective = date.fromisoformat(str(entry.get("effective_on")))
        except (DomainError, ValueError) as exc:
            raise safety.refuse(up.file, f"政策参数“{label}”的值或生效日期无效（{exc}）", WHAT) from None
        old = pol.Policy.from_overrides(current).value(name)
        change = f"{show_value(old, spec.kind)} → {show_value(value, spec.kind)}（{effective.isoformat()} 起）"
        if effective > today:
            items.append(Item("政策参数", label, change, LATER, f"{effective.isoformat()} 后再导入本更新包"))
        elif name in stored and pol.from_storage(name, stored[name].value) == value:
            items.append(Item("政策参数", label, change, SAME))
        else:
            wanted[name] = pol.to_storage(name, value)
            current[name] = value
            items.append(Item("政策参数", label, change, WILL))
    try:
        policy = pol.Policy.from_overrides(current)  # the values that depend on each other, checked together
    except DomainError as exc:
        raise safety.refuse(up.file, f"政策参数合在一起不成立（{exc}），未作改动", WHAT) from None
    for name, text in wanted.items():
        row = stored.get(name) or PolicyOverride(name=name, value=text)
        row.value, row.updated_by = text, s.info.get("operator", "")
        row.updated_at = datetime.now().replace(microsecond=0)
        s.add(row)
    return policy


def _stored_entry(s: Session, key: str) -> dict | None:
    row = s.get(AppSetting, key)
    try:
        return json.loads(row.value) if row else None
    except ValueError:
        return None


def _store_entry(s: Session, key: str, text: str, before: dict | None, up: _Update) -> None:
    entry = {"text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
             "origin": f"县级更新包 {up.file}", "imported_at": datetime.now().replace(microsecond=0).isoformat(sep=" "),
             # the config-folder file imported before stays "seen": it must not replace the county's copy at start
             "file_sha256": (before or {}).get("file_sha256") or (before or {}).get("sha256")}
    row = s.get(AppSetting, key) or AppSetting(key=key, value="")
    row.value = json.dumps(entry, ensure_ascii=False)
    s.add(row)


def _codes(s: Session, up: _Update, items: list[Item]) -> None:
    from fupin_tui.configuration import KEYS
    from fupin_tui.domain.codes import CodesFileError, load_codes, parse_codes_toml

    text = up.text(CODES)
    if text is None:
        return
    try:
        new = parse_codes_toml(text, f"{up.file} 的 {CODES}")
    except CodesFileError as exc:
        raise safety.refuse(up.file, f"代码表无法使用（{exc.message}）", WHAT) from None
    key = KEYS["codes.toml"]
    before = _stored_entry(s, key)
    old_version = load_codes().version
    change = f"版本 {old_version or '随程序提供'} → {new.version or '未注明'}"
    if before and before.get("sha256") == hashlib.sha256(text.encode("utf-8")).hexdigest():
        items.append(Item("代码表", "代码表", change, SAME))
        return
    _store_entry(s, key, text, before, up)
    items.append(Item("代码表", "代码表", change, WILL))


def _holidays(s: Session, up: _Update, items: list[Item]) -> None:
    from fupin_tui.configuration import KEYS
    from fupin_tui.domain import workdays
    from fupin_tui.services.holidays import STATUS_TEXT, _render

    text = up.text(HOLIDAYS)
    if text is None:
        return
    try:
        years = workdays.parse_holiday_toml(text, f"{up.file} 的 {HOLIDAYS}")
    except workdays.HolidayFileError as exc:
        raise safety.refuse(up.file, f"节假日安排无法使用（{exc.message}）", WHAT) from None
    key = KEYS["holidays.toml"]
    before = _stored_entry(s, key)
    kept = {y.year: y for y in workdays.parse_holiday_toml(before["text"], "数据库")} if before and before.get("text") \
        else {}
    changed = False
    for y in years:
        old = kept.get(y.year)
        change = f"{STATUS_TEXT.get(y.status, y.status)}，{y.source}，放假{len(y.holidays)}天，调休上班{len(y.workdays)}天"
        if old is not None and (old.status, old.holidays, old.workdays) == (y.status, y.holidays, y.workdays):
            items.append(Item("节假日", f"{y.year}年", change, SAME))
            continue
        kept[y.year] = y
        changed = True
        items.append(Item("节假日", f"{y.year}年", ("替换：" if old else "新增：") + change, WILL))
    if changed:
        _store_entry(s, key, _render(list(kept.values())), before, up)


def _decision_raw(d: dict) -> dict:
    raw = {"date": d.get("decided_on"), "document_no": d.get("document_no") or ""}
    fields = d.get("fields") if isinstance(d.get("fields"), dict) else {}
    raw.update({k: v for k, v in fields.items() if k != "amount"})
    if d.get("action") == "收回" and fields.get("amount"):
        raw["note"] = " ".join(x for x in (f"{RECALLED_LABEL[:-3]}{fields['amount']}元", fields.get("note", "")) if x)
    return raw


def _decisions(s: Session, county_ctx: AppContext, up: _Update, items: list[Item]) -> list[str]:
    """Carry out each decision as the clerk's dialog would; return the uids carried out."""
    from fupin_tui.services.projects import perform_in

    done_before = _applied_uids(s, up.county_code)
    done: list[str] = []
    for d in up.json(DECISIONS_FILE) or []:
        if not isinstance(d, dict):
            raise safety.refuse(up.file, f"{DECISIONS_FILE} 的内容无效", WHAT)
        uid, action = str(d.get("uid", "")), str(d.get("action", ""))
        ref, name = d.get("project_ref"), str(d.get("project_name", ""))
        what = f"记录号{ref}「{name}」{action}"
        change = f"{d.get('decided_on')} {d.get('document_no') or ''}".strip()
        if uid in done_before:
            items.append(Item("县级决定", what, change, BEFORE))
            continue
        p = s.get(Project, ref) if isinstance(ref, int) else None
        if p is None or p.voided:
            items.append(Item("县级决定", what, change, NO_PROJECT, f"本乡镇没有记录号为 {ref} 的项目，未办理"))
            continue
        if p.name != name:
            items.append(Item("县级决定", what, change, SKIPPED, f"本乡镇记录号{ref}是「{p.name}」，名称不符，未办理"))
            continue
        by_hand = s.exec(select(ProjectEvent).where(ProjectEvent.project_id == p.id, ProjectEvent.action == action,
                                                    ProjectEvent.voided == False)).first()  # noqa: E712
        if by_hand is not None and action != "验收":  # 验收 may come twice (不合格, then 复验)
            items.append(Item("县级决定", what, change, BY_HAND,
                              f"乡镇已于{by_hand.happened_on}录入此步（{by_hand.document_no}），未重复办理"))
            done.append(uid)
            continue
        try:
            with s.begin_nested():  # one decision that does not fit leaves the others and nothing of itself
                t = perform_in(county_ctx, s, p.id, action, _decision_raw(d))
        except DomainError as exc:
            items.append(Item("县级决定", what, change, SKIPPED, str(exc)))
            continue
        items.append(Item("县级决定", what, f"{change}，{t.from_state} → {t.to_state}", WILL_ACT))
        done.append(uid)
    return done


# --------------------------------------------------------------------------- preview and apply


def _run(ctx: AppContext, path: Path | str, commit: bool) -> UpdatePlan:
    today = ctx.today()
    up = read_update(path, _own_code(ctx), today)
    county_label = f"{up.county_code} {up.county_name}"
    town = up.manifest["township"]
    period = up.manifest["period"]
    plan = UpdatePlan(up.file, county_label, f"{town['code']} {town['name']}", up.sequence,
                      up.created.isoformat(sep=" "), f"{period['from']}至{period['to']}")
    operator = f"{up.county_name or up.county_code}（县级更新包第{up.sequence}号）"
    county_ctx = AppContext(db=ctx.db, operator=operator, today_fn=ctx.today_fn)
    with ctx.read() as s:
        if _refuse_older(s, up):
            plan.already = True
            return plan
    with ctx.db.session(operator) as s:
        # written first: the transaction is open before the first SAVEPOINT (pysqlite begins on a write)
        record = UpdateApplied(county_code=up.county_code, sequence=up.sequence, manifest_sha256=up.digest,
                               file_name=up.file, created_at=up.created.isoformat(), applied_by=ctx.operator)
        s.add(record)
        s.flush()
        county_ctx._policy = _policy(s, up, today, plan.items)
        _codes(s, up, plan.items)
        _holidays(s, up, plan.items)
        s.flush()
        uids = _decisions(s, county_ctx, up, plan.items)
        if not commit:
            s.rollback()  # the preview: everything worked out, nothing kept
            return plan
        plan.applied = True
        for item in plan.items:
            item.status = {WILL: DONE, WILL_ACT: ACTED}.get(item.status, item.status)
        record.decisions_json = json.dumps(uids, ensure_ascii=False)
        record.summary = "\n".join(plan.lines())
        s.add(record)
        from fupin_tui.db import write_audit

        write_audit(s, "updateapplied", f"{up.county_code}-{up.sequence}", "导入",
                    note=f"县级更新包 {up.file}：应用 {len(plan.changes)} 项，未办理 {len(plan.not_applied)} 项",
                    after={"sequence": up.sequence, "sha256": up.digest})
    ctx.reload_policy()
    _reconfigure(ctx)
    return plan


def _reconfigure(ctx: AppContext) -> None:
    """The calendar and code lists of this run follow what was just stored."""
    from fupin_tui import configuration

    try:
        configuration.load(ctx.db.path, db=ctx.db, operator=ctx.operator)
    except (DomainError, OSError):
        pass  # the database holds it; the next start configures from it


def preview(ctx: AppContext, path: Path | str) -> UpdatePlan:
    """What the package would change; nothing is kept. Refusals raise PackageRefused."""
    return _run(ctx, path, commit=False)


def apply(ctx: AppContext, path: Path | str) -> UpdatePlan:
    """Apply the package in one transaction (audited, operator: the county)."""
    return _run(ctx, path, commit=True)
