"""Paper the county signs: every printed page of the package is legible (issue 15.1-15.3).

The package is rendered as a county office prints it: LibreOffice headless to
PDF (A4, the workbooks' own print settings), then every page is measured with
poppler's ``pdftotext -bbox``. Column widths come from the first 200 rows of a
sheet, so a package of 150 households has the layout of one of 2,000 (only
fewer pages); ``bench/bench_print.py`` renders a 2,000-household package.

LibreOffice and poppler-utils are installed by ``.ci/run``; in CI (``CI`` set)
their absence fails this test, elsewhere it is skipped with a message.
"""

import os
import re
import sys
import zipfile
from pathlib import Path

import pytest

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui import sheets as schema
from fupin_tui.excel.package import export_package

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import print_render  # noqa: E402

MIN_TEXT_PT = 8.0
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not print_render.available():
        message = "LibreOffice (soffice) and poppler-utils (pdftotext) are needed: apt-get install libreoffice-calc-nogui poppler-utils fonts-wqy-microhei fonts-crosextra-carlito"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("print")
    db = base / "township.db"
    generate(db, households=150, seed=3)
    ctx = open_context(db, operator="张会计")
    package = export_package(ctx, base / "out").path
    ctx.db.close()
    books = []
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            if name.endswith(".xlsx"):
                zf.extract(name, base / "books")
                books.append(base / "books" / name)
    pdfs = print_render.render(sorted(books), base / "pdf")
    return {book.name: (pdf, print_render.pages(pdf)) for book, pdf in pdfs.items()}


@pytest.mark.slow  # 30-90 s: a whole job at the keyboard / every workbook rendered
def test_every_workbook_is_rendered(rendered):
    assert set(rendered) == set(schema.workbooks()) | {schema.CHECKS}


def test_every_printed_page_carries_text_of_at_least_8_pt(rendered):
    smallest = {}
    for name, (_pdf, pages) in rendered.items():
        assert pages, name
        for page in pages:
            assert page.words, f"{name} page {page.number} is empty"
            assert page.smallest_text >= MIN_TEXT_PT, (name, page.number, page.smallest_text,
                                                       min(page.words, key=lambda w: w.height).text)
        smallest[name] = min(p.smallest_text for p in pages)
    print("smallest printed text (pt):", smallest)


def test_nothing_runs_off_the_page(rendered):
    for name, (_pdf, pages) in rendered.items():
        for page in pages:
            outside = [w.text for w in page.words if w.x1 > page.width - 5 or w.y1 > page.height - 5]
            assert not outside, (name, page.number, outside[:5])


def test_wide_tables_repeat_their_key_columns_on_every_section(rendered):
    _pdf, pages = rendered[schema.ROSTER]
    household_pages = [p for p in pages if any(w.text == "户主姓名" for w in p.words)
                       and not any(w.text == "身份证号" for w in p.words)]
    assert len(household_pages) > 2
    for page in household_pages:  # 记录号, 户编号, 户主姓名 on the left of every section of 户表
        header = sorted((w for w in page.words if w.text in ("记录号", "户编号", "户主姓名")), key=lambda w: w.x0)
        assert [w.text for w in header][:3] == ["记录号", "户编号", "户主姓名"], page.number


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_check_sheet_wraps_problems_instead_of_cutting_them(rendered):
    from fupin_tui.services import checks  # noqa: F401 - the sheet exists only with the check service

    pdf, _pages = rendered[schema.CHECKS]
    text = _squeeze(print_render.plain_text(pdf))
    import openpyxl

    books = pdf.parent.parent / "books"
    ws = openpyxl.load_workbook(books / schema.CHECKS, read_only=True).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    problems = [r[5] for r in rows if r and r[5]]
    assert len(problems) > 5
    cut = [p for p in problems if _squeeze(p) not in text]
    assert not cut, cut[:3]


def test_notices_print_their_content_not_json(rendered):
    pdf, _pages = rendered[schema.NOTICES]
    text = print_render.plain_text(pdf)
    assert "{" not in text and '":' not in text
    assert "资金规模：" in text
