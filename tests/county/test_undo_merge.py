"""Reversible merges (issue 12 item 5): the history says who merged what; an undo restores what
the merge replaced, keeps what it brought, and nothing is hard-deleted. Both engines."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import update

from fupin_tui import cli
from fupin_tui.context import AppContext
from fupin_tui.opening import open_database
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import Household, Member
from fupin_tui.services import county_merges
from fupin_tui.services.county_merges import MergeRefused

from pg_cluster import query

import excel_sample

STATE = ("select h.id, h.household_no, h.status, h.head_name, (select count(*) from member m "
         "where m.household_id = h.id) from household h order by h.id")


@pytest.fixture
def county_ctx(county):
    ctx = AppContext(db=open_database(county), operator="县扶贫办王")
    yield ctx
    ctx.db.close()


def _two_periods(town, tmp_path):
    old = export_package(town, tmp_path / "old", period="2026-10").path
    with town.transaction() as s:
        s.execute(update(Household).where(Household.id == 1).values(status="已脱贫"))
        s.execute(update(Member).where(Member.id == 1).values(name="改过的名字"))
    excel_sample.fill(town, households=2, projects=0, seed=5)
    new = export_package(town, tmp_path / "new", period="2026-11").path
    return old, new


def test_undo_restores_what_the_merge_replaced_and_keeps_what_it_brought(town, county, county_ctx, tmp_path):
    old, new = _two_periods(town, tmp_path)
    import_packages([old], county_ctx)
    before = query(county, STATE)
    members_before = query(county, "select id, name, id_number from member order by id")
    [outcome] = import_packages([new], county_ctx)
    assert "可用 fupin-tui undo-merge" in outcome.lines()[0]
    assert query(county, "select count(*) from household") == [(12,)]
    result = county_merges.undo(county_ctx, outcome.merge_id)
    assert query(county, STATE) == before  # same ids, same status, same members
    assert query(county, "select id, name, id_number from member order by id") == members_before
    assert result.restored > 0 and result.removed > result.restored  # the new period had 2 more households
    assert "2026-10" in result.back_to
    # nothing hard-deleted: the merge's own rows are kept aside, the old ones too
    assert query(county, "select role, count(*) from countymergerow where table_name = 'household' "
                         f"and merge_id = {outcome.merge_id} group by role order by role") == [
        ("replaced", 10), ("undone", 12)]
    history = county_merges.history(county_ctx)
    assert [(e.id, e.live) for e in history] == [(outcome.merge_id, False), (outcome.merge_id - 1, True)]
    assert history[0].undone_by == "县扶贫办王" and history[0].counts["户表"] == 12
    # the undone package stands for nothing: merging it again redoes the merge
    [again] = import_packages([new], county_ctx)
    assert again.status == "已更新"
    assert query(county, "select count(*) from household") == [(12,)]
    # and new rows after an undo get fresh ids (the server's sequences follow the restored ids)
    assert query(county, "select count(distinct id) = count(*) from member") == [(True,)]


def test_undo_of_a_first_merge_leaves_the_township_without_data(town, county, county_ctx, tmp_path):
    pkg = export_package(town, tmp_path / "a").path
    [outcome] = import_packages([pkg], county_ctx)
    county_merges.undo(county_ctx, outcome.merge_id)
    assert query(county, "select count(*) from household") == [(0,)]
    assert query(county, "select count(*) from countyowned") == [(0,)]
    assert query(county, "select voided from township") == [(True,)]
    [again] = import_packages([pkg], county_ctx)
    assert again.status == "新导入"
    assert query(county, "select count(*), min(voided::int) from household".replace(
        "voided::int", "CASE WHEN voided THEN 1 ELSE 0 END")) == [(10, 0)]
    assert query(county, "select voided from township") == [(False,)]


def test_only_the_newest_live_merge_of_a_township_can_be_undone(town, county, county_ctx, tmp_path):
    old, new = _two_periods(town, tmp_path)
    [first] = import_packages([old], county_ctx)
    [second] = import_packages([new], county_ctx)
    state = query(county, STATE)
    with pytest.raises(MergeRefused, match=f"请先撤销合并 {second.merge_id}"):
        county_merges.undo(county_ctx, first.merge_id)
    county_merges.undo(county_ctx, second.merge_id)
    with pytest.raises(MergeRefused, match="已于 .* 由 县扶贫办王 撤销"):
        county_merges.undo(county_ctx, second.merge_id)
    with pytest.raises(MergeRefused, match="没有编号为 999"):
        county_merges.undo(county_ctx, 999)
    assert query(county, STATE) != state
    county_merges.undo(county_ctx, first.merge_id)  # now the older one can go too
    assert query(county, "select count(*) from household") == [(0,)]


def test_an_undo_that_would_clash_with_a_later_township_is_refused_whole(town, other_town, county, county_ctx,
                                                                         tmp_path):
    """新安镇 drops a person, 坪山乡 then registers that ID number: undoing 新安镇's merge would
    bring the person back twice. Refused, nothing changed."""
    old = export_package(town, tmp_path / "old", period="2026-10").path
    with town.read() as s:
        moved = s.get(Member, 3)
    with town.transaction() as s:
        s.execute(update(Member).where(Member.id == 3).values(voided=True, void_reason="迁出"))
    new = export_package(town, tmp_path / "new", period="2026-11").path
    with other_town.transaction() as s:
        s.execute(update(Member).where(Member.id == 2).values(id_number=moved.id_number, name=moved.name))
    theirs = export_package(other_town, tmp_path / "b").path
    import_packages([old], county_ctx)
    [second] = import_packages([new], county_ctx)
    import_packages([theirs], county_ctx)
    state = query(county, "select count(*), sum(case when voided then 1 else 0 end) from member")
    with pytest.raises(MergeRefused, match="冲突"):
        county_merges.undo(county_ctx, second.merge_id)
    assert query(county, "select count(*), sum(case when voided then 1 else 0 end) from member") == state
    assert county_merges.history(county_ctx)[1].live


def test_two_users_undoing_the_same_merge_at_once_undo_it_once(town, county, tmp_path):
    old, new = _two_periods(town, tmp_path)
    import_packages([old], county)
    [second] = import_packages([new], county)
    results: list[str] = []
    gate = threading.Barrier(2)

    def undo(who):
        ctx = AppContext(db=open_database(county), operator=who)
        try:
            gate.wait()
            county_merges.undo(ctx, second.merge_id)
            results.append("done")
        except MergeRefused as exc:
            results.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - SQLite's busy writer: a refusal in words too
            results.append(f"{type(exc).__name__}: {exc}")
        finally:
            ctx.db.close()

    threads = [threading.Thread(target=undo, args=(w,)) for w in ("王", "赵")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the second one is refused in words: it waited and saw the undo (server), or its save was
    # over a history row version it never saw (SQLite's optimistic check)
    assert sorted(results)[0] == "done" and ("已于" in sorted(results)[1] or "刚被其他人改动" in sorted(results)[1])
    assert query(county, "select count(*) from household") == [(10,)]
    assert query(county, "select count(*) from countymergerow where role = 'undone' and table_name = 'household'") \
        == [(12,)]


def test_merges_and_undo_merge_commands(town, county, tmp_path, capsys):
    old, new = _two_periods(town, tmp_path)
    target = str(county)
    assert cli.main(["--db", target, "--operator", "县扶贫办李", "import-package", str(old), str(new)]) == 0
    capsys.readouterr()
    assert cli.main(["--db", target, "merges"]) == 0
    listing = capsys.readouterr().out
    assert "新安镇 2026-11" in listing and "县扶贫办李" in listing and "有效" in listing
    newest = int(listing.splitlines()[1].split()[0])
    assert cli.main(["--db", target, "--operator", "县扶贫办李", "undo-merge", str(newest)]) == 0
    assert f"已撤销合并 {newest}" in capsys.readouterr().out
    assert cli.main(["--db", target, "undo-merge", str(newest)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "已于" in err
    assert cli.main(["--db", target, "undo-merge", "abc"]) == 2
    assert "合并编号" in capsys.readouterr().err
    assert cli.main(["undo-merge", "--help"]) == 0
    assert "撤销一次合并" in capsys.readouterr().out
