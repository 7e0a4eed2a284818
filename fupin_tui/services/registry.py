"""建档立卡 use cases: save a household with its members, procedures, status changes, cash ledger.

Every public function takes the AppContext first and does one transaction.
Queries for the list live in ``registry_query``.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, select

from fupin_tui.context import AppContext
from fupin_tui.db import refuse_if_changed
from fupin_tui.domain import procedures as proc
from fupin_tui.domain import text_check as tc
from fupin_tui.domain.text_check import fold_width
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.idcard import parse_id
from fupin_tui.domain.money import format_money, parse_amount
from fupin_tui.domain.pinyin import keys_for_household
from fupin_tui.domain.quality import HouseholdData, MemberData, QualityProblem, check_household
from fupin_tui.models.audit import AuditLog
from fupin_tui.models.registry import CashLedgerLine, Household, HouseholdEvent, Member, ProcedureStep
from fupin_tui.models.settings import Village
from fupin_tui.services.voiding import live_row, require_reason, void

# The county's household-number pattern: the village's 12-digit code and a sequence.
DEFAULT_HOUSEHOLD_NO_PATTERN = "{village_code}{seq:04d}"

# Income fields of the household and the ledger categories that feed them (H07).
INCOME_FIELDS = {
    "工资性收入": "wage_income",
    "生产经营性收入": "business_income",
    "财产性收入": "property_income",
    "转移性收入": "transfer_income",
}
EXPENSE_FIELDS = {"生产经营性支出": "business_expense"}
LEDGER_CATEGORIES = {"收入": tuple(INCOME_FIELDS), "支出": (*EXPENSE_FIELDS, "生活支出", "其他支出")}
_MONEY_LABELS = {"wage_income": "工资性收入", "business_income": "生产经营性收入", "property_income": "财产性收入",
                 "transfer_income": "转移性收入", "business_expense": "生产经营性支出"}


class MemberError(InputError):
    """A problem in one row of the members table; ``row`` is 0-based."""

    def __init__(self, row: int, name: str, field_: str, problem: str):
        self.row = row
        who = f"第{row + 1}位成员" + (f"（{name}）" if name else "")
        super().__init__(field_, f"{who}{problem}")


@dataclass
class MemberInput:
    name: str
    id_number: str
    relation: str
    ethnicity: str = "汉族"
    education: str = ""
    school_status: str = ""
    health: str = "健康"
    labour_skill: str = ""
    work_place: str = ""  # 务工状况: 务工所在地, empty when not working away
    medical_insurance: str = "城乡居民基本医疗保险"
    pension_insurance: bool = False
    phone: str = ""
    id: int | None = None  # existing member row
    void_reason: str = ""  # set to take the person off the household (作废, never deleted)


@dataclass
class HouseholdInput:
    village_id: int | None
    household_no: str = ""  # empty: generated from the county pattern
    address: str = ""
    phone: str = ""
    bank_account: str = ""
    bank_name: str = ""
    attribute: str = "一般贫困户"
    identification_standard: str = "国家标准"
    main_cause: str = ""
    other_causes: str = ""  # 、-separated, at most two
    housing_structure: str = ""
    drinking_water: str = ""
    safe_drinking_water: bool = True
    living_power: bool = True
    production_power: bool = True
    dangerous_house: bool = False
    income_year: int | None = None
    wage_income: Decimal | str = Decimal("0")
    business_income: Decimal | str = Decimal("0")
    property_income: Decimal | str = Decimal("0")
    transfer_income: Decimal | str = Decimal("0")
    business_expense: Decimal | str = Decimal("0")
    look_house: str = ""
    look_grain: str = ""
    look_labour: str = ""
    look_study: str = ""
    helper_name: str = ""
    helper_unit: str = ""
    helper_phone: str = ""
    remarks: str = ""
    entered_by: str = ""
    checked_by: str = ""
    # RULES-2 part B: 调查人 and 责任状 (H14), 一户一档 (H10), 超规模县级批准 (H13)
    investigator: str = ""
    responsibility_letter_on: date | None = None
    file_filed_on: date | None = None
    file_items: str = ""
    county_approval_no: str = ""
    county_approved_on: date | None = None


@dataclass(frozen=True)
class SavedHousehold:
    id: int
    household_no: str
    problems: list[QualityProblem]


# ---------------------------------------------------------------------------- helpers


def _clean(text: str | None) -> str:
    return fold_width(text)  # not NFKC: it turned the clerk's ，（）： into ASCII


def _money(value: Decimal | str | None, label: str) -> Decimal:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = _clean(str(value or ""))
    return parse_amount(text, label) if text else Decimal("0.00")


def per_capita(net_income: Decimal, size: int) -> Decimal:
    """人均纯收入 = 家庭纯收入 / 家庭人口, rounded 四舍五入 to the fen."""
    if size <= 0:
        return Decimal("0.00")
    return (net_income / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def search_text(household_no: str, names: list[str], id_numbers: list[str]) -> str:
    """What the list filter matches: pinyin keys, names, ID numbers and the household number.

    Computed once at save (pypinyin is slow); stored lower case.
    """
    return " ".join([keys_for_household(names), *names, *id_numbers, household_no]).lower()


def _other_causes(text: str, main: str) -> str:
    parts = [p for p in _clean(text).replace("，", "、").replace(",", "、").split("、") if p]
    if len(parts) > 2:
        raise InputError("其他致贫原因", f"最多两项，现有{len(parts)}项")
    if main in parts:
        raise InputError("其他致贫原因", f"「{main}」已是主要致贫原因")
    return "、".join(parts)


def _pattern(ctx: AppContext) -> str:
    try:
        return str(ctx.policy.household_no_pattern)
    except AttributeError:
        return DEFAULT_HOUSEHOLD_NO_PATTERN


def _generate_no(s: Session, pattern: str, village: Village) -> str:
    """The first free number for the village: count + 1, skipping numbers already taken."""
    count = s.exec(select(func.count()).select_from(Household).where(Household.village_id == village.id)).one()
    seq = count + 1
    while True:
        candidate = pattern.format(village_code=village.code, seq=seq, year=date.today().year)
        if not s.exec(select(Household.id).where(Household.household_no == candidate)).first():
            return candidate
        seq += 1


def next_household_no(ctx: AppContext, village_id: int) -> str:
    """The number a new household of this village would get (shown in the form, editable)."""
    with ctx.read() as s:
        village = s.get(Village, village_id)
        if village is None:
            raise InputError("村", "请选择村")
        return _generate_no(s, _pattern(ctx), village)


@dataclass
class _CheckedMember:
    data: MemberInput
    id_number: str
    birth_date: date
    gender: str


def _check_members(members: list[MemberInput], today: date) -> list[_CheckedMember]:
    live = [(i, m) for i, m in enumerate(members) if not m.void_reason.strip()]
    if not live:
        raise InputError("家庭成员", "至少要有户主一人")
    checked: list[_CheckedMember] = []
    seen: dict[str, str] = {}
    for row, m in live:
        m.name = _clean(m.name)
        if not m.name:
            raise MemberError(row, "", "姓名", "姓名不能为空")
        try:
            info = parse_id(m.id_number, today=today)
        except InputError as exc:
            raise MemberError(row, m.name, "身份证号", f"身份证号{exc.problem}") from None
        if info.number in seen:
            raise MemberError(row, m.name, "身份证号", f"身份证号与本户 {seen[info.number]} 重复")
        seen[info.number] = m.name
        if not m.relation:
            raise MemberError(row, m.name, "与户主关系", "请选择与户主关系")
        checked.append(_CheckedMember(m, info.number, info.birth_date, info.gender))
    heads = [c for c in checked if c.data.relation == "户主"]
    if len(heads) != 1:
        raise InputError("与户主关系", f"户主应有且只有1人，现有{len(heads)}人")
    return checked


def _refuse_duplicate_ids(s: Session, checked: list[_CheckedMember], household_id: int | None,
                          members: list[MemberInput]) -> None:
    """One person in one household only (H05): name the household they are in now."""
    numbers = [c.id_number for c in checked]
    rows = s.exec(
        select(Member.id_number, Household.household_no, Household.head_name)
        .join(Household, Household.id == Member.household_id)
        .where(Member.id_number.in_(numbers), Member.voided == False)  # noqa: E712
        .where(Member.household_id != (household_id or -1))
    ).all()
    if rows:
        number, no, head = rows[0]
        c = next(c for c in checked if c.id_number == number)
        raise MemberError(members.index(c.data), c.data.name, "身份证号",
                          f"身份证号 {number} 已登记在 户号 {no}（户主 {head}）")


# ---------------------------------------------------------------------------- saving


_DUTY_DATES = {"responsibility_letter_on": "责任状签订日期", "file_filed_on": "归档日期",
               "county_approved_on": "县级批准日期"}


def _check_duties(data: HouseholdInput, today: date) -> None:
    """H10, H13, H14 fields: no future dates, known file items, the reviewer not the investigator."""
    from fupin_tui.services import duties

    for name, label in _DUTY_DATES.items():
        value = getattr(data, name)
        if value is not None and not isinstance(value, date):
            raise InputError(label, "不是有效日期")
        if value is not None and value > today:
            raise InputError(label, f"不能晚于今天（{today.isoformat()}）")
    data.file_items = duties.clean_file_items(data.file_items)
    duties.check_three_names(data.investigator, data.entered_by, data.checked_by)
    if _clean(data.county_approval_no) and data.county_approved_on is None:
        raise InputError("县级批准日期", "填写了批准文号，请同时填写批准日期")


# Text fields of the household form: (attribute, label, limit); code-list fields below.
_HOUSEHOLD_TEXTS = (("address", "家庭住址", tc.SHORT), ("bank_name", "开户银行", tc.NAME),
                    ("look_house", "一看房", tc.SHORT), ("look_grain", "二看粮", tc.SHORT),
                    ("look_labour", "三看劳动力强不强", tc.SHORT), ("look_study", "四看家中有没有读书郎", tc.SHORT),
                    ("helper_name", "帮扶责任人", tc.PERSON), ("helper_unit", "帮扶单位", tc.NAME),
                    ("remarks", "备注", tc.TEXT), ("entered_by", "登记人", tc.PERSON), ("checked_by", "审核人", tc.PERSON),
                    ("investigator", "调查人", tc.PERSON), ("county_approval_no", "超规模县级批准文号", tc.SHORT))
_HOUSEHOLD_CODES = (("attribute", "贫困户属性", ("贫困户属性简表", "贫困户属性")),
                    ("identification_standard", "识别标准", ("识别标准",)),
                    ("main_cause", "主要致贫原因", ("致贫原因",)),
                    ("housing_structure", "房屋结构", ("房屋主要结构",)), ("drinking_water", "饮水情况", ("饮水情况",)))
_MEMBER_CODES = (("relation", "与户主关系", "与户主关系"), ("ethnicity", "民族", "民族"),
                 ("education", "文化程度", "文化程度"), ("school_status", "在校生状况", "在校生状况"),
                 ("health", "健康状况", "健康状况"), ("labour_skill", "劳动技能", "劳动技能"),
                 ("work_place", "务工所在地", "务工所在地"))


def _in_code_list(ctx: AppContext, lists: tuple[str, ...], value: str) -> str | None:
    """The code list's spelling of ``value``, or None; a list the county file lacks accepts anything."""
    known = False
    for name in lists:
        try:
            found = ctx.codes.canonical(name, value)
        except Exception:  # noqa: BLE001 - the county's code file has no such list
            continue
        known = True
        if found:
            return found
    return None if known else value


