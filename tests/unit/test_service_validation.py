"""Input that would be stored as garbage is refused at the service layer (issue 12 items 6, 7, 8).

The cases are the issue's own: names of 5,000 and 40,000 characters, a name of zero-width spaces,
NUL/BEL/ESC and an RTL override, a 1,000-digit phone, a bank account ``=HYPERLINK(...)``, household
number ``../../etc/passwd``, causes and attributes not in the code list, income year -1 and 99999.
Each is refused with an ``InputError`` naming the field, and nothing is saved.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import func, select

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.models.registry import Household
from fupin_tui.services import registry, township
from tests.funds_data import id_check

HEAD = "520123198001010015"


def _household(ctx, **changes):
    data = registry.HouseholdInput(village_id=township.villages(ctx)[0].id, main_cause="缺资金", income_year=2025)
    return replace(data, **changes)


def _members(**changes):
    return [registry.MemberInput(**{"name": "王大山", "id_number": id_check(HEAD[:17]), "relation": "户主", **changes})]


BAD_HOUSEHOLDS = [
    ("户编号", {"household_no": "../../etc/passwd"}),
    ("联系电话", {"phone": "1" * 1000}),
    ("银行账号", {"bank_account": '=HYPERLINK("http://x","点我")'}),
    ("贫困户属性", {"attribute": "冒名户"}),
    ("主要致贫原因", {"main_cause": "不在代码表"}),
    ("其他致贫原因", {"other_causes": "缺技术、胡乱写的"}),
    ("收入年度", {"income_year": -1}),
    ("收入年度", {"income_year": 99999}),
    ("家庭住址", {"address": "新寨村\x07一组"}),
    ("家庭住址", {"address": "村" * 5000}),
    ("备注", {"remarks": "正常\u202e文字"}),
    ("帮扶责任人", {"helper_name": "\x1b[31m李"}),
]

BAD_MEMBERS = [
    ("姓名", {"name": "王" * 5000}),
    ("姓名", {"name": "王" * 40000}),
    ("姓名", {"name": "\u200b\u200b\u200b"}),
    ("姓名", {"name": "王\x00大山"}),
    ("姓名", {"name": "\u202e山大王"}),
    ("联系电话", {"phone": "9" * 1000}),
    ("民族", {"ethnicity": "火星族"}),
]


def _count(ctx) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(Household)).one()


@pytest.mark.parametrize("field,changes", BAD_HOUSEHOLDS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_HOUSEHOLDS)])
def test_a_household_field_stored_as_garbage_is_refused_naming_the_field(ctx, field, changes):
    with pytest.raises(InputError) as refused:
        registry.save_household(ctx, _household(ctx, **changes), _members())
    assert refused.value.field == field
    assert re.search(r"[\u4e00-\u9fff]", refused.value.problem)
    assert _count(ctx) == 0


@pytest.mark.parametrize("field,changes", BAD_MEMBERS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_MEMBERS)])
def test_a_member_field_stored_as_garbage_is_refused_naming_the_field(ctx, field, changes):
    with pytest.raises(InputError) as refused:
        registry.save_household(ctx, _household(ctx), _members(**changes))
    assert refused.value.field == field and "第1位成员" in str(refused.value)
    assert _count(ctx) == 0


def test_good_input_still_saves_with_code_list_spellings(ctx):
    saved = registry.save_household(ctx, _household(ctx, phone="0851-1234567", bank_account="6228 4800 1234",
                                                    household_no="XZ-0001"), _members())
    with ctx.read() as s:
        h = s.get(Household, saved.id)
    assert (h.household_no, h.phone, h.bank_account) == ("XZ-0001", "0851-1234567", "62284800" + "1234")


@pytest.mark.parametrize("call,field", [
    (lambda c: township.save_village(c, "520123101209", "村" * 500, False), "村名"),
    (lambda c: township.save_village(c, "520123101209", "新\u200b寨", False), "村名"),
    (lambda c: township.add_operator(c, "张\x07三"), "经办人姓名"),
    (lambda c: township.save_township(c, "示例县", "新安镇\x1b", "520123101"), "乡镇名称"),
])
def test_settings_services_refuse_garbage_too(ctx, call, field):
    with pytest.raises(InputError) as refused:
        call(ctx)
    assert refused.value.field == field


def test_every_other_entry_point_is_caught_by_the_database_hook(ctx):
    """A service that forgot its own checks still cannot store hidden characters or a 40,000-character text."""
    from tests.funds_data import make_project
    from fupin_tui.services import projects

    pid = make_project(ctx)[0]
    with pytest.raises(InputError) as refused:
        projects.update_basics(ctx, pid, {"content": "内容" * 20000})
    assert refused.value.field == "建设内容" or "内容" in refused.value.field
    with pytest.raises(InputError) as refused:
        projects.update_basics(ctx, pid, {"location": "新寨村\u202e"})
    assert "不能保存的字符" in refused.value.problem


def test_an_export_never_cuts_a_cell_at_excels_limit(tmp_path):
    from openpyxl import Workbook

    from fupin_tui.excel.styles import EXCEL_CELL_LIMIT, Column, write_table

    wb = Workbook()
    with pytest.raises(DomainError) as refused:
        write_table(wb.active, title="贫困户基本情况统计表", columns=[Column("户主"), Column("备注")],
                    rows=[["王大山", "长" * (EXCEL_CELL_LIMIT + 1)]])
    message = str(refused.value)
    assert "备注" in message and "第 1 行" in message and "32767" in message and "截断" in message


# ---------------------------------------------------------------- roster import limits (item 7)


def _roster(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "户主姓名", "姓名", "身份证号", "与户主关系", "村", "健康状况"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_roster_over_the_row_limit_is_refused_before_it_is_read(ctx, tmp_path, monkeypatch):
    from fupin_tui.excel import roster_import as ri

    monkeypatch.setattr(ri, "MAX_ROWS", 50)
    rows = [[f"H{i}", "王大山", "王大山", id_check(HEAD[:17]), "户主", "新寨村", ""] for i in range(60)]
    with pytest.raises(DomainError) as refused:
        ri.load(_roster(tmp_path / "大.xlsx", rows))
    assert "上限 50 行" in str(refused.value) and "花名册" in str(refused.value)


def test_a_roster_over_the_size_limit_is_refused(ctx, tmp_path, monkeypatch):
    from fupin_tui.excel import roster_import as ri

    monkeypatch.setattr(ri, "MAX_FILE_MB", 0)
    with pytest.raises(DomainError) as refused:
        ri.load(_roster(tmp_path / "表.xlsx", [["H1", "王大山", "王大山", id_check(HEAD[:17]), "户主", "新寨村", ""]]))
    assert "MB" in str(refused.value) and "上限" in str(refused.value)


def test_a_long_or_hidden_cell_refuses_its_row_and_the_report_lists_it_in_the_export_folder(ctx, tmp_path, monkeypatch):
    from fupin_tui.excel import roster_import as ri
    from fupin_tui.excel.project_print import print_dir

    from tests.funds_data import PEOPLE

    ids = [id_check(p[2][:17]) for p in PEOPLE]
    source = _roster(tmp_path / "花名册.xlsx", [
        ["H1", "王大山", "王大山", ids[0], "户主", "新寨村", "长" * 5000],  # over the cell limit
        ["H2", "李小梅", "李\u202e小梅", ids[1], "户主", "新寨村", ""],
        ["H3", "张国华", "张国华", ids[2], "户主", "新寨村", "健康"],
    ])
    plan = ri.preview(ctx, ri.load(source))
    refused = {p.row: p for p in plan.errors}
    assert 2 in refused and "5000 个字" in refused[2].message and refused[2].field == "健康状况"
    assert 3 in refused and "不能保存的字符" in refused[3].message
    assert [h.household_no for h in plan.to_add] == ["H3"]

    monkeypatch.setattr(ri, "REPORT_ROWS", 1)
    path = ri.write_problems(plan, ri.report_path(ctx, source))
    assert path.parent == print_dir(ctx) and path.parent != source.parent
    assert path.stat().st_mode & 0o777 == 0o600
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    text = " ".join(str(c) for c in cells)
    assert "另有 1 个问题未列出" in text
    assert all(len(str(c)) < 1000 for c in cells), "a refused 5,000-character cell is shown shortened"


# ---------------------------------------------------------------- 0600 writers (item 8)


def test_a_left_over_part_file_with_wide_rights_does_not_make_a_readable_workbook(tmp_path):
    from openpyxl import Workbook

    from fupin_tui.filenames import save_workbook

    part = tmp_path / "名单.xlsx.part"
    part.write_bytes(b"old")
    os.chmod(part, 0o644)
    path = save_workbook(Workbook(), tmp_path / "名单.xlsx")
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_submission_package_is_owner_only_over_a_left_over_part(ctx, tmp_path):
    from fupin_tui.excel import package

    out = tmp_path / "out"
    out.mkdir()
    period = f"{ctx.today():%Y-%m}"
    name = package.package_name("520123101", "新安镇", period)
    leftover = out / (name + ".part")
    leftover.write_bytes(b"old")
    os.chmod(leftover, 0o644)
    result = package.export_package(ctx, out, period=period)
    assert result.path.stat().st_mode & 0o777 == 0o600


WRITER = re.compile(r"""\.save\(|zipfile\.ZipFile\([^)]*["']w|\bopen\([^)]*["'][wa]b?["']|write_text\(|write_bytes\(|"""
                    r"""os\.open\(""")
# Files that may write directly, each with its reason.
ALLOWED = {
    "fupin_tui/filenames.py": "the one place that opens private files",
    "fupin_tui/keymap.py": "docs/KEYS.md for developers, no personal data",
    "fupin_tui/excel/format_doc.py": "docs/PACKAGE_FORMAT.md for developers, no personal data",
    "fupin_tui/errorlog.py": "appends to its own 0600 log with O_APPEND (type and stack only)",
    "fupin_tui/db.py": "creates the database file 0600",
    "fupin_tui/excel/package.py": "zip written into filenames.open_private; _save writes through it too",
    "fupin_tui/services/update_export.py": "zip written into filenames.open_private (_private_write)",
    "fupin_tui/widgets/forms.py": "FormScreen.save is a form's save, not a file",
    "fupin_tui/backup.py": "backups: private files of their own (0600, tested in test_backup)",
    "fupin_tui/storage.py": "probes whether a folder or file can be written (an empty 0600 probe file)",
    "fupin_tui/cli.py": "opens os.devnull to silence a closed pipe",
}


def test_every_file_writer_goes_through_filenames():
    root = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted((root / "fupin_tui").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in ALLOWED:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if WRITER.search(code) and "self.save(" not in code and "def save(" not in code:
                found.append(f"{rel}:{no}: {line.strip()}")
    assert not found, "write files through fupin_tui.filenames (0600):\n" + "\n".join(found)
