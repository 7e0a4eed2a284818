"""Rosters as WPS/ET keeps them (issue 15.9): merged 村名 down a village, two header rows, a 合计 row.

The files are built here, not kept as blobs: openpyxl writes the .xlsx; the
"WPS-written" .xlsx is that file with what WPS puts in its own (a
``docProps/custom.xml`` naming KSOProductBuildVer, relationship targets as
absolute paths); the .xls and the .et are LibreOffice's conversion of it to
BIFF8 — an .et saved by WPS is the same OLE/BIFF8 container under another
name, and python-calamine reads it as .xls (by content, not by the name).
"""

import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fupin_tui.excel import roster_import as ri
from fupin_tui.models import Household, Member, Village

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from excel_sample import unique_ids  # noqa: E402

IDS = unique_ids(random.Random(15), 12)
BAD_ID = IDS[11][:-1] + ("0" if IDS[11][-1] != "0" else "1")  # check digit wrong


def _households():
    """(village, household no, head, [(name, relation, id)]) — 新寨村 twice, then 坪上村."""
    return [
        ("新寨村", "HW001", "张三", [("张三", "户主", IDS[0]), ("李四", "配偶", IDS[1])]),
        ("新寨村", "HW002", "王五", [("王五", "户主", IDS[2]), ("王六", "之女", IDS[3]), ("王七", "之子", IDS[4])]),
        ("坪上村", "HW003", "赵八", [("赵八", "户主", IDS[5])]),
        ("坪上村", "HW004", "孙九", [("孙九", "户主", IDS[6]), ("孙十", "之子", BAD_ID)]),  # one bad row
    ]


def build(path: Path, *, village_column: bool = True, title: str = "新安镇2026年建档立卡贫困户花名册") -> Path:
    """A WPS-style roster: title, two header rows (merged groups), 村名/户编号/户主 merged down, a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    cols = (["村名"] if village_column else []) + ["户编号", "户主姓名", "姓名", "与户主关系", "身份证号"]
    n = len(cols)
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    # two header rows: the group names above, merged across their columns; the fields below
    head_cols = 3 if village_column else 2  # 村名 户编号 户主姓名 | 姓名 与户主关系 身份证号
    ws.cell(2, 1, "基本信息")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=head_cols)
    ws.cell(2, head_cols + 1, "家庭成员")
    ws.merge_cells(start_row=2, start_column=head_cols + 1, end_row=2, end_column=n)
    for i, c in enumerate(cols, 1):
        ws.cell(3, i, c)
    v = 1 if village_column else 0  # columns before 户编号
    r = 4
    spans: dict[str, list[int]] = {}
    for village, no, head, members in _households():
        top = r
        for name, relation, number in members:
            if r == top:  # household cells: in the first row only, merged down below
                if village_column and village not in spans:
                    ws.cell(r, 1, village)
                ws.cell(r, v + 1, no)
                ws.cell(r, v + 2, head)
            ws.cell(r, v + 3, name)
            ws.cell(r, v + 4, relation)
            ws.cell(r, v + 5, number)
            r += 1
        if r - 1 > top:
            for c in (v + 1, v + 2):
                ws.merge_cells(start_row=top, start_column=c, end_row=r - 1, end_column=c)
        spans.setdefault(village, [top, r - 1])[1] = r - 1
    if village_column:  # 村名 merged down all the village's households
        for top, bottom in spans.values():
            ws.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)
    ws.cell(r, 1, "合计")
    ws.cell(r, n - 2, f"{sum(len(h[3]) for h in _households())}人")
    wb.save(path)
    return path


def as_wps_xlsx(source: Path, target: Path) -> Path:
    """The same workbook as WPS writes it: KSO custom properties and absolute relationship targets."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'Target="worksheets/', b'Target="/xl/worksheets/') \
                           .replace(b'Target="sharedStrings.xml"', b'Target="/xl/sharedStrings.xml"') \
                           .replace(b'Target="styles.xml"', b'Target="/xl/styles.xml"')
            zout.writestr(item, data)
        zout.writestr("docProps/custom.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
            '<vt:lpwstr>2052-11.1.0.14309</vt:lpwstr></property></Properties>'))
    return target