def _validate_household(ctx: AppContext, data: HouseholdInput, members: list[MemberInput]) -> None:
    """Service-side checks of every typed value (widgets may cap length; this is what counts)."""
    data.household_no = tc.check_code_text(data.household_no, "户编号")
    data.phone = tc.check_digits(data.phone, "联系电话", limit=20, extra="-", what="数字和连字符")
    data.helper_phone = tc.check_digits(data.helper_phone, "帮扶责任人电话", limit=20, extra="-", what="数字和连字符")
    data.bank_account = tc.check_digits(unicodedata.normalize("NFKC", data.bank_account or "").replace(" ", ""),
                                        "银行账号", limit=32, what="数字（不含空格以外的符号）")
    for attr, label, limit in _HOUSEHOLD_TEXTS:
        setattr(data, attr, tc.clean_text(getattr(data, attr), label, limit=limit, multiline=attr == "remarks"))
    for attr, label, lists in _HOUSEHOLD_CODES:
        value = tc.clean_text(getattr(data, attr), label)
        if value:
            found = _in_code_list(ctx, lists, value)
            if found is None:
                raise InputError(label, f"「{value[:20]}」不在代码表中，请从列表中选择")
            value = found
        setattr(data, attr, value)
    others = tc.clean_text(data.other_causes, "其他致贫原因")
    for part in [p for p in others.replace("，", "、").replace(",", "、").split("、") if p.strip()]:
        if _in_code_list(ctx, ("致贫原因",), part.strip()) is None:
            raise InputError("其他致贫原因", f"「{part.strip()[:20]}」不在致贫原因代码表中")
    data.other_causes = others
    year = ctx.today().year
    data.income_year = tc.check_year(data.income_year, "收入年度", lo=2000, hi=year)
    for row, m in enumerate(members):
        try:
            m.name = tc.clean_text(m.name, "姓名", limit=tc.PERSON)
        except InputError as exc:
            raise MemberError(row, "", "姓名", f"姓名{exc.problem}") from None
        try:
            m.phone = tc.check_digits(m.phone, "联系电话", limit=20, extra="-", what="数字和连字符")
        except InputError as exc:
            raise MemberError(row, m.name, "联系电话", f"联系电话{exc.problem}") from None
        for attr, label, list_name in _MEMBER_CODES:
            try:
                value = tc.clean_text(getattr(m, attr), label)
            except InputError as exc:
                raise MemberError(row, m.name, label, f"{label}{exc.problem}") from None
            if value:
                found = _in_code_list(ctx, (list_name,), value)
                if found is None:
                    raise MemberError(row, m.name, label, f"{label}「{value[:20]}」不在代码表中")
                value = found
            setattr(m, attr, value)


