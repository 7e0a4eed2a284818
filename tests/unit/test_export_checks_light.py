"""Issue 18: the package's 体检问题 sheet comes from the facts stored in the township's file, read
with plain sqlite3 as ``fupin-tui check`` does, not from a second full ORM 体检; the sheet is the same."""

import zipfile

from openpyxl import load_workbook

from fupin_tui import sheets as schema
from fupin_tui.excel.package import export_package
from fupin_tui.services import check_fast, checks

import tests.excel_sample as excel_sample


def _checks_sheet(result, folder) -> list[tuple]:
    with zipfile.ZipFile(result.path) as zf:
        zf.extract(schema.CHECKS, folder)
    ws = load_workbook(folder / schema.CHECKS, read_only=True)["体检问题"]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_the_checks_sheet_is_read_from_the_stored_facts_and_is_the_same(ctx, tmp_path, monkeypatch):
    excel_sample.fill(ctx, households=12, projects=3)
    orm_runs, light_runs = [], []
    run_checks, run_light = checks.run_checks, check_fast.run
    monkeypatch.setattr(checks, "run_checks", lambda *a, **k: orm_runs.append(1) or run_checks(*a, **k))
    monkeypatch.setattr(check_fast, "run", lambda *a, **k: light_runs.append(r := run_light(*a, **k)) or r)

    first = _checks_sheet(export_package(ctx, tmp_path / "one", parallel=False), tmp_path / "one")
    assert orm_runs, "nothing stored yet (a new release): the ORM 体检 runs and teaches the light path"
    orm_runs.clear()
    ctx.db.engine.dispose()  # as a later export: nothing kept in this process but the stored facts
    checks._last_run.clear()
    second = _checks_sheet(export_package(ctx, tmp_path / "two", parallel=False), tmp_path / "two")
    assert light_runs[-1] is not None and not orm_runs, "the second export read the stored facts"
    assert len(first) > 4, "the sheet has findings"
    assert second == first
