"""The package written with the second core: the same cells as written alone, and a worker's refusal is the same."""

import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_tui.domain.errors import DomainError
from fupin_tui.excel.package import export_package

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import excel_sample  # noqa: E402


@pytest.fixture
def filled(ctx):
    excel_sample.fill(ctx, households=12, projects=3)
    return ctx


def _cells(zip_path: Path, tmp: Path) -> dict:
    """Every cell of every sheet of every workbook: value, type and what it looks like."""
    out = {}
    with zipfile.ZipFile(zip_path) as zf:
        names = sorted(n for n in zf.namelist() if n.endswith(".xlsx"))
        zf.extractall(tmp)
    for name in names:
        wb = load_workbook(tmp / name)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is None and not c.has_style:
                        continue
                    out[(name, ws.title, c.coordinate)] = (
                        c.value, c.data_type, c.number_format, bool(c.quotePrefix), c.font.name, c.font.sz,
                        bool(c.font.b), c.border.left.style, c.alignment.horizontal, c.alignment.vertical,
                        bool(c.alignment.wrap_text))
            out[(name, ws.title, "merged")] = sorted(str(r) for r in ws.merged_cells.ranges)
            out[(name, ws.title, "heights")] = {k: d.height for k, d in ws.row_dimensions.items() if d.height}
    return out


def test_the_parallel_package_holds_the_same_cells_as_the_serial_one(filled, tmp_path):
    serial = export_package(filled, tmp_path / "serial", parallel=False)
    seen = []
    parallel = export_package(filled, tmp_path / "parallel", parallel=True,
                              progress=lambda done, total, label: seen.append((done, total)))
    assert _cells(parallel.path, tmp_path / "p") == _cells(serial.path, tmp_path / "s")
    assert parallel.rows == serial.rows and parallel.rows["户表"] == 12
    strip = [{k: v for k, v in b.items() if k not in ("sha256", "bytes")} for b in serial.manifest["workbooks"]]
    assert [{k: v for k, v in b.items() if k not in ("sha256", "bytes")}
            for b in parallel.manifest["workbooks"]] == strip
    assert seen[-1][0] == seen[-1][1] > 0  # the bar reaches its end with the worker's rows counted


def test_a_refusal_in_the_worker_is_the_serial_refusal_and_leaves_no_package(filled, tmp_path):
    # a project name longer than a cell holds: its workbook (03) is written by the worker process
    con = sqlite3.connect(str(filled.db.path))
    with con:
        con.execute("UPDATE project SET name = ? WHERE id = (SELECT MIN(id) FROM project)", ("长" * 40000,))
    con.close()
    with pytest.raises(DomainError) as alone:
        export_package(filled, tmp_path / "serial", parallel=False)
    with pytest.raises(DomainError) as together:
        export_package(filled, tmp_path / "parallel", parallel=True)
    assert "超过 Excel 单元格上限" in str(alone.value)
    assert str(together.value) == str(alone.value)
    assert list((tmp_path / "parallel").iterdir()) == []  # no zip, no .part, no temporary folder


WORKER_DIES = '''
import os, sys
if __name__ == "__mp_main__":
    os._exit(3)  # the worker process dies as it starts
from fupin_tui.context import open_context
from fupin_tui.excel.package import export_package
if __name__ == "__main__":
    result = export_package(open_context(sys.argv[1], operator="x"), sys.argv[2], parallel=True)
    print(result.rows["户表"])
'''


def test_a_worker_that_dies_leaves_the_export_to_this_process(filled, tmp_path):
    import subprocess

    script = tmp_path / "worker_dies.py"
    script.write_text(WORKER_DIES, encoding="utf-8")
    filled.db.close()
    out = subprocess.run([sys.executable, str(script), str(filled.db.path), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["12"]
    assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".zip"]
