"""Every database knows what it is: random id, kind, township (a settings row, not a PRAGMA)."""

import sqlite3

import pytest

from fupin_tui import identity, identity_change
from fupin_tui.cli import main
from fupin_tui.context import open_context
from fupin_tui.opening import open_database
from fupin_tui.services import township


def test_new_database_is_a_township_database_with_a_random_id(tmp_path):
    a = open_database(tmp_path / "a.db")
    b = open_database(tmp_path / "b.db")
    ia, ib = a.identity(), b.identity()
    assert ia.kind == identity.TOWNSHIP and ia.label == "乡镇数据库"
    assert len(ia.id) == 32 and ia.id != ib.id
    assert a.identity() == ia  # stable
    a.close(), b.close()
    # stored as a row in appsetting, not a PRAGMA
    con = sqlite3.connect(tmp_path / "a.db")
    [(value,)] = con.execute("SELECT value FROM appsetting WHERE key = 'database_identity'").fetchall()
    con.close()
    assert ia.id in value


def test_saving_the_township_names_it_in_the_identity(ctx):
    ident = ctx.identity()
    assert (ident.kind, ident.township_code, ident.township_name) == ("township", "520123101", "新安镇")
    township.save_township(ctx, "示例县", "新安镇", "520123109")
    assert ctx.identity().township_code == "520123109"
    assert ctx.identity().id == ident.id


def test_demo_is_marked_inside_the_file(tmp_path, capsys):
    path = tmp_path / "d.db"
    assert main(["--db", str(path), "demo", "--households", "5"]) == 0
    ident = identity.read(path)
    assert ident.is_demo and ident.label == "演示数据" and ident.township_code


def test_a_database_from_before_the_row_gets_one_on_open(tmp_path):
    path = tmp_path / "old.db"
    ctx = open_context(path, operator="张会计")
    township.save_township(ctx, "示例县", "新安镇", "520123101")
    ctx.db.close()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM appsetting WHERE key = 'database_identity'")
    con.commit()
    con.close()
    assert identity.read(path) is None
    assert identity.read(path, infer=True).township_code == "520123101"
    db = open_database(path)
    ident = identity.read(path)
    assert ident.kind == "township" and ident.township_name == "新安镇"
    db.close()


def test_marking_is_audited(ctx):
    identity_change.mark(ctx.db, kind=identity.COUNTY, operator="县管理员")
    assert ctx.identity().kind == "county"
    con = sqlite3.connect(ctx.db.path)
    rows = con.execute("SELECT operator, note FROM auditlog WHERE table_name = 'appsetting'").fetchall()
    con.close()
    assert ("县管理员", "数据库标识") in rows
    with pytest.raises(ValueError):
        identity_change.mark(ctx.db, kind="village")


def test_demo_force_never_overwrites_a_real_database(ctx, capsys):
    path = ctx.db.path
    ctx.db.close()
    assert main(["--db", str(path), "demo", "--force", "--households", "3"]) == 2
    err = capsys.readouterr().err
    assert "不是演示数据库" in err and "乡镇数据库" in err
    assert identity.read(path).township_name == "新安镇"


def test_demo_force_regenerates_a_demo_database(tmp_path, capsys):
    path = tmp_path / "d.db"
    assert main(["--db", str(path), "demo", "--households", "3"]) == 0
    first = identity.read(path).id
    assert main(["--db", str(path), "demo", "--households", "4", "--force"]) == 0
    assert identity.read(path).is_demo and identity.read(path).id != first


def test_a_database_that_takes_packages_is_a_county_database(ctx, tmp_path):
    from fupin_tui.excel.merge import import_packages
    from fupin_tui.excel.package import export_all
    from tests import excel_sample

    excel_sample.fill(ctx, households=3, projects=1)
    [result] = export_all(ctx, tmp_path / "out")
    county = tmp_path / "county.db"
    import_packages([result.path], county)
    ident = identity.read(county)
    assert ident.kind == "county" and ident.label == "县级汇总数据库" and ident.township_code == ""
