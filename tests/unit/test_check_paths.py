"""体检's two ways in give the same findings (issue 18): the ORM path (portable, the app and
a county on another engine) and ``fupin-tui check``'s light path (plain sqlite3, no ORM),
and facts stored between runs are used only while the household they belong to is unchanged."""

import subprocess
import sys
from datetime import date, timedelta

import pytest

from sqlmodel import select

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.domain.quality import HouseholdData, check_household, stable_until
from fupin_tui.domain.rules import run_rules
from fupin_tui.services import check_fast, check_store, checks

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("FUPIN_TUI_TODAY", TODAY.isoformat())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("paths") / "township.db"
    generate(path, households=400, seed=3)
    _break_some(path)
    return path


def _break_some(path):
    """Demo data keeps the registry rules: break a few records so H05/H08/H02 have findings."""
    from fupin_tui.models import Member, ProcedureStep

    ctx = open_context(path, operator="张会计")
    with ctx.transaction() as s:
        members = s.exec(select(Member).where(Member.voided == False).order_by(Member.id).limit(40)).all()  # noqa: E712
        for i, m in enumerate(members[::8]):
            m.id_number = f"5201231990010{i}00"[:17]  # too short
            s.add(m)
        members[3].gender = "女" if members[3].gender == "男" else "男"  # differs from the ID
        s.add(members[3])
        steps = s.exec(select(ProcedureStep).where(ProcedureStep.voided == False).order_by(ProcedureStep.id).limit(60)).all()  # noqa: E712
        for st in steps[5::20]:
            st.responsible = ""
            s.add(st)
    ctx.db.close()


def _key(f):
    return (f.rule, f.severity, f.record, f.record_label, f.message, f.due, f.workdays_left, f.tab, f.ack)


def _orm_without_store(ctx):
    """The reference: every fact computed afresh through the ORM, nothing stored or reused."""
    return checks.apply_acks(run_rules(checks.load_check_data(ctx), ctx.policy, TODAY), checks._acks(ctx))


def test_orm_path_and_light_path_give_the_same_findings(demo):
    ctx = open_context(demo, operator="张会计")
    reference = [_key(f) for f in _orm_without_store(ctx)]
    assert len(reference) > 20 and sum(f[0] in ("H05", "H08", "H02", "H03") for f in reference) > 3
    assert check_fast.run(demo, today=TODAY) is None  # nothing learnt yet: the caller opens the ORM path
    orm = [_key(f) for f in checks.run_checks(ctx).findings]  # stores the column types and the facts
    assert orm == reference
    first = check_fast.run(demo, today=TODAY)
    assert first is not None, "the light path should run once the ORM path stored the column types"
    assert [_key(f) for f in first.findings] == reference
    again = check_fast.run(demo, today=TODAY)  # every fact reused from the store
    assert [_key(f) for f in again.findings] == reference
    only = check_fast.run(demo, rules=["H05", "P07"], today=TODAY)
    assert [_key(f) for f in only.findings] == [k for k in reference if k[0] in ("H05", "P07")]


def test_a_changed_member_or_step_is_checked_again(demo, tmp_path):
    from fupin_tui.models import Member, ProcedureStep

    path = tmp_path / "copy.db"
    generate(path, households=40, seed=5)
    ctx = open_context(path, operator="张会计")
    checks.run_checks(ctx)
    assert check_fast.run(path, today=TODAY) is not None
    with ctx.transaction() as s:
        member = s.exec(select(Member).where(Member.voided == False).order_by(Member.id)).first()  # noqa: E712
        member.id_number = "52012319900101001"  # 17 digits
        s.add(member)
        step = s.exec(select(ProcedureStep).where(ProcedureStep.voided == False).order_by(ProcedureStep.id)).first()  # noqa: E712
        step.done_on = TODAY + timedelta(days=3)  # ahead of today: refused until that day
        s.add(step)
    fast = [_key(f) for f in check_fast.run(path, today=TODAY).findings]
    reference = [_key(f) for f in _orm_without_store(ctx)]
    assert fast == reference
    assert any(f"household:{member.household_id}" == k[2] and k[0] == "H05" and "18位" in k[4] for k in fast)
    # the step's day comes: the stored replay no longer holds, the finding follows the calendar
    later = TODAY + timedelta(days=3)
    fast_later = [_key(f) for f in check_fast.run(path, today=later).findings]
    fresh_later = [_key(f) for f in checks.apply_acks(run_rules(checks.load_check_data(ctx), ctx.policy, later),
                                                       checks._acks(ctx))]
    assert fast_later == fresh_later


def test_stored_quality_findings_hold_until_the_day_they_could_change(demo):
    ctx = open_context(demo, operator="张会计")
    data = checks.load_check_data(ctx)
    checked = 0
    for h in data.households[:60]:
        household = HouseholdData(h.household_no, h.phone, h.helper_phone)
        until = stable_until(list(h.members), TODAY)
        assert until > TODAY
        last = min(until - timedelta(days=1), TODAY + timedelta(days=800))
        for day in (TODAY, TODAY + (last - TODAY) / 2, last):
            assert check_household(household, list(h.members), day) == check_household(
                household, list(h.members), TODAY), (h.household_no, day)
        checked += 1
    assert checked == 60


