"""档案 documents the app already knows from other records (issue 13, item 8).

A dossier document whose source is recorded elsewhere — the 立项批复 with its 文号, the
审计意见, the 现场公示, the 县级验收, the 移交清单 … — counts as present by itself.  It is
derived at read time, never stored, so the checklist (services/archive.py) and the rule R02
(domain/rules/archive.py) read the same answer from this one place and no copy goes stale:
void the source record and the tick goes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DossierSources:
    """What the dossier records that stands for a document; doc numbers only label the source."""

    fund_plan_issued_on: date | None = None
    approved_on: date | None = None
    approval_doc_no: str = ""
    plan_approved_on: date | None = None
    plan_approval_doc_no: str = ""
    site_notice_on: date | None = None  # the first 现场公示
    site_notice_place: str = ""
    beneficiaries: int = 0
    initial_inspection_on: date | None = None
    acceptance_requested_on: date | None = None
    audit_opinion_on: date | None = None
    audit_opinion_doc_no: str = ""
    accepted_on: date | None = None
    acceptance_grade: str = ""
    handed_over_on: date | None = None
    assets: int = 0


def filed(voided: bool, received_on: object) -> bool:
    """A document listed in the checklist is in the dossier once it has been received (a date)
    and not voided. 九(五) names what the dossier's 归档资料 are; a line with no received date
    (an imported 档案目录 row, a document still to come) is not yet one of them. R02, the
    checklist's ticks and the project list's 材料 n/17 all count by this."""
    return not voided and received_on is not None


@dataclass(frozen=True)
class KnownDocument:
    doc_no: int
    on: date  # taken as the received date
    source: str  # shown to the clerk: where the tick came from


KNOWN = "已登记："  # a tick's source starts with it; the checklist's 来源 column leaves it out


def _labelled(what: str, value: str) -> str:
    return f"{KNOWN}{what} {value}" if value else f"{KNOWN}{what}"


def known_documents(k: DossierSources) -> dict[int, KnownDocument]:
    """doc_no → the record that stands for it (numbers as in codes.toml's 档案材料)."""
    found: list[tuple[int, date | None, str]] = [
        (1, k.fund_plan_issued_on, "资金下达"),
        (3, k.approved_on, "批复文号" if k.approval_doc_no else "立项批复"),
        (5, k.plan_approved_on, "方案批复文号" if k.plan_approval_doc_no else "方案批复"),
        (6, k.site_notice_on, "现场公示"),
        (11, k.beneficiaries and k.approved_on, "受益户"),
        (14, k.initial_inspection_on, "完工初检"),
        (15, k.audit_opinion_on, "审计意见"),
        (16, k.acceptance_requested_on, "申请验收"),
        (17, k.accepted_on, "县级验收"),
        (18, k.assets and k.handed_over_on, "移交清单"),
    ]
    values = {3: k.approval_doc_no, 5: k.plan_approval_doc_no, 6: k.site_notice_place,
              11: f"{k.beneficiaries}户", 15: k.audit_opinion_doc_no, 17: k.acceptance_grade,
              18: f"资产{k.assets}项"}
    return {no: KnownDocument(no, on, _labelled(what, values.get(no, "")))
            for no, on, what in found if on}