def save_household(ctx: AppContext, data: HouseholdInput, members: list[MemberInput],
                   household_id: int | None = None, loaded_version: int | None = None) -> SavedHousehold:
    """Save a household and its members in one transaction; return the H05/H08 findings to review."""
    today = ctx.today()
    _validate_household(ctx, data, members)
    if not data.village_id:
        raise InputError("村", "请选择村")
    main = _clean(data.main_cause)
    if not main:
        raise InputError("主要致贫原因", "请选择一项")
    others = _other_causes(data.other_causes, main)
    money = {name: _money(getattr(data, name), label) for name, label in _MONEY_LABELS.items()}
    _check_duties(data, today)
    checked = _check_members(members, today)

    with ctx.transaction() as s:
        village = s.get(Village, data.village_id)
        if village is None:
            raise InputError("村", "请选择村")
        if household_id:
            household = s.get(Household, household_id)
            if household is None:
                raise DomainError("该户不存在或已被作废")
            refuse_if_changed(household, loaded_version, f"户 {household.household_no}（户主 {household.head_name}）")
        else:
            household = Household(household_no="", village_id=village.id, head_name="",
                                  status=proc.IDENTIFYING, status_since=today,
                                  entered_by=data.entered_by or ctx.operator)
        number = _clean(data.household_no) or _generate_no(s, _pattern(ctx), village)
        clash = s.exec(select(Household).where(Household.household_no == number,
                                               Household.id != (household_id or -1))).first()
        if clash:
            raise InputError("户编号", f"{number} 已被 户主 {clash.head_name} 的户使用")
        _refuse_duplicate_ids(s, checked, household_id, members)

        for f in fields(HouseholdInput):
            if f.name in ("household_no", "other_causes", "main_cause", *_MONEY_LABELS):
                continue
            value = getattr(data, f.name)
            setattr(household, f.name, _clean(value) if isinstance(value, str) else value)
        if not household.entered_by:
            household.entered_by = ctx.operator
        household.household_no, household.main_cause, household.other_causes = number, main, others
        for name, value in money.items():
            setattr(household, name, value)
        household.net_income = (money["wage_income"] + money["business_income"] + money["property_income"]
                                + money["transfer_income"] - money["business_expense"])
        household.size = len(checked)
        household.per_capita_income = per_capita(household.net_income, household.size)
        household.head_name = next(c.data.name for c in checked if c.data.relation == "户主")
        household.search_keys = search_text(number, [c.data.name for c in checked],
                                            [c.id_number for c in checked])
        s.add(household)
        s.flush()
        if not household_id:
            s.add(HouseholdEvent(household_id=household.id, happened_on=today, from_status="",
                                 to_status=proc.IDENTIFYING, reason="新识别登记"))
        _save_members(s, household.id, members, checked)
        problems = check_household(
            HouseholdData(number, household.phone, household.helper_phone),
            [MemberData(c.data.name, c.id_number, c.data.relation, c.gender, c.birth_date, c.data.education,
                        c.data.school_status, c.data.health, c.data.labour_skill, c.data.phone) for c in checked],
            today, ctx.policy,
        )
        return SavedHousehold(household.id, number, problems)


