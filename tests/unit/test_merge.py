"""County merge: packages checked before reading, newer replaces older, the same twice changes nothing."""

import json
import shutil
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import update

from fupin_tui.context import open_context
from fupin_tui import sheets as schema
from fupin_tui.excel.merge import PackageRefused, import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import Household, Member, Project
from fupin_tui.services import township

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import excel_sample  # noqa: E402


def _count(db, sql):
    con = sqlite3.connect(str(db))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def town(ctx):
    excel_sample.fill(ctx, households=10, projects=2)
    return ctx


@pytest.fixture
def other_town(tmp_path):
    ctx = open_context(tmp_path / "other.db", operator="李会计")
    township.save_township(ctx, "示例县", "坪山乡", "520123102")
    township.save_village(ctx, "520123102201", "河口村", False)
    excel_sample.fill(ctx, households=6, projects=1, seed=9, area="520124")
    yield ctx
    ctx.db.close()


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)
    return dst


def test_tampered_workbook_is_refused_naming_it(town, tmp_path):
    pkg = export_package(town, tmp_path / "out").path

    def tamper(name, data):
        return data + b"x" if name == schema.FUNDS else data

    bad = _rewrite(pkg, tmp_path / "bad.zip", tamper)
    county = tmp_path / "county.db"
    with pytest.raises(PackageRefused, match=schema.FUNDS):
        import_packages([bad], county)
    assert _count(county, "select count(*) from household") == [(0,)]


def test_truncated_or_incomplete_package_is_refused(town, tmp_path):
    pkg = export_package(town, tmp_path / "out").path
    cut = tmp_path / "cut.zip"
    cut.write_bytes(pkg.read_bytes()[: pkg.stat().st_size // 2])
    with pytest.raises(PackageRefused, match="cut.zip"):
        import_packages([cut], tmp_path / "county.db")
    missing = _rewrite(pkg, tmp_path / "missing.zip", lambda n, d: None if n == schema.ROSTER else d)
    with pytest.raises(PackageRefused, match="缺少文件"):
        import_packages([missing], tmp_path / "county.db")
    no_manifest = _rewrite(pkg, tmp_path / "nm.zip", lambda n, d: None if n == "manifest.json" else d)
    with pytest.raises(PackageRefused, match="manifest.json"):
        import_packages([no_manifest], tmp_path / "county.db")


def test_same_package_twice_changes_nothing(town, tmp_path):
    pkg = export_package(town, tmp_path / "out").path
    county = tmp_path / "county.db"
    import_packages([pkg], county)
    before = _count(county, "select count(*), max(id) from auditlog")
    [again] = import_packages([pkg], county)
    assert again.status == "未变化"
    assert _count(county, "select count(*), max(id) from auditlog") == before
    assert _count(county, "select count(*) from member") == _count(town.db.path, "select count(*) from member")


def test_newer_package_replaces_older_and_reports_changes(town, tmp_path):
    county = tmp_path / "county.db"
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
    assert _count(county, "select count(*) from household") == [(11,)]
    assert _count(county, "select count(*) from countypackage") == [(2,)]
    # the older package coming late is refused and changes nothing
    with pytest.raises(PackageRefused, match="旧"):
        import_packages([old], county)
    assert _count(county, "select count(*) from household") == [(11,)]


def test_two_townships_and_a_person_in_both(town, other_town, tmp_path):
    with town.read() as s:
        shared = s.get(Member, 3)
    with other_town.transaction() as s:
        s.execute(update(Member).where(Member.id == 2).values(id_number=shared.id_number, name=shared.name))
    a = export_package(town, tmp_path / "a").path
    b = export_package(other_town, tmp_path / "b").path
    county = tmp_path / "county.db"
    first, second = import_packages([a, b], county)
    assert second.duplicates and shared.id_number in second.duplicates[0] and "新安镇" in second.duplicates[0]
    assert _count(county, "select count(*) from township") == [(2,)]
    assert _count(county, f"select count(*) from member where id_number='{shared.id_number}' and voided=0") == [(1,)]
    # the county can export per township again
    county_ctx = open_context(county, operator="县汇总")
    try:
        from fupin_tui.excel.package import export_all

        results = export_all(county_ctx, tmp_path / "again")
    finally:
        county_ctx.db.close()
    assert sorted(r.path.name for r in results) == ["520123101-新安镇-2026-11.zip", "520123102-坪山乡-2026-11.zip"]
    assert [r.rows["户表"] for r in results] == [10, 6]


def test_township_database_is_not_a_county_database(town, tmp_path):
    pkg = export_package(town, tmp_path / "out").path
    with pytest.raises(Exception, match="不是县级汇总库"):
        import_packages([pkg], town)


def test_village_package_is_refused_for_merge(town, tmp_path):
    pkg = export_package(town, tmp_path / "v", village_code="520123101201").path
    with pytest.raises(PackageRefused, match="村"):
        import_packages([pkg], tmp_path / "county.db")


def test_newer_format_refused(town, tmp_path):
    pkg = export_package(town, tmp_path / "out").path

    def bump(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        m["format_version"] = 99
        return json.dumps(m).encode()

    with pytest.raises(PackageRefused, match="升级"):
        import_packages([_rewrite(pkg, tmp_path / "v99.zip", bump)], tmp_path / "county.db")
    shutil.rmtree(tmp_path / "out")


def test_sheets_come_in_insert_order():
    # the merge inserts each sheet as it reads it: a row's references must be read before it
    tables = list(dict.fromkeys(sheet.table for sheet in schema.SHEETS))
    assert tables == list(schema.INSERT_ORDER)


def _rebuild_with_bad_cell(pkg: Path, dst: Path, workbook: str, sheet: str, cell: str, value) -> Path:
    """A package whose manifest vouches for a workbook with one unreadable cell (a hand-made package)."""
    from io import BytesIO

    from openpyxl import load_workbook

    def change(name, data):
        if name == workbook:
            wb = load_workbook(BytesIO(data))
            wb[sheet][cell] = value
            out = BytesIO()
            wb.save(out)
            return out.getvalue()
        return data

    tampered = _rewrite(pkg, dst.with_suffix(".tmp"), change)
    with zipfile.ZipFile(tampered) as zf:
        fixed = zf.read(workbook)
    import hashlib

    def manifest(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        for book in m["workbooks"]:
            if book["file"] == workbook:
                book["sha256"], book["bytes"] = hashlib.sha256(fixed).hexdigest(), len(fixed)
        return json.dumps(m, ensure_ascii=False).encode()

    return _rewrite(tampered, dst, manifest)


def test_bad_row_late_in_the_package_leaves_the_county_as_it_was(town, tmp_path):
    county = tmp_path / "county.db"
    old = export_package(town, tmp_path / "old", period="2026-10").path
    import_packages([old], county)
    before = _count(county, "select (select count(*) from household), (select count(*) from member), "
                            "(select count(*) from countyowned), (select count(*) from countypackage), "
                            "(select max(id) from member)")
    new = export_package(town, tmp_path / "new", period="2026-11").path
    # rows are written while the package is read: a bad cell in the last workbook must undo them all
    bad = _rebuild_with_bad_cell(new, tmp_path / "bad.zip", schema.NOTICES, "公示", "E4", "不是日期")
    with pytest.raises(PackageRefused, match="公示.*第4行"):
        import_packages([bad], county)
    assert _count(county, "select (select count(*) from household), (select count(*) from member), "
                          "(select count(*) from countyowned), (select count(*) from countypackage), "
                          "(select max(id) from member)") == before
