"""进度录入: dated progress reports of a project (P13), their history, and project picking.

Progress never goes backwards without a reason: a report whose share of work
done is below the latest earlier report needs ``regress_reason``.  Reports are
never deleted, only voided with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_
from sqlmodel import Session, col, select

from fupin_tui.context import AppContext
from fupin_tui.domain.text_check import fold_width
from fupin_tui.domain.disbursement import pct
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.models.funds import ProgressReport
from fupin_tui.models.projects import Project
from fupin_tui.models.settings import Village
from fupin_tui.services.voiding import live_row, require_reason, void

# Projects that can receive money or report progress: from plan approval on.
ACTIVE_STATES = ("方案批复", "实施中", "完工初检", "申请验收", "已验收", "整改", "已报账")

LABELS = {
    "reported_on": "填报日期",
    "work_share": "工程量完成比例",
    "description": "进度说明",
    "spent": "累计使用资金",
    "households_reached": "受益户数",
    "photos_before": "实施前照片",
    "photos_during": "实施中照片",
    "photos_after": "实施后照片",
    "platform_entered_on": "录入平台日期",
    "regress_reason": "进度回退原因",
}


@dataclass(frozen=True)
class ProjectChoice:
    id: int
    year: int
    name: str
    village: str
    state: str
    subsidy: Decimal

    @property
    def label(self) -> str:
        return f"{self.year} {self.village} {self.name}（{self.state}）"


@dataclass(frozen=True)
class ProgressRow:
    id: int
    reported_on: date
    work_share: Decimal
    description: str
    spent: Decimal
    households_reached: int
    platform_entered_on: date | None
    regress_reason: str
    photos: str
    created_by: str
    voided: bool
    void_reason: str
    version: int = 0


def _norm(text: str | None) -> str:
    return fold_width(text)  # not NFKC: it turned the clerk's ，（）： into ASCII


def find_projects(ctx: AppContext, text: str = "", *, active_only: bool = True, limit: int = 50) -> list[ProjectChoice]:
    """Projects matching typed text (name, pinyin keys, file number, id), newest first."""
    text = _norm(text)
    with ctx.read() as s:
        q = (select(Project, Village.name).join(Village, Project.village_id == Village.id, isouter=True)
             .where(Project.voided == False))  # noqa: E712
        if active_only:
            q = q.where(col(Project.state).in_(ACTIVE_STATES))
        for word in text.split():
            like = f"%{word}%"
            conds = [col(Project.name).like(like), col(Project.search_keys).like(like),
                     col(Project.file_number).like(like), col(Village.name).like(like)]
            if word.isdigit():
                conds.append(Project.id == int(word))
            q = q.where(or_(*conds))
        q = q.order_by(col(Project.year).desc(), col(Project.id).desc()).limit(limit)
        return [ProjectChoice(p.id, p.year, p.name, v or "", p.state, p.subsidy) for p, v in s.exec(q)]


def project_choice(ctx: AppContext, project_id: int) -> ProjectChoice:
    with ctx.read() as s:
        p = s.get(Project, project_id)
        if p is None:
            raise DomainError(f"找不到项目 {project_id}")
        v = s.get(Village, p.village_id) if p.village_id else None
        return ProjectChoice(p.id, p.year, p.name, v.name if v else "", p.state, p.subsidy)


def _live_reports(s: Session, project_id: int):
    return s.exec(select(ProgressReport).where(ProgressReport.project_id == project_id,
                                               ProgressReport.voided == False)  # noqa: E712
                  .order_by(ProgressReport.reported_on, ProgressReport.id)).all()


def latest_work_share(s: Session, project_id: int) -> Decimal:
    reports = _live_reports(s, project_id)
    return reports[-1].work_share if reports else Decimal("0")


def info_entry_dates(s: Session, project_id: int) -> tuple[date, ...]:
    """When progress info counts as entered (P13): the platform date when given, else the report date."""
    return tuple(r.platform_entered_on or r.reported_on for r in _live_reports(s, project_id))


def record_progress(ctx: AppContext, project_id: int, *, reported_on: date, work_share: Decimal,
                    description: str = "", spent: Decimal = Decimal("0"), households_reached: int = 0,
                    photos_before: str = "", photos_during: str = "", photos_after: str = "",
                    platform_entered_on: date | None = None, regress_reason: str = "") -> int:
    """Save one dated progress report in one transaction; returns its id."""
    today = ctx.today()
    if reported_on is None:
        raise InputError(LABELS["reported_on"], "不能为空")
    if reported_on > today:
        raise InputError(LABELS["reported_on"], f"不能晚于今天（{today.isoformat()}）")
    if work_share is None:
        raise InputError(LABELS["work_share"], "不能为空")
    if not Decimal(0) <= work_share <= 1:
        raise InputError(LABELS["work_share"], "应在0到100%之间")
    if spent is not None and spent < 0:
        raise InputError(LABELS["spent"], "不能为负数")
    if households_reached is not None and households_reached < 0:
        raise InputError(LABELS["households_reached"], "不能为负数")
    if platform_entered_on is not None:
        if platform_entered_on < reported_on:
            raise InputError(LABELS["platform_entered_on"], "不能早于填报日期")
        if platform_entered_on > today:
            raise InputError(LABELS["platform_entered_on"], "不能晚于今天")
    regress_reason = _norm(regress_reason)
    with ctx.transaction() as s:
        project = s.get(Project, project_id)
        if project is None or project.voided:
            raise DomainError("项目不存在或已作废")
        if project.plan_approved_on and reported_on < project.plan_approved_on:
            raise InputError(LABELS["reported_on"], f"不能早于方案批复日期（{project.plan_approved_on.isoformat()}）")
        earlier = [r for r in _live_reports(s, project_id) if r.reported_on <= reported_on]
        before = earlier[-1].work_share if earlier else Decimal("0")
        if work_share < before and not regress_reason:
            raise InputError(LABELS["regress_reason"],
                             f"完成比例{pct(work_share)}低于{earlier[-1].reported_on.isoformat()}的{pct(before)}，"
                             "进度回退须说明原因")
        later = [r for r in _live_reports(s, project_id) if r.reported_on > reported_on]
        if later and work_share > later[0].work_share:
            raise InputError(LABELS["work_share"], f"高于之后{later[0].reported_on.isoformat()}填报的"
                                                   f"{pct(later[0].work_share)}，请核对日期")
        report = ProgressReport(
            project_id=project_id, reported_on=reported_on, work_share=work_share,
            description=_norm(description), spent=spent or Decimal("0"),
            households_reached=households_reached or 0, photos_before=_norm(photos_before),
            photos_during=_norm(photos_during), photos_after=_norm(photos_after),
            platform_entered_on=platform_entered_on,
            regress_reason=regress_reason if work_share < before else "")
        s.add(report)
        s.flush()
        return report.id


def void_progress(ctx: AppContext, report_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    reason = require_reason(reason)
    with ctx.transaction() as s:
        void(s, live_row(s, ProgressReport, report_id, "该进度记录不存在或已作废", loaded_version=loaded_version,
                         what="这条进度记录"), reason)


def history(ctx: AppContext, project_id: int, *, include_voided: bool = False) -> list[ProgressRow]:
    """The project's reports, oldest first."""
    with ctx.read() as s:
        q = select(ProgressReport).where(ProgressReport.project_id == project_id)
        if not include_voided:
            q = q.where(ProgressReport.voided == False)  # noqa: E712
        rows = s.exec(q.order_by(ProgressReport.reported_on, ProgressReport.id)).all()
        return [ProgressRow(r.id, r.reported_on, r.work_share, r.description, r.spent, r.households_reached,
                            r.platform_entered_on, r.regress_reason,
                            "；".join(x for x in (r.photos_before, r.photos_during, r.photos_after) if x),
                            r.created_by, r.voided, r.void_reason or "", r.row_version) for r in rows]


def current_share(ctx: AppContext, project_id: int) -> Decimal:
    with ctx.read() as s:
        return latest_work_share(s, project_id)