_MEMBER_FIELDS = [f.name for f in fields(MemberInput) if f.name not in ("id", "void_reason", "id_number")]


def _save_members(s: Session, household_id: int, members: list[MemberInput], checked: list[_CheckedMember]) -> None:
    by_input = {id(c.data): c for c in checked}
    existing = {m.id: m for m in s.exec(select(Member).where(Member.household_id == household_id,
                                                             Member.voided == False))}  # noqa: E712
    # Void first so a person moved between rows never clashes with the unique live-ID index.
    for m in members:
        if m.void_reason.strip() and m.id in existing:
            row = existing.pop(m.id)
            row.voided, row.void_reason = True, _clean(m.void_reason)
            s.add(row)
    kept = {m.id for m in members if m.id}
    for member_id, row in list(existing.items()):
        if member_id not in kept:
            raise InputError("家庭成员", f"{row.name} 不能直接删除，请注明原因后作废")
    s.flush()
    for m in members:
        c = by_input.get(id(m))
        if c is None:
            continue
        row = existing.get(m.id) if m.id else None
        if row is None:
            row = Member(household_id=household_id, name=m.name, id_number=c.id_number)
        for name in _MEMBER_FIELDS:
            value = getattr(m, name)
            setattr(row, name, _clean(value) if isinstance(value, str) else value)
        row.id_number, row.birth_date, row.gender = c.id_number, c.birth_date, c.gender
        s.add(row)


