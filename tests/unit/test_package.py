"""The submission package: print-ready workbooks, manifest, and the round trip through the county merge."""

import io
import json
import random
import sqlite3
import stat
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fupin_tui import sheets as schema
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import ExportCancelled, export_package
from fupin_tui.excel.styles import FIRST_DATA_ROW, HEADER_ROW

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import excel_sample  # noqa: E402

SUMS = [
    "select count(*), sum(size), sum(wage_income), sum(net_income), sum(per_capita_income) from household",
    "select count(*), count(distinct id_number), sum(dibao) from member",
    "select count(*), sum(subsidy), sum(total_investment), sum(deposit_rate) from project",
    "select count(*), sum(amount_total), sum(amount_fiscal) from libraryentry",
    "select count(*), sum(amount), sum(quantity), sum(unit_price) from budgetline",
    "select count(*), sum(amount) from tranche",
    "select count(*), sum(total) from voucher",
    "select kind, count(*), sum(amount) from voucherline group by kind",
    "select count(*), sum(work_share), sum(spent) from progressreport",
    "select count(*), sum(amount) from beneficiary",
    "select count(*), sum(amount) from share",
    "select count(*), sum(amount), sum(proceeds) from dividend",
    "select count(*) from archiveitem",
    "select count(*) from notice",
]


def sums(path) -> list:
    con = sqlite3.connect(str(path))
    try:
        return [con.execute(q).fetchall() for q in SUMS]
    finally:
        con.close()


@pytest.fixture
def filled(ctx):
    excel_sample.fill(ctx, households=15, projects=3)
    return ctx


@pytest.fixture
def package(filled, tmp_path):
    return export_package(filled, tmp_path / "out")


def test_zip_named_and_private(package):
    assert package.path.name == "520123101-新安镇-2026-11.zip"
    assert stat.S_IMODE(package.path.stat().st_mode) == 0o600


def test_manifest_lists_every_workbook_with_counts_and_sha(package):
    with zipfile.ZipFile(package.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["township"] == {"code": "520123101", "name": "新安镇", "county": "示例县"}
        assert manifest["period"] == "2026-11" and manifest["operator"] == "张会计"
        assert manifest["format_version"] == schema.FORMAT_VERSION and manifest["app_version"]
        files = {b["file"] for b in manifest["workbooks"]}
        assert set(schema.workbooks()) <= files
        roster = next(b for b in manifest["workbooks"] if b["file"] == schema.ROSTER)
        assert {m["name"]: m["rows"] for m in roster["sheets"]} == {
            "村表": 2, "户表": 15, "成员表": package.rows["成员表"],
            "识别退出程序": package.rows["识别退出程序"], "户状态变动": package.rows["户状态变动"],
            "收支台账": package.rows["收支台账"], "走访记录": package.rows["走访记录"]}
        import hashlib
        for book in manifest["workbooks"]:
            assert hashlib.sha256(zf.read(book["file"])).hexdigest() == book["sha256"]


def test_every_workbook_is_print_ready(package):
    with zipfile.ZipFile(package.path) as zf:
        for name in zf.namelist():
            if not name.endswith(".xlsx"):
                continue
            wb = load_workbook(io.BytesIO(zf.read(name)))
            for ws in wb.worksheets:
                assert ws.page_setup.orientation == "landscape", (name, ws.title)
                assert ws.page_setup.paperSize == 9
                # fitted to the width, or printed at full size in sections with the key columns on each
                assert ws.sheet_properties.pageSetUpPr.fitToPage or ws.print_title_cols, (name, ws.title)
                assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
                assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
                assert "&P" in ws.oddFooter.center.text
                assert "新安镇" in ws["A1"].value


def test_ids_accounts_and_money_keep_their_form(package):
    with zipfile.ZipFile(package.path) as zf:
        wb = load_workbook(io.BytesIO(zf.read(schema.ROSTER)))
    households, members = wb["户表"], wb["成员表"]
    headers = [c.value for c in households[HEADER_ROW]]
    account = households.cell(FIRST_DATA_ROW, headers.index("一卡通账号") + 1)
    assert account.data_type == "s" and len(account.value) == 19
    money = households.cell(FIRST_DATA_ROW, headers.index("工资性收入") + 1)
    assert money.number_format == "#,##0.00"
    remark = households.cell(FIRST_DATA_ROW, headers.index("备注") + 1)
    assert remark.value == "=备注" and remark.data_type == "s"  # a formula-looking text stays text
    id_col = [c.value for c in members[HEADER_ROW]].index("身份证号") + 1
    assert members.cell(FIRST_DATA_ROW, id_col).data_type == "s"
    assert len(members.cell(FIRST_DATA_ROW, id_col).value) == 18


def test_round_trip_into_empty_county_database(filled, package, tmp_path):
    county = tmp_path / "county.db"
    [outcome] = import_packages([package.path], county, operator="县汇总")
    assert outcome.status == "新导入"
    assert sums(county) == sums(filled.db.path)


def test_village_package_holds_that_village_only(filled, tmp_path):
    result = export_package(filled, tmp_path / "v", village_code="520123101201")
    assert result.path.name.endswith("-520123101201.zip")
    assert result.rows["村表"] == 1
    assert result.rows["户表"] == 8  # households alternate between the two villages
    assert result.rows["项目"] == 2


def test_cancel_leaves_nothing_behind(filled, tmp_path):
    cancel = threading.Event()
    seen = []

    def progress(done, total, label):
        seen.append(done)
        cancel.set()

    with pytest.raises(ExportCancelled):
        export_package(filled, tmp_path / "c", progress=progress, cancel=cancel)
    assert list((tmp_path / "c").iterdir()) == []


def test_progress_reaches_total(filled, tmp_path):
    seen = []
    export_package(filled, tmp_path / "p", progress=lambda d, t, label: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] > 0


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(households=st.integers(min_value=1, max_value=25), projects=st.integers(min_value=0, max_value=3),
       seed=st.integers(min_value=0, max_value=10_000))
def test_round_trip_property(tmp_path_factory, households, projects, seed):
    """Any generated township survives export and merge sum for sum."""
    from fupin_tui.context import open_context
    from fupin_tui.services import township

    base = tmp_path_factory.mktemp("prop")
    ctx = open_context(base / "t.db", operator="张会计")
    try:
        township.save_township(ctx, "示例县", "新安镇", "520123101")
        township.save_village(ctx, "520123101201", "新寨村", True)
        excel_sample.fill(ctx, households=households, projects=projects, seed=seed)
        result = export_package(ctx, base / "out")
        import_packages([result.path], base / "county.db")
        assert sums(base / "county.db") == sums(base / "t.db")
    finally:
        ctx.db.close()
    random.seed(seed)


def test_the_format_document_lists_every_sheet_and_column():
    """docs/PACKAGE_FORMAT.md is what the county builds on: it must match the declaration the export uses."""
    from pathlib import Path

    from fupin_tui.excel.format_doc import sheets_markdown

    doc = (Path(__file__).resolve().parents[2] / "docs" / "PACKAGE_FORMAT.md").read_text(encoding="utf-8")
    assert sheets_markdown() in doc, "run: python -m fupin_tui.excel.format_doc docs/PACKAGE_FORMAT.md"
