"""Dashboard panels: where the township stands, drawn in the terminal.

Each panel loads its figures from ``services.checks`` in a thread worker via
``self.app.ctx`` and draws itself for the width it has; ``reload()`` fetches
again.  Bars are coloured spaces, not block characters, so they keep their
width on an old Windows console with a Chinese code page.

    SeverityCounts()            逾期 / 即将到期 / 不合规 / 提示 / 已确认
    NextDeadlines()             the next ten deadlines
    FundExecutionChart()        approved / disbursed / reimbursed per project
    HouseholdsByVillageChart()  households by status per village
    ProjectsByStateChart()      projects by state
"""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len, chop_cells
from rich.text import Text
from textual import work
from textual.widget import Widget

from fupin_tui.widgets.lazy_table import fit

SEVERITY_STYLES = {"逾期": "bold white on red", "即将到期": "bold black on yellow", "不合规": "bold white on magenta",
                   "提示": "white on blue", "已确认": "black on grey70"}
STATUS_STYLES = {"识别中": "on grey50", "在册": "on red3", "已脱贫": "on green4", "返贫": "on dark_orange3",
                 "清退": "on grey30"}
FUND_STYLES = {"已报账": "on green4", "已拨未报": "on yellow4", "未拨付": "on grey30"}


def bar(parts: list[tuple[int, str]]) -> Text:
    """A bar of coloured spaces: (cells, style) per part."""
    out = Text()
    for cells, style in parts:
        if cells > 0:
            out.append(" " * cells, style=style)
    return out


def scaled(values: list[Decimal | int], total: Decimal | int, width: int) -> list[int]:
    """Cells for each value of a stacked bar ``width`` cells long at ``total``; rounding never overflows."""
    if not total or width <= 0:
        return [0] * len(values)
    out, used, running = [], 0, Decimal(0)
    for v in values:
        running += Decimal(v)
        end = int((running / Decimal(total) * width).to_integral_value())
        out.append(max(end - used, 0))
        used = max(end, used)
    return out


def parts_in_lines(parts: list[str], width: int, style: str = "") -> list[Text]:
    """Parts joined by two spaces, a new line where the next would not fit (the panels never wrap)."""
    lines: list[str] = []
    for part in parts:
        if lines and cell_len(lines[-1]) + 2 + cell_len(part) <= width:
            lines[-1] += "  " + part
        else:
            lines.append(part)
    return [Text(line, style=style) for line in lines]


def legend(styles: dict[str, str]) -> Text:
    out = Text("图例 ")
    for name, style in styles.items():
        out.append("  ", style=style)
        out.append(f" {name}  ")
    return out


class DashboardPanel(Widget):
    """Shared: a title, a thread worker that loads, and drawing for the current width."""

    # Drawn for the width of the last layout, and the layout after the figures' scrollbar came
    # measures it two cells narrower: wrapped there, each full line counted twice (blank lines under
    # 近期期限 at 80x24 until the next frame). Never wrapped, the height is the lines drawn.
    DEFAULT_CSS = """
    DashboardPanel { height: auto; margin-bottom: 1; text-wrap: nowrap; text-overflow: clip; }
    """
    TITLE = ""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data = None
        self.failed: str | None = None
        # each reload is numbered; only the latest one's answer is drawn, and ``current`` says it has come
        # (a reload while one is running cancels the worker, but its thread still finishes and answers)
        self._asked = 0
        self._answered = -1

    def on_mount(self) -> None:
        if getattr(self.app, "ctx", None) is not None:
            self.reload()

    def reload(self) -> None:
        self._asked += 1
        self._load(self._asked)

    @property
    def current(self) -> bool:
        """The figures drawn answer the latest reload (what a snapshot or a test waits for)."""
        return self._answered == self._asked

    def early(self, summary: dict):
        """Figures from the kept summary (``check_fast.stored_summary``), shown while the database
        layer is still loading; None: this panel waits for its own load."""
        return None

    def show_early(self, summary: dict) -> None:
        if self.data is None:
            data = self.early(summary)
            if data is not None and self.is_mounted:
                self._loaded(data)
            elif data is not None:
                self.data = data  # drawn with it at mount

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, asked: int) -> None:
        try:
            data = self.fetch(self.app.ctx)
        except Exception as exc:  # noqa: BLE001 - a panel that fails must not take the dashboard down
            self.app.call_from_thread(self._failed, str(exc), asked)
            return
        self.app.call_from_thread(self._loaded, data, asked)

    def _loaded(self, data, asked: int | None = None) -> None:
        if asked is not None:
            if asked != self._asked:
                return  # an older reload's answer, come late
            self._answered = asked
        self.data, self.failed = data, None
        self.refresh(layout=True)
        # and once more after the next frame: a height measured from the previous figures during that
        # frame was seen to stay (three blank lines under 近期期限 at 80x24, now and then under load)
        self.call_after_refresh(self.refresh, layout=True)

    def _failed(self, message: str, asked: int) -> None:
        if asked != self._asked:
            return
        self._answered = asked
        self.failed = message
        self.refresh(layout=True)

    def fetch(self, ctx):  # pragma: no cover - each panel
        raise NotImplementedError

    def draw(self, width: int) -> list[Text]:  # pragma: no cover - each panel
        raise NotImplementedError

    def render(self) -> Text:
        width = max(self.size.width, 20)
        lines = [Text(self.TITLE, style="bold")]
        if self.failed:
            lines += [Text(part, style="red") for part in chop_cells(f"无法读取：{self.failed}", width)]
        elif self.data is None:
            lines.append(Text("正在统计…", style="dim"))
        else:
            lines += self.draw(width)
        return Text("\n").join(lines)