# ---------------------------------------------------------------------------- reading one household


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    id_number: str
    gender: str
    birth_date: date | None
    relation: str
    ethnicity: str
    education: str
    school_status: str
    health: str
    labour_skill: str
    work_place: str
    medical_insurance: str
    pension_insurance: bool
    phone: str


@dataclass(frozen=True)
class HouseholdDetail:
    id: int
    household_no: str
    village_id: int
    village_name: str
    head_name: str
    status: str
    status_since: date | None
    size: int
    net_income: Decimal
    per_capita_income: Decimal
    values: dict  # every Household column, for the form
    members: list[MemberRow]
    version: int = 0  # row_version when loaded; saving over a newer one is refused


def load_household(ctx: AppContext, household_id: int) -> HouseholdDetail:
    with ctx.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise DomainError("该户不存在")
        village = s.get(Village, h.village_id)
        rows = s.exec(select(Member).where(Member.household_id == h.id, Member.voided == False)  # noqa: E712
                      .order_by(Member.id)).all()
        members = [MemberRow(m.id, m.name, m.id_number, m.gender, m.birth_date, m.relation, m.ethnicity, m.education,
                             m.school_status, m.health, m.labour_skill, m.work_place, m.medical_insurance,
                             m.pension_insurance, m.phone) for m in rows]
        members.sort(key=lambda m: m.relation != "户主")
        return HouseholdDetail(h.id, h.household_no, h.village_id, village.name if village else "", h.head_name,
                               h.status, h.status_since, h.size, h.net_income, h.per_capita_income,
                               h.model_dump(), members, h.row_version)


# ---------------------------------------------------------------------------- procedures


@dataclass(frozen=True)
class StepRow:
    id: int
    procedure: str
    step: str
    seq: int
    done_on: date
    responsible: str
    publicity_from: date | None
    publicity_to: date | None
    document_no: str
    note: str


@dataclass(frozen=True)
class ProcedureView:
    status: str
    identification: list[StepRow]
    exit: list[StepRow]  # the current round
    next_identification: str | None
    next_exit: str | None
    publicity_days: int

    def checklist(self, procedure: str) -> list[tuple[str, StepRow | None]]:
        """Every step of the procedure with its record, None when not yet done."""
        done = {r.step: r for r in (self.identification if procedure == proc.IDENTIFICATION else self.exit)}
        return [(step, done.get(step)) for step in proc.STEPS[procedure]]


def _exit_round(s: Session, household_id: int) -> int:
    returns = s.exec(select(func.count()).select_from(HouseholdEvent).where(
        HouseholdEvent.household_id == household_id, HouseholdEvent.to_status == proc.RETURNED,
        HouseholdEvent.voided == False)).one()  # noqa: E712
    return returns + 1


def _steps(s: Session, household_id: int, procedure: str, round_no: int) -> list[ProcedureStep]:
    return list(s.exec(select(ProcedureStep).where(
        ProcedureStep.household_id == household_id, ProcedureStep.procedure == procedure,
        ProcedureStep.round_no == round_no, ProcedureStep.voided == False)  # noqa: E712
        .order_by(ProcedureStep.seq)))


def _step_row(r: ProcedureStep) -> StepRow:
    return StepRow(r.id, r.procedure, r.step, r.seq, r.done_on, r.responsible, r.publicity_from, r.publicity_to,
                   r.document_no, r.note)


