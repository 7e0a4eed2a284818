"""Issue 12 item 7: a roster's check holds one batch of households, not the file. The plan keeps
tallies, the first problems and the first households held back; import reads and checks the file
again as it writes, and refuses a file changed since the check. Batches change no outcome."""

import os
import random
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from fupin_tui.domain.errors import DomainError
from fupin_tui.excel import roster_import as ri
from fupin_tui.models import Household, Member

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from excel_sample import unique_ids  # noqa: E402

IDS = unique_ids(random.Random(11), 40)


def _roster(path: Path, households: int, *, bad_every: int = 0, duplicate_last: bool = False) -> Path:
    """``households`` of two members; every ``bad_every``-th has its second member's ID broken."""
    wb = Workbook()
    ws = wb.active
    ws.append(["村", "户编号", "户主姓名", "姓名", "与户主关系", "身份证号"])
    for i in range(households):
        head, other = IDS[2 * i], IDS[2 * i + 1]
        if bad_every and i % bad_every == 0:
            other = other[:-1] + ("0" if other[-1] != "0" else "1")  # wrong check digit
        if duplicate_last and i == households - 1:
            other = IDS[0]  # the first household's head, a batch or more earlier
        ws.append(["新寨村", f"S{i:03d}", f"户主{i}", f"户主{i}", "户主", head])
        ws.append([None, None, None, f"成员{i}", "配偶", other])
    wb.save(path)
    return path


def _outcome(ctx, path):
    plan = ri.preview(ctx, ri.load(path))
    return plan.counts(), [(p.row, p.message) for p in plan.problems], plan.held_back()


@pytest.mark.parametrize("batch", [1, 3])
def test_batches_change_no_outcome(ctx, tmp_path, monkeypatch, batch):
    path = _roster(tmp_path / "花名册.xlsx", 12, bad_every=4, duplicate_last=True)
    whole = _outcome(ctx, path)
    monkeypatch.setattr(ri, "BATCH", batch)
    assert _outcome(ctx, path) == whole
    counts, problems, held = whole
    assert counts["户数"] == 12 and counts["有错误的户"] == 4 and counts["可导入新户"] == 8, counts
    assert any("与第2行的身份证号重复" in m for _r, m in problems), "a duplicate found across batches"
    summary = ri.import_roster(ctx, ri.preview(ctx, ri.load(path)))
    assert (summary.households, summary.members, summary.skipped_households) == (8, 16, 4)


def test_the_plan_keeps_the_first_problems_and_counts_the_rest(ctx, tmp_path, monkeypatch):
    path = _roster(tmp_path / "花名册.xlsx", 15, bad_every=1)  # every household held back
    monkeypatch.setattr(ri, "REPORT_ROWS", 4)
    monkeypatch.setattr(ri, "BATCH", 2)
    plan = ri.preview(ctx, ri.load(path))
    assert len(plan.problems) == 4 and plan.problem_count == plan.error_count == 15
    assert plan.counts()["错误"] == 15 and plan.counts()["有错误的户"] == 15
    assert len(plan.held_back()) == ri.HELD_BACK_SHOWN and plan.held_back_count == 15
    report = ri.write_problems(plan, tmp_path / "问题.xlsx")
    text = " ".join(str(c) for row in load_workbook(report).active.iter_rows(values_only=True) for c in row if c)
    assert "另有 11 个问题未列出（共 15 个）" in text
    summary = ri.import_roster(ctx, plan)
    assert summary.households == 0 and summary.skipped_households == 15
    assert "等共15户" in summary.text(), summary.text()


def test_a_roster_changed_after_the_check_is_refused_and_nothing_is_written(ctx, tmp_path):
    path = _roster(tmp_path / "花名册.xlsx", 3)
    plan = ri.preview(ctx, ri.load(path))
    _roster(path, 5)  # another clerk saved more households meanwhile
    os.utime(path, ns=(plan.stamp[1] + 10**9, plan.stamp[1] + 10**9))
    with pytest.raises(DomainError, match="在检查之后被改动过"):
        ri.import_roster(ctx, plan)
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Household)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 0


def _shared_strings_roster(path: Path, head_name: str) -> Path:
    """Two households, their texts in the shared-strings table, as Excel and WPS save them."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    rows = [["村", "户编号", "户主姓名", "姓名", "与户主关系", "身份证号"],
            ["新寨村", "S000", head_name, head_name, "户主", IDS[0]], ["", "", "", "成员0", "配偶", IDS[1]],
            ["新寨村", "S001", "户主1", "户主1", "户主", IDS[2]], ["", "", "", "成员1", "配偶", IDS[3]]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    wb.close()
    return path


def test_the_shared_strings_are_parsed_once_for_load_check_and_import(ctx, tmp_path, monkeypatch):
    from fupin_tui.excel import xlsx_stream

    parsed = []
    stock = xlsx_stream.XlsxBook._shared_strings
    monkeypatch.setattr(xlsx_stream.XlsxBook, "_shared_strings",
                        lambda self, part: parsed.append(part) or stock(self, part))
    path = _shared_strings_roster(tmp_path / "花名册.xlsx", "户主0")
    summary = ri.import_roster(ctx, ri.preview(ctx, ri.load(path)))
    assert (summary.households, summary.members) == (2, 4)
    assert len(parsed) == 1, "the file is read three times (load, check, import), its strings parsed once"


def test_a_roster_saved_again_after_it_was_opened_is_read_afresh(ctx, tmp_path):
    path = _shared_strings_roster(tmp_path / "花名册.xlsx", "户主0")
    loaded = ri.load(path)
    assert len(loaded.known[0]) > 10, "the file's texts are shared strings"
    _shared_strings_roster(path, "王新名")  # the clerk corrects the head's name and saves, before 检查
    os.utime(path, ns=(loaded.stamp[1] + 10**9, loaded.stamp[1] + 10**9))
    names = [row[3] for _, row in loaded.data_rows()]
    assert names[0] == "王新名" and "户主0" not in names, names
