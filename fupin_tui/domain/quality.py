"""Data-quality checks the county runs before upload (H08), and ID validity (H05).

Pure: plain dataclasses in, findings out. The registry service runs them on
save and over the whole registry; the rule engine calls ``check_household``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from fupin_tui.domain.errors import InputError
from fupin_tui.domain.idcard import age_on, parse_id

HEAD, SPOUSE = "户主", "配偶"
NO_LABOUR = ("无劳动力", "丧失劳动力")
HEALTHY = "健康"
# School age (policy ``school_age_min``/``school_age_max``, 6 to 18 completed years by default):
# for them 文化程度 is left empty while 在校生状况 is filled, as the national system expects.
WORKING_AGE = (16, 60)
_PHONE = re.compile(r"1\d{10}")
_SEPARATORS = re.compile(r"[\s-]")
_SECTION = "十二(五)(六)"


@dataclass(frozen=True)
class HouseholdData:
    household_no: str
    phone: str = ""
    helper_phone: str = ""


@dataclass(frozen=True)
class MemberData:
    name: str
    id_number: str
    relation: str = ""
    gender: str = ""
    birth_date: date | None = None
    education: str = ""
    school_status: str = ""
    health: str = HEALTHY
    labour_skill: str = ""
    phone: str = ""


@dataclass(frozen=True)
class QualityProblem:
    rule: str
    household_no: str
    member_name: str
    message: str
    section: str = field(default=_SECTION)

    def __str__(self) -> str:
        who = f" {self.member_name}" if self.member_name else ""
        return f"[{self.rule}] 户号 {self.household_no}{who}：{self.message}"


def phone_ok(phone: str) -> bool:
    """Empty, or an 11-digit mobile number (spaces and full-width digits tolerated)."""
    if not phone:
        return True  # most members have none: skip the normalising below
    if phone.isascii() and phone.isdigit():
        return bool(_PHONE.fullmatch(phone))  # plain digits already: nothing to normalise
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", phone))
    return not digits or bool(_PHONE.fullmatch(digits))


def school_age(policy=None) -> tuple[int, int]:
    """(first, last) completed year of school age, from the policy (defaults when none given)."""
    if policy is None:
        from fupin_tui.domain.policy import Policy

        policy = Policy.defaults()
    return int(policy.school_age_min), int(policy.school_age_max)


def check_household(household: HouseholdData, members: list[MemberData], today: date,
                    policy=None) -> list[QualityProblem]:
    """Every H05/H08 finding for one household (live members only)."""
    ages = school_age(policy)
    no = household.household_no
    problems: list[QualityProblem] = []

    def add(rule: str, name: str, message: str) -> None:
        problems.append(QualityProblem(rule, no, name, message))

    heads = [m for m in members if m.relation == HEAD]
    if len(heads) != 1:
        add("H08", "", f"户主应有且只有1人，现有{len(heads)}人")
    spouses = [m for m in members if m.relation == SPOUSE]
    if len(spouses) > 1:
        add("H08", "", f"配偶最多1人，现有{len(spouses)}人（{'、'.join(m.name for m in spouses)}）")
    for label, phone in (("户联系电话", household.phone), ("帮扶责任人电话", household.helper_phone)):
        if not phone_ok(phone):
            add("H08", "", f"{label}「{phone}」不是11位手机号码")
    seen: dict[str, str] = {}
    for m in members:
        problems += _member_problems(no, m, today, ages)
        number = unicodedata.normalize("NFKC", m.id_number or "").strip().upper()
        if number and number in seen:
            add("H05", m.name, f"身份证号与本户 {seen[number]} 重复")
        seen.setdefault(number, m.name)
    return problems


def _member_problems(no: str, m: MemberData, today: date, ages: tuple[int, int]) -> list[QualityProblem]:
    out: list[QualityProblem] = []

    def add(rule: str, message: str) -> None:
        out.append(QualityProblem(rule, no, m.name, message))

    if not phone_ok(m.phone):
        add("H08", f"联系电话「{m.phone}」不是11位手机号码")
    try:
        info = parse_id(m.id_number, today=today)
    except InputError as exc:
        add("H05", f"身份证号{exc.problem}")
        return out
    if m.birth_date and m.birth_date != info.birth_date:
        add("H08", f"出生日期 {m.birth_date} 与身份证号中的 {info.birth_date} 不一致")
    if m.gender and m.gender != info.gender:
        add("H08", f"性别「{m.gender}」与身份证号中的「{info.gender}」不一致")
    age = age_on(info.birth_date, today)
    if ages[0] <= age <= ages[1] and m.education and m.school_status:
        add("H08", f"{age}岁，文化程度「{m.education}」与在校生状况「{m.school_status}」不能同时填写")
    healthy = (m.health or HEALTHY) == HEALTHY
    if (WORKING_AGE[0] <= age <= WORKING_AGE[1] and healthy and not m.school_status
            and m.labour_skill in NO_LABOUR):
        add("H08", f"{age}岁、健康、非在校生，劳动技能却为「{m.labour_skill}」，请复核")
    return out


def _next_birthday(born: date, today: date) -> date:
    """The first day after ``today`` on which ``age_on(born, day)`` is one more (29 Feb: 1 Mar)."""
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # 29 Feb in a common year counts from 1 Mar
            day = date(year, 3, 1)
        if day > today:
            return day
    return date(today.year + 2, 1, 1)  # not reached  # pragma: no mutate


def stable_until(members: list[MemberData], today: date, policy=None) -> date:
    """The first day on which ``check_household`` could say something else with nothing edited.

    Only ``today`` moves the findings: an ID whose birth date is still ahead becomes valid on
    that day, and ages (the school-age and working-age checks, and the age in the messages)
    change on birthdays.  Conservative: every member not past the working age counts.
    """
    until = date.max
    oldest_counted = max(school_age(policy)[1], WORKING_AGE[1])
    for m in members:
        try:
            born = parse_id(m.id_number, today=today).birth_date
        except InputError:
            digits = unicodedata.normalize("NFKC", m.id_number or "").strip()[6:14]
            try:
                future = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
            except ValueError:
                continue
            if future > today:
                until = min(until, future)
            continue
        if age_on(born, today) <= oldest_counted:
            until = min(until, _next_birthday(born, today))
    return until
