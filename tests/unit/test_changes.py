"""The change signal (fupin_tui.changes): what a committed transaction wrote is announced once."""

import threading

import pytest

from fupin_tui.changes import ALL, Change, ChangeHub, ChangeSet
from fupin_tui.services import township


def test_hub_publishes_to_subscribers_until_they_leave():
    hub, heard = ChangeHub(), []
    leave = hub.subscribe(heard.append)
    hub.publish("project", 5)
    leave()
    hub.publish("project", 6)
    assert heard == [ChangeSet({Change("project", 5)})]


@pytest.mark.parametrize("changes, kind, id, expected", [
    ({Change("project", 5)}, "project", 5, True),
    ({Change("project", 5)}, "project", 6, False),
    ({Change("project", 5)}, "project", None, True),
    ({Change("household", 5)}, "project", 5, False),
    ({Change(ALL)}, "project", 5, True),
])
def test_touches(changes, kind, id, expected):
    assert ChangeSet(changes).touches(kind, id) is expected


def test_a_commit_announces_the_rows_and_their_owners(ctx):
    from tests.funds_data import make_project

    heard = []
    ctx.db.changes.subscribe(heard.append)
    pid, lines = make_project(ctx)
    (changes,) = heard
    assert changes.touches("project", pid) and changes.touches("budgetline", lines[0])
    assert Change("project", pid) in changes


def test_a_rolled_back_transaction_announces_nothing(ctx):
    heard = []
    ctx.db.changes.subscribe(heard.append)
    with pytest.raises(RuntimeError):
        with ctx.transaction() as s:
            from fupin_tui.models.settings import Village

            s.add(Village(code="520123101299", name="测试村", township_id=1))
            s.flush()
            raise RuntimeError("refused")
    assert heard == []


def test_bulk_work_announces_everything(ctx):
    from fupin_tui.db import write_audit

    heard = []
    ctx.db.changes.subscribe(heard.append)
    with ctx.transaction() as s:
        write_audit(s, "household", "*", "导入", note="花名册")
    assert heard and heard[0].touches("household", 1)


def test_publish_from_another_thread_reaches_the_subscriber(ctx):
    heard = []
    ctx.db.changes.subscribe(heard.append)
    worker = threading.Thread(target=lambda: township.set_setting(ctx, "last_operator", "李"))
    worker.start()
    worker.join()
    assert heard
