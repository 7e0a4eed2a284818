"""The county merge, the same tests on SQLite and on PostgreSQL (``county`` fixture).

Packages checked before reading, newer replaces older, the same twice changes nothing, a
person in two townships, a bad row late in a package leaves the county as it was, and two
county users merging at once lose nothing.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from fupin_tui import audit_chain
from fupin_tui import sheets as schema
from fupin_tui.excel.merge import PackageRefused, import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import Household, Member, Project

from pg_cluster import query
from tests.unit.test_merge import _rebuild_with_bad_cell

import excel_sample


def test_same_package_twice_changes_nothing(town, county, tmp_path):
    pkg = export_package(town, tmp_path / "out").path
    import_packages([pkg], county)
    before = query(county, "select count(*), max(id) from auditlog")
    [again] = import_packages([pkg], county)
    assert again.status == "未变化"
    assert query(county, "select count(*), max(id) from auditlog") == before
    assert query(county, "select count(*) from member") == [(44,)]


def test_newer_package_replaces_older_and_reports_changes(town, county, tmp_path):
    old = export_package(town, tmp_path / "old", period="2026-10").path
    import_packages([old], county)
    with town.transaction() as s:
        s.execute(update(Household).where(Household.id == 1).values(status="已脱贫"))
        s.execute(update(Project).where(Project.id == 1).values(state="完工初检"))
    excel_sample.fill(town, households=1, projects=0, seed=5)
    new = export_package(town, tmp_path / "new", period="2026-11").path
    [outcome] = import_packages([new], county)
    assert outcome.status == "已更新"
    assert len(outcome.households_added) == 1
    assert outcome.households_exited and outcome.households_exited[0].startswith("5201231012010001")
    assert outcome.projects_advanced == ["样例项目1：实施中→完工初检"]
    assert query(county, "select count(*) from household") == [(11,)]
    assert query(county, "select count(*) from countypackage") == [(2,)]
    with pytest.raises(PackageRefused, match="旧"):
        import_packages([old], county)
    assert query(county, "select count(*) from household") == [(11,)]


def test_two_townships_and_a_person_in_both(town, other_town, county, tmp_path):
    with town.read() as s:
        shared = s.get(Member, 3)
    with other_town.transaction() as s:
        s.execute(update(Member).where(Member.id == 2).values(id_number=shared.id_number, name=shared.name))
    a = export_package(town, tmp_path / "a").path
    b = export_package(other_town, tmp_path / "b").path
    first, second = import_packages([a, b], county)
    assert second.duplicates and shared.id_number in second.duplicates[0] and "新安镇" in second.duplicates[0]
    assert query(county, "select count(*) from township") == [(2,)]
    # the partial unique index: one live row per ID number, the voided duplicate is kept
    assert query(county, f"select voided, count(*) from member where id_number='{shared.id_number}' "
                         "group by voided order by voided") == [(False, 1), (True, 1)]


def test_bad_row_late_in_the_package_leaves_the_county_as_it_was(town, county, tmp_path):
    old = export_package(town, tmp_path / "old", period="2026-10").path
    import_packages([old], county)
    sql = ("select (select count(*) from household), (select count(*) from member), "
           "(select count(*) from countyowned), (select count(*) from countypackage), "
           "(select count(*) from countymerge), (select max(id) from member)")
    before = query(county, sql)
    new = export_package(town, tmp_path / "new", period="2026-11").path
    bad = _rebuild_with_bad_cell(new, tmp_path / "bad.zip", schema.NOTICES, "公示", "E4", "不是日期")
    with pytest.raises(PackageRefused, match="公示.*第4行"):
        import_packages([bad], county)
    assert query(county, sql) == before


def _chain_intact(county) -> bool:
    previous = audit_chain.GENESIS
    for row in query(county, f"select {', '.join(audit_chain.FIELDS)}, row_hash from auditlog order by id"):
        data = dict(zip(audit_chain.FIELDS, row[:-1]))
        if audit_chain.row_hash(previous, data) != row[-1]:
            return False
        previous = row[-1]
    return True


def test_two_county_users_merging_at_once_lose_nothing(town, other_town, county, tmp_path):
    """Two processes' worth of merges at the same moment (two threads, two connections): both
    townships end up whole, ids do not collide and the audit chain has no fork."""
    a = export_package(town, tmp_path / "a").path
    b = export_package(other_town, tmp_path / "b").path
    import_packages([], county)  # create the county database first, as the county's admin does
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def merge(pkg, who):
        try:
            start.wait()
            import_packages([pkg], county, operator=who)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=merge, args=(a, "王")), threading.Thread(target=merge, args=(b, "赵"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert query(county, "select township_code, count(*) from countyowned where table_name = 'household' "
                         "group by township_code order by 1") == [("520123101", 10), ("520123102", 6)]
    with other_town.read() as s:
        theirs = s.execute(select(func.count()).select_from(Member)).scalar_one()
    assert query(county, "select count(*) from member") == [(44 + theirs,)]
    assert _chain_intact(county)


def test_check_over_the_merged_county_names_each_township(town, other_town, county, tmp_path, capsys):
    import json

    from fupin_tui import cli

    a = export_package(town, tmp_path / "a").path
    b = export_package(other_town, tmp_path / "b").path
    import_packages([a, b], county)
    code = cli.main(["--db", str(county), "check", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    findings = out["findings"] if isinstance(out, dict) else out
    assert {f["township"] for f in findings} == {"新安镇", "坪山乡"}
    assert cli.main(["--db", str(county), "check", "--township", "520123102", "--json"]) in (0, 1)
    only = json.loads(capsys.readouterr().out)
    assert {f["township"] for f in (only["findings"] if isinstance(only, dict) else only)} == {"坪山乡"}


def test_check_finds_the_same_on_both_engines(town, other_town, pg_url, tmp_path):
    """Same packages, same 体检: the server database is no different from the file."""
    from fupin_tui.context import AppContext
    from fupin_tui.opening import open_database
    from fupin_tui.services.checks import run_checks

    packages = [export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path]
    found = []
    for target in (tmp_path / "county.db", pg_url):
        import_packages(packages, target)
        ctx = AppContext(db=open_database(target), operator="")
        try:
            found.append(sorted((f.rule, f.township, f.record, f.severity) for f in run_checks(ctx).findings))
        finally:
            ctx.db.close()
    assert found[0] and found[0] == found[1]


def test_two_merges_of_the_same_township_at_once_never_interleave(town, county, tmp_path, monkeypatch):
    """Two county users merge two packages of one township at the same moment: the newer one is
    half-way (it holds the lock) when the older one starts. The older waits, then reads what the
    newer committed and is refused as older, in words; the township is never the older package's."""
    import time

    from fupin_tui.services import county_merges

    old = export_package(town, tmp_path / "old", period="2026-10").path
    excel_sample.fill(town, households=1, projects=0, seed=5)
    new = export_package(town, tmp_path / "new", period="2026-11").path
    import_packages([], county)
    holding = threading.Event()
    real_start = county_merges.start

    def start_slowly(s, **kw):  # the newer merge, inside its transaction: the older one begins meanwhile
        merge_id = real_start(s, **kw)
        if kw["period"] == "2026-11":
            holding.set()
            time.sleep(1.5)
        return merge_id

    monkeypatch.setattr(county_merges, "start", start_slowly)
    outcomes, errors, said = [], [], []

    def merge(pkg, who, after=None):
        try:
            if after is not None:
                after.wait(30)
            outcomes.extend(import_packages([pkg], county, operator=who, rows_progress=said.append))
        except PackageRefused as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=merge, args=(new, "赵")), threading.Thread(target=merge, args=(old, "王", holding))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o.status for o in outcomes] == ["新导入"]
    assert len(errors) == 1 and "比已导入的 2026-11" in errors[0] and "旧" in errors[0], errors
    assert query(county, "select count(*) from countyowned where table_name = 'household'") == [(11,)]
    assert query(county, "select count(*) from household") == [(11,)]
    assert query(county, "select period from countymerge where undone_at is null") == [("2026-11",)]
    if str(county).startswith("postgresql"):  # the waiting user is told why nothing moves
        assert "新安镇：等待另一位县级用户的合并或撤销完成……" in said
    assert _chain_intact(county)


def test_a_merge_goes_in_batches_with_a_progress_bar(town, county, tmp_path, monkeypatch):
    """Rows are written a batch at a time, and each batch moves the bar: the clerk sees how far a
    20,000-household package has got (here batches of 10 rows)."""
    import re

    from fupin_tui.excel import merge

    monkeypatch.setattr(merge, "_CHUNK", 10)
    said: list[str] = []
    import_packages([export_package(town, tmp_path / "a").path], county, rows_progress=said.append)
    members = [line.split("成员表 ")[1] for line in said if "成员表" in line]
    assert members[:5] == ["10/44 行", "20/44 行", "30/44 行", "40/44 行", "44/44 行"]
    shares = [int(re.match(r"\[[#-]{20}\]\s+(\d+)%", line).group(1)) for line in said]
    assert shares == sorted(shares) and shares[-1] == 100 and shares[0] < 50
    assert said[-1].startswith("[####################] 100% 新安镇：")
