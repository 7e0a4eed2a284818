"""The household list: filtered, sorted, paged from SQL (never the whole table), and counts.

Keyset pages (``after=`` the sort key of the last row seen) keep scrolling
cheap at 20,000 households; ``rows_at`` serves a jump to any position.
Filtering by text matches the search keys stored at save time, so a
keystroke costs one indexed-free scan of a short column, not pypinyin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from fupin_tui.context import AppContext
from fupin_tui.domain.text_check import fold_search
from fupin_tui.domain.quality import HouseholdData, MemberData, QualityProblem, check_household
from fupin_tui.models.registry import Household, Member
from fupin_tui.models.settings import Village

H = Household.__table__.c
V = Village.__table__.c

# Sortable columns: what the clerk sees → the column it sorts by.
SORTS = {
    "户编号": H.household_no,
    "户主": H.head_name,
    "村": H.village_id,
    "人口": H.size,
    "状态": H.status,
    "人均纯收入": H.per_capita_income,
    "主要致贫原因": H.main_cause,
}


@dataclass(frozen=True)
class HouseholdFilter:
    text: str = ""  # name, pinyin (zs / zhangsan), ID number or household number; words AND-ed
    village_id: int | None = None
    status: str | None = None  # None: every status except 作废
    cause: str | None = None  # main or other poverty cause
    attribute: str | None = None


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    household_no: str
    village: str
    head_name: str
    size: int
    status: str
    attribute: str
    main_cause: str
    per_capita_income: Decimal
    phone: str
    sort_value: object  # for keyset paging


def _words(text: str) -> list[str]:
    text = fold_search(text)
    return [w for w in text.split() if w]


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_clause(word: str):
    """Pinyin matches from the start of a key (``zs`` finds 张三 and 张世林, not 朱明刚's ``..zs..``);
    names, ID numbers and household numbers match anywhere (the last digits of an ID)."""
    escaped = _like_escape(word)
    if word.isascii() and word.isalpha():
        return (literal_column("' '") + H.search_keys).like(f"% {escaped}%", escape="\\")
    return H.search_keys.like(f"%{escaped}%", escape="\\")


def _where(f: HouseholdFilter):
    clauses = [_text_clause(w) for w in _words(f.text)]
    if f.village_id:
        clauses.append(H.village_id == f.village_id)
    clauses.append(H.status == f.status if f.status else H.status != "作废")
    if f.cause:
        clauses.append(or_(H.main_cause == f.cause, H.other_causes.like(f"%{_like_escape(f.cause)}%", escape="\\")))
    if f.attribute:
        clauses.append(H.attribute == f.attribute)
    return and_(*clauses)


def _columns(sort_col):
    return [H.id, H.household_no, V.name, H.head_name, H.size, H.status, H.attribute, H.main_cause,
            H.per_capita_income, H.phone, sort_col]


def _to_row(r) -> HouseholdRow:
    return HouseholdRow(r[0], r[1], r[2] or "", r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10])


def _order(sort_col, descending: bool, few: bool):
    """ORDER BY the sort column, then id. With ``few`` matches, walking the sort column's index
    reads nearly the whole table to find them (20 ms for one household in 20,000); scanning and
    sorting the matches costs what the count does. Unary + (a no-op on the value and its
    collation) keeps SQLite off the index; the order is the same either way."""
    key = UnaryExpression(sort_col, operator=operators.custom_op("+"), type_=sort_col.type) if few else sort_col
    return (key.desc(), H.id.desc()) if descending else (key, H.id)


def _base(f: HouseholdFilter, sort: str):
    sort_col = SORTS.get(sort, H.household_no)
    return select(*_columns(sort_col)).select_from(Household.__table__.outerjoin(
        Village.__table__, V.id == H.village_id)).where(_where(f)), sort_col


def counts(ctx: AppContext, f: HouseholdFilter) -> tuple[int, int]:
    """(households, people) matching the filter, in one scan."""
    with ctx.read() as s:
        n, people = s.execute(select(func.count(), func.coalesce(func.sum(H.size), 0)).where(_where(f))).one()
        return n, people


def count_households(ctx: AppContext, f: HouseholdFilter) -> int:
    return counts(ctx, f)[0]


def count_people(ctx: AppContext, f: HouseholdFilter) -> int:
    return counts(ctx, f)[1]


def page_households(ctx: AppContext, f: HouseholdFilter, sort: str = "户编号", descending: bool = False,
                    after: tuple | None = None, limit: int = 200, few: bool = False) -> list[HouseholdRow]:
    """The next ``limit`` rows after ``after`` = (sort value, id) of the last row shown.
    ``few``: the caller knows (from ``counts``) that only a few hundred rows match."""
    q, sort_col = _base(f, sort)
    if after is not None:
        key = tuple_(sort_col, H.id)
        # Bind the sort value with the column's type, so money compares as stored fen.
        last = tuple_(bindparam(None, after[0], type_=sort_col.type), bindparam(None, after[1], type_=H.id.type))
        q = q.where(key < last if descending else key > last)
    with ctx.read() as s:
        return [_to_row(r) for r in s.execute(q.order_by(*_order(sort_col, descending, few)).limit(limit))]


def rows_at(ctx: AppContext, f: HouseholdFilter, sort: str = "户编号", descending: bool = False,
            offset: int = 0, limit: int = 200, few: bool = False) -> list[HouseholdRow]:
    """Rows from position ``offset`` (a jump with the scroll bar or End); ``few`` as in page_households."""
    q, sort_col = _base(f, sort)
    order = _order(sort_col, descending, few)
    with ctx.read() as s:
        return [_to_row(r) for r in s.execute(q.order_by(*order).offset(offset).limit(limit))]


def status_counts(ctx: AppContext, village_id: int | None = None) -> dict[str, int]:
    """Households per status (the list header)."""
    q = select(H.status, func.count()).group_by(H.status)
    if village_id:
        q = q.where(H.village_id == village_id)
    with ctx.read() as s:
        return {status: n for status, n in s.execute(q)}


def quality_run(ctx: AppContext, village_id: int | None = None, today: date | None = None) -> list[QualityProblem]:
    """H05/H08 over every live household (the county's pre-upload checks)."""
    today = today or ctx.today()
    M = Member.__table__.c
    hq = select(H.id, H.household_no, H.phone, H.helper_phone).where(H.status != "作废")
    mq = (select(M.household_id, M.name, M.id_number, M.relation, M.gender, M.birth_date, M.education,
                 M.school_status, M.health, M.labour_skill, M.phone)
          .join(Household.__table__, H.id == M.household_id).where(M.voided == False, H.status != "作废"))  # noqa: E712
    if village_id:
        hq, mq = hq.where(H.village_id == village_id), mq.where(H.village_id == village_id)
    with ctx.read() as s:
        households = s.execute(hq.order_by(H.household_no)).all()
        members: dict[int, list[MemberData]] = {}
        for r in s.execute(mq):
            members.setdefault(r[0], []).append(MemberData(*r[1:]))
    problems: list[QualityProblem] = []
    for hid, no, phone, helper_phone in households:
        problems += check_household(HouseholdData(no, phone or "", helper_phone or ""), members.get(hid, []), today,
                                    ctx.policy)
    return problems


def household_id_by_no(ctx: AppContext, household_no: str) -> int | None:
    with ctx.read() as s:
        return s.execute(select(H.id).where(H.household_no == household_no)).scalar_one_or_none()
