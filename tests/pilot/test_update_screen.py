"""设置 → 更新包: the clerk previews the county's package, applies it, sees a refusal; the deadline shows."""

import zipfile
from datetime import date

from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.context import open_context
from fupin_tui.domain.workdays import add_workdays
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.models import AuditLog, Project
from fupin_tui.services import update_export as ue
from fupin_tui.widgets.dashboard_panels import NextDeadlines

from tests.pilot.test_dialog_kit import seen, text_of
from tests.screen_text import screen_text
from tests.unit.test_update_package import APPROVAL, applied_project


def _county_update(ctx, tmp_path):
    """Township → county (上报包) → a county approval → the update package for the township."""
    pid = applied_project(ctx)
    county_path = tmp_path / "county.db"
    import_packages([export_package(ctx, tmp_path / "up").path], county_path, operator="县汇总员")
    cctx = open_context(county_path, operator="县扶贫办")
    try:
        ue.record_decision(cctx, "520123101", pid, APPROVAL["action"], APPROVAL["decided_on"],
                           APPROVAL["document_no"], APPROVAL["fields"])
        first = ue.export_update(cctx, tmp_path / "down1", "520123101")[0].path
        second = ue.export_update(cctx, tmp_path / "down2", "520123101")[0].path
    finally:
        cctx.db.close()
    return pid, first, second


async def _open_tab(pilot, app):
    await pilot.press("f9")
    await pilot.pause()
    app.screen.query_one("#tabs").active = "tab-update"
    await pilot.pause()


async def _submit(pilot, app, path):
    box = app.screen.query_one("#update-file")
    box.focus()
    box.value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def _settled(pilot):
    for _ in range(600):
        await pilot.pause(0.05)
        if pilot.app.screen.settled and not any(w.is_running for w in pilot.app.workers):
            return


async def test_round_trip_preview_apply_and_the_deadline_on_the_dashboard(ctx, tmp_path):
    pid, first, _second = _county_update(ctx, tmp_path)
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_tab(pilot, app)
        await _submit(pilot, app, first)
        head = app.screen.query_one("#update-head")
        assert seen(head) and "将应用 1 项" in text_of(head), text_of(head)
        table = app.screen.query_one("#update-items")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert any(r[0] == "将办理" and "立项批复" in r[2] for r in rows), rows
        with ctx.read() as s:
            assert s.get(Project, pid).state == "申报"  # a preview writes nothing
        button = app.screen.query_one("#update-apply")
        assert seen(button) and not button.disabled
        await pilot.click("#update-apply")
        await pilot.pause()
        done = app.screen.query_one("#update-done")
        assert seen(done) and "已应用：1 项" in text_of(done), text_of(done)
        with ctx.read() as s:
            p = s.get(Project, pid)
            assert (p.state, p.approved_on) == ("立项", date(2026, 11, 20))
        # the clock started from the county's date: on the 工作台
        await app.switch_mode("dashboard")
        await _settled(pilot)
        panel = app.screen.query_one(NextDeadlines)
        due = add_workdays(date(2026, 11, 20), int(ctx.policy.approval_notice_wd)).isoformat()
        text = screen_text(app)
        assert seen(panel) and any(due in line and "P09" in line for line in text.splitlines()), text


async def test_an_older_or_tampered_package_is_refused_on_screen_with_nothing_changed(ctx, tmp_path):
    pid, first, second = _county_update(ctx, tmp_path)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(second) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item.filename, data.replace("示县扶发".encode(), "假文号甲".encode())
                          if item.filename == "decisions.json" else data)
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_tab(pilot, app)
        with ctx.read() as s:
            audit_before = len(s.exec(select(AuditLog)).all())
        await _submit(pilot, app, tampered)
        error = app.screen.query_one("#update-error")
        assert seen(error) and "tampered.zip 被拒绝" in text_of(error) and "SHA-256 不符" in text_of(error)
        assert app.screen.query_one("#update-apply").disabled
        await _submit(pilot, app, second)
        await pilot.click("#update-apply")
        await pilot.pause()
        await _submit(pilot, app, first)  # number 1 after number 2
        assert seen(error) and "第1号，比已导入的第2号" in text_of(error), text_of(error)
        assert app.screen.query_one("#update-file").value == str(first)  # what was typed stays
    with ctx.read() as s:
        assert s.get(Project, pid).state == "立项"  # number 2 applied once, nothing from the others
        assert len(s.exec(select(AuditLog)).all()) > audit_before
