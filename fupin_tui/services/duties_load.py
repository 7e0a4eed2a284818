"""Bulk loading of what the part-B rules read (``CheckData.duties``): one plain query per table."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from sqlmodel import Session

from fupin_tui.domain.rules.duties_facts import (
    AdjustmentFilingData, DelegationData, DutiesData, HouseholdDuties, ProcurementData, ProjectDuties, VisitYear,
)


def _day(text):
    return date.fromisoformat(text) if text else None


def _fen(value) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


def _raw(s: Session, sql: str):
    return s.connection().connection.driver_connection.execute(sql)


def load_duties(s: Session, *, households: bool = True) -> DutiesData:
    entered = {pid: _day(on) for pid, on in _raw(
        s, "SELECT id, supervision_entered_on FROM project WHERE voided = 0 AND supervision_entered_on IS NOT NULL")}
    procurements: dict[int, list] = defaultdict(list)
    for (pid, name, amount, method, on, winner, awarded, note) in _raw(
            s, "SELECT project_id, contract_name, contract_amount, method, procured_on, winner, awarded_amount, "
               "sunshine_note FROM procurement WHERE voided = 0 ORDER BY id"):
        procurements[pid].append(ProcurementData(name, _fen(amount), method, _day(on), winner, _fen(awarded), note))
    delegations: dict[int, list] = defaultdict(list)
    for (pid, kind, name, agreement, consent, method, asked, agreed) in _raw(
            s, "SELECT project_id, delegate_kind, delegate_name, agreement_on, consent_on, consent_method, "
               "consent_households, consent_agreed FROM delegation WHERE voided = 0 ORDER BY id"):
        delegations[pid].append(DelegationData(kind, name, _day(agreement), _day(consent), method, asked, agreed))
    adjustments: dict[int, list] = defaultdict(list)
    for pid, approved, filed, content in _raw(
            s, "SELECT project_id, approved_on, county_filed_on, content FROM adjustment WHERE voided = 0 ORDER BY id"):
        adjustments[pid].append(AdjustmentFilingData(_day(approved), _day(filed), content))
    ids = set(entered) | set(procurements) | set(delegations) | set(adjustments)
    projects = {pid: ProjectDuties(entered.get(pid), tuple(procurements.get(pid, ())), tuple(delegations.get(pid, ())),
                                   tuple(adjustments.get(pid, ()))) for pid in ids}
    conditions: dict[int, dict[str, str]] = defaultdict(dict)
    for eid, condition, evidence in _raw(
            s, "SELECT entity_id, condition, evidence FROM enterprisecondition WHERE voided = 0 ORDER BY id"):
        conditions[eid][condition] = evidence
    hh: dict[int, HouseholdDuties] = {}
    if households:
        visits: dict[int, dict[int, VisitYear]] = defaultdict(dict)
        for hid, year, named, unnamed in _raw(
                s, "SELECT household_id, CAST(substr(visited_on, 1, 4) AS INTEGER), "
                   "SUM(TRIM(visitor) <> ''), SUM(TRIM(visitor) = '') FROM visit WHERE voided = 0 GROUP BY 1, 2"):
            visits[hid][year] = VisitYear(int(named or 0), int(unnamed or 0))
        days: dict = {}
        items: dict = {}
        for (hid, name, unit, phone, investigator, letter, filed, file_items, approval, approved) in _raw(
                s, "SELECT id, helper_name, helper_unit, helper_phone, investigator, responsibility_letter_on, "
                   "file_filed_on, file_items, county_approval_no, county_approved_on FROM household WHERE voided = 0"):
            if file_items not in items:
                items[file_items] = frozenset(x.strip() for x in file_items.split("、") if x.strip())
            for d in (letter, filed, approved):
                if d not in days:
                    days[d] = _day(d)
            v = visits.get(hid)
            hh[hid] = HouseholdDuties(name, unit, phone, investigator, days[letter], days[filed], items[file_items],
                                      approval, days[approved], MappingProxyType(v) if v else MappingProxyType({}))
    return DutiesData(MappingProxyType(projects), MappingProxyType(hh),
                      MappingProxyType({k: MappingProxyType(v) for k, v in conditions.items()}))
