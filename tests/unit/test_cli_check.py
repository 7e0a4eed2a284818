"""``fupin-tui check``: text and JSON output, one rule, the rules list, exit status."""

import json

import pytest

from fupin_tui.cli import main
from tests.checks_data import build_township


@pytest.fixture
def town_db(ctx, db_path):
    build_township(ctx)
    return db_path


def test_json_lists_findings_for_scripts_and_exits_1_when_something_is_overdue(town_db, capsys):
    code = main(["--db", str(town_db), "check", "--json"])
    assert code == 1
    rows = json.loads(capsys.readouterr().out)
    p07 = next(r for r in rows if r["rule"] == "P07")
    assert {"rule", "section", "severity", "record", "message", "due"} <= set(p07)
    assert (p07["severity"], p07["section"], p07["due"]) == ("逾期", "二(四)", "2026-11-09")
    assert p07["record"].startswith("project:")


def test_one_rule_with_nothing_failing_exits_0(town_db, capsys):
    assert main(["--db", str(town_db), "check", "--rule", "p5"]) == 0
    out = capsys.readouterr().out
    assert "== 即将到期（1）==" in out and "[P05 二(三)]" in out and "截止2026-12-04" in out
    assert "没有逾期或不合规事项" in out


def test_several_rules_comma_separated(town_db, capsys):
    assert main(["--db", str(town_db), "check", "--json", "--rule", "P05,Y02"]) == 0
    assert {r["rule"] for r in json.loads(capsys.readouterr().out)} == {"P05", "Y02"}


def test_unknown_rule_is_a_usage_error(town_db, capsys):
    assert main(["--db", str(town_db), "check", "--rule", "P99"]) == 2
    assert "没有规则「P99」" in capsys.readouterr().err


def test_list_shows_every_rule_with_section_parameter_and_value(town_db, capsys):
    assert main(["--db", str(town_db), "check", "--list"]) == 0
    out = capsys.readouterr().out
    for rid in ("P01", "P21", "F08", "L04", "H09", "R02", "Y02"):
        assert f"\n{rid}  " in "\n" + out
    assert "方案批复后平台备案时限（filing_wd）= 5工作日" in out


def test_missing_database_is_not_created(tmp_path, capsys):
    missing = tmp_path / "none.db"
    assert main(["--db", str(missing), "check"]) == 2
    assert not missing.exists() and "不存在" in capsys.readouterr().err


def test_garbage_collection_is_back_on_after_the_command(town_db, capsys):
    import gc

    main(["--db", str(town_db), "check", "--json"])
    assert gc.isenabled()
