"""The streaming .xlsx reader (issue 12 item 7, issue 19): cell types, merged cells, gaps and limits.

Workbooks are written by hand, part by part, so each case holds exactly the XML Excel or WPS
writes (shared and inline strings, a rich-text run with a phonetic guide, CJK date formats,
a ``<dimension>`` that lies) and nothing a writer library would add."""

import zipfile
from datetime import date, datetime, time

import pytest

from fupin_tui.excel import readers
from fupin_tui.excel.readers import SpreadsheetProblem, read_sheets
from fupin_tui.excel.xlsx_stream import fill_merged

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>')
WORKBOOK_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
# styles: 0 general, 1 built-in 14 (date), 2 custom 年月日 (date), 3 CJK built-in 58 (date), 4 time, 5 date and time,
# 6 a number format with text in quotes ("天" is no date)
STYLES = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><numFmts count="3">'
          '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
          '<numFmt numFmtId="177" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="178" formatCode="0&quot;天&quot;"/>'
          '</numFmts><cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="58"/>'
          '<xf numFmtId="20"/><xf numFmtId="177"/><xf numFmtId="178"/></cellXfs></styleSheet>')
STRINGS = (f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>姓名</t></si><si><t>0012</t></si>'
           '<si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh sb="0" eb="1"><t>zhang</t></rPh></si>'
           '<si><t xml:space="preserve"> 新寨村 </t></si></sst>')


def _sheet(rows: str, dimension: str = "", merges: str = "", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = f'<mergeCells count="1">{merges}</mergeCells>' if merges else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}'
            f'</sheetData>{merge}</worksheet>')


def _book(path, sheet_xml: str):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        zf.writestr("xl/sharedStrings.xml", STRINGS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


CASES = [
    # (what, <sheetData> content, the rows read)
    ("shared strings, rich text without its phonetic guide, spaces kept",
     '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c><c r="C1" t="s"><v>3</v></c></row>',
     [["姓名", "张三", " 新寨村 "]]),
    ("inline strings, plain and in runs",
     '<row r="1"><c r="A1" t="inlineStr"><is><t>李四</t></is></c>'
     '<c r="B1" t="inlineStr"><is><r><t>王</t></r><r><t>五</t></r></is></c></row>',
     [["李四", "王五"]]),
    ("numbers stay numbers, numbers kept as text stay text",
     '<row r="1"><c r="A1"><v>12</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="n"><v>5.2E+17</v></c>'
     '<c r="D1" t="str"><v>0012</v></c><c r="E1" s="6"><v>3</v></c></row>',
     [[12.0, "0012", 5.2e17, "0012", 3.0]]),
    ("dates: built-in, 年月日, CJK built-in, time, date and time",
     '<row r="1"><c r="A1" s="1"><v>45292</v></c><c r="B1" s="2"><v>45292</v></c><c r="C1" s="3"><v>45292</v></c>'
     '<c r="D1" s="4"><v>0.5</v></c><c r="E1" s="5"><v>45292.75</v></c></row>',
     [[date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 1), time(12, 0), datetime(2024, 1, 1, 18, 0)]]),
    ("booleans, errors, ISO dates, empty and styled-only cells",
     '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="d"><v>2024-03-05</v></c>'
     '<c r="D1" s="1"/><c r="E1" t="s"/></row>',
     [[True, "#N/A", date(2024, 3, 5), "", ""]]),
    ("rows and columns the file leaves out are empty; rows padded to the widest so far",
     '<row r="2"><c r="C2" t="inlineStr"><is><t>标题</t></is></c></row><row r="4"><c r="B4"><v>1</v></c></row>'
     '<row r="5"/>',
     [["", "", ""], ["", "", "标题"], ["", "", ""], ["", 1.0, ""], ["", "", ""]]),
    ("cells without a reference follow each other",
     '<row><c t="inlineStr"><is><t>甲</t></is></c><c><v>2</v></c></row><row><c><v>3</v></c></row>',
     [["甲", 2.0], [3.0, ""]]),
]


@pytest.mark.parametrize("what, data, expected", CASES, ids=[c[0] for c in CASES])
def test_cells_read_as_calamine_gives_them(tmp_path, what, data, expected):
    path = _book(tmp_path / "a.xlsx", _sheet(data))
    assert list(readers.Book(path, path.name).rows("花名册")) == expected


def test_a_namespace_prefix_is_read_too(tmp_path):
    # some generators write <x:worksheet xmlns:x="…"> with every tag prefixed
    xml = (f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" '
           't="inlineStr"><x:is><x:t>赵六</x:t></x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row></x:sheetData>'
           '</x:worksheet>')
    path = _book(tmp_path / "p.xlsx", xml)
    assert list(readers.Book(path, path.name).rows("花名册")) == [["赵六", 7.0]]