def test_check_command_on_a_township_file_does_not_import_the_orm(demo, tmp_path):
    # nor the ``holidays`` package (0.2 s): 2027, which a deadline seen in November 2026 reaches, is
    # counted by the 办法 from the kept lunar dates (domain.lunar_dates)
    ctx = open_context(demo, operator="张会计")
    checks._last_run.clear()  # each test has its own data folder: really run, and store
    checks.run_checks(ctx)
    ctx.db.close()
    code = ("import sys; from fupin_tui.cli import main; rc = main(['--db', sys.argv[1], 'check', '--json']); "
            "print('ORM', 'sqlalchemy' in sys.modules or 'sqlmodel' in sys.modules, file=sys.stderr); "
            "from fupin_tui.domain.statutory import statutory_year; "
            "print('holidays', 'holidays' in sys.modules, 'statutory', statutory_year.cache_info().misses, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, str(demo)], capture_output=True, text=True,
                         env={**__import__("os").environ, "FUPIN_TUI_TODAY": TODAY.isoformat()})
    assert "ORM False" in out.stderr, out.stderr[-800:]
    assert "holidays False" in out.stderr and "statutory 0" not in out.stderr, out.stderr[-800:]
    assert out.stdout.lstrip().startswith("[")


def test_store_file_is_private(demo):
    ctx = open_context(demo, operator="张会计")
    checks._last_run.clear()  # each test has its own data folder: really run, and store
    checks.run_checks(ctx)
    path = check_store.store_path(demo)
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600


def test_dashboard_summary_from_a_child_process_is_kept_until_something_changes(demo):
    from fupin_tui.models import Member

    ctx = open_context(demo, operator="张会计")
    checks._last_run.clear()
    counts = checks.run_checks(ctx).counts()
    summary = check_fast.summary_in_child(demo)
    assert summary["counts"] == counts
    assert [d.rule for d in check_fast.deadlines_of(summary)] == [d.rule for d in checks.next_deadlines(ctx, 10)]
    assert check_fast.stored_summary(demo) == summary  # kept: the next start shows it at once
    with ctx.transaction() as s:  # any change writes an audit row
        member = s.exec(select(Member).where(Member.voided == False).order_by(Member.id.desc())).first()  # noqa: E712
        member.phone = "13900000000"
        s.add(member)
    assert check_fast.stored_summary(demo) is None


def _pid(birth: str, seq: str) -> str:
    from fupin_tui.domain.idcard import check_digit

    first17 = "520123" + birth + seq
    return first17 + check_digit(first17)


def test_a_household_saved_through_the_registry_is_checked_again(tmp_path):
    """The facts live in the database (checkfact) and its triggers void them with the save itself:
    a finding a save brings appears on the next check, and goes when the next save mends it."""
    import sqlite3

    from fupin_tui.services import registry as reg
    from fupin_tui.services.township import villages

    path = tmp_path / "township.db"
    generate(path, households=30, seed=7)
    ctx = open_context(path, operator="张会计")
    village = villages(ctx)[0].id
    family = [reg.MemberInput("张三", _pid("19700101", "011"), "户主", education="小学", labour_skill="普通劳动力"),
              reg.MemberInput("李四", _pid("19720202", "022"), "配偶", education="小学", labour_skill="普通劳动力")]
    data = reg.HouseholdInput(village_id=village, main_cause="因病", wage_income="9,000")
    saved = reg.save_household(ctx, data, family)
    checks.run_checks(ctx)  # the ORM path: teaches the light path the column types, stores every fact
    assert check_fast.run(path, today=TODAY) is not None
    record = f"household:{saved.id}"

    def spouse_findings():
        fast = [_key(f) for f in check_fast.run(path, today=TODAY).findings]
        assert fast == [_key(f) for f in _orm_without_store(ctx)]
        return [k for k in fast if k[2] == record and "配偶最多1人" in k[4]]

    assert spouse_findings() == []
    con = sqlite3.connect(path)
    stored = con.execute("SELECT COUNT(*) FROM checkfact").fetchone()[0]
    assert stored >= 31 and con.execute("SELECT 1 FROM checkfact WHERE household_id = ?", (saved.id,)).fetchone()

    detail = reg.load_household(ctx, saved.id)
    members = [reg.MemberInput(m.name, m.id_number, m.relation, education="小学", labour_skill="普通劳动力", id=m.id)
               for m in detail.members]
    members.append(reg.MemberInput("陈二", _pid("19860606", "062"), "配偶", labour_skill="普通劳动力"))
    data.household_no = saved.household_no
    reg.save_household(ctx, data, members, saved.id)
    assert con.execute("SELECT 1 FROM checkfact WHERE household_id = ?", (saved.id,)).fetchone() is None
    assert con.execute("SELECT COUNT(*) FROM checkfact").fetchone()[0] == stored - 1  # the others still hold
    assert len(spouse_findings()) == 1  # appears on the next check

    detail = reg.load_household(ctx, saved.id)
    members = [reg.MemberInput(m.name, m.id_number, m.relation, education="小学", labour_skill="普通劳动力", id=m.id,
                               void_reason="录入错误" if m.name == "陈二" else "") for m in detail.members]
    reg.save_household(ctx, data, members, saved.id)
    assert spouse_findings() == []  # and goes once mended
    con.close()
    ctx.db.close()


def test_a_warm_light_run_reads_no_member_or_step_of_an_unchanged_household(demo):
    import sqlite3

    ctx = open_context(demo, operator="张会计")
    checks._last_run.clear()
    checks.run_checks(ctx)
    assert check_fast.run(demo, today=TODAY) is not None  # stores what the ORM run left out, if anything
    con = sqlite3.connect(demo)
    con.execute("BEGIN")
    src = check_fast.SqliteSource(con, check_store.read(demo)["types"], snapshot=True)
    stored = check_store.read_facts(src.rows, ctx.policy, TODAY)
    data = checks.load_from(src, frozenset(), stored)
    unread = [h for h in data.households if isinstance(h.members, checks._NotRead)]
    assert len(unread) == len(data.households) == len(stored.households)
    full = checks.load_check_data(ctx)  # read in full, the same rows
    assert [(h.id, tuple(h.members), tuple(h.steps)) for h in unread] == [
        (h.id, h.members, h.steps) for h in full.households]
    con.close()
