"""Roster import on the messy files townships really keep."""

import csv
import random
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.excel import roster_import as ri
from fupin_tui.models import AuditLog, Household, Member

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from excel_sample import unique_ids  # noqa: E402

IDS = unique_ids(random.Random(7), 12)
HEADER = ["序号", "村", "户编号", "户主姓名", "家庭人口", "姓名", "与户主关系", "公民身份号码", "出生日期", "联系电话"]


def _rows():
    return [
        [1, "新寨村", "HH001", "张三", 3, "张三", "户主", IDS[0], "1980年1月2日", "13900000001"],
        [None, None, None, None, None, "李四", "配偶", IDS[1], "1981/3/4", None],  # merged household cells
        [None, None, None, None, None, "张小", "之子", IDS[2], "", None],
        [None] * 10,  # blank line
        [2, "坪上村", "HH002", "王五", 2, "王五", "户主", "５２" + IDS[3][2:], "", "13900000002"],  # full-width digits
        [None, None, None, None, None, "王六", "之女", IDS[4], "", None],
        [3, "新寨村", "HH003", "赵七", 1, "赵七", "户主", IDS[5][:-1] + ("0" if IDS[5][-1] != "0" else "1"), "", None],
    ]


def _xlsx(path, rows, numeric_id_row=None):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "新安镇建档立卡贫困户花名册"
    ws.merge_cells("A1:J1")
    ws["A2"] = "填报单位：新安镇人民政府        2026年11月"
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    if numeric_id_row is not None:
        ws.cell(numeric_id_row, 8).value = 520123198001011000  # Excel turned the ID into a number
    wb.save(path)
    return path


@pytest.fixture
def messy(tmp_path):
    return _xlsx(tmp_path / "花名册.xlsx", _rows())


def test_header_found_below_merged_title(messy):
    loaded = ri.load(messy)
    assert loaded.header_row == 2
    mapping = ri.guess_mapping(loaded)
    assert mapping["id_number"] == 7 and mapping["name"] == 5 and mapping["head_name"] == 3
    assert mapping["village"] == 1 and mapping["household_no"] == 2


@pytest.mark.parametrize("header, field", [
    ("身份证号", "id_number"), ("公民身份号码", "id_number"), ("证件号码", "id_number"), ("身份证号码*", "id_number"),
    ("户主姓名", "head_name"), ("与户主关系", "relation"), ("家庭人口数", "size"), ("户 编 号", "household_no"),
    ("联系电话", "phone"), ("所在村", "village"),
])
def test_header_names_vary(tmp_path, header, field):
    wb = Workbook()
    wb.active.append(["姓名", header, "备注"])
    wb.save(tmp_path / "h.xlsx")
    loaded = ri.load(tmp_path / "h.xlsx")
    assert ri.guess_mapping(loaded)[field] == 1


def test_preview_groups_members_and_names_problems(ctx, messy):
    plan = ri.preview(ctx, ri.load(messy))
    assert [h.household_no for h in plan.households] == ["HH001", "HH002", "HH003"]
    assert [len(h.members) for h in plan.households] == [3, 2, 1]
    assert plan.households[1].members[0].id_number == IDS[3]  # full-width digits folded
    bad = [p for p in plan.errors if p.row == 10]
    assert bad and bad[0].column == "H 公民身份号码" and "校验码" in bad[0].message
    assert not plan.households[2].valid and plan.households[0].valid
    assert plan.households[0].members[1].birth_date.isoformat() == IDS[1][6:10] + "-" + IDS[1][10:12] + "-" + IDS[1][12:14]


def test_import_writes_once_and_same_file_twice_adds_nobody(ctx, messy):
    summary = ri.import_roster(ctx, ri.preview(ctx, ri.load(messy)))
    assert (summary.households, summary.members, summary.skipped_households) == (2, 5, 1)
    with ctx.read() as s:
        heads = dict(s.execute(select(Household.household_no, Household.head_name)).all())
        assert heads == {"HH001": "张三", "HH002": "王五"}
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 5
        assert s.execute(select(Household.search_keys).where(Household.household_no == "HH001")).scalar_one().startswith("zs")
        assert s.execute(select(func.count()).select_from(AuditLog).where(AuditLog.action == "导入")).scalar_one() == 1
    again = ri.preview(ctx, ri.load(messy))
    assert ri.import_roster(ctx, again).members == 0
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 5
        assert s.execute(select(func.count()).select_from(Household)).scalar_one() == 2


