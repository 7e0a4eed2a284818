"""Documents the app already knows tick themselves in the 档案 checklist, and R02 reads the same derivation."""

from datetime import date

import pytest

from fupin_tui.domain.archive_known import DossierSources, known_documents

D = date(2026, 5, 6)


@pytest.mark.parametrize("sources, doc_no, text", [
    (DossierSources(approved_on=D, approval_doc_no="县扶发〔2026〕12号"), 3, "已登记：批复文号 县扶发〔2026〕12号"),
    (DossierSources(approved_on=D), 3, "已登记：立项批复"),
    (DossierSources(plan_approved_on=D, plan_approval_doc_no="县复4"), 5, "已登记：方案批复文号 县复4"),
    (DossierSources(fund_plan_issued_on=D), 1, "已登记：资金下达"),
    (DossierSources(site_notice_on=D, site_notice_place="村委会门口"), 6, "已登记：现场公示 村委会门口"),
    (DossierSources(approved_on=D, beneficiaries=3), 11, "已登记：受益户 3户"),
    (DossierSources(initial_inspection_on=D), 14, "已登记：完工初检"),
    (DossierSources(audit_opinion_on=D, audit_opinion_doc_no="审9"), 15, "已登记：审计意见 审9"),
    (DossierSources(acceptance_requested_on=D), 16, "已登记：申请验收"),
    (DossierSources(accepted_on=D, acceptance_grade="合格"), 17, "已登记：县级验收 合格"),
    (DossierSources(handed_over_on=D, assets=2), 18, "已登记：移交清单 资产2项"),
])
def test_a_recorded_source_ticks_its_document_and_says_so(sources, doc_no, text):
    known = known_documents(sources)
    assert set(known) == {doc_no} or (doc_no == 11 and set(known) == {3, 11})
    assert known[doc_no].source == text and known[doc_no].on == D


@pytest.mark.parametrize("sources", [
    DossierSources(),
    DossierSources(approval_doc_no="文号 without a date is no approval"),
    DossierSources(beneficiaries=3),  # a roster before approval is a draft
    DossierSources(handed_over_on=D),  # a handover with no asset list has no 移交清单
    DossierSources(assets=2),  # nor an asset list not yet handed over
])
def test_nothing_recorded_ticks_nothing(sources):
    assert known_documents(sources) == {}


def test_rule_r02_and_the_checklist_agree(ctx):
    """The same project: the checklist's ticks are exactly the documents R02 does not ask for."""
    from fupin_tui.domain.rules.archive import expected_documents, present_documents
    from fupin_tui.services import archive, checks

    from tests.funds_data import make_project

    pid, _ = make_project(ctx, name="新寨村蔬菜大棚", subsidy="100000.00",
                          budget=(("大棚钢架", "工程建设", "100000.00"),))
    (p,) = [p for p in checks.load_check_data(ctx).projects if p.id == pid]
    ticked = {r.doc_no for r in archive.checklist(ctx, pid) if r.present}
    assert present_documents(p) == ticked and 3 in ticked
    r02 = [f for f in checks.run_checks(ctx).findings if f.rule == "R02" and f.record == f"project:{pid}"]
    missing = [n for n in expected_documents(p, ctx.policy) if n not in ticked]
    assert all("3县立项批复" not in f.message for f in r02)
    assert bool(missing) == bool(r02)
