"""A table drawn between its new rows and their measuring still shows them whole once measured: the
县级汇总 opened under load with 5201 for 520123101 新安镇 and stayed so until a key was pressed."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from fupin_tui import textual_table
from tests.screen_text import screen_text

TOWN, MONEY = "520123101 新安镇", "959,086.83"


class Summary(App):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("乡镇", "批复资金")

    def fill_and_draw(self) -> None:
        """Rows from a worker, then a frame before the table's idle (as a busy machine draws one)."""
        table = self.query_one(DataTable)
        table.clear()
        table.add_row(TOWN, MONEY)
        screen_text(self)  # the compositor renders (and the table caches) every line now


def _column_starts(text: str) -> tuple[int, int]:
    """Where 批复资金 starts on the header line and its figure on the row line, in cells."""
    from rich.cells import cell_len

    lines = text.splitlines()
    header = next(line for line in lines if "批复资金" in line)
    row = next(line for line in lines if MONEY in line)
    return cell_len(header[:header.index("批复资金")]), cell_len(row[:row.index(MONEY)])


async def _shown_after_fill(app) -> str:
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        app.fill_and_draw()
        for _ in range(5):  # the table's idle measures the row; no key, no mouse
            await pilot.pause()
        return screen_text(app)


async def test_stock_textual_keeps_the_narrow_lines():
    """What the fix is for: without it the header-wide cut of the row stays on screen."""
    textual_table.uninstall()
    try:
        text = await _shown_after_fill(Summary())
        header_at, figure_at = _column_starts(text)
        assert header_at < figure_at, text  # the header cut at its own width, over a wider row
    finally:
        textual_table.install()


async def test_the_row_is_drawn_at_its_measured_width():
    textual_table.install()
    text = await _shown_after_fill(Summary())
    assert TOWN in text and MONEY in text, text
    header_at, figure_at = _column_starts(text)
    assert header_at == figure_at, text  # the header over its column
