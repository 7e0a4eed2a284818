"""Reading spreadsheets: good files read, bad files refused with a Chinese sentence naming them."""

import zipfile

import pytest
from openpyxl import Workbook

from fupin_tui.excel import readers
from fupin_tui.excel.readers import SpreadsheetProblem, read_sheets


def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_xlsx_rows_and_types(tmp_path):
    path = _xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号"], ["张三", "520123199001011234"], ["李四", 5.2e17]])
    [sheet] = read_sheets(path)
    assert sheet.rows[0] == ["姓名", "身份证号"]
    assert sheet.rows[1][1] == "520123199001011234"
    assert isinstance(sheet.rows[2][1], float)


def test_rows_one_by_one_match_the_whole_sheet(tmp_path):
    # the streaming read (county merge) must see the same cells from A1, even when column A is empty
    wb = Workbook()
    ws = wb.active
    ws.title = "表一"
    ws["C2"], ws["D4"] = "标题", 12
    wb.create_sheet("表二").append(["姓名", "520123199001011234", None, 1.5])
    wb.save(tmp_path / "b.xlsx")
    book = readers.open_xlsx_bytes((tmp_path / "b.xlsx").read_bytes(), "b.xlsx")
    assert book.sheet_names == ["表一", "表二"]
    for sheet in read_sheets(tmp_path / "b.xlsx"):
        assert list(book.rows(sheet.name)) == sheet.rows
    assert list(book.rows("表一"))[3] == ["", "", "", 12.0]


def test_ods_is_read(tmp_path):
    # calamine reads .ods too; build a minimal one
    path = tmp_path / "a.ods"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名册"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell>'
        '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'
    )
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    [sheet] = read_sheets(path)
    assert sheet.name == "名册" and sheet.rows[0][0] == "姓名"


@pytest.mark.parametrize("encoding, text", [
    ("utf-8-sig", "姓名,身份证号\n张三,520123199001011234\n"),
    ("gbk", "姓名,身份证号\n张三,520123199001011234\n"),
    ("utf-8", "姓名\t身份证号\n张三\t520123199001011234\n"),
])
def test_csv_encodings_and_delimiters(tmp_path, encoding, text):
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode(encoding))
    [sheet] = read_sheets(path)
    assert sheet.rows[1] == ["张三", "520123199001011234"]


def _bomb(path, part_name="xl/worksheets/sheet1.xml", body=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(part_name, body if body is not None else b"<a>" + b"0" * (30 * 1024 * 1024) + b"</a>")
    return path


def _write(name, data):
    def make(base):
        path = base.with_name(name)
        path.write_bytes(data)
        return path
    return make


def _plain_zip(base):
    path = base.with_suffix(".xlsx")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", "x")
    return path


@pytest.mark.parametrize("make, expected", [
    (_write("bad.xlsx", "这不是表格".encode()), "不是电子表格"),
    (_write("bad.pdf", b"%PDF-1.4"), "不是电子表格"),
    (_write("bad.xlsx", b""), "空的"),
    (lambda p: _bomb(p.with_suffix(".xlsx")), "压缩"),
    (lambda p: _bomb(p.with_suffix(".xlsx"), body=b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><a/>'),
     "XML"),
    (_plain_zip, "压缩包"),
    (_write("locked.xlsx", readers.OLE_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")), "密码"),
    (_write("broken.xls", readers.OLE_MAGIC + b"\x00" * 600), "无法读取"),
])
def test_bad_files_refused(tmp_path, make, expected):
    path = make(tmp_path / "bad")
    with pytest.raises(SpreadsheetProblem, match=expected) as info:
        read_sheets(path)
    assert path.name in str(info.value)


def test_huge_file_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    path = _xlsx(tmp_path / "big.xlsx", [["x" * 50] for _ in range(200)])
    with pytest.raises(SpreadsheetProblem, match="太大"):
        read_sheets(path)


def test_missing_file(tmp_path):
    with pytest.raises(SpreadsheetProblem, match="不存在"):
        read_sheets(tmp_path / "nope.xlsx")
