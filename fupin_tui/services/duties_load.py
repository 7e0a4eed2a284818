"""Bulk loading of what the part-B rules read (``CheckData.duties``): one plain query per table."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from fupin_tui.domain.rules.duties_facts import (
    AdjustmentFilingData, DelegationData, DutiesData, HouseholdDuties, ProcurementData, ProjectDuties, VisitYear,
)


def _day(value):
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _fen(value) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


def load_duties(rows, *, households: bool = True) -> DutiesData:
    """``rows(sql)`` is a loader source's (``services.checks``): plain tuples, SQLite or another engine."""
    entered = {pid: _day(on) for pid, on in rows(
        "SELECT id, supervision_entered_on FROM project WHERE NOT voided AND supervision_entered_on IS NOT NULL")}
    procurements: dict[int, list] = defaultdict(list)
    for (pid, name, amount, method, on, winner, awarded, note) in rows(
            "SELECT project_id, contract_name, contract_amount, method, procured_on, winner, awarded_amount, "
               "sunshine_note FROM procurement WHERE NOT voided ORDER BY id"):
        procurements[pid].append(ProcurementData(name, _fen(amount), method, _day(on), winner, _fen(awarded), note))
    delegations: dict[int, list] = defaultdict(list)
    for (pid, kind, name, agreement, consent, method, asked, agreed) in rows(
            "SELECT project_id, delegate_kind, delegate_name, agreement_on, consent_on, consent_method, "
               "consent_households, consent_agreed FROM delegation WHERE NOT voided ORDER BY id"):
        delegations[pid].append(DelegationData(kind, name, _day(agreement), _day(consent), method, asked, agreed))
    adjustments: dict[int, list] = defaultdict(list)
    for pid, approved, filed, content in rows(
            "SELECT project_id, approved_on, county_filed_on, content FROM adjustment WHERE NOT voided ORDER BY id"):
        adjustments[pid].append(AdjustmentFilingData(_day(approved), _day(filed), content))
    ids = set(entered) | set(procurements) | set(delegations) | set(adjustments)
    projects = {pid: ProjectDuties(entered.get(pid), tuple(procurements.get(pid, ())), tuple(delegations.get(pid, ())),
                                   tuple(adjustments.get(pid, ()))) for pid in ids}
    conditions: dict[int, dict[str, str]] = defaultdict(dict)
    for eid, condition, evidence in rows(
            "SELECT entity_id, condition, evidence FROM enterprisecondition WHERE NOT voided ORDER BY id"):
        conditions[eid][condition] = evidence
    hh: dict[int, HouseholdDuties] = {}
    if households:
        hh = _household_duties(rows)
    return DutiesData(MappingProxyType(projects), MappingProxyType(hh),
                      MappingProxyType({k: MappingProxyType(v) for k, v in conditions.items()}))


def _household_duties(rows) -> dict[int, HouseholdDuties]:
    """20,000 households and their visits: values parsed once per distinct text (dates, item lists repeat)."""
    days: dict = {None: None}

    def day(value):
        out = days.get(value, days)
        if out is days:
            out = days[value] = _day(value)
        return out

    counts: dict[int, dict[int, list[int]]] = defaultdict(dict)
    years: dict = {}
    for hid, on, visitor in rows("SELECT household_id, visited_on, visitor FROM visit WHERE NOT voided"):
        year = years.get(on)
        if year is None:
            year = years[on] = _day(on).year
        per = counts[hid].setdefault(year, [0, 0])
        per[0 if visitor and not visitor.isspace() else 1] += 1
    empty = MappingProxyType({})
    visits = {hid: MappingProxyType({y: VisitYear(n, u) for y, (n, u) in per.items()}) for hid, per in counts.items()}
    items: dict = {}
    out: dict[int, HouseholdDuties] = {}
    for (hid, name, unit, phone, investigator, letter, filed, file_items, approval, approved) in rows(
            "SELECT id, helper_name, helper_unit, helper_phone, investigator, responsibility_letter_on, "
               "file_filed_on, file_items, county_approval_no, county_approved_on FROM household WHERE NOT voided"):
        got = items.get(file_items)
        if got is None:
            got = items[file_items] = frozenset(x.strip() for x in (file_items or "").split("、") if x.strip())
        out[hid] = HouseholdDuties(name, unit, phone, investigator, day(letter), day(filed), got, approval,
                                   day(approved), visits.get(hid, empty))
    return out
