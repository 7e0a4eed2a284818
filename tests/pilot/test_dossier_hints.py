"""The hints above each dossier table name the keys that work (Ctrl+N …), not bare letters that do nothing;
pressing the key a hint names does what it says."""

import re
from decimal import Decimal

from fupin_tui.app import make_app
from fupin_tui.services import library, projects
from fupin_tui.services.township import villages
from tests.pilot.ready import dossier_open, until
from tests.pilot.test_dialog_kit import seen

NOTES = {"2": "#budget-note", "3": "#beneficiary-note", "4": "#notice-note", "8": "#archive-note"}
BARE_LETTER = re.compile(r"(^|[　\s。，])[a-z](/[a-z])? \S")  # "n 新增", "n/e 登记" …


def _project(ctx):
    entry = library.save_entry(ctx, {"year": 2026, "name": "新寨村产业路", "category": "产业发展",
                                     "content": "产业路1公里", "amount_fiscal": Decimal("200000"), "performance_goals": "带动30户",
                                     "village_id": villages(ctx)[0].id})
    return projects.apply_from_library(ctx, entry, {"date": "2026-03-01"})


async def test_each_tab_hint_names_a_bound_key_and_that_key_works(ctx, db_path):
    pid = _project(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await dossier_open(pilot, pid)
        for key, note_id in NOTES.items():
            await pilot.press(key)
            await until(pilot, lambda: app.screen.query(note_id) and str(app.screen.query_one(note_id).render()),
                        f"第{key}页说明")
            note = app.screen.query_one(note_id)
            text = str(note.render())
            assert seen(note) and "Ctrl+N" in text, text
            assert not BARE_LETTER.search(text), text
        # the archive hint's key opens the document dialog
        await pilot.press("8", "down", "ctrl+n")
        await until(pilot, lambda: type(app.screen).__name__ == "SpecDialog", "登记档案材料")


async def test_a_document_is_offered_the_place_of_the_one_filed_above_it(ctx, db_path):
    from fupin_tui.services import archive

    pid = _project(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await dossier_open(pilot, pid)
        await pilot.press("8")
        await until(pilot, lambda: app.screen.query("#archive") and app.screen.query_one("#archive").row_count, "档案")
        await pilot.press("down", "ctrl+n")  # document 1: its place typed once
        await until(pilot, lambda: type(app.screen).__name__ == "SpecDialog", "登记材料1")
        assert app.screen.query_one("#f-storage_place").value == ""
        await pilot.press("enter", "enter", "enter", *"柜A-3", "ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "材料1已登记")
        await pilot.press("down", "ctrl+n")  # document 2: the same cabinet, nothing to type
        await until(pilot, lambda: type(app.screen).__name__ == "SpecDialog", "登记材料2")
        assert app.screen.query_one("#f-storage_place").value == "柜A-3"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "材料2已登记")
        table = app.screen.query_one("#archive")
        await until(pilot, lambda: str(table.get_row_at(1)[6]) == "柜A-3", "存放位置显示")
    places = {r.doc_no: r.storage_place for r in archive.checklist(ctx, pid) if r.doc_no in (1, 2)}
    assert places == {1: "柜A-3", 2: "柜A-3"}


async def test_the_project_list_hint_names_the_library_key(ctx, db_path):
    _project(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("projects")
        await until(pilot, lambda: app.screen.query("#project-count")
                    and "共1个项目" in str(app.screen.query_one("#project-count").render()), "项目列表")
        text = str(app.screen.query_one("#project-count").render())
        assert "Ctrl+K 项目库" in text and not BARE_LETTER.search(text), text
        await pilot.press("ctrl+k")
        await until(pilot, lambda: type(app.screen).__name__ == "LibraryScreen", "项目库")


async def test_the_budget_hint_offers_void_only_before_the_plan_is_approved(ctx, db_path):
    pid = _project(ctx)
    projects.add_budget_line(ctx, pid, item="路面", unit="平方米", quantity=Decimal("1000"),
                             unit_price=Decimal("200"), spending_kind="工程建设")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await dossier_open(pilot, pid)
        await pilot.press("2")
        await until(pilot, lambda: app.screen.query("#budget-note")
                    and "共1项" in str(app.screen.query_one("#budget-note").render()), "资金概算")
        assert "Ctrl+X 作废" in str(app.screen.query_one("#budget-note").render())
    for action, values in [("立项批复", {"date": "2026-03-05", "document_no": "县批1", "approver": "县扶贫办",
                                         "subsidy": "200000"}),
                           ("上报实施方案", {"date": "2026-03-10", "document_no": "方1", "planned_start": "2026-04-01",
                                            "planned_end": "2026-10-31"}),
                           ("批复实施方案", {"date": "2026-03-20", "document_no": "县复1", "approver": "县扶贫办",
                                            "deposit_rate": "5%", "review_kind": "县扶贫办审核"})]:
        projects.perform(ctx, pid, action, values)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await dossier_open(pilot, pid)
        await pilot.press("2")
        await until(pilot, lambda: app.screen.query("#budget-note")
                    and "共1项" in str(app.screen.query_one("#budget-note").render()), "资金概算")
        note = app.screen.query_one("#budget-note")
        assert "作废" not in str(note.render()) and note.region.height == 1  # one line at 80 columns
