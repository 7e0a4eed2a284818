"""Bad input fuzzing of the roster importer, and Chinese folder names for Excel in and out (issue 8).

Whatever a spreadsheet holds (random cells, types, merged areas), the importer
either works or refuses with its own Chinese message; it never raises anything else
and never leaves half an import behind.
"""

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.idcard import check_digit
from fupin_tui.excel import roster_import as ri
from fupin_tui.models import Household

HEADERS = ["户编号", "村", "户主姓名", "姓名", "身份证号", "公民身份号码", "与户主关系", "家庭人口", "联系电话",
           "出生日期", "民族", "", None, "备注"]
valid_id = st.builds(lambda d, s: (lambda f: f + check_digit(f))(f"520123{d:%Y%m%d}{s:03d}"),
                     st.dates(date(1930, 1, 1), date(2020, 12, 31)), st.integers(0, 999))
cell = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.sampled_from(["张三", "户主", "配偶", "之子", "＝SUM(A1)", "=1+1", "-3", "１２３"]),
    st.integers(-10**18, 10**18), st.floats(allow_nan=True, allow_infinity=True), valid_id,
    st.dates(date(1900, 1, 1), date(2100, 1, 1)), st.datetimes(datetime(1950, 1, 1), datetime(2050, 1, 1)),
    st.booleans(),
)
grid = st.lists(st.lists(cell, min_size=1, max_size=9), min_size=0, max_size=14)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.booleans(), header=st.lists(st.sampled_from(HEADERS), min_size=0, max_size=9), rows=grid,
       merges=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 8), st.integers(0, 3), st.integers(0, 2)),
                       max_size=3))
def test_the_importer_only_ever_refuses_with_its_own_message(ctx, tmp_path_factory, title, header, rows, merges):
    folder = tmp_path_factory.mktemp("花名册 2026")
    path = folder / "新寨村 花名册（修订）.xlsx"
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["新安镇新寨村贫困户花名册"])
    ws.append(header)
    for row in rows:
        ws.append([c if not isinstance(c, float) or c == c and abs(c) != float("inf") else None for c in row])
    for r, c, dr, dc in merges:
        try:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + dr, end_column=c + dc)
        except ValueError:
            pass  # overlapping merges are refused by openpyxl itself
    wb.save(path)
    with ctx.read() as s:
        before = s.execute(select(func.count()).select_from(Household)).scalar()
    try:
        loaded = ri.load(path)
        plan = ri.preview(ctx, loaded)
        ri.import_roster(ctx, plan)
    except DomainError as exc:
        assert str(exc).strip()  # a message a clerk can read
        with ctx.read() as s:
            assert s.execute(select(func.count()).select_from(Household)).scalar() == before


def test_export_into_a_chinese_folder_with_spaces(ctx, tmp_path):
    from fupin_tui.excel.package import export_package

    out = tmp_path / "上报 材料" / "2026年11月"
    result = export_package(ctx, out)
    zip_path = result.path
    assert zip_path.exists() and zip_path.parent == out
    assert oct(zip_path.stat().st_mode & 0o777) == "0o600"  # personal data: readable by the user only
