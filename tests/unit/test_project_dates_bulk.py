"""The package's 期限 sheet reads every project's dates with one query (issue 18): it must give
what the per-project ORM reading gave, project by project and row by row of the sheet."""

import sqlite3

from sqlmodel import Session, func, select

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.domain import deadlines as dl
from fupin_tui.excel import package
from fupin_tui.models.funds import ProgressReport, Tranche, Voucher
from fupin_tui.models.projects import Notice, Project
from fupin_tui.services import projects


def _one_by_one(s: Session, p: Project) -> dl.ProjectDates:
    """The reading before issue 18: five ORM queries for each project."""
    first_notice = {kind: s.exec(select(func.min(Notice.published_on)).where(
        Notice.project_id == p.id, Notice.kind == kind, Notice.voided == False)).one()  # noqa: E712
        for kind in ("立项公告", "现场公示")}
    money = [dl.MoneyEvent(t.disbursed_on, "拨款", f"第{t.seq}期") for t in s.exec(
        select(Tranche).where(Tranche.project_id == p.id, Tranche.voided == False))]  # noqa: E712
    money += [dl.MoneyEvent(v.reimbursed_on, "报账", v.voucher_no) for v in s.exec(
        select(Voucher).where(Voucher.project_id == p.id, Voucher.voided == False,  # noqa: E712
                              Voucher.reimbursed_on.is_not(None)))]
    entries = tuple(s.exec(select(ProgressReport.reported_on).where(
        ProgressReport.project_id == p.id, ProgressReport.voided == False)))  # noqa: E712
    return projects._dates(p, first_notice, money, list(entries))


def _awkward(db) -> None:
    """What the demo lacks: voided rows, an earlier second notice, a voucher not yet reimbursed."""
    con = sqlite3.connect(db)
    pid, first = con.execute("select project_id, min(id) from notice where kind = '立项公告' group by 1").fetchone()
    con.execute("update notice set voided = 1 where id = (select min(id) from notice where kind = '现场公示')")
    con.execute("insert into notice (project_id, kind, published_on, place, fields_json, photo_paths, voided, "
                "row_version, created_by, created_at, updated_by, updated_at) select project_id, kind, "
                "date(published_on, '-3 days'), place, fields_json, photo_paths, voided, row_version, created_by, "
                "created_at, updated_by, updated_at from notice where id = ?", (first,))
    con.execute("update voucher set reimbursed_on = null where id = (select max(id) from voucher)")
    con.execute("update tranche set voided = 1 where id = (select min(id) from tranche)")
    con.execute("update progressreport set voided = 1 where id = (select max(id) from progressreport)")
    con.commit()
    con.close()


def test_the_deadline_sheet_is_the_same_read_with_one_query(tmp_path):
    db = tmp_path / "t.db"
    generate(db, households=1000, seed=3)
    _awkward(db)
    ctx = open_context(db, operator="张会计")
    with ctx.read() as s:
        all_projects = s.scalars(select(Project).where(Project.voided == False)  # noqa: E712
                                 .order_by(Project.id)).all()
        assert len(all_projects) > 5
        bulk = projects._projects_dates(s, all_projects, Project.voided == False)  # noqa: E712
        before = {p.id: _one_by_one(s, p) for p in all_projects}
        assert any(d.money_events for d in before.values()) and any(d.info_entries for d in before.values())
        assert bulk == before
        one = all_projects[0]
        assert projects._project_dates(s, one) == before[one.id]  # the dossier's single reading

    scope, _ = package._resolve_scope(ctx, None, None)
    rows = list(package._deadline_rows(ctx, scope, package._Counter(0, None, None)))
    expected = []
    for p in all_projects:
        for d in dl.project_deadlines(before[p.id], ctx.policy, ctx.today()):
            state = ("已超期" if d.is_overdue(ctx.today()) else "未到期") if d.done_on is None else (
                "逾期完成" if d.done_late else "按期完成")
            expected.append([p.id, p.name, p.state, d.rule, d.label, d.basis, d.due, d.done_on,
                             d.workdays_left if d.done_on is None else None, state, d.warning or ""])
    assert len(rows) > 20
    assert rows == expected
