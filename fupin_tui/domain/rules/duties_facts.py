"""What the part-B rules of RULES-2 read beyond ``facts``: plain values keyed by record id.

``services.checks`` fills ``CheckData.duties`` with a few bulk queries of their own, so the
rules of RULES.md and their loaders stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ProcurementData:
    contract_name: str
    contract_amount: Decimal
    method: str
    procured_on: date | None = None
    winner: str = ""
    awarded_amount: Decimal = ZERO
    sunshine_note: str = ""


@dataclass(frozen=True)
class DelegationData:
    delegate_kind: str
    delegate_name: str
    agreement_on: date
    consent_on: date | None = None
    consent_method: str = ""
    consent_households: int = 0
    consent_agreed: int = 0


@dataclass(frozen=True)
class AdjustmentFilingData:
    approved_on: date | None
    county_filed_on: date | None = None
    content: str = ""


@dataclass(frozen=True)
class ProjectDuties:
    supervision_entered_on: date | None = None  # P22
    procurements: tuple[ProcurementData, ...] = ()  # P25
    delegations: tuple[DelegationData, ...] = ()  # P23
    adjustments: tuple[AdjustmentFilingData, ...] = ()  # P24


class VisitYear(NamedTuple):
    visits: int  # visits with a visitor named
    unnamed: int = 0  # visits recorded without the visitor (not counted)


class HouseholdDuties(NamedTuple):  # a tuple: 20,000 of them load in a blink
    helper_name: str = ""
    helper_unit: str = ""
    helper_phone: str = ""
    investigator: str = ""
    letter_on: date | None = None  # 责任状 (H14)
    file_filed_on: date | None = None  # 一户一档 (H10)
    file_items: frozenset[str] = frozenset()
    approval_no: str = ""  # 超规模县级批准 (H13)
    approved_on: date | None = None
    visits: Mapping[int, VisitYear] = MappingProxyType({})  # year -> visits (H11)


NO_PROJECT_DUTIES = ProjectDuties()
NO_HOUSEHOLD_DUTIES = HouseholdDuties()


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class DutiesData:
    projects: Mapping[int, ProjectDuties] = field(default_factory=_empty)
    households: Mapping[int, HouseholdDuties] = field(default_factory=_empty)
    # entity id -> condition -> evidence (L05)
    conditions: Mapping[int, Mapping[str, str]] = field(default_factory=_empty)

    def project(self, project_id: int) -> ProjectDuties:
        return self.projects.get(project_id, NO_PROJECT_DUTIES)

    def household(self, household_id: int) -> HouseholdDuties:
        return self.households.get(household_id, NO_HOUSEHOLD_DUTIES)
