"""Sections E and F of RULES.md: archives (R01, R02) and the yearly duties (Y01, Y02)."""

from __future__ import annotations

import re
from decimal import Decimal

from fupin_tui.domain import lifecycle
from fupin_tui.domain.archive_known import DossierSources, known_documents
from fupin_tui.domain.deadlines import yearly_deadlines
from fupin_tui.domain.rules.base import BREACH, DUE_SOON, NOTICE, OVERDUE, Env, finding, rule
from fupin_tui.domain.rules.facts import ProjectData
from fupin_tui.domain.rules.projects import TAB_ARCHIVE, TAB_PEOPLE, reached

# R02: the 18 documents (codes list 档案材料) and the state from which each is expected.
DOC_NAMES = {
    1: "资金下达通知", 2: "项目申报建议书", 3: "县立项批复", 4: "项目实施方案", 5: "实施方案批复",
    6: "到村公示图片", 7: "实施单位确定资料（采购/合同）", 8: "中期检查资料（进度表、简报、检查图片）",
    9: "资金总账和支出明细账", 10: "项目实施责任书", 11: "涉及农户花名册", 12: "实施前、中、后图片",
    13: "结算报告、工作总结", 14: "初级验收资料", 15: "审计意见", 16: "申请验收的请示",
    17: "县级验收意见表", 18: "移交清单",
}
DOC_DUE_STATE = {
    1: "方案批复", 2: "申报", 3: "立项", 4: "方案已报", 5: "方案批复", 6: "实施中", 7: "实施中",
    8: "完工初检", 9: "已报账", 10: "实施中", 11: "实施中", 12: "完工初检", 13: "申请验收", 14: "完工初检",
    15: "已验收", 16: "申请验收", 17: "已验收", 18: "已移交",
}
AUDIT_DOC, ROSTER_DOC = 15, 11
ROSTER_POOR_STATUSES = ("在册", "返贫", "已脱贫")


def expected_documents(p: ProjectData, policy) -> list[int]:
    """The documents the dossier should hold by now, in number order."""
    out = []
    for no, state in DOC_DUE_STATE.items():
        if no == AUDIT_DOC and not lifecycle.needs_audit_opinion(p.subsidy, policy):
            continue
        if reached(p, state):
            out.append(no)
    return out


def dossier_sources(p: ProjectData) -> DossierSources:
    """The same sources the checklist reads (services/archive.py), from the rule engine's facts."""
    d = p.dates
    return DossierSources(
        fund_plan_issued_on=d.fund_plan_issued_on, approved_on=d.approved_on, plan_approved_on=d.plan_approved_on,
        site_notice_on=d.site_notice_on, beneficiaries=len(p.beneficiaries),
        initial_inspection_on=d.initial_inspection_on, acceptance_requested_on=d.acceptance_requested_on,
        audit_opinion_on=p.audit_opinion_on, accepted_on=d.accepted_on, acceptance_grade=d.acceptance_grade,
        handed_over_on=p.handed_over_on, assets=len(p.assets))


def present_documents(p: ProjectData) -> frozenset[int]:
    """Recorded in the checklist, or known from the record that stands for it."""
    return p.archive_docs | frozenset(known_documents(dossier_sources(p)))


def _pattern_regex(pattern: str, township: str) -> re.Pattern:
    out, pos = "", 0
    for m in re.finditer(r"\{(\w+)(?::([^}]*))?\}", pattern):
        out += re.escape(pattern[pos:m.start()])
        width = re.fullmatch(r"0(\d+)d", m.group(2) or "")  # {seq:03d}: zero-padded to 3 digits
        seq = rf"\d{{{int(width.group(1))},}}" if width else r"\d+"
        out += {"year": r"\d{4}", "township": re.escape(township) if township else r".+"}.get(m.group(1), seq)
        pos = m.end()
    return re.compile(out + re.escape(pattern[pos:]) + "$")


