"""county-decide and export-update on the county database, the same on SQLite and on PostgreSQL:
a decision recorded, listed and voided; the update package exported and applied by the township."""

from __future__ import annotations

import pytest

from fupin_tui import cli
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import Project

from pg_cluster import query
from tests.unit.test_update_package import applied_project

APPROVE = ["立项批复", "--date", "2026-11-20", "--doc", "示县扶发〔2026〕12号", "--approver", "县扶贫开发领导小组",
           "--subsidy", "300000"]


@pytest.fixture
def merged(ctx, county, tmp_path):
    """新安镇 with one project in 申报, merged into the county database; (target, project 记录号)."""
    pid = applied_project(ctx)
    import_packages([export_package(ctx, tmp_path / "up").path], county)
    return str(county), pid


def test_decide_list_void_and_export_on_either_engine(ctx, merged, tmp_path, capsys):
    county, pid = merged
    assert cli.main(["--db", county, "county-decide", "520123101", str(pid), *APPROVE]) == 0
    assert "已登记决定 1" in capsys.readouterr().out
    assert cli.main(["--db", county, "county-decide", "520123101", str(pid), "收回", "--date", "2026-11-21", "--doc", "示县扶发〔2026〕13号",
                     "--reason", "重复申报", "--amount", "1000"]) == 0
    assert "已登记决定 2" in capsys.readouterr().out
    assert cli.main(["--db", county, "county-decide", "--void", "2", "--reason", "录错"]) == 0
    assert cli.main(["--db", county, "county-decide", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "立项批复 2026-11-20 示县扶发〔2026〕12号" in listed and "收回" not in listed
    assert query(county, "select action, voided from countydecision order by id") == [("立项批复", False),
                                                                                      ("收回", True)]

    out = tmp_path / "down"
    assert cli.main(["--db", county, "export-update", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "520123101 新安镇 第1号" in printed and "决定 1" in printed
    package, = out.glob("*.zip")
    assert query(county, "select township_code, sequence from updateissued") == [("520123101", 1)]
    # the township applies it as it applies one from a county file
    assert cli.main(["--db", str(ctx.db.path), "import-update", str(package)]) == 0
    assert "[已办理] 县级决定" in capsys.readouterr().out
    with ctx.read() as s:
        assert s.get(Project, pid).state == "立项"


def test_bad_decisions_are_refused_with_exit_2_and_nothing_written(merged, capsys):
    county, _pid = merged
    assert cli.main(["--db", county, "county-decide", "520123199", "1", "验收", "--date", "2026-11-20"]) == 2
    assert "汇总库中没有乡镇 520123199" in capsys.readouterr().err
    assert cli.main(["--db", county, "county-decide", "520123101", "1", "立项批复", "--date", "2026-11-20", "--doc", "文",
                     "--approver", "县"]) == 2
    assert "批复财政补助（元）：不能为空" in capsys.readouterr().err
    assert query(county, "select count(*) from countydecision") == [(0,)]


def test_an_empty_server_database_is_refused_not_created(pg_url, tmp_path, capsys):
    assert cli.main(["--db", pg_url, "export-update", "--out", str(tmp_path / "x")]) == 2
    assert "是空的" in capsys.readouterr().err
    assert query(pg_url, "select count(*) from pg_tables where schemaname = 'public'") == [(0,)]


def test_two_county_users_voiding_one_decision_at_once_void_it_once(merged, monkeypatch):
    """Two people of the 扶贫办 void the same decision at the same moment, each with a reason: one
    voids it, the other is told it is no longer valid. Without a lock both read it valid, both were
    told 已作废, and the later write replaced the first one's reason, on a file as on the server."""
    import threading
    import time

    from sqlmodel import Session

    from fupin_tui.context import AppContext
    from fupin_tui.domain.errors import DomainError
    from fupin_tui.opening import open_database
    from fupin_tui.services import update_export

    county, pid = merged
    assert cli.main(["--db", county, "county-decide", "520123101", str(pid), *APPROVE]) == 0
    real_get, readers = Session.get, []

    def slow_get(self, entity, ident, *args, **kwargs):
        row = real_get(self, entity, ident, *args, **kwargs)
        readers.append(ident)
        if len(readers) == 1:
            time.sleep(1.5)  # the first user's transaction is still open when the second reads
        return row

    monkeypatch.setattr(Session, "get", slow_get)
    outcome: dict[str, str] = {}

    def void(who: str, reason: str) -> None:
        ctx = AppContext(db=open_database(county), operator=who)
        try:
            update_export.void_decision(ctx, 1, reason)
            outcome[who] = "voided"
        except DomainError as exc:
            outcome[who] = str(exc)
        except Exception as exc:  # noqa: BLE001 - what the clerk would have seen
            outcome[who] = f"crash: {exc!r}"
        finally:
            ctx.db.close()

    first = threading.Thread(target=void, args=("甲", "录错了"))
    second = threading.Thread(target=void, args=("乙", "重复登记"))
    first.start()
    time.sleep(0.4)
    second.start()
    first.join(30)
    second.join(30)
    assert list(outcome.values()).count("voided") == 1, outcome
    refused = next(v for v in outcome.values() if v != "voided")
    assert "没有编号为 1 的有效决定" in refused, outcome
    winner = next(w for w, v in outcome.items() if v == "voided")
    assert query(county, "select voided, void_reason, updated_by from countydecision") == [
        (True, {"甲": "录错了", "乙": "重复登记"}[winner], winner)]
    assert query(county, "select count(*) from auditlog where table_name = 'countydecision' and action = '作废'") \
        == [(1,)]


def test_two_county_users_exporting_at_once_get_two_numbers(merged, tmp_path, monkeypatch):
    """Two county users export the township's update package at the same moment (two PCs): the
    packages are 第1号 and 第2号. Both read the last number before either recorded theirs, so
    both were 第1号 and the township would apply one and take the other for the same package."""
    import threading
    import time

    from fupin_tui.context import AppContext
    from fupin_tui.opening import open_database
    from fupin_tui.services import update_export

    county, _pid = merged
    real_write, writers = update_export._private_write, []

    def slow_write(path):
        writers.append(path)
        if len(writers) == 1:
            time.sleep(1.5)  # the first export is still being written when the second starts
        return real_write(path)

    monkeypatch.setattr(update_export, "_private_write", slow_write)
    numbers: dict[str, object] = {}

    def export(who: str) -> None:
        ctx = AppContext(db=open_database(county), operator=who)
        try:
            numbers[who] = [r.sequence for r in update_export.export_update(ctx, tmp_path / who)]
        except Exception as exc:  # noqa: BLE001 - what the clerk would have seen
            numbers[who] = f"crash: {exc!r}"
        finally:
            ctx.db.close()

    first = threading.Thread(target=export, args=("甲",))
    second = threading.Thread(target=export, args=("乙",))
    first.start()
    time.sleep(0.4)
    second.start()
    first.join(30)
    second.join(30)
    assert sorted(numbers.values()) == [[1], [2]], numbers
    assert query(county, "select sequence from updateissued order by sequence") == [(1,), (2,)]
    made = {p.name for who in ("甲", "乙") for p in (tmp_path / who).glob("*.zip")}
    assert made == {"更新包-520123101-新安镇-第001号.zip", "更新包-520123101-新安镇-第002号.zip"}
