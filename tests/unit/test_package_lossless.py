"""Package format 2 is lossless: every column a clerk fills comes back equal after the county merge (issue 15.4).

The comparison is driven by the schema, not by a list of fields: every column
of every table the package carries, except ids, foreign keys (compared through
the 记录号 mapping), ``created_*``/``updated_*``, ``row_version`` and search keys.
"""

import sqlite3
from dataclasses import replace

import pytest

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui import sheets as schema
from fupin_tui.excel.merge import import_packages, unreported_columns
from fupin_tui.excel.package import export_package


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    base = tmp_path_factory.mktemp("lossless")
    db = base / "township.db"
    generate(db, households=60, seed=5)
    con = sqlite3.connect(db)
    # values a default would hide: the merge must carry them, not invent them
    con.execute("update household set sanitary_toilet = (id % 3 = 0), relocated = (id % 5 = 0), "
                "road_type = '硬化路', road_distance_km = 1250, fuel_types = '柴草、电', "
                "cultivated_land_mu = 3500 + id, house_area = 80000 + id")
    con.execute("update member set speaks_mandarin = (id % 2 = 0), work_company = '某某建筑公司' where id % 4 = 0")
    con.execute("update progressreport set photos_before = 'photos/a.jpg'")
    con.commit()
    con.close()
    return base, db


def _rows(con, sheet: schema.Sheet) -> list[tuple[int, dict]]:
    where = " and ".join(f"{attr} = ?" for attr, _ in sheet.where) or "1"
    cur = con.execute(f"select * from {sheet.table} where {where} order by id", [v for _, v in sheet.where])
    names = [d[0] for d in cur.description]
    return [(d["id"], d) for d in (dict(zip(names, row)) for row in cur)]


def _compared_columns(sheet: schema.Sheet) -> list[str]:
    return [c.name for c in schema.carried_columns(sheet.model)] + ["voided", "void_reason"]


def test_every_carried_column_is_in_the_package():
    """A column added to a model travels without anyone listing it (i17's new fields too)."""
    for sheet in schema.SHEETS:
        attrs = {f.attr for f in sheet.fields}
        missing = [c.name for c in schema.carried_columns(sheet.model) if c.name not in attrs]
        assert not missing, (sheet.name, missing)
        headers = sheet.headers
        assert len(headers) == len(set(headers)), sheet.name
        # every header is Chinese: a new column needs its label in schema.LABELS
        unlabeled = [h for h in headers if not any("\u4e00" <= ch <= "\u9fff" for ch in h)]
        assert not unlabeled, (sheet.name, unlabeled, "add them to schema.LABELS")


def test_every_clerk_table_has_a_sheet():
    from sqlmodel import SQLModel

    from fupin_tui.models.base import Tracked

    # settings of the installation and the county's own bookkeeping do not travel
    local = {"township", "operator", "countypackage", "countyowned", "countydecision"}
    tracked = {t.name for t in SQLModel.metadata.sorted_tables
               if t.name not in local and any(issubclass(m, Tracked) and getattr(m, "__tablename__", None) == t.name
                                              for m in _models())}
    assert tracked <= set(schema.MODELS), tracked - set(schema.MODELS)


def _models():
    from sqlmodel import SQLModel

    return [m.class_ for m in SQLModel._sa_registry.mappers]


def test_township_and_county_agree_column_by_column(township):
    base, db = township
    ctx = open_context(db, operator="张会计")
    package = export_package(ctx, base / "out").path
    ctx.db.close()
    county = base / "county.db"
    [outcome] = import_packages([package], county, operator="县汇总")
    assert not outcome.notes
    t, c = sqlite3.connect(db), sqlite3.connect(county)
    id_map: dict[str, dict[int, int]] = {}
    compared = 0
    for sheet in schema.SHEETS:  # insert order: a row's references are mapped before it
        ours, theirs = _rows(t, sheet), _rows(c, sheet)
        assert len(ours) == len(theirs), sheet.name
        mapping = id_map.setdefault(sheet.table, {})
        refs = {f.attr: f.ref for f in sheet.fields if f.ref}
        for (tid, mine), (cid, county_row) in zip(ours, theirs):
            mapping[tid] = cid
            for column in _compared_columns(sheet):
                expected = mine[column]
                if column in refs and expected is not None:
                    expected = id_map[refs[column]][expected]
                assert county_row[column] == expected, (sheet.name, tid, column, mine[column], county_row[column])
                compared += 1
    assert compared > 10_000
    toilets = {r[0] for r in c.execute("select sanitary_toilet from household")}
    assert toilets == {0, 1}


def test_version_1_package_merges_with_missing_columns_null_and_a_note(township, monkeypatch):
    base, db = township
    # a version-1 package: the declared columns only, 公示内容 holding the JSON
    v1 = []
    for sheet in schema._DECLARED:
        fields = tuple(f for f in sheet.fields if f.attr != "=notice_lines")
        v1.append(replace(sheet, fields=fields))
    monkeypatch.setattr(schema, "SHEETS", tuple(v1))
    monkeypatch.setattr(schema, "FORMAT_VERSION", 1)
    ctx = open_context(db, operator="张会计")
    package = export_package(ctx, base / "v1").path
    ctx.db.close()
    monkeypatch.undo()
    county = base / "county-v1.db"
    [outcome] = import_packages([package], county, operator="县汇总")
    text = "\n".join(outcome.lines())
    assert "格式版本 1" in text and "住房面积" in text and "是否会讲普通话" in text, text
    c = sqlite3.connect(county)
    assert c.execute("select count(*) from household").fetchone()[0] == 60
    # nullable columns the package did not carry are NULL, never a value nobody reported
    assert c.execute("select count(*) from household where house_area is not null or cultivated_land_mu is not null"
                     " or road_distance_km is not null").fetchone()[0] == 0
    # what it did carry is there
    t = sqlite3.connect(db)
    assert c.execute("select sum(wage_income) from household").fetchone() == \
        t.execute("select sum(wage_income) from household").fetchone()
    assert c.execute("select fields_json from notice order by id").fetchall() == \
        t.execute("select fields_json from notice order by id").fetchall()
    # NOT NULL columns cannot be NULL: not a silent default, but marked as not reported and named by sheet
    assert "不能为空" in text and "「户表」卫生厕所" in text and "「户表」易地扶贫搬迁户" in text, text
    assert "「成员表」是否会讲普通话" in text, text
    ctx = open_context(county, operator="县汇总")
    marks = unreported_columns(ctx)["520123101"]
    assert {("household", "sanitary_toilet"), ("household", "relocated"), ("member", "speaks_mandarin"),
            ("household", "house_area")} <= marks
    # the township updates its software: the next package carries everything and the marks go
    township_ctx = open_context(db, operator="张会计")
    newer = export_package(township_ctx, base / "v2").path
    township_ctx.db.close()
    [again] = import_packages([newer], ctx)
    assert again.status == "已更新" and not again.notes
    assert unreported_columns(ctx) == {}
    ctx.db.close()
