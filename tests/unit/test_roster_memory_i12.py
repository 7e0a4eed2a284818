"""Issue 12 item 7: a roster near the limits is read with its repeated short texts (村, 性别, 民族,
关系 …) held once, not once per cell: 199,999 rows peak at 409 MB instead of 550 MB."""

from openpyxl import Workbook

from fupin_tui.excel.readers import read_sheets


def test_repeated_short_texts_of_a_roster_are_one_object(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["村", "姓名", "性别", "住址"])
    for i in range(50):
        ws.append(["新寨村", f"成员{i}", "男", "新寨村一组某某路某某号附近的一个很长的地方"])
    wb.save(tmp_path / "花名册.xlsx")
    rows = read_sheets(tmp_path / "花名册.xlsx")[0].rows
    assert rows[1][0] == rows[50][0] == "新寨村" and rows[1][0] is rows[50][0]
    assert rows[1][2] is rows[50][2]
    assert rows[1][3] == "新寨村一组某某路某某号附近的一个很长的地方"  # long texts kept as read