def test_numeric_id_named_as_excel_damage(ctx, tmp_path):
    path = _xlsx(tmp_path / "n.xlsx", _rows(), numeric_id_row=5)
    plan = ri.preview(ctx, ri.load(path))
    problem = next(p for p in plan.errors if p.row == 5)
    assert "Excel按数字保存" in problem.message and problem.field == "身份证号"


def test_id_in_another_household_is_a_problem_naming_it(ctx, messy, tmp_path):
    ri.import_roster(ctx, ri.preview(ctx, ri.load(messy)))
    rows = [[1, "新寨村", "HH009", "钱八", 1, "钱八", "户主", IDS[1], "", None]]
    plan = ri.preview(ctx, ri.load(_xlsx(tmp_path / "b.xlsx", rows)))
    assert any("HH001" in p.message and "张三" in p.message for p in plan.errors)
    assert ri.import_roster(ctx, plan).households == 0


def test_unknown_code_value_is_kept_and_flagged(ctx, tmp_path):
    rows = [[1, "新寨村", "HH010", "孙九", 1, "孙九", "户主", IDS[6], "", None],
            [None, None, None, None, None, "孙十", "干儿子", IDS[7], "", None]]
    plan = ri.preview(ctx, ri.load(_xlsx(tmp_path / "c.xlsx", rows)))
    note = next(p for p in plan.problems if p.field == "与户主关系")
    assert note.level == ri.NOTE and "干儿子" in note.message
    ri.import_roster(ctx, plan)
    with ctx.read() as s:
        assert s.execute(select(Member.relation).where(Member.name == "孙十")).scalar_one() == "干儿子"


def test_xls_written_by_xlwt(ctx, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 5, "坪上村贫困户名册")
    for c, h in enumerate(["户编号", "户主姓名", "姓名", "证件号码", "与户主关系", "村"]):
        sheet.write(1, c, h)
    for r, row in enumerate([["X1", "周一", "周一", IDS[8], "户主", "坪上村"], ["", "", "吴二", IDS[9], "配偶", ""]], 2):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    book.save(str(tmp_path / "old.xls"))
    plan = ri.preview(ctx, ri.load(tmp_path / "old.xls"))
    assert not plan.errors
    assert ri.import_roster(ctx, plan).members == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_with_bom_or_gbk(ctx, tmp_path, encoding):
    path = tmp_path / "r.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["村", "户主姓名", "姓名", "身份证号", "与户主关系"])
        w.writerow(["新寨村", "郑三", "郑三", IDS[10], "户主"])
        w.writerow(["新寨村", "郑三", "郑四", IDS[11].lower(), "之子"])
    plan = ri.preview(ctx, ri.load(path))
    assert not plan.errors, plan.errors
    assert [len(h.members) for h in plan.households] == [2]
    summary = ri.import_roster(ctx, plan)
    assert summary.members == 2
    with ctx.read() as s:
        assert s.execute(select(Household.household_no)).scalar_one() == "5201231012010001"


def test_missing_columns_and_no_header(ctx, tmp_path):
    wb = Workbook()
    wb.active.append(["姓名", "性别", "民族"])
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(InputError, match="身份证号"):
        ri.preview(ctx, ri.load(tmp_path / "m.xlsx"))
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(DomainError, match="表头"):
        ri.load(tmp_path / "x.xlsx")


def test_clerk_corrects_the_mapping(ctx, messy):
    loaded = ri.load(messy)
    mapping = ri.guess_mapping(loaded)
    mapping["phone"] = mapping.pop("household_no")  # a wrong choice on purpose: numbers are then generated
    plan = ri.preview(ctx, loaded, mapping)
    assert all(h.household_no == "" for h in plan.households)


def test_error_report_workbook(ctx, messy, tmp_path):
    plan = ri.preview(ctx, ri.load(messy))
    out = ri.write_problems(plan, tmp_path / "问题.xlsx")
    ws = load_workbook(out).active
    assert ws["A1"].value == "花名册导入问题清单"
    assert [c.value for c in ws[3]][:5] == ["行号", "列", "字段", "级别", "问题"]
    assert ws.cell(4, 1).value == plan.problems[0].row
    assert ws.print_title_rows == "$3:$3"