class SeverityCounts(DashboardPanel):
    TITLE = "体检（F8 查看详情）"

    def early(self, summary: dict):
        return summary["counts"]

    def fetch(self, ctx):
        return _summary(self.app, ctx)["counts"]

    def draw(self, width: int) -> list[Text]:
        line = Text()
        for name, style in SEVERITY_STYLES.items():
            line.append(f" {name} {self.data.get(name, 0)} ", style=style)
            line.append(" ")
        return [line]


SHORT_SCREEN_DEADLINES = 5  # deadlines shown on a short terminal (screens.dashboard.SHORT_SCREEN)


class NextDeadlines(DashboardPanel):
    TITLE = "近期期限（工作日）"
    # a short terminal (80x24) shows the nearest few, so the fund line below still fits on the screen;
    # set by the dashboard at mount and resize (``set_short``), never measured inside ``render``, so a
    # height taken from one drawing always matches the next
    short = False

    def set_short(self, short: bool) -> None:
        if short != self.short:
            self.short = short
            self.refresh(layout=True)

    def early(self, summary: dict):
        from fupin_tui.services.check_fast import deadlines_of

        return deadlines_of(summary)

    def fetch(self, ctx):
        from fupin_tui.services.check_fast import deadlines_of
        from fupin_tui.services.checks import next_deadlines

        summary = _stored(self.app.db_path) if _own_clock(ctx) else None
        return deadlines_of(summary) if summary else next_deadlines(ctx, 10)

    def draw(self, width: int) -> list[Text]:
        if not self.data:
            return [Text("近期没有到期事项。", style="dim")]
        rest = max(width - 10 - 1 - 6 - 1 - 1, 10)
        what_w = max(min(rest // 2, 30), 8)
        who_w = max(rest - what_w - 1, 6)
        out = [Text(fit("截止日期", 10) + " " + fit("剩余", 6, "right") + " " + fit("事项", what_w) + " "
                    + fit("对象", who_w), style="dim")]
        shown = self.data[:SHORT_SCREEN_DEADLINES] if self.short else self.data
        for u in shown:
            left = "今天" if u.workdays_left == 0 else f"{u.workdays_left}天"
            style = "bold yellow" if u.workdays_left <= 5 else ""
            mark = "*" if u.warning else ""
            out.append(Text(fit(u.due.isoformat(), 10) + " " + fit(left + mark, 6, "right") + " "
                            + fit(f"{u.rule} {u.label}", what_w) + " " + fit(u.record_label, who_w), style=style))
        if len(shown) < len(self.data):
            out.append(Text(f"另有{len(self.data) - len(shown)}项，按 F8 体检查看", style="dim"))
        if any(u.warning for u in shown):
            out.append(Text("* 节假日安排未收录，按仅周末休息估算", style="dim"))
        return out


# From this many households on, the 体检 behind the counts runs in a child process (the second
# core), so the app never holds the whole registry (issue 18: under 200 MB at 100,000).
CHILD_FROM = 5000


def _own_clock(ctx) -> bool:
    from fupin_tui import clock

    return getattr(ctx, "today_fn", None) is clock.today  # a child sees the same today


def _stored(db_path):
    from fupin_tui.services.check_fast import stored_summary

    return stored_summary(db_path)


def _summary(app, ctx) -> dict:
    """The counts and next deadlines: kept ones while nothing changed, else worked out and kept."""
    import sqlite3

    from fupin_tui.services import check_fast, checks

    path = app.db_path
    if not _own_clock(ctx):  # a test's fixed today: here, and nothing kept
        result = checks.run_checks(ctx)
        return {"counts": result.counts()}
    summary = check_fast.stored_summary(path)
    if summary is not None:
        return summary
    with sqlite3.connect(str(path), timeout=5) as con:
        version = check_fast.audit_version(con, ctx.today())
        big = con.execute("SELECT COUNT(*) FROM household").fetchone()[0] >= CHILD_FROM
    if big:
        return check_fast.summary_in_child(path)
    return check_fast.make_summary(path, checks.run_checks(ctx), checks.next_deadlines(ctx, 10), version)


class FundExecutionChart(DashboardPanel):
    """Per project: a bar as long as the approved subsidy, split into reimbursed / disbursed / not yet paid."""

    TITLE = "资金执行（按项目，批复补助最多的前10个）"
    LIMIT = 10

    def fetch(self, ctx):
        from fupin_tui.services.checks import fund_execution

        return fund_execution(ctx)

    def draw(self, width: int) -> list[Text]:
        if not self.data:
            return [Text("尚无批复补助的项目。", style="dim")]
        rows = self.data[: self.LIMIT]
        name_w, figure_w = 16, 18
        bar_w = max(width - name_w - figure_w - 2, 10)
        biggest = max(r.approved for r in rows)
        total = [sum((getattr(r, k) for r in self.data), Decimal(0)) for k in ("approved", "disbursed", "reimbursed")]
        out = parts_in_lines([f"全乡镇：批复{total[0]:,.0f}元", f"已拨付{_share(total[1], total[0])}",
                              f"已报账{_share(total[2], total[0])}（共{len(self.data)}个项目）"], width)
        for r in rows:
            length = scaled([r.approved], biggest, bar_w)[0]
            reimbursed = min(r.reimbursed, r.approved)
            disbursed = min(max(r.disbursed, reimbursed), r.approved)
            cells = scaled([reimbursed, disbursed - reimbursed, r.approved - disbursed], r.approved, length)
            line = Text(fit(r.name, name_w) + " ")
            line.append_text(bar(list(zip(cells, FUND_STYLES.values()))))
            line.append(" " * (bar_w - sum(cells)) + " ")
            line.append(fit(f"拨{_share(r.disbursed, r.approved)} 报{_share(r.reimbursed, r.approved)}", figure_w))
            out.append(line)
        out.append(legend(FUND_STYLES))
        return out


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100):.0f}%" if whole else "-"