def procedure_view(ctx: AppContext, household_id: int) -> ProcedureView:
    with ctx.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise DomainError("该户不存在")
        ident = [_step_row(r) for r in _steps(s, household_id, proc.IDENTIFICATION, 1)]
        exits = [_step_row(r) for r in _steps(s, household_id, proc.EXIT, _exit_round(s, household_id))]
    nxt_i = proc.next_step(proc.IDENTIFICATION, [proc.StepDone(r.step, r.done_on) for r in ident])
    nxt_e = proc.next_step(proc.EXIT, [proc.StepDone(r.step, r.done_on) for r in exits])
    return ProcedureView(h.status, ident, exits,
                         nxt_i if h.status == proc.IDENTIFYING else None,
                         nxt_e if h.status in (proc.REGISTERED, proc.RETURNED) else None,
                         int(ctx.policy.publicity_days))


def _household_as_seen(s: Session, household_id: int, loaded_version: int | None) -> Household:
    """The household, refused when another operator changed it since the clerk's form loaded it
    (``loaded_version``: the form's ``row_version``; None skips the check, for scripts)."""
    h = s.get(Household, household_id)
    if h is None:
        raise DomainError("该户不存在")
    refuse_if_changed(h, loaded_version, f"户 {h.household_no}（户主 {h.head_name}）")
    return h


def _touch(s: Session, h: Household) -> None:
    """A step or a void is a change to the household: its row_version moves (``db._stamp``), so a
    form or dialog opened before it is refused instead of acting on a sequence it never saw."""
    flag_modified(h, "updated_at")  # even within the second of the last change (same value)
    s.add(h)


def _change_status(s: Session, h: Household, to_status: str, on: date, reason: str, document_no: str = "") -> None:
    s.add(HouseholdEvent(household_id=h.id, happened_on=on, from_status=h.status, to_status=to_status,
                         reason=reason, document_no=document_no))
    h.status, h.status_since = to_status, on
    if to_status == proc.REGISTERED and not h.identified_year:
        h.identified_year = on.year
    s.add(h)


def record_step(ctx: AppContext, household_id: int, procedure: str, step: str, done_on: date, responsible: str,
                publicity_from: date | None = None, publicity_to: date | None = None, document_no: str = "",
                note: str = "", basic_needs_met: bool = False, loaded_version: int | None = None) -> str:
    """Record one procedure step (H02/H03); return the household's status afterwards."""
    entry = proc.StepEntry(procedure, step, done_on, _clean(responsible), publicity_from, publicity_to)
    with ctx.transaction() as s:
        h = _household_as_seen(s, household_id, loaded_version)
        round_no = _exit_round(s, household_id) if procedure == proc.EXIT else 1
        done = [proc.StepDone(r.step, r.done_on, r.publicity_to) for r in _steps(s, household_id, procedure, round_no)]
        seq = proc.check_step(entry, done, h.status, publicity_days=int(ctx.policy.publicity_days), today=ctx.today())
        needs = False
        if procedure == proc.EXIT and seq == 1:
            year = h.income_year or done_on.year
            standard = proc.check_exit_standard(h.per_capita_income, ctx.policy.poverty_line_for(year), year,
                                                basic_needs_met)
            note = f"{standard}；{note}" if note else standard
            needs = basic_needs_met
        s.add(ProcedureStep(household_id=household_id, procedure=procedure, step=step, seq=seq, round_no=round_no,
                            done_on=done_on, responsible=entry.responsible, publicity_from=publicity_from,
                            publicity_to=publicity_to, document_no=_clean(document_no), note=_clean(note),
                            basic_needs_met=needs))
        new_status = proc.status_after(procedure, seq)
        if new_status:
            reason = "识别程序完成（县复核公告）" if procedure == proc.IDENTIFICATION else "脱贫退出（两公示一公告）"
            _change_status(s, h, new_status, done_on, reason, _clean(document_no))
        _touch(s, h)
        return h.status


