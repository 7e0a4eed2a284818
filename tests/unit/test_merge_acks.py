"""A clerk's acknowledgement of a 体检 finding travels in the package and holds in the county (issue 15).

The second township's project and household get new ids in the county
database; the acknowledgement must follow them there (not stay on the first
township's row of the same id), and a newer package replaces it, never doubles it.
"""

import sqlite3

import pytest

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.services import checks

from tests.unit.test_county_check_per_township import _as_second_township


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUPIN_TUI_TODAY", "2026-11-27")
        mp.setenv("FUPIN_TUI_HOME", str(tmp_path_factory.mktemp("home")))
        base = tmp_path_factory.mktemp("acks")
        one, two = base / "xinan.db", base / "longchang.db"
        generate(one, households=40, seed=11)
        generate(two, households=40, seed=12)
        _as_second_township(two)
        ctx = open_context(two, operator="李会计")
        findings = checks.run_checks(ctx).findings
        project = next(f for f in findings if f.record.startswith("project:"))
        household = next(f for f in findings if f.record.startswith("household:"))
        checks.acknowledge(ctx, project, "不可抗力：山体滑坡，县里已同意延期")
        checks.acknowledge(ctx, household, "已线下报送")
        packages = [export_package(open_context(one, operator="张会计"), base / "out").path,
                    export_package(ctx, base / "out").path]
        ctx.db.close()
        county = open_context(base / "county.db", operator="县扶贫办")
        outcomes = import_packages(packages, county)
        county.reload_policy()
        yield base, two, county, project, household, outcomes


def test_acknowledgements_come_back_on_the_right_townships_rows(merged):
    _base, _two, county, project, household, outcomes = merged
    assert all("体检确认" not in " ".join(o.notes) for o in outcomes)
    acked = {(f.township, f.rule, f.record_label): f.ack.reason
             for f in checks.run_checks(county).findings if f.ack}
    assert acked == {("龙场镇", project.rule, project.record_label): "不可抗力：山体滑坡，县里已同意延期",
                     ("龙场镇", household.rule, household.record_label): "已线下报送"}
    con = sqlite3.connect(county.db.path)
    rows = con.execute("select record, acknowledged_by from findingack order by id").fetchall()
    assert [by for _, by in rows] == ["李会计", "李会计"]
    # the county ids of the township's rows, not the township's own ids
    kind, _, rid = rows[0][0].partition(":")
    owner = con.execute("select township_code from countyowned where table_name = ? and row_id = ?",
                        (kind, int(rid))).fetchone()
    assert owner == ("520123102",)


def test_a_newer_package_replaces_the_acknowledgements(merged):
    base, two, county, _project, _household, _ = merged
    ctx = open_context(two, operator="李会计")
    con = sqlite3.connect(two)
    con.execute("update findingack set voided = 1, reason = reason || '（已撤销：误确认）' where id = 2")
    con.commit()
    con.close()
    package = export_package(ctx, base / "newer").path
    ctx.db.close()
    [outcome] = import_packages([package], county)
    assert outcome.status == "已更新"
    rows = sqlite3.connect(county.db.path).execute("select voided from findingack order by id").fetchall()
    assert rows == [(0,), (1,)]


def test_a_package_of_an_earlier_release_without_acknowledgements_still_merges(merged, tmp_path):
    import json
    import zipfile

    from fupin_tui import sheets as schema

    base, two, _county, _project, _household, _ = merged
    ctx = open_context(two, operator="李会计")
    package = export_package(ctx, base / "older").path
    ctx.db.close()
    older = tmp_path / package.name
    with zipfile.ZipFile(package) as zin, zipfile.ZipFile(older, "w") as zout:
        manifest = json.loads(zin.read("manifest.json"))
        manifest["workbooks"] = [b for b in manifest["workbooks"] if b["file"] != schema.ACKS]
        for name in zin.namelist():
            if name not in (schema.ACKS, "manifest.json"):
                zout.writestr(name, zin.read(name))
        zout.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
    [outcome] = import_packages([older], tmp_path / "county.db", operator="县扶贫办")
    assert outcome.status == "新导入"
    assert any(schema.ACKS in note and "体检问题确认记录" in note for note in outcome.notes), outcome.notes
    assert sqlite3.connect(tmp_path / "county.db").execute("select count(*) from findingack").fetchone() == (0,)


def test_a_township_wide_acknowledgement_holds_only_in_its_own_township(merged):
    """A township-wide finding is acknowledged by its text: the same text in another township of the
    county is another finding, and stays open."""
    from fupin_tui.models import CountyOwned
    from fupin_tui.models.audit import FindingAck

    _base, _two, county, *_ = merged
    findings = checks.run_checks(county).findings
    wide = next(f for f in findings if f.township == "新安镇" and not f.record.startswith(("project:", "household:"))
                and not f.ack)
    rule, record = checks.ack_key(wide)
    with county.db.session() as s:
        ack = FindingAck(rule=rule, record=record, reason="龙场镇的说明", acknowledged_by="李会计")
        s.add(ack)
        s.flush()
        owner = CountyOwned(township_code="520123102", table_name="findingack", row_id=ack.id, source_id=999)
        s.add(owner)
        s.flush()
        ack_id, owner_id = ack.id, owner.id
    again = {(f.township, f.rule, f.message): f.ack for f in checks.run_checks(county).findings}
    assert again[("新安镇", wide.rule, wide.message)] is None  # 龙场镇's acknowledgement is not 新安镇's
    with county.db.session() as s:
        s.get(CountyOwned, owner_id).township_code = "520123101"
    again = {(f.township, f.rule, f.message): f.ack for f in checks.run_checks(county).findings}
    assert again[("新安镇", wide.rule, wide.message)].reason == "龙场镇的说明"
    with county.db.session() as s:  # leave the module's county as it was
        s.get(FindingAck, ack_id).voided = True
