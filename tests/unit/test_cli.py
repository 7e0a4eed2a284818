"""The command line: one clear line and a non-zero exit on errors, never a traceback."""

import sqlite3
import subprocess
import sys

import pytest

from fupin_tui.cli import main


def run_cli(*args, env_home=None):
    return subprocess.run([sys.executable, "-m", "fupin_tui", *args], capture_output=True, text=True, timeout=120)


def test_version(capsys):
    assert main(["--version"]) == 0
    assert "fupin-tui 0.1.0" in capsys.readouterr().out


def test_demo_builds_a_database_with_households_projects_and_money(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["--db", str(path), "demo", "--households", "300", "--seed", "7"]) == 0
    assert "300 户" in capsys.readouterr().out
    con = sqlite3.connect(path)
    count = lambda table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("household") == 300
    assert count("member") > 600
    assert count("libraryentry") >= 20 and count("project") >= 15
    assert count("tranche") > 0 and count("voucherline") > 0 and count("progressreport") > 0
    states = {r[0] for r in con.execute("SELECT DISTINCT state FROM project")}
    assert {"申报", "实施中", "已归档"} <= states
    # every member has a valid ID number
    from fupin_tui.domain.idcard import parse_id

    for (number,) in con.execute("SELECT id_number FROM member"):
        parse_id(number)
    # voucher totals equal the sum of their lines
    bad = con.execute("""SELECT COUNT(*) FROM voucher v WHERE v.total !=
                         (SELECT SUM(amount) FROM voucherline l WHERE l.voucher_id = v.id)""").fetchone()[0]
    assert bad == 0


def test_demo_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["--db", str(path), "demo", "--households", "50"]) == 0
    assert main(["--db", str(path), "demo", "--households", "50"]) == 2
    assert "--force" in capsys.readouterr().err


def test_same_seed_same_demo(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    main(["--db", str(a), "demo", "--households", "80", "--seed", "3"])
    main(["--db", str(b), "demo", "--households", "80", "--seed", "3"])
    rows = lambda p: sqlite3.connect(p).execute(  # noqa: E731
        "SELECT household_no, head_name, net_income FROM household ORDER BY id").fetchall()
    assert rows(a) == rows(b)


def test_backup_and_restore_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "t.db"
    main(["--db", str(path), "demo", "--households", "30"])
    assert main(["--db", str(path), "backup"]) == 0
    out = capsys.readouterr().out
    backup_file = out.strip().split("已备份到 ")[1]
    con = sqlite3.connect(path)
    con.execute("UPDATE household SET head_name = '改过' WHERE id = 1")
    con.commit()
    con.close()
    assert main(["--db", str(path), "restore", backup_file]) == 0
    assert sqlite3.connect(path).execute("SELECT head_name FROM household WHERE id = 1").fetchone()[0] != "改过"


def test_errors_are_one_chinese_line_without_traceback(tmp_path):
    not_db = tmp_path / "x.db"
    not_db.write_text("just text")
    result = run_cli("--db", str(not_db), "backup")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("错误：") and len(result.stderr.strip().splitlines()) == 1
    result = run_cli("--db", str(tmp_path / "missing.db"), "restore", str(tmp_path / "nothing.db"))
    assert result.returncode == 2 and "不存在" in result.stderr and "Traceback" not in result.stderr
