"""建档立卡: the household list (mode "registry"), filtering as the clerk types."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from fupin_tui import keymap as km
from fupin_tui.textual_frame import draw_now

from fupin_tui.domain.money import format_money
from fupin_tui.services import registry_query as rq
from fupin_tui.widgets.forms import CodeSelect
from fupin_tui.widgets.lazy_table import PAGE, LazyColumn, LazyTable
from fupin_tui.widgets.footer import SteadyFooter

STATUSES = ("识别中", "在册", "已脱贫", "返贫", "清退", "作废")
COLUMNS = [
    LazyColumn("户编号", 16, key="户编号"),
    LazyColumn("户主", 8, key="户主"),
    LazyColumn("村", 8, key="村"),
    LazyColumn("人口", 4, "right", key="人口"),
    LazyColumn("状态", 6, key="状态"),
    LazyColumn("人均纯收入", 10, "right", key="人均纯收入"),
    LazyColumn("主要致贫原因", 12, key="主要致贫原因"),
    LazyColumn("属性", 14),
]
SORT_ORDER = [c.key for c in COLUMNS if c.key]


class HouseholdSource:
    """Feeds the lazy table from the service: keyset pages, offset for jumps."""

    def __init__(self, screen: HouseholdListScreen) -> None:
        self.screen = screen

    def fetch(self, offset: int, limit: int, previous: Any | None) -> list[rq.HouseholdRow]:
        s = self.screen
        few = s.total <= 2 * PAGE  # a name typed out: sort the few matches, don't walk the whole index
        if previous is not None:
            return rq.page_households(s.app.ctx, s.filter, s.sort, s.descending,
                                      after=(previous.sort_value, previous.id), limit=limit, few=few)
        return rq.rows_at(s.app.ctx, s.filter, s.sort, s.descending, offset=offset, limit=limit, few=few)

    def cells(self, r: rq.HouseholdRow) -> Sequence[str]:
        return (r.household_no, r.head_name, r.village, str(r.size), r.status, format_money(r.per_capita_income),
                r.main_cause, r.attribute)


class HouseholdListScreen(Screen):
    """All households of the township; type to filter, Enter to open, Ctrl+N for a new one."""

    DEFAULT_CSS = """
    HouseholdListScreen #filters { height: 1; margin: 0 0 0 0; }
    /* min-width 21: a whole 18-digit ID and the cursor, at 80 columns too */
    HouseholdListScreen #filters Input { width: 1fr; min-width: 21; border: none; height: 1; padding: 0 1;
        background: $boost; }
    HouseholdListScreen #filters Input:focus { background: $accent 30%; }
    HouseholdListScreen #filters CodeSelect { width: 12; margin-left: 1; }
    /* wide enough for their prompts (全部致贫原因) and the longest usual value (一般贫困户) */
    HouseholdListScreen #filters #cause { width: 16; }
    HouseholdListScreen #filters #attribute { width: 15; }
    HouseholdListScreen #counts { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        km.bind("new", "new_household", "新增户", tooltip="登记一户新的贫困户"),
        km.bind("find", "focus_search", "查找", tooltip="姓名、拼音首字母、身份证号或户编号"),
        km.bind("open", "open_current", "打开", show=False),
        km.bind("sort", "cycle_sort", "排序", tooltip="本列反序，再按一次按下一列排序"),
        km.bind("check", "quality_run", "数据检查", tooltip="全部户的数据质量检查（H05/H08）"),
        km.bind("print", "publicity_list", "公示名单", tooltip="导出本村公示名单（Excel）"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = rq.HouseholdFilter()
        self.sort = "户编号"
        self.descending = False
        self.total = 0  # households matching the filter (from the count)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="姓名/拼音/证号/户号", id="search")
            yield CodeSelect([], id="village", prompt="全部村")
            yield CodeSelect(STATUSES, id="status", prompt="全部状态")
            yield CodeSelect([], id="cause", prompt="全部致贫原因")
            yield CodeSelect([], id="attribute", prompt="全部属性")
        yield Static("", id="counts")
        yield LazyTable(COLUMNS, HouseholdSource(self), id="households")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "建档立卡"
        table = self.query_one(LazyTable)
        table.sort_key = self.sort
        if self.app.ctx is not None:
            self.database_ready()
        self.query_one("#search", Input).focus()

    def database_ready(self) -> None:
        from fupin_tui.services.township import villages

        ctx = self.app.ctx
        if ctx is None or not self.query("#village"):
            return  # not composed yet: on_mount calls again
        self.query_one("#village", CodeSelect).set_options([(v.name, v.id) for v in villages(ctx)])
        self.query_one("#cause", CodeSelect).set_options([(c, c) for c in _code_items(ctx, "致贫原因")])
        self.query_one("#attribute", CodeSelect).set_options([(c, c) for c in _code_items(ctx, "贫困户属性简表")])
        self.refresh_list()

    def on_screen_resume(self) -> None:
        # Back from a household form or another job: show what changed meanwhile.
        if self.query("#village"):
            self.refresh_list(keep_cursor=True)

    # -- the list ---------------------------------------------------------------
    def refresh_list(self, *, keep_cursor: bool = False) -> None:
        ctx = self.app.ctx
        if ctx is None:
            return
        total, people = rq.counts(ctx, self.filter)
        self.total = total
        table = self.query_one(LazyTable)
        table.sort_key, table.descending = self.sort, self.descending
        table.reset(total, keep_cursor=keep_cursor)
        order = f"按{self.sort}{'降序' if self.descending else '升序'}"
        # one line, whatever it says: no layout of the screen for it (it would cost every keystroke)
        count_line = self.query_one("#counts", Static)
        count_line.update(f"共 {total:,} 户 {people:,} 人　{order}　Enter 打开　Ctrl+N 新增", layout=False)
        draw_now(count_line)

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.filter = replace(self.filter, text=event.value)
        self.refresh_list()

    @on(Input.Submitted, "#search")
    def _open_match(self, event: Input.Submitted) -> None:
        """Enter opens the only match, or the highlighted one (Down goes to the list to choose)."""
        event.stop()
        table = self.query_one(LazyTable)
        row = table.current
        if row is None:
            self.notify("没有找到符合条件的户。", severity="warning")
            return
        self.open_household(row.id)

    def on_key(self, event) -> None:
        # Down in the search box goes to the list, to highlight another match (the list has its own Down)
        if event.key == "down" and self.focused is self.query_one("#search", Input):
            event.stop()
            self.query_one(LazyTable).focus()

    @on(Select.Changed)
    def _select_filter(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        name = {"village": "village_id", "status": "status", "cause": "cause", "attribute": "attribute"}.get(
            event.select.id or "")
        if name:
            self.filter = replace(self.filter, **{name: value})
            self.refresh_list()

    @on(LazyTable.RowSelected)
    def _open(self, event: LazyTable.RowSelected) -> None:
        self.open_household(event.row.id)

    @on(LazyTable.HeaderClicked)
    def _sort_by(self, event: LazyTable.HeaderClicked) -> None:
        if event.key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = event.key, False
        self.refresh_list()

    # -- actions ----------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_open_current(self) -> None:
        row = self.query_one(LazyTable).current
        if row is not None:
            self.open_household(row.id)

    def action_cycle_sort(self) -> None:
        """One key for the order: this column reversed, then the next column ascending."""
        if not self.descending:
            self.descending = True
        else:
            self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
            self.descending = False
        self.refresh_list()

    def action_new_household(self) -> None:
        self.open_household(None)

    def open_household(self, household_id: int | None, tab: str | None = None) -> None:
        from fupin_tui.screens.household_form import open_household

        open_household(self.app, household_id, tab)

    def action_quality_run(self) -> None:
        self.notify("正在检查全部户的数据质量，请稍候。")
        self._run_quality()

    @work(thread=True, exclusive=True, group="registry-quality", description="数据质量检查")
    def _run_quality(self) -> None:
        problems = rq.quality_run(self.app.ctx, self.filter.village_id)
        self.app.call_from_thread(self._show_quality, problems)

    def _show_quality(self, problems) -> None:
        if not problems:
            self.notify("数据质量检查通过，没有发现问题。")
            return
        self.app.push_screen(QualityScreen(problems))

    def action_publicity_list(self) -> None:
        from fupin_tui.excel.registry_print import write_publicity_list

        village_id = self.filter.village_id
        if not village_id:
            self.notify("请先在「全部村」中选择一个村，再导出该村的公示名单。", severity="warning")
            return
        from fupin_tui.dialogs.stripped import printed
        from fupin_tui.excel.styles import collect_stripped

        try:
            statuses = (self.filter.status,) if self.filter.status else ("识别中",)
            with collect_stripped() as stripped:
                path = write_publicity_list(self.app.ctx, village_id, statuses)
        except OSError as exc:
            self.notify(f"导出失败：{exc}", severity="error")
            return
        printed(self, stripped, f"公示名单已导出：{path}")


def _code_items(ctx, name: str) -> list[str]:
    try:
        return [str(i) for i in ctx.codes.items(name)]
    except Exception:  # a county code file without the list: the filter is simply empty
        return []


class QualitySource:
    def __init__(self, problems) -> None:
        self.problems = problems

    def fetch(self, offset: int, limit: int, previous: Any | None) -> list:
        return self.problems[offset:offset + limit]

    def cells(self, p) -> Sequence[str]:
        return (p.rule, p.household_no, p.member_name, p.message)


class QualityScreen(Screen):
    """Findings of the registry-wide H05/H08 check; Enter opens the household."""

    BINDINGS = [
        km.bind("back", "app.pop_screen", "返回"),
        km.bind("open", "open_current", "打开该户"),
    ]

    def __init__(self, problems) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"数据质量检查：发现 {len(self.problems)} 个问题（H05 身份证号，H08 县级上报前检查）", id="counts")
        yield LazyTable([LazyColumn("规则", 4), LazyColumn("户编号", 16), LazyColumn("成员", 8),
                         LazyColumn("问题", 60)], QualitySource(self.problems))
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "数据质量检查"
        table = self.query_one(LazyTable)
        table.reset(len(self.problems))
        table.focus()

    @on(LazyTable.RowSelected)
    def _open(self, event: LazyTable.RowSelected) -> None:
        self._open_problem(event.row)

    def action_open_current(self) -> None:
        row = self.query_one(LazyTable).current
        if row is not None:
            self._open_problem(row)

    def _open_problem(self, problem) -> None:
        household_id = rq.household_id_by_no(self.app.ctx, problem.household_no)
        if household_id:
            open_record(self.app, household_id)


def open_record(app, household_id: int, tab: str | None = None, back_to: str | None = None) -> None:
    """Open one household's form from anywhere (a 体检 finding, a project's beneficiaries …).

    With ``back_to`` the form opens in 建档立卡 and closing it returns to that mode, so the
    mode the clerk came from keeps its own screen (see ``FupinApp.open_record``)."""
    from fupin_tui.screens.household_form import open_household

    if back_to is None or app.current_mode == "registry":
        open_household(app, household_id, tab)
        return
    app.switch_mode("registry")
    app.call_after_refresh(lambda: open_household(app, household_id, tab, back_to=back_to))
