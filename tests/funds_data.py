"""Test data for the progress and funds tests: a project under 532 with budget lines and households."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlmodel import select

from fupin_tui.models.projects import BudgetLine, LibraryEntry, Project
from fupin_tui.models.registry import Household, Member
from fupin_tui.models.settings import Village

# Valid GB 11643 numbers (check digits computed), Guizhou area codes.
PEOPLE = [
    ("HH001", "王大山", "520123198001010015"),
    ("HH002", "李小梅", "520123198505050025"),
    ("HH003", "张国华", "520123197003030036"),
]


def id_check(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(a) * w for a, w in zip(body, weights)) % 11]


def make_project(ctx, *, name="新寨村蔬菜大棚", subsidy="100000.00", mode="532", state="实施中",
                 approved_on=date(2026, 3, 2), deposit="5000.00", category="产业发展",
                 budget=(("大棚钢架", "工程建设", "60000.00"), ("农户种苗补助", "直接补助到户", "40000.00")),
                 year=2026) -> tuple[int, list[int]]:
    """A project with an approved plan and budget lines; returns (project id, budget line ids)."""
    with ctx.transaction() as s:
        village = s.exec(select(Village).order_by(Village.id)).first()
        entry = LibraryEntry(village_id=village.id, year=year, name=name, category=category,
                             performance_goals="带动贫困户增收", status="已立项")
        s.add(entry)
        s.flush()
        p = Project(library_entry_id=entry.id, village_id=village.id, year=year, name=name, category=category,
                    state=state, subsidy=D(subsidy), total_investment=D(subsidy), disbursement_mode=mode,
                    plan_approved_on=approved_on, approved_on=approved_on, started_on=approved_on,
                    deposit_rate=D("0.05") if deposit else None, deposit_amount=D(deposit or "0"),
                    search_keys="xzc sczp xinzhaicun")
        s.add(p)
        s.flush()
        ids = []
        for item, kind, amount in budget:
            b = BudgetLine(project_id=p.id, item=item, spending_kind=kind, amount=D(amount))
            s.add(b)
            s.flush()
            ids.append(b.id)
        return p.id, ids


def make_households(ctx) -> list[tuple[int, str, str]]:
    """Three registered households, each with its head; returns (household id, name, ID number)."""
    out = []
    with ctx.transaction() as s:
        village = s.exec(select(Village).order_by(Village.id)).first()
        for no, name, _ in PEOPLE:
            existing = s.exec(select(Household).where(Household.household_no == no)).first()
            if existing:
                continue
            idn = id_check(_[:17])
            hh = Household(household_no=no, village_id=village.id, head_name=name, status="在册", search_keys=name)
            s.add(hh)
            s.flush()
            s.add(Member(household_id=hh.id, name=name, id_number=idn, relation="户主"))
            out.append((hh.id, name, idn))
    return out