def test_merged_areas_known_before_the_rows_and_filled_as_they_pass(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{"村" if r in (2, 5) else ""}</t></is></c>'
                   f'<c r="B{r}"><v>{r}</v></c></row>' for r in range(1, 8))
    path = _book(tmp_path / "m.xlsx", _sheet(rows, merges='<mergeCell ref="A2:A4"/><mergeCell ref="A5:A6"/>'
                                             '<mergeCell ref="A1:B1"/>'))
    book = readers.Book(path, path.name)
    merged = book.merged("花名册")
    assert sorted(merged) == [((0, 0), (0, 1)), ((1, 0), (3, 0)), ((4, 0), (5, 0))]
    filled = list(fill_merged(book.rows("花名册"), merged, lambda first_row: first_row > 0))
    assert [r[0] for r in filled] == ["", "村", "村", "村", "村", "村", ""]
    assert filled[0] == ["", 1.0]  # the area on the first row was not asked for


def test_merged_cells_found_across_the_scan_chunks(tmp_path):
    # 3,000 merged areas: the tags straddle the 1 MB chunks of the scan
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 6001))
    merges = "".join(f'<mergeCell ref="A{r}:B{r + 1}"/>' for r in range(1, 6000, 2))
    filler = "<!--" + "x" * (1 << 20) + "-->"
    path = _book(tmp_path / "c.xlsx", _sheet(rows, merges=filler + merges))
    assert len(readers.Book(path, path.name).merged("花名册")) == 3000


def test_a_dimension_that_claims_too_many_rows_is_refused_before_the_first_row(tmp_path):
    path = _book(tmp_path / "big.xlsx", _sheet('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:H1048576"))
    rows = readers.Book(path, path.name, max_rows=200_000, what="花名册").rows("花名册")
    with pytest.raises(SpreadsheetProblem, match="有 1048576 行，超过花名册的上限 200000 行"):
        next(rows)


def test_a_dimension_that_lies_does_not_let_more_rows_through(tmp_path):
    data = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 61))
    path = _book(tmp_path / "lie.xlsx", _sheet(data, dimension="A1:A2"))
    rows = readers.Book(path, path.name, max_rows=50, what="花名册").rows("花名册")
    read = []
    with pytest.raises(SpreadsheetProblem, match="超过花名册的上限 50 行") as refused:
        for row in rows:
            read.append(row)
    assert len(read) == 50 and "lie.xlsx" in str(refused.value)


def test_one_row_numbered_past_the_limit_is_refused_without_reading_the_gap(tmp_path):
    data = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>2</v></c></row>'
    path = _book(tmp_path / "far.xlsx", _sheet(data))
    rows = readers.Book(path, path.name, max_rows=200_000).rows("花名册")
    assert next(rows) == [1.0]
    with pytest.raises(SpreadsheetProblem, match="上限 200000 行"):
        next(rows)


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol">]>',
    "<!--" + " " * 5000 + '--><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',  # past check_zip's 4 KB
])
def test_a_dtd_in_the_sheet_is_refused(tmp_path, prolog):
    path = _book(tmp_path / "dtd.xlsx", _sheet('<row r="1"><c r="A1"><v>1</v></c></row>', prolog=prolog))
    with pytest.raises(SpreadsheetProblem, match="dtd.xlsx"):
        list(readers.Book(path, path.name).rows("花名册"))


def test_a_cut_or_broken_sheet_is_refused_with_the_file_named(tmp_path):
    path = _book(tmp_path / "cut.xlsx", _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')[:-40])
    with pytest.raises(SpreadsheetProblem, match="cut.xlsx.*无法读取"):
        read_sheets(path)


def _peak_reading(path) -> int:
    import tracemalloc

    tracemalloc.start()
    count = sum(1 for _ in readers.Book(path, path.name).rows("花名册"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, peak


def test_memory_does_not_grow_with_the_rows(tmp_path):
    # the rows are dropped as they pass: six times the rows, the same peak (one batch of XML)
    def sheet(n):
        data = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>成员{r}</t></is></c><c r="B{r}"><v>{r}</v>'
                       "</c></row>" for r in range(1, n + 1))
        return _book(tmp_path / f"long{n}.xlsx", _sheet(data))

    (small, small_peak), (big, big_peak) = _peak_reading(sheet(10_000)), _peak_reading(sheet(60_000))
    assert (small, big) == (10_000, 60_000)
    assert big_peak < 1.3 * small_peak, (small_peak, big_peak)  # the sheet as lists alone grows by ~20 MB
