"""What a printout left out: the cells whose control characters Excel cannot hold (issue 12 item 6).

Old data (typed before the input checks existed) may hold NUL, BEL or ESC; the printed workbook is
written without them (``excel.styles.report_stripped``), so paper and database differ there. After
a printout the clerk is shown the list, as 导出 shows it, and Enter on a line opens that record to
fix it. ``printed(...)`` is the one way a screen shows a printout's result.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from fupin_tui import keymap as km
from fupin_tui.widgets.confirm import DIALOG_CSS
from fupin_tui.excel.styles import StrippedCell, stripped_heading

LISTED = 200  # lines listed (each opens its record); the rest are counted


class StrippedCellsDialog(ModalScreen[StrippedCell | None]):
    """The stripped cells of one printout; Enter dismisses with the cell to open, Esc with None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="StrippedCellsDialog") + """
    StrippedCellsDialog > Vertical { width: 100; }
    StrippedCellsDialog #stripped-cells { height: auto; max-height: 14; }
    StrippedCellsDialog .dialog-keys { color: $text-muted; text-align: right; height: 1; }
    """
    BINDINGS = [km.bind("back", "close", "关闭")]

    def __init__(self, cells: list[StrippedCell], saved: str) -> None:
        super().__init__()
        self.cells, self.saved = cells, saved

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("打印件与本机数据有不同", classes="dialog-title")
            yield Static(f"{self.saved}\n{stripped_heading(len(self.cells), '打印', '打印件')}",
                         id="stripped-heading", markup=False)
            options = [Option(str(cell), id=str(i)) for i, cell in enumerate(self.cells[:LISTED])]
            if len(self.cells) > LISTED:
                options.append(Option(f"…… 另有 {len(self.cells) - LISTED} 处", disabled=True))
            yield OptionList(*options, id="stripped-cells")
            yield Static("Enter 打开该记录改正　Esc 关闭", classes="dialog-keys")

    def on_mount(self) -> None:
        listing = self.query_one("#stripped-cells", OptionList)
        listing.highlighted = 0
        listing.focus()

    @on(OptionList.OptionSelected, "#stripped-cells")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.cells[int(event.option.id)])

    def action_close(self) -> None:
        self.dismiss(None)


def printed(screen, cells: list[StrippedCell], saved: str, *, here: str = "") -> None:
    """Tell the clerk a printout is saved (``saved``: "统计表已导出：…"); when cells lost control
    characters, list them. ``here``: the record open on ``screen`` ("household:12"), which a
    line of it does not open again."""
    app = screen.app
    if not cells:
        screen.notify(saved, timeout=8)
        return

    def chosen(cell: StrippedCell | None) -> None:
        if cell is None:
            return
        if not cell.record:
            app.notify(f"这一处（「{cell.table}」）不属于某一户或某个项目，请在相应的设置中改正。")
        elif cell.record == here:
            app.notify("就是这里打开的记录：改正后保存，再重新打印。")
        else:
            app.open_record(cell.record, back_to=app.current_mode)

    app.push_screen(StrippedCellsDialog(cells, saved), chosen)