class HouseholdsByVillageChart(DashboardPanel):
    TITLE = "各村建档立卡户（按状态）"

    def fetch(self, ctx):
        from fupin_tui.services.checks import households_by_village

        return households_by_village(ctx)

    def draw(self, width: int) -> list[Text]:
        if not self.data:
            return [Text("尚无建档立卡户。", style="dim")]
        statuses = [s for s in STATUS_STYLES if any(s in counts for _v, counts in self.data)]
        name_w, figure_w = 10, 8
        bar_w = max(width - name_w - figure_w - 2, 10)
        biggest = max(sum(c.values()) for _v, c in self.data)
        out = []
        for village, counts in self.data:
            total = sum(counts.values())
            length = scaled([total], biggest, bar_w)[0]
            cells = scaled([counts.get(s, 0) for s in statuses], total, length)
            line = Text(fit(village, name_w) + " ")
            line.append_text(bar([(c, STATUS_STYLES[s]) for c, s in zip(cells, statuses)]))
            line.append(" " * (bar_w - sum(cells)) + " " + fit(f"{total}户", figure_w, "right"))
            out.append(line)
        out.append(legend({s: STATUS_STYLES[s] for s in statuses}))
        totals = {s: sum(c.get(s, 0) for _v, c in self.data) for s in statuses}
        out += parts_in_lines([f"{s}{n}户" for s, n in totals.items()], width, style="dim")
        return out


class ProjectsByStateChart(DashboardPanel):
    TITLE = "项目（按进度状态）"

    def fetch(self, ctx):
        from fupin_tui.services.checks import projects_by_state

        return projects_by_state(ctx)

    def draw(self, width: int) -> list[Text]:
        if not self.data:
            return [Text("尚无项目。", style="dim")]
        name_w, figure_w = 10, 6
        bar_w = max(width - name_w - figure_w - 2, 10)
        biggest = max(n for _s, n in self.data)
        out = []
        for state, n in self.data:
            cells = scaled([n], biggest, bar_w)[0]
            line = Text(fit(state, name_w) + " ")
            line.append_text(bar([(max(cells, 1), "on dodger_blue3")]))
            line.append(" " * (bar_w - max(cells, 1)) + " " + fit(str(n), figure_w, "right"))
            out.append(line)
        return out


def panel_width_ok(text: Text, width: int) -> bool:
    """Every drawn line fits the width (used by tests)."""
    return all(cell_len(line.plain) <= width for line in text.split())