def void_last_step(ctx: AppContext, household_id: int, reason: str, loaded_version: int | None = None) -> str:
    """作废 the step recorded last (a slip: wrong date, wrong person), with a reason; nothing is deleted.

    Only the last one: the steps are a sequence, each checked against the one before.  If that step
    had changed the household's status (县复核公告 → 在册), the status goes back, as a dated event.
    Returns a description of what was voided.
    """
    reason = require_reason(reason)
    with ctx.transaction() as s:
        h = _household_as_seen(s, household_id, loaded_version)
        live = list(s.exec(select(ProcedureStep).where(ProcedureStep.household_id == household_id,
                                                       ProcedureStep.voided == False)))  # noqa: E712
        if not live:
            raise DomainError("该户没有可作废的程序步骤")
        last = max(live, key=lambda r: r.id)  # ids only grow: the one recorded last
        if proc.status_after(last.procedure, last.seq) and h.status == proc.status_after(last.procedure, last.seq):
            event = s.exec(select(HouseholdEvent).where(HouseholdEvent.household_id == household_id)
                           .order_by(HouseholdEvent.id.desc())).first()
            back = event.from_status if event is not None and event.from_status else (
                proc.IDENTIFYING if last.procedure == proc.IDENTIFICATION else proc.REGISTERED)
            _change_status(s, h, back, ctx.today(), f"作废程序步骤“{last.step}”：{reason}")
        void(s, last, reason)
        _touch(s, h)
        return f"{last.procedure}·{last.step}（{last.done_on.isoformat()}）"


def record_return(ctx: AppContext, household_id: int, on: date, reason: str,
                  loaded_version: int | None = None) -> None:
    """返贫: an exited household back in the registry (H04); exit steps start a new round."""
    with ctx.transaction() as s:
        h = _household_as_seen(s, household_id, loaded_version)
        to_status = proc.check_return(h.status, reason)
        _change_status(s, h, to_status, on, _clean(reason))


def remove_household(ctx: AppContext, household_id: int, on: date, reason: str,
                     loaded_version: int | None = None) -> None:
    """清退 with a reason (H04): the household stays, with its history, marked 清退."""
    with ctx.transaction() as s:
        h = _household_as_seen(s, household_id, loaded_version)
        to_status = proc.check_removal(h.status, reason)
        _change_status(s, h, to_status, on, _clean(reason))


# ---------------------------------------------------------------------------- cash ledger (H07)


@dataclass(frozen=True)
class LedgerLine:
    id: int
    direction: str
    category: str
    item: str
    amount: Decimal
    occurred_on: date | None
    note: str


@dataclass(frozen=True)
class Ledger:
    year: int
    lines: list[LedgerLine]
    by_category: dict[str, Decimal]
    income: Decimal
    expense: Decimal

    @property
    def net_income(self) -> Decimal:
        """家庭纯收入 counts production expenses only, not living costs."""
        gross = sum((self.by_category.get(c, Decimal("0")) for c in INCOME_FIELDS), Decimal("0"))
        return gross - sum((self.by_category.get(c, Decimal("0")) for c in EXPENSE_FIELDS), Decimal("0"))


def add_ledger_line(ctx: AppContext, household_id: int, year: int, direction: str, category: str,
                    amount: Decimal | str, item: str = "", occurred_on: date | None = None, note: str = "") -> int:
    if direction not in LEDGER_CATEGORIES:
        raise InputError("收支", "请选择 收入 或 支出")
    if category not in LEDGER_CATEGORIES[direction]:
        raise InputError("类别", f"{direction}类别应为：{'、'.join(LEDGER_CATEGORIES[direction])}")
    value = _money(amount, "金额")
    if value <= 0:
        raise InputError("金额", "必须大于零")
    if occurred_on and occurred_on.year != year:
        raise InputError("日期", f"不在{year}年内")
    with ctx.transaction() as s:
        if s.get(Household, household_id) is None:
            raise DomainError("该户不存在")
        line = CashLedgerLine(household_id=household_id, year=year, direction=direction, category=category,
                              item=_clean(item), amount=value, occurred_on=occurred_on, note=_clean(note))
        s.add(line)
        s.flush()
        return line.id


def void_ledger_line(ctx: AppContext, line_id: int, reason: str) -> None:
    reason = require_reason(reason)
    with ctx.transaction() as s:
        void(s, live_row(s, CashLedgerLine, line_id, "该条台账不存在或已作废"), reason)


def ledger(ctx: AppContext, household_id: int, year: int) -> Ledger:
    with ctx.read() as s:
        rows = s.exec(select(CashLedgerLine).where(
            CashLedgerLine.household_id == household_id, CashLedgerLine.year == year,
            CashLedgerLine.voided == False).order_by(CashLedgerLine.id)).all()  # noqa: E712
    lines = [LedgerLine(r.id, r.direction, r.category, r.item, r.amount, r.occurred_on, r.note) for r in rows]
    by_category: dict[str, Decimal] = {}
    for line in lines:
        by_category[line.category] = by_category.get(line.category, Decimal("0")) + line.amount
    income = sum((x.amount for x in lines if x.direction == "收入"), Decimal("0.00"))
    expense = sum((x.amount for x in lines if x.direction == "支出"), Decimal("0.00"))
    return Ledger(year, lines, by_category, income, expense)