@pytest.fixture(scope="module")
def biff8(tmp_path_factory):
    """.xls and .et (BIFF8) converted by LibreOffice, when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is needed to write BIFF8 (.xls/.et) fixtures: see .ci/run")
    base = tmp_path_factory.mktemp("biff8")
    source = build(base / "wps-roster.xlsx")
    subprocess.run([soffice, f"-env:UserInstallation={(base / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xls", "--outdir", str(base), str(source)],
                   check=True, capture_output=True, timeout=300, env={"HOME": str(base), "PATH": "/usr/bin:/bin"})
    xls = base / "wps-roster.xls"
    et = base / "wps-roster.et"
    shutil.copy(xls, et)
    return {"xls": xls, "et": et}


def _check_plan(plan):
    by_no = {h.household_no: h for h in plan.households}
    assert set(by_no) == {"HW001", "HW002", "HW003", "HW004"}, [h.household_no for h in plan.households]
    assert [by_no[n].village_label for n in ("HW001", "HW002", "HW003", "HW004")] == ["新寨村", "新寨村", "坪上村", "坪上村"]
    assert [len(by_no[n].members) for n in ("HW001", "HW002", "HW003")] == [2, 3, 1]
    assert by_no["HW004"].valid is False and all(by_no[n].valid for n in ("HW001", "HW002", "HW003"))
    # the 合计 row is skipped with a note, never read as a household
    [total] = [p for p in plan.problems if "合计" in p.message]
    assert total.level == ri.NOTE and "已跳过" in total.message
    assert not [p for p in plan.errors if p.row == total.row]
    assert [p.row for p in plan.errors] == [next(n for n, r in plan.loaded.data_rows() if BAD_ID in r)]


def _kinds(tmp_path):
    source = build(tmp_path / "excel.xlsx")
    kinds = {"xlsx": source, "wps-xlsx": as_wps_xlsx(source, tmp_path / "wps.xlsx")}
    return kinds


@pytest.mark.parametrize("kind", ["xlsx", "wps-xlsx"])
def test_merged_village_two_header_rows_and_total_row(ctx, tmp_path, kind):
    path = _kinds(tmp_path)[kind]
    loaded = ri.load(path)
    assert loaded.header_row == 2
    _check_plan(ri.preview(ctx, loaded))


@pytest.mark.parametrize("kind", ["xls", "et"])
def test_biff8_files_as_wps_saves_them(ctx, biff8, kind):
    loaded = ri.load(biff8[kind])
    assert loaded.header_row == 2
    _check_plan(ri.preview(ctx, loaded))


def test_import_says_which_households_were_held_back_whole(ctx, tmp_path):
    plan = ri.preview(ctx, ri.load(build(tmp_path / "r.xlsx")))
    summary = ri.import_roster(ctx, plan)
    assert (summary.households, summary.members, summary.skipped_households) == (3, 6, 1)
    assert "孙九户（第" in summary.text() and "整户" in summary.text(), summary.text()
    with ctx.read() as s:
        villages = dict(s.execute(select(Household.household_no, Village.name).join(Village)).all())
        assert villages == {"HW001": "新寨村", "HW002": "新寨村", "HW003": "坪上村"}
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 6


def test_no_village_column_is_said_once_not_per_household(ctx, tmp_path):
    plan = ri.preview(ctx, ri.load(build(tmp_path / "r.xlsx", village_column=False)))
    village = [p for p in plan.problems if "村" == p.field]
    assert len(village) == 1 and "没有村列" in village[0].message and village[0].level == ri.ERROR
    assert plan.to_add == []


def test_village_taken_from_a_title_naming_one_village(ctx, tmp_path):
    plan = ri.preview(ctx, ri.load(build(tmp_path / "r.xlsx", village_column=False,
                                         title="新安镇坪上村2026年建档立卡贫困户花名册")))
    assert {h.village_label for h in plan.households} == {"520123101202"}
    notes = [p for p in plan.problems if p.column == "标题"]
    assert len(notes) == 1 and "坪上村" in notes[0].message
    assert len(plan.to_add) == 3  # HW004 still held back for its bad ID


def test_a_title_naming_two_villages_decides_nothing(ctx, tmp_path):
    plan = ri.preview(ctx, ri.load(build(tmp_path / "r.xlsx", village_column=False,
                                         title="新寨村、坪上村贫困户花名册")))
    assert any("没有村列" in p.message for p in plan.errors)
