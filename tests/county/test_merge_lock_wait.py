"""A merge into a county file whose write lock another holds past the wait (15 minutes): one
Chinese line saying so and what to do, exit 2, nothing written — not the form's "按 Ctrl+S"."""

from __future__ import annotations

import sqlite3

from fupin_tui import cli, server
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package

from pg_cluster import query


def test_a_merge_that_waits_too_long_for_the_file_says_so(town, tmp_path, monkeypatch, capsys):
    county = tmp_path / "county.db"
    pkg = export_package(town, tmp_path / "out").path
    import_packages([], county)
    monkeypatch.setattr(server, "WAIT_SECONDS", 0.3)  # 15 minutes in the program
    holder = sqlite3.connect(county)
    holder.execute("BEGIN IMMEDIATE")  # another county user's merge, half-way
    try:
        code = cli.main(["--db", str(county), "import-package", str(pkg)])
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 2
    assert "一直被另一个写入占用" in err and "本次没有写入任何内容" in err and "无人合并时，关闭其他打开此库" in err
    assert "Ctrl+S" not in err
    assert query(county, "select count(*) from household") == [(0,)]
    assert query(county, "select count(*) from countymerge") == [(0,)]