def apply_ledger_to_income(ctx: AppContext, household_id: int, year: int) -> Decimal:
    """Take the year's ledger totals as the household's income; return the new per-capita income."""
    book = ledger(ctx, household_id, year)
    with ctx.transaction() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise DomainError("该户不存在")
        for category, name in {**INCOME_FIELDS, **EXPENSE_FIELDS}.items():
            setattr(h, name, book.by_category.get(category, Decimal("0")).quantize(Decimal("0.01")))
        h.income_year = year
        h.net_income = book.net_income.quantize(Decimal("0.01"))
        h.per_capita_income = per_capita(h.net_income, h.size)
        s.add(h)
        return h.per_capita_income


# ---------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    operator: str
    what: str  # 状态 / 新增 / 修改 / 作废
    text: str


_TABLE_LABEL = {"household": "户信息", "member": "成员", "procedurestep": "程序", "cashledgerline": "现金台账",
                "householdevent": "状态"}


_NOT_TOLD = frozenset({"id", "updated_at", "updated_by", "created_at", "created_by", "row_version", "search_keys",
                       "household_id", "voided", "void_reason"})
_MAX_CHANGES = 6


def _shown(value) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    try:
        if "." in text and len(text.split(".")[1]) == 2:
            return format_money(Decimal(text))  # money columns are stored with two places
    except ArithmeticError:
        pass
    return text


def _field(table: str, attr: str) -> str:
    from fupin_tui.sheets import column_label

    return column_label(table, attr) or attr


def _describe(row: AuditLog) -> str:
    """One audited change in words a clerk reads: which record, which field, old → new."""
    before = json.loads(row.before or "{}")
    data = json.loads(row.after or "{}")
    label = _TABLE_LABEL.get(row.table_name, row.table_name)
    if row.table_name == "member" and (data.get("name") or before.get("name")):
        label += " " + (data.get("name") or before.get("name"))
    if row.action == "作废":
        return f"{label}：作废，原因：{data.get('void_reason') or '（未填）'}"
    if row.action == "修改":
        changed = [k for k in data if k not in _NOT_TOLD]
        parts = [f"{_field(row.table_name, k)} {_shown(before.get(k))} → {_shown(data.get(k))}"
                 for k in changed[:_MAX_CHANGES]]
        more = f" 等{len(changed)}项" if len(changed) > _MAX_CHANGES else ""
        return f"{label}：" + ("；".join(parts) or "修改") + more
    if row.table_name == "procedurestep":
        return f"{label}：登记 {data.get('procedure', '')} {data.get('step', '')}，办理日期 {data.get('done_on', '')}"
    if row.table_name == "cashledgerline":
        return (f"{label}：记一笔 {data.get('year', '')}年 {data.get('direction', '')} {data.get('category', '')} "
                f"{_shown(data.get('amount'))}元")
    return f"{label}：{row.action}"


def history(ctx: AppContext, household_id: int) -> list[HistoryRow]:
    """Status changes and every audited edit of the household, its members, steps and ledger, newest first."""
    with ctx.read() as s:
        events = s.exec(select(HouseholdEvent).where(HouseholdEvent.household_id == household_id)).all()
        ids = {"household": [household_id]}
        for table, model in (("member", Member), ("procedurestep", ProcedureStep), ("cashledgerline", CashLedgerLine)):
            ids[table] = list(s.exec(select(model.id).where(model.household_id == household_id)))
        # Inserts may be logged without a record id (the hook runs before identities are
        # assigned), so they are also matched by the id inside their ``after`` snapshot.
        clauses = [(AuditLog.table_name == t) & (AuditLog.record_id.in_([str(i) for i in v])
                                                 | ((AuditLog.record_id == "")
                                                    & func.json_extract(AuditLog.after, "$.id").in_(v)))
                   for t, v in ids.items() if v]
        audits = s.exec(select(AuditLog).where(or_(*clauses)).order_by(AuditLog.id)).all()
    rows = [HistoryRow(datetime.combine(e.happened_on, datetime.min.time()), e.created_by, "状态",
                       f"{e.from_status or '（新登记）'} 变为 {e.to_status}" + (f"：{e.reason}" if e.reason else ""))
            for e in events]
    rows += [HistoryRow(a.at, a.operator, a.action, _describe(a)) for a in audits]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows
