"""fupin-tui county-decide / export-update / import-update: Chinese lines, exit 0 or 2, nothing half-done."""

from pathlib import Path

import pytest
from sqlmodel import select

from fupin_tui import cli
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import Project

from tests.unit.test_update_package import applied_project


@pytest.fixture
def county_db(ctx, tmp_path):
    pid = applied_project(ctx)
    path = tmp_path / "county.db"
    import_packages([export_package(ctx, tmp_path / "up").path], path)
    return path, pid


def test_decide_export_and_import_on_the_command_line(ctx, county_db, tmp_path, capsys):
    county, pid = county_db
    assert cli.main(["--db", str(county), "county-decide", "520123101", str(pid), "立项批复", "--date", "2026-11-20",
                     "--doc", "示县扶发〔2026〕12号", "--approver", "县扶贫开发领导小组", "--subsidy", "300000"]) == 0
    assert "已登记决定 1" in capsys.readouterr().out
    assert cli.main(["--db", str(county), "county-decide", "--list"]) == 0
    assert "立项批复 2026-11-20 示县扶发〔2026〕12号" in capsys.readouterr().out
    out = tmp_path / "down"
    assert cli.main(["--db", str(county), "export-update", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "520123101 新安镇 第1号" in printed and "决定 1" in printed
    package, = out.glob("*.zip")
    db = str(ctx.db.path)
    assert cli.main(["--db", db, "import-update", "--dry-run", str(package)]) == 0
    printed = capsys.readouterr().out
    assert "[将办理] 县级决定" in printed and "试运行：未写入数据库" in printed
    with ctx.read() as s:
        assert s.get(Project, pid).state == "申报"
    assert cli.main(["--db", db, "import-update", str(package)]) == 0
    assert "[已办理] 县级决定" in capsys.readouterr().out
    with ctx.read() as s:
        assert s.get(Project, pid).state == "立项"
    assert cli.main(["--db", db, "import-update", str(package)]) == 0
    assert "已导入过，未作改动" in capsys.readouterr().out


@pytest.mark.parametrize("args,problem", [
    (["county-decide", "520123101", "1", "立项批复", "--date", "2026-11-20", "--doc", "文", "--approver", "县"], "批复财政补助（元）：不能为空"),
    (["county-decide", "520123101", "1", "立项批复"], "--date：不能为空"),
    (["county-decide", "520123199", "1", "验收", "--date", "2026-11-20"], "汇总库中没有乡镇 520123199"),
    (["export-update", "--out", "x", "--township", "520123199"], "汇总库中没有乡镇 520123199"),
])
def test_bad_county_input_is_refused_with_exit_2(county_db, args, problem, capsys):
    county, _pid = county_db
    assert cli.main(["--db", str(county), *args]) == 2
    assert problem in capsys.readouterr().err


def test_county_commands_refuse_a_township_database(ctx, capsys, tmp_path):
    assert cli.main(["--db", str(ctx.db.path), "export-update", "--out", str(tmp_path)]) == 2
    assert "不是县级汇总数据库" in capsys.readouterr().err
    assert cli.main(["export-update", "--out", str(tmp_path)]) == 2
    assert "需要用 --db 指定县级汇总数据库" in capsys.readouterr().err


def test_import_update_refuses_a_file_that_is_not_a_package(ctx, tmp_path, capsys):
    junk = Path(tmp_path) / "更新包.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    assert cli.main(["--db", str(ctx.db.path), "import-update", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "更新包 更新包.zip 被拒绝：不是完整的 zip 文件" in err and "程序出错" not in err
