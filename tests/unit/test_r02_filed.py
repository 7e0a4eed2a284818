"""R02 and the 材料 n/17 count agree on what a filed document is.

九(五) of the regulation: "扶贫项目归档资料为：……项目申报建议书；县人民政府立项批复文件；项目实施方案；……"
A document is one of the dossier's 归档资料 once it is in the dossier: received (a date), not
voided, or known from the record that stands for it (archive_known). R02 had counted a checklist
line with no received date (an imported 档案目录 row, a document still to come) as filed, while
the checklist and 材料 n/17 did not.
"""

from datetime import date

import pytest

from fupin_tui.domain.archive_known import filed
from fupin_tui.domain.rules.archive import expected_documents, present_documents
from fupin_tui.models.projects import ArchiveItem
from fupin_tui.services import archive, checks, projects

from tests.funds_data import make_project

RECEIVED = date(2026, 3, 5)

# (document in the regulation's words, its number, what the dossier holds of it, filed?)
CASES = [
    ("项目申报建议书", 2, "received", True),
    ("项目申报建议书", 2, "listed without a received date", False),
    ("项目申报建议书", 2, "received, then voided", False),
    ("项目申报建议书", 2, "nothing", False),
    ("项目实施方案", 4, "received", True),
    ("项目实施方案", 4, "listed without a received date", False),
    ("项目实施单位确定具体的实施单位（政府采购和实施合同等资料）", 7, "listed without a received date", False),
    ("与县扶贫办签到的项目实施责任书", 10, "received", True),
    ("县人民政府立项批复文件", 3, "nothing", True),  # the project's approval stands for it
    ("县人民政府立项批复文件", 3, "listed without a received date", True),  # ... with or without a line
]


def _hold(ctx, pid: int, doc_no: int, holding: str) -> None:
    if holding == "nothing":
        return
    with ctx.transaction() as s:
        s.add(ArchiveItem(project_id=pid, doc_no=doc_no, received_on=None if "without" in holding else RECEIVED,
                          voided="voided" in holding, void_reason="登记错了" if "voided" in holding else None))


@pytest.mark.parametrize("words, doc_no, holding, is_filed", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_r02_and_the_checklist_count_the_same_documents(ctx, words, doc_no, holding, is_filed):
    pid, _ = make_project(ctx)
    _hold(ctx, pid, doc_no, holding)
    (p,) = [p for p in checks.load_check_data(ctx).projects if p.id == pid]
    assert doc_no in expected_documents(p, ctx.policy)  # 实施中: the dossier should hold it by now
    rows = {r.doc_no: r for r in archive.checklist(ctx, pid)}

    assert (doc_no in present_documents(p)) is is_filed  # R02
    assert rows[doc_no].present is is_filed  # the 档案 checklist's tick
    r02 = " ".join(f.message for f in checks.run_checks(ctx).findings if f.rule == "R02" and f.record == f"project:{pid}")
    assert (f"{doc_no}{archive_title(ctx, doc_no)}" in r02) is not is_filed

    # 材料 n/17 on the project list: the ticks of the needed documents, no other count
    (listed,) = [r for r in projects.list_projects(ctx) if r.id == pid]
    ticked = sum(1 for r in rows.values() if r.present and r.needed)
    assert listed.archive == f"{ticked}/{sum(1 for r in rows.values() if r.needed)}"


def archive_title(ctx, doc_no: int) -> str:
    from fupin_tui.domain.rules.archive import DOC_NAMES

    return DOC_NAMES[doc_no]


@pytest.mark.parametrize("voided, received_on, is_filed", [
    (False, RECEIVED, True), (False, "2026-03-05", True),  # a date, as SQLite hands it back too
    (False, None, False), (True, RECEIVED, False), (1, "2026-03-05", False), (0, None, False),
])
def test_filed(voided, received_on, is_filed):
    assert filed(voided, received_on) is is_filed
