"""Form drafts in the database (issue 12 item 9): per operator, not audited, not a record."""

from sqlmodel import func, select

from fupin_tui.context import open_context
from fupin_tui.models.audit import AuditLog
from fupin_tui.services import drafts


def _audit_rows(ctx) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(AuditLog)).one()


def test_a_draft_is_kept_per_operator_and_form_and_removed_when_discarded(ctx):
    before = _audit_rows(ctx)
    assert drafts.save(ctx, "household:new", "新增贫困户", {"address": "新寨村一组", "__members__": [{"name": "王"}]})
    assert drafts.save(ctx, "household:new", "新增贫困户", {"address": "新寨村二组"})  # the latest wins
    other = open_context(ctx.db.path, operator="李出纳")
    try:
        assert drafts.load(other, "household:new") is None  # another operator's typing is theirs
        assert drafts.pending(other) == []
    finally:
        other.db.close()
    kept = drafts.load(ctx, "household:new")
    assert kept.values == {"address": "新寨村二组"} and kept.title == "新增贫困户"
    assert "1 份未保存的填写" in drafts.summary(ctx) and "新增贫困户" in drafts.summary(ctx)
    assert _audit_rows(ctx) == before, "a draft is not a record: no audit row, no change signal"
    drafts.discard(ctx, "household:new")
    assert drafts.load(ctx, "household:new") is None and drafts.summary(ctx) is None


def test_a_draft_survives_the_process(ctx):
    drafts.save(ctx, "library:new", "新增项目库条目", {"name": "新寨村蔬菜大棚"})
    ctx.db.close()  # the app killed: nothing but the file remains
    again = open_context(ctx.db.path, operator="张会计")
    try:
        assert drafts.load(again, "library:new").values == {"name": "新寨村蔬菜大棚"}
    finally:
        again.db.close()


def test_a_read_only_database_keeps_no_draft_and_says_nothing(ctx, monkeypatch):
    monkeypatch.setattr(ctx.db, "read_only", True)
    assert drafts.save(ctx, "household:new", "新增贫困户", {"address": "x"}) is False
