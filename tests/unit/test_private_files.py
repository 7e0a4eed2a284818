"""Personal data written owner-only, under safe short names (issue 12 item 8)."""

import pytest

from fupin_tui.filenames import MAX_BYTES, safe_name, save_workbook


@pytest.mark.parametrize("parts", [
    ("贫困户基本情况统计表", "../../etc/passwd", "张三"),
    ("贫困户基本情况统计表", "H/2026\\01", "名" * 200),
    ("公示名单", "CON", "a\x00b\x1bc\u202e"),
    ("", "", ""),
])
def test_file_names_are_safe_and_short(parts, tmp_path):
    name = safe_name(*parts, ext=".xlsx", sep="_")
    assert "/" not in name and "\\" not in name and "\x00" not in name and "\u202e" not in name
    assert len(name.encode("utf-8")) <= MAX_BYTES and name.endswith(".xlsx")
    assert not name.startswith(".") and not name.upper().startswith("CON.")
    (tmp_path / name).write_bytes(b"x")  # the file system takes it


def test_a_household_with_a_slash_and_a_long_name_prints_to_a_private_file(ctx, tmp_path):
    from fupin_tui.excel.registry_print import write_household_table
    from fupin_tui.models import Household, Village
    from sqlmodel import select

    with ctx.transaction() as s:
        village = s.exec(select(Village)).first()
        h = Household(household_no="H/2026/001", village_id=village.id, head_name="长" * 80, size=1)
        s.add(h)
        s.flush()
        hid = h.id
    path = write_household_table(ctx, hid, tmp_path)
    assert path.parent == tmp_path and path.exists()
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_workbook_leaves_no_part_file(tmp_path):
    from openpyxl import Workbook

    path = save_workbook(Workbook(), tmp_path / "表.xlsx")
    assert path.stat().st_mode & 0o777 == 0o600 and not list(tmp_path.glob("*.part"))
