"""On a server, merges of two townships go on at the same time (ids from the sequences, a lock
per township); only merges of one township, and undos, wait. On SQLite one writer at a time.

Two county users each merge their own township: the second is not held up by the first's
whole merge. When both packages hold the same person, the unique index stops the one that
writes second; it merges again once the other has committed and reports the person as
registered in both townships, as two merges one after the other do.
"""

from __future__ import annotations

import threading

from sqlalchemy import update

from fupin_tui import server
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import Member

from pg_cluster import query
from test_county_merge import _chain_intact


def _run(*jobs):
    threads = [threading.Thread(target=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)


def test_two_townships_merge_at_once_on_the_server(town, other_town, pg_url, tmp_path, monkeypatch):
    a = export_package(town, tmp_path / "a").path
    b = export_package(other_town, tmp_path / "b").path
    import_packages([], pg_url)
    inside, other_done = threading.Event(), threading.Event()
    real_insert = server.bulk_insert

    def insert_then_wait(conn, table, rows):  # 新安镇's merge stops half-way, its transaction open
        real_insert(conn, table, rows)
        if threading.current_thread().name == "新安镇" and table.name == "member" and not inside.is_set():
            inside.set()
            # 坪山乡's whole merge goes through meanwhile (it waited here for the lock before)
            waited_out.append(other_done.wait(20))

    waited_out: list[bool] = []
    monkeypatch.setattr(server, "bulk_insert", insert_then_wait)
    said: list[str] = []
    results: dict[str, object] = {}

    def first():
        threading.current_thread().name = "新安镇"
        results["新安镇"] = import_packages([a], pg_url, operator="王", rows_progress=said.append)

    def second():
        inside.wait(60)
        results["坪山乡"] = import_packages([b], pg_url, operator="赵", rows_progress=said.append)
        other_done.set()

    _run(first, second)
    assert waited_out == [True]  # 坪山乡 finished while 新安镇 was still merging
    assert not [line for line in said if "等待" in line]
    assert [o.status for o in results["新安镇"]] == ["新导入"] and [o.status for o in results["坪山乡"]] == ["新导入"]
    assert query(pg_url, "select township_code, count(*) from countyowned where table_name = 'household' "
                         "group by township_code order by 1") == [("520123101", 10), ("520123102", 6)]
    assert query(pg_url, "select count(*), count(distinct household_id) > 10 from member")[0][1]
    assert _chain_intact(pg_url)


def test_the_same_person_merged_at_once_is_reported_not_refused(town, other_town, pg_url, tmp_path, monkeypatch):
    with town.read() as s:
        shared = s.get(Member, 3)
    with other_town.transaction() as s:
        s.execute(update(Member).where(Member.id == 2).values(id_number=shared.id_number, name=shared.name))
    a = export_package(town, tmp_path / "a").path
    b = export_package(other_town, tmp_path / "b").path
    import_packages([], pg_url)
    inside = threading.Event()
    real_insert = server.bulk_insert

    def insert_then_pause(conn, table, rows):  # 新安镇 holds the person, uncommitted, for a moment
        real_insert(conn, table, rows)
        if threading.current_thread().name == "新安镇" and table.name == "member" and not inside.is_set():
            inside.set()
            import time

            time.sleep(2)  # 坪山乡 writes the same ID number meanwhile: the index makes it wait, then fail

    monkeypatch.setattr(server, "bulk_insert", insert_then_pause)
    said: list[str] = []
    results: dict[str, object] = {}

    def first():
        threading.current_thread().name = "新安镇"
        [results["新安镇"]] = import_packages([a], pg_url, operator="王")

    def second():
        inside.wait(60)
        [results["坪山乡"]] = import_packages([b], pg_url, operator="赵", rows_progress=said.append)

    _run(first, second)
    assert results["新安镇"].status == results["坪山乡"].status == "新导入"
    assert results["坪山乡"].duplicates and "新安镇" in results["坪山乡"].duplicates[0]
    assert "坪山乡：与另一乡镇的合并同时写入了相同的身份证号或发票，等其完成后重新合并……" in said
    assert query(pg_url, f"select voided, count(*) from member where id_number='{shared.id_number}' "
                         "group by voided order by voided") == [(False, 1), (True, 1)]
    assert query(pg_url, "select count(*) from countymerge") == [(2,)]
    assert _chain_intact(pg_url)
