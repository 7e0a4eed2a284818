"""A dialog's multi-line field says in its label how to fill it (移交资产: 每行：名称；数量；单位；价值): the label
wraps beside its text box instead of being cut at the label column (it showed 移交资产（每行：名)."""

from rich.cells import cell_len

from fupin_tui.app import make_app
from fupin_tui.dialogs.kit import SpecDialog
from fupin_tui.domain.lifecycle import FieldSpec
from tests.pilot.ready import until
from tests.pilot.test_dialog_kit import seen

ASSETS = "移交资产（每行：名称；数量；单位；价值）"


async def test_the_assets_format_is_read_whole_at_80x24(ctx, db_path):
    app = make_app(db_path=db_path, operator="张会计")
    fields = [FieldSpec("date", "移交日期", "date"), FieldSpec("assets", ASSETS, "lines", required=False),
              FieldSpec("maintainer", "管护责任人", required=False)]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(SpecDialog("移交：组组通公路", fields, lambda raw, c: True))
        await until(pilot, lambda: type(app.screen).__name__ == "SpecDialog", "移交对话框")
        await pilot.pause()

        def label(text):
            return next(f for f in app.screen.query("Field") if f.label == text).query_one(".field-label")

        assets = label(ASSETS)
        region = assets.region
        assert seen(assets) and region.width * region.height >= cell_len(ASSETS), region  # room for all of it
        lines = [line.text for line in assets.render_lines(region.reset_offset)]
        assert "".join(lines).replace(" ", "") == ASSETS, lines
        assert label("管护责任人").region.height == 1  # one-line fields keep one line each


async def test_a_required_nine_character_label_is_not_cut_by_its_star(ctx, db_path):
    """立项批复's *批复财政补助（元） is 19 cells: it showed *批复财政补助（元, the last cell cut."""
    from fupin_tui.domain import lifecycle as lc
    from fupin_tui.domain.policy import Policy

    app = make_app(db_path=db_path, operator="张会计")
    fields = lc.fields_for("立项批复", lc.ProjectFacts(state="申报"), Policy.defaults())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(SpecDialog("立项批复：组组通公路", fields, lambda raw, c: True))
        await until(pilot, lambda: type(app.screen).__name__ == "SpecDialog", "立项批复对话框")
        await pilot.pause()
        for field in app.screen.query("Field"):
            shown = field.query_one(".field-label")
            text = "".join(line.text for line in shown.render_lines(shown.region.reset_offset)).rstrip()
            assert text == str(shown.render()).rstrip() and seen(shown), (text, shown.region)
            assert shown.region.width >= cell_len(text) and shown.region.height == 1, (text, shown.region)
        assert any(str(f.query_one(".field-label").render()) == "*批复财政补助（元）" for f in app.screen.query("Field"))
