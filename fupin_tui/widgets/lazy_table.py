"""A table that draws only the rows on screen, fetching them a page at a time.

Textual's DataTable builds every row up front (about 1.8 s for 10,000 rows
on a 2-core machine); the registry has 20,000 households. This table knows
only the row count; when a line is drawn it asks its ``source`` for the page
holding that row (``PAGE`` rows, cached) and forgets the cache on ``reset``.
The source may page by keyset: it receives the last row of the previous page
when that page is in the cache, else ``None`` and should use the offset.
Widths are in terminal cells, so Chinese (two cells a character) lines up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fupin_tui.textual_frame import draw_now

# Rows per fetch. A filter keystroke fetches the first page, of which a screen shows 20-40 rows:
# 100 rows cost about 1.5 ms at 20,000 households, 200 rows twice that.
PAGE = 100


@dataclass(frozen=True)
class LazyColumn:
    label: str
    width: int  # cells
    align: str = "left"  # left / right
    key: str = ""  # sort key passed back in HeaderClicked; empty = not sortable


class RowSource(Protocol):
    def fetch(self, offset: int, limit: int, previous: Any | None) -> list[Any]:
        """Rows ``offset`` .. ``offset+limit``; ``previous`` is the row just before, when known."""

    def cells(self, row: Any) -> Sequence[str]:
        """The text of each column for one row."""


def fit(text: str, width: int, align: str = "left") -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (a cut shows a trailing ~)."""
    if cell_len(text) > width:
        return set_cell_size(text, max(width - 1, 0)) + ("~" if width else "")
    pad = " " * (width - cell_len(text))
    return pad + text if align == "right" else text + pad


class LazyTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LazyTable { height: 1fr; overflow-x: hidden; }
    LazyTable > .lazy-table--header { background: $panel; text-style: bold; }
    LazyTable > .lazy-table--cursor { background: $accent 40%; }
    LazyTable:focus > .lazy-table--cursor { background: $accent; color: $text; }
    LazyTable > .lazy-table--sorted { text-style: bold underline; }
    """
    COMPONENT_CLASSES = {"lazy-table--header", "lazy-table--cursor", "lazy-table--sorted"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "上一行", show=False),
        Binding("down", "cursor(1)", "下一行", show=False),
        Binding("pageup", "page(-1)", "上一页", show=False),
        Binding("pagedown", "page(1)", "下一页", show=False),
        Binding("home", "jump(0)", "第一行", show=False),
        Binding("end", "jump(-1)", "最后一行", show=False),
        Binding("enter", "select", "打开", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowSelected(Message):
        """Enter or a click on a row."""

        def __init__(self, table: LazyTable, row: Any) -> None:
            super().__init__()
            self.table, self.row = table, row

    class HeaderClicked(Message):
        def __init__(self, table: LazyTable, key: str) -> None:
            super().__init__()
            self.table, self.key = table, key

    def __init__(self, columns: list[LazyColumn], source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        self.source = source
        self.total = 0
        self.sort_key = ""
        self.descending = False
        self._pages: dict[int, list[Any]] = {}
        self.fetches = 0  # pages fetched since the last reset (for tests and the benchmark)
        # Drawn lines by (texts, width, cursor?), and the styles they were drawn with: a filter
        # keystroke or a cursor move redraws every line, most of them the same as before
        # (DataTable keeps such caches too, cleared in notify_style_update).
        self._lines: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] = {}

    # -- data -----------------------------------------------------------------
    def reset(self, total: int, *, keep_cursor: bool = False) -> None:
        """The result changed (new filter or sort): forget cached pages, show from the top."""
        self.total = total
        self._pages.clear()
        self.fetches = 0
        # Not ``self.virtual_size = ...``: that lays out the whole screen on every filter keystroke.
        # The scroll bars follow the new size, and lay out only when one appears or goes.
        virtual_size = Size(self._line_width(), total + 1)
        self.set_reactive(LazyTable.virtual_size, virtual_size)
        self._scroll_update(virtual_size)
        if keep_cursor:
            self.cursor_row = min(self.cursor_row, max(total - 1, 0))
        else:
            self.cursor_row = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        # with the key that changed the result, not a frame after it
        draw_now(self, self.vertical_scrollbar, self.horizontal_scrollbar)

    def row(self, index: int) -> Any | None:
        if not 0 <= index < self.total:
            return None
        page_no, within = divmod(index, PAGE)
        page = self._pages.get(page_no)
        if page is None:
            previous_page = self._pages.get(page_no - 1)
            previous = previous_page[-1] if previous_page else None
            page = self.source.fetch(page_no * PAGE, PAGE, previous)
            self._pages[page_no] = page
            self.fetches += 1
        return page[within] if within < len(page) else None

    @property
    def current(self) -> Any | None:
        return self.row(self.cursor_row)

    # -- drawing --------------------------------------------------------------
    def _line_width(self) -> int:
        return sum(c.width + 1 for c in self.columns)

    def _columns_for(self, width: int) -> list[tuple[LazyColumn, int]]:
        """Columns that fit; the last visible one takes the spare cells."""
        out, used = [], 0
        for c in self.columns:
            if used + c.width + 1 > width and out:
                break
            out.append((c, c.width))
            used += c.width + 1
        if out and used < width:
            last, w = out[-1]
            out[-1] = (last, w + width - used)
        return out

    def _line(self, texts: Sequence[str], width: int, style: Style, sorted_style: Style | None = None) -> Strip:
        segments = []
        for i, (column, w) in enumerate(self._columns_for(width)):
            text = texts[i] if i < len(texts) else ""
            cell_style = style + sorted_style if sorted_style and column.key and column.key == self.sort_key else style
            segments.append(Segment(fit(text, w, column.align), cell_style))
            segments.append(Segment(" ", style))
        return Strip(segments).crop_extend(0, width, style)

    def notify_style_update(self) -> None:
        super().notify_style_update()  # focus, theme, CSS: lines drawn before have other colours
        self._styles.clear()
        self._lines.clear()

    def _style(self, part: str) -> Style:
        style = self._styles.get(part)
        if style is None:
            base = self.rich_style
            style = self._styles[part] = base if part == "base" else base + self.get_component_rich_style(part)
        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            labels = [c.label + (("v" if self.descending else "^") if c.key and c.key == self.sort_key else "")
                      for c in self.columns]
            return self._line(labels, width, self._style("lazy-table--header"),
                              self.get_component_rich_style("lazy-table--sorted"))
        index = int(self.scroll_offset.y) + y - 1
        row = self.row(index)
        if row is None:
            return Strip.blank(width, self._style("base"))
        cursor = index == self.cursor_row
        key = (tuple(self.source.cells(row)), width, cursor)
        line = self._lines.get(key)
        if line is None:
            if len(self._lines) > 1000:  # a few screens' worth
                self._lines.clear()
            line = self._lines[key] = self._line(key[0], width, self._style("lazy-table--cursor" if cursor else "base"))
        return line

    # -- moving ---------------------------------------------------------------
    @property
    def _visible_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def watch_cursor_row(self, row: int) -> None:
        top = int(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self._visible_rows:
            self.scroll_to(y=row - self._visible_rows + 1, animate=False, immediate=True)
        self.refresh()

    def _move_to(self, row: int) -> None:
        if self.total:
            self.cursor_row = max(0, min(row, self.total - 1))

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor_row + direction * self._visible_rows)

    def action_jump(self, where: int) -> None:
        self._move_to(self.total - 1 if where < 0 else 0)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.RowSelected(self, row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = event.x
            for column, w in self._columns_for(self.size.width):
                if x <= w and column.key:
                    self.post_message(self.HeaderClicked(self, column.key))
                    return
                x -= w + 1
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < self.total:
            self.cursor_row = index
            if event.chain == 2:
                self.action_select()

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self._line_width(), self.total + 1)