@rule("R01", "九(二)(四)", "一项目一档号，按县规定编号", params=("file_number_pattern",))
def r01(env: Env):
    regex = _pattern_regex(str(env.policy.file_number_pattern), env.data.township)
    for p in env.data.projects:
        if not p.file_number:
            if reached(p, "已验收"):
                yield finding("R01", BREACH, p.record, p.label, "没有档号。请编排档号（一项目一档号，永久保存）。",
                              tab=TAB_ARCHIVE)
            elif reached(p, "立项") and not p.closed:
                yield finding("R01", NOTICE, p.record, p.label, "已立项，尚未编排档号。", tab=TAB_ARCHIVE)
        elif not regex.match(p.file_number):
            yield finding("R01", BREACH, p.record, p.label,
                          f"档号「{p.file_number}」不符合县规定格式「{env.policy.file_number_pattern}」。", tab=TAB_ARCHIVE)


@rule("R02", "九(五)", "档案材料齐全，花名册贫困户覆盖", params=("roster_poor_share_min", "audit_threshold_wan"))
def r02(env: Env):
    minimum = Decimal(str(env.policy.roster_poor_share_min))
    for p in env.data.projects:
        present = present_documents(p)
        missing = [n for n in expected_documents(p, env.policy) if n not in present]
        if missing:
            names = "、".join(f"{n}{DOC_NAMES[n]}" for n in missing)
            if reached(p, "已归档"):
                yield finding("R02", BREACH, p.record, p.label, f"已归档但档案缺少：{names}。请补齐。", tab=TAB_ARCHIVE)
            elif not p.closed:
                yield finding("R02", NOTICE, p.record, p.label, f"按目前进度，档案应有而未登记：{names}。",
                              tab=TAB_ARCHIVE)
        if p.beneficiaries and not p.public_infrastructure:
            poor = sum(1 for b in p.beneficiaries if b.status_at_approval in ROSTER_POOR_STATUSES)
            share = Decimal(poor) / len(p.beneficiaries)
            if share < minimum:
                yield finding("R02", BREACH, p.record, p.label,
                              f"涉及农户花名册{len(p.beneficiaries)}户中贫困户{poor}户，占{share * 100:.0f}%，"
                              f"低于{(minimum * 100).normalize():f}%。", tab=TAB_PEOPLE)


def _yearly(env: Env, rid: str, todo: str):
    # shown from yearly_lookahead_days before their date until yearly_lookback_days after it
    for y in yearly_deadlines(env.today, lookahead_days=int(env.policy.yearly_lookahead_days),
                              lookback_days=int(env.policy.yearly_lookback_days)):
        d = y.deadline
        if d.rule != rid:
            continue
        record, label = f"year:{y.work_year}", f"{y.work_year}年度"
        note = f"（{d.warning}）" if d.warning else ""  # the days left counted on a computed calendar
        if env.today > d.due:
            yield finding(rid, OVERDUE, record, label,
                          f"{d.label}应于{d.due.isoformat()}前完成。已完成的，请确认并注明报送日期。{note}",
                          due=d.due, workdays_left=d.workdays_left)
        else:
            sev = DUE_SOON if d.workdays_left <= env.warning_wd else NOTICE
            left = "今天到期" if d.workdays_left == 0 else f"还剩{d.workdays_left}个工作日"
            yield finding(rid, sev, record, label, f"{d.label}应于{d.due.isoformat()}前完成，{left}。{todo}{note}",
                          due=d.due, workdays_left=d.workdays_left)


@rule("Y01", "八(七)", "3月底前绩效自评，4月底前完成考评", population="", has_data=lambda d: True,
      params=("yearly_lookahead_days", "yearly_lookback_days", "warning_wd"))
def y01(env: Env):
    yield from _yearly(env, "Y01", "绩效自评的数据可在“绩效自评”中生成。")


@rule("Y02", "十(六)", "12月10日自查报告、15日实地核查、1月20日数据汇总", population="", has_data=lambda d: True,
      params=("yearly_lookahead_days", "yearly_lookback_days", "warning_wd"))
def y02(env: Env):
    yield from _yearly(env, "Y02", "请按时准备材料。")
