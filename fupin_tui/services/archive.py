"""档案 (R01, R02): the 18 documents of a project dossier as a checklist.

The list itself is data (``档案材料`` in codes.toml, with ``audit_only`` on #15,
which is needed only at or above the audit threshold).  A document counts as
present when it has a received date and is not voided, or when the dossier already
holds the record that stands for it (``domain.archive_known``: 批复文号, 审计意见, 现场公示,
移交清单 …) — derived at read time, the way R02 derives it, and shown with its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlmodel import Session, func, select

from fupin_tui.context import AppContext
from fupin_tui.db import refuse_if_changed
from fupin_tui.domain.archive_known import DossierSources, KnownDocument, filed, known_documents
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.lifecycle import needs_audit_opinion
from fupin_tui.models.projects import ArchiveItem, Asset, Beneficiary, Notice, Project
from fupin_tui.services.voiding import require_reason, void

LIST_NAME = "档案材料"


@dataclass(frozen=True)
class Document:
    doc_no: int
    title: str
    audit_only: bool


@dataclass(frozen=True)
class ChecklistRow:
    doc_no: int
    title: str
    needed: bool
    present: bool
    received_on: date | None
    copies: int
    pages: int
    storage_place: str
    scan_path: str
    note: str
    version: int | None = None  # row_version of the item as listed (None: not yet recorded)
    source: str = ""  # set when the tick comes from another record (cannot be unticked by hand)


@dataclass(frozen=True)
class Completeness:
    present: int
    needed: int

    @property
    def complete(self) -> bool:
        return self.present >= self.needed

    def __str__(self) -> str:
        return f"{self.present}/{self.needed}"


def documents(ctx_or_codes) -> list[Document]:
    codes = getattr(ctx_or_codes, "codes", ctx_or_codes)
    return [Document(int(e.code), e.label, bool(e.flags.get("audit_only", False)))
            for e in codes.entries(LIST_NAME)]


def _needed(doc: Document, subsidy: Decimal, policy) -> bool:
    return not doc.audit_only or needs_audit_opinion(subsidy, policy)


def _present(item: ArchiveItem | None) -> bool:
    return item is not None and filed(item.voided, item.received_on)


SITE_NOTICE = "现场公示"


def _by_project(s: Session, query, ids: list[int]):
    for chunk in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        yield from s.exec(query(ids[chunk:chunk + 900]))


def known_for(s: Session, projects: Iterable[Project]) -> dict[int, dict[int, KnownDocument]]:
    """Per project, the documents its other records stand for (three grouped queries in all)."""
    projects = list(projects)
    ids = [p.id for p in projects]
    notices: dict[int, tuple[date, str]] = {}
    for pid, on, place in _by_project(s, lambda c: select(Notice.project_id, Notice.published_on, Notice.place).where(
            Notice.project_id.in_(c), Notice.kind == SITE_NOTICE, Notice.voided == False), ids):  # noqa: E712
        if pid not in notices or on < notices[pid][0]:
            notices[pid] = (on, place)
    counts = {}
    for model in (Beneficiary, Asset):
        counts[model] = dict(_by_project(s, lambda c, m=model: select(m.project_id, func.count()).where(
            m.project_id.in_(c), m.voided == False).group_by(m.project_id), ids))  # noqa: E712
    out = {}
    for p in projects:
        notice_on, place = notices.get(p.id, (None, ""))
        out[p.id] = known_documents(DossierSources(
            fund_plan_issued_on=p.fund_plan_issued_on, approved_on=p.approved_on, approval_doc_no=p.approval_doc_no,
            plan_approved_on=p.plan_approved_on, plan_approval_doc_no=p.plan_approval_doc_no,
            site_notice_on=notice_on, site_notice_place=place, beneficiaries=counts[Beneficiary].get(p.id, 0),
            initial_inspection_on=p.initial_inspection_on, acceptance_requested_on=p.acceptance_requested_on,
            audit_opinion_on=p.audit_opinion_on, audit_opinion_doc_no=p.audit_opinion_doc_no,
            accepted_on=p.accepted_on, acceptance_grade=p.acceptance_grade, handed_over_on=p.handed_over_on,
            assets=counts[Asset].get(p.id, 0)))
    return out


def missing_titles(ctx: AppContext, s: Session, project: Project) -> tuple[str, ...]:
    """Titles of needed documents not yet received (used by the 归档 step, R02)."""
    items = {i.doc_no: i for i in s.exec(select(ArchiveItem).where(ArchiveItem.project_id == project.id))}
    known = known_for(s, [project])[project.id]
    return tuple(f"{d.doc_no} {d.title}" for d in documents(ctx)
                 if _needed(d, project.subsidy, ctx.policy) and not _present(items.get(d.doc_no))
                 and d.doc_no not in known)


def checklist(ctx: AppContext, project_id: int) -> list[ChecklistRow]:
    with ctx.read() as s:
        project = s.get(Project, project_id)
        if project is None:
            raise DomainError("项目不存在")
        items = {i.doc_no: i for i in s.exec(select(ArchiveItem).where(ArchiveItem.project_id == project_id))}
        known = known_for(s, [project])[project_id]
    out = []
    for d in documents(ctx):
        item = items.get(d.doc_no)
        live = item if item is not None and not item.voided else None
        k = known.get(d.doc_no)
        received = live.received_on if live and live.received_on else (k.on if k else None)
        out.append(ChecklistRow(
            d.doc_no, d.title, _needed(d, project.subsidy, ctx.policy), _present(item) or k is not None,
            received, live.copies if live else 0, live.pages if live else 0,
            live.storage_place if live else "", live.scan_path if live else "", live.note if live else "",
            item.row_version if item is not None else None, k.source if k else ""))
    return out


def completeness_for(ctx: AppContext, s: Session, projects: Iterable[Project]) -> dict[int, Completeness]:
    """(present, needed) per project in a few grouped queries, known documents included."""
    projects = list(projects)
    if not projects:
        return {}
    pairs = [(p.id, p.subsidy) for p in projects]
    known = known_for(s, projects)
    docs = documents(ctx)
    audit_only = {d.doc_no for d in docs if d.audit_only}
    present: dict[int, set[int]] = {}
    ids = [p for p, _ in pairs]
    for chunk in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        q = select(ArchiveItem.project_id, ArchiveItem.doc_no, ArchiveItem.voided, ArchiveItem.received_on).where(
            ArchiveItem.project_id.in_(ids[chunk:chunk + 900]))
        for pid, doc_no, voided, received_on in s.exec(q):
            if filed(voided, received_on):
                present.setdefault(pid, set()).add(doc_no)
    for pid, docs_known in known.items():
        present.setdefault(pid, set()).update(docs_known)
    out = {}
    for pid, subsidy in pairs:
        with_audit = needs_audit_opinion(subsidy, ctx.policy)
        needed = {d.doc_no for d in docs if with_audit or d.doc_no not in audit_only}
        out[pid] = Completeness(len(present.get(pid, set()) & needed), len(needed))
    return out


def record_document(ctx: AppContext, project_id: int, doc_no: int, *, received_on: date | None,
                    copies: int = 1, pages: int = 0, storage_place: str = "", scan_path: str = "",
                    note: str = "", loaded_version: int | None = None) -> None:
    """Record (or correct) one document of the checklist; one transaction.

    ``loaded_version`` is the item's ``row_version`` as the checklist showed it: a correction over
    another clerk's newer entry is refused (``db.refuse_if_changed``)."""
    titles = {d.doc_no: d.title for d in documents(ctx)}
    if doc_no not in titles:
        raise InputError("材料序号", f"应为1到{len(titles)}")
    if received_on is None:
        raise InputError("收到日期", "不能为空")
    if received_on > ctx.today():
        raise InputError("收到日期", "不能晚于今天")
    if copies is None or copies < 1:
        raise InputError("份数", "至少1份")
    if pages is not None and pages < 0:
        raise InputError("页数", "不能为负数")
    with ctx.transaction() as s:
        project = s.get(Project, project_id)
        if project is None or project.voided:
            raise DomainError("项目不存在")
        if project.archived_on is not None:
            raise DomainError("项目已归档，卷内材料不能再改", rule="R01", section="九(二)(四)")
        item = s.exec(select(ArchiveItem).where(ArchiveItem.project_id == project_id,
                                                ArchiveItem.doc_no == doc_no)).first()
        if item is None:
            item = ArchiveItem(project_id=project_id, doc_no=doc_no)
        else:
            refuse_if_changed(item, loaded_version, f"卷内材料「{titles[doc_no]}」")
        item.voided, item.void_reason = False, None
        item.received_on, item.copies, item.pages = received_on, copies, pages or 0
        item.storage_place, item.scan_path, item.note = storage_place.strip(), scan_path.strip(), note.strip()
        s.add(item)


def void_document(ctx: AppContext, project_id: int, doc_no: int, reason: str, *,
                  loaded_version: int | None = None) -> None:
    """A document recorded by mistake is voided with a reason, never deleted."""
    reason = require_reason(reason)
    with ctx.transaction() as s:
        item = s.exec(select(ArchiveItem).where(ArchiveItem.project_id == project_id,
                                                ArchiveItem.doc_no == doc_no)).first()
        project = s.get(Project, project_id)
        known = known_for(s, [project]).get(project_id, {}) if project is not None else {}
        if doc_no in known:  # the tick follows its source record, not a hand entry
            raise DomainError(f"这份材料{known[doc_no].source}，随该记录自动勾选，不能手工撤销；"
                              "如登记有误，请作废或更正该记录。", rule="R02", section="九(五)")
        if item is None or item.voided:
            raise DomainError("这份材料尚未登记")
        refuse_if_changed(item, loaded_version, "这份卷内材料")
        if project is not None and project.archived_on is not None:
            raise DomainError("项目已归档，卷内材料不能再改", rule="R01", section="九(二)(四)")
        void(s, item, reason)
