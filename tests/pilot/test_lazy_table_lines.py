"""The list draws a line once and reuses it while nothing it shows changed (a filter keystroke or
a cursor move redraws every line, most of them as they were): a line is drawn again when its text,
the cursor or the table's colours (focus) change."""

from textual.app import App, ComposeResult
from textual.widgets import Input

from fupin_tui.widgets.lazy_table import LazyColumn, LazyTable


class Names:
    def __init__(self, names: list[str]) -> None:
        self.names = names

    def fetch(self, offset: int, limit: int, previous):
        return self.names[offset:offset + limit]

    def cells(self, row):
        return [row]


class ListApp(App):
    def __init__(self, source: Names) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield Input(id="search")
        yield LazyTable([LazyColumn("姓名", 12)], self.source, id="list")

    def on_mount(self) -> None:
        self.query_one(LazyTable).reset(len(self.source.names))


def _text(strip) -> str:
    return "".join(segment.text for segment in strip).strip()


def _background(strip):
    return next(segment.style.bgcolor for segment in strip if segment.text.strip())


async def test_the_cursor_line_takes_the_focused_colour_and_gives_it_back():
    app = ListApp(Names(["张三", "李四", "王五"]))
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(LazyTable)
        table.focus()
        await pilot.pause()
        focused = _background(table.render_line(1))
        app.query_one(Input).focus()
        await pilot.pause()
        blurred = _background(table.render_line(1))
        assert blurred != focused, "the cursor line keeps the focused colour after the list lost focus"
        table.focus()
        await pilot.pause()
        assert _background(table.render_line(1)) == focused
        assert _background(table.render_line(2)) != focused, "only the cursor's line is highlighted"


async def test_a_line_whose_text_changed_is_drawn_with_the_new_text():
    source = Names(["张三", "李四", "王五"])
    app = ListApp(source)
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(LazyTable)
        await pilot.pause()
        assert [_text(table.render_line(y)) for y in (1, 2, 3)] == ["张三", "李四", "王五"]
        source.names = ["张三", "李思", "王五"]  # 李四's name corrected and saved
        table.reset(3, keep_cursor=True)
        await pilot.pause()
        assert [_text(table.render_line(y)) for y in (1, 2, 3)] == ["张三", "李思", "王五"]
        cursor, plain = _background(table.render_line(1)), _background(table.render_line(2))
        table.cursor_row = 2
        await pilot.pause()
        assert _background(table.render_line(3)) == cursor, "the cursor moved to 王五"
        assert _background(table.render_line(1)) == plain, "张三 is drawn without the cursor"
