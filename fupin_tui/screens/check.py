"""体检: every rule of the regulation checked, grouped by severity and rule, filterable.

Left: the groups (severity, then rule) with counts.  Right: the findings of the
chosen group, drawn lazily (tens of thousands are fine).  Below: the whole
message of the finding under the cursor and its acknowledgement, if any.
Enter opens the household or project at the right tab; A acknowledges with a
reason (kept and shown); the check itself runs in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from fupin_tui import keymap as km
from fupin_tui.domain.text_check import fold_search

from fupin_tui.widgets.lazy_table import LazyColumn, LazyTable
from fupin_tui.widgets.footer import SteadyFooter

SEVERITIES = ("逾期", "即将到期", "不合规", "提示")
ACKED = "已确认"
ALL = "全部"


@dataclass(frozen=True)
class Group:
    severity: str  # one of SEVERITIES, 已确认, or 全部
    rule: str = ""  # "" = every rule of the severity

    @property
    def key(self) -> str:
        return f"{self.severity}|{self.rule}"


def group_of(finding) -> str:
    return ACKED if finding.ack else finding.severity


def _norm(text: str) -> str:
    return fold_search(text)


def matches(finding, needle: str) -> bool:
    """Filter by rule id, record, date or any word of the message (full-width typing tolerated)."""
    if not needle:
        return True
    hay = _norm(" ".join((finding.rule, finding.section, finding.record_label, finding.message,
                          finding.due.isoformat() if finding.due else "", finding.ack.reason if finding.ack else "")))
    return all(part in hay for part in _norm(needle).split())


class _FindingSource:
    """Rows for the lazy table from the current (filtered) list of findings."""

    def __init__(self) -> None:
        self.rows: list = []

    def fetch(self, offset: int, limit: int, previous):
        return self.rows[offset:offset + limit]

    def cells(self, f):
        due = f.due.isoformat() if f.due else ""
        left = "" if f.workdays_left is None else str(f.workdays_left)
        mark = "[已确认] " if f.ack else ""
        return (f.rule, f.severity, due, left, f.record_label, mark + f.message)


class CheckScreen(Screen):
    DEFAULT_CSS = """
    CheckScreen #check-top { height: 1; }
    CheckScreen #check-filter { width: 1fr; min-width: 20; height: 1; border: none; padding: 0 1; }
    CheckScreen #check-summary { width: auto; padding: 0 1; color: $text-muted; }
    CheckScreen #check-groups { width: 20; height: 1fr; border-right: vkey $primary 40%; }
    CheckScreen #check-findings { height: 1fr; }
    CheckScreen #check-detail { height: auto; min-height: 4; max-height: 9; border-top: hkey $primary 40%; padding: 0 1; }
    """
    BINDINGS = [
        km.bind("open", "open", "打开记录", show=False),
        km.bind("act", "acknowledge", "确认", tooltip="写明原因后确认本条（如不可抗力），记录保留"),
        km.bind("void", "withdraw", "撤销确认", show=False, tooltip="撤销所选一条的确认（记录保留）"),
        km.bind("find", "focus_filter", "筛选", tooltip="按规则号、户号、项目名、日期或文字筛选"),
        km.bind("check", "reload", "重新体检"),
        km.bind("evaluation", "evaluation", "绩效自评"),
        km.bind("back", "back", "返回", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result = None
        self.group = Group(ALL)
        self.source = _FindingSource()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="check-top"):
            yield Input(placeholder="筛选：规则号、户号、项目名、日期或文字（/）", id="check-filter")
            yield Static("正在体检…", id="check-summary")
        with Horizontal():
            yield OptionList(id="check-groups")
            with Vertical():
                yield LazyTable([LazyColumn("规则", 4), LazyColumn("程度", 8), LazyColumn("截止日期", 10),
                                 LazyColumn("剩余", 4, "right"), LazyColumn("对象", 18), LazyColumn("说明", 10)],
                                self.source, id="check-findings")
                yield Static("", id="check-detail")
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one(LazyTable)
        self.watch(table, "cursor_row", self._show_detail, init=False)
        table.focus()
        if self.app.ctx is not None:
            self.action_reload()

    def database_ready(self) -> None:
        # on_mount already started a check when the database was open
        if self.is_mounted and self.query("#check-summary") and self.result is None and not self.workers:
            self.action_reload()

    def data_changed(self, _changes) -> None:
        """A record was fixed (or broken) somewhere: check again, so what is listed is true."""
        if self.result is not None:
            self.action_reload()

    # -- loading ----------------------------------------------------------------
    def action_reload(self) -> None:
        self.query_one("#check-summary", Static).update("正在体检…")
        self._run()

    @work(thread=True, exclusive=True, group="check", description="体检")
    def _run(self) -> None:
        from fupin_tui.services.checks import run_checks

        result = run_checks(self.app.ctx)
        self.app.call_from_thread(self._loaded, result)

    def _loaded(self, result) -> None:
        before = self.current  # checked again after a fix: stay on the same finding, or where it was
        row = self.query_one(LazyTable).cursor_row
        self.result = result
        counts = result.counts()
        shown = [k for k in (*SEVERITIES, ACKED) if counts[k] or k != ACKED]
        self.query_one("#check-summary", Static).update(" ".join(f"{k}{counts[k]}" for k in shown))
        self._fill_groups()
        self._apply()
        if before is not None:
            self._put_cursor(before, row)

    def _put_cursor(self, finding, row: int) -> None:
        table = self.query_one(LazyTable)
        same = (finding.rule, finding.record, finding.message)
        index = next((i for i, f in enumerate(self.source.rows) if (f.rule, f.record, f.message) == same), None)
        if index is None:
            index = min(row, len(self.source.rows) - 1)
        if index > 0:
            table.cursor_row = index  # the watcher scrolls it into view
            self._show_detail(index)

    def _fill_groups(self) -> None:
        groups = self.query_one("#check-groups", OptionList)
        findings = self.result.findings if self.result else []
        by: dict[str, dict[str, int]] = {}
        for f in findings:
            by.setdefault(group_of(f), {}).setdefault(f.rule, 0)
            by[group_of(f)][f.rule] += 1
        options = [Option(f"{ALL} {len(findings)}", id=Group(ALL).key)]
        for severity in (*SEVERITIES, ACKED):
            rules = by.get(severity)
            if not rules:
                continue
            options.append(Option(f"{severity} {sum(rules.values())}", id=Group(severity).key))
            options += [Option(f"  {rule} {n}", id=Group(severity, rule).key) for rule, n in rules.items()]
        keep = self.group.key
        groups.clear_options()
        groups.add_options(options)
        ids = [o.id for o in options]
        groups.highlighted = ids.index(keep) if keep in ids else 0
        if keep not in ids:
            self.group = Group(ALL)

    # -- filtering --------------------------------------------------------------
    def visible(self) -> list:
        if self.result is None:
            return []
        needle = self.query_one("#check-filter", Input).value.strip()
        g = self.group
        return [f for f in self.result.findings
                if (g.severity == ALL or group_of(f) == g.severity) and (not g.rule or f.rule == g.rule)
                and matches(f, needle)]

    def _apply(self, keep_cursor: bool = False) -> None:
        self.source.rows = self.visible()
        table = self.query_one(LazyTable)
        table.reset(len(self.source.rows), keep_cursor=keep_cursor)
        self._show_detail(table.cursor_row)

    @on(OptionList.OptionHighlighted, "#check-groups")
    def _group_chosen(self, event: OptionList.OptionHighlighted) -> None:
        severity, _, rule = (event.option.id or "").partition("|")
        group = Group(severity or ALL, rule)
        if group != self.group:
            self.group = group
            self._apply()

    @on(OptionList.OptionSelected, "#check-groups")
    def _group_entered(self) -> None:
        self.query_one(LazyTable).focus()

    def show_rule(self, rule_id: str) -> None:
        """Only ``rule_id``'s findings (the palette's ``P13``): the filter says so and can be cleared."""
        self.query_one("#check-filter", Input).value = rule_id
        self._apply()
        self.query_one(LazyTable).focus()

    @on(Input.Changed, "#check-filter")
    def _filter_changed(self) -> None:
        self._apply()

    @on(Input.Submitted, "#check-filter")
    def _filter_done(self) -> None:
        self.query_one(LazyTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#check-filter", Input).focus()

    def action_back(self) -> None:
        if self.query_one("#check-filter", Input).has_focus:
            self.query_one(LazyTable).focus()

    # -- the finding under the cursor -------------------------------------------
    @property
    def current(self):
        return self.query_one(LazyTable).current

    def _show_detail(self, _row: int = 0) -> None:
        f = self.current
        detail = self.query_one("#check-detail", Static)
        if f is None:
            detail.update("没有符合条件的检查结果。" if self.result else "")
            return
        head = f"[{f.rule} {f.section}] {f.severity}  {f.record_label}"
        if f.due:
            head += f"  截止{f.due.isoformat()}"
        text = f"{head}\n{f.message}"
        if f.ack:
            text += f"\n已确认：{f.ack.reason}（{f.ack.by}，{f.ack.at:%Y-%m-%d}）  按 U 撤销"
        detail.update(text)

    @on(LazyTable.RowSelected)
    def _row_selected(self, event: LazyTable.RowSelected) -> None:
        self.open_finding(event.row)

    def action_open(self) -> None:
        if self.current is not None:
            self.open_finding(self.current)

    def open_finding(self, f) -> None:
        if f.record.startswith(("project:", "household:")):
            self.app.open_record(f.record, tab=f.tab, back_to="check")  # Esc comes back to this list
        elif f.rule == "Y01":
            from fupin_tui.screens.evaluation import EvaluationScreen

            self.app.push_screen(EvaluationScreen(int(f.record.split(":")[1]) if ":" in f.record else None))
        else:
            self.notify("本条针对全乡镇，没有单独的记录可打开。", severity="information")

    def action_evaluation(self) -> None:
        from fupin_tui.screens.evaluation import EvaluationScreen

        self.app.push_screen(EvaluationScreen())

    # -- acknowledging ----------------------------------------------------------
    def action_acknowledge(self) -> None:
        f = self.current
        if f is None:
            return
        if f.ack:
            self.notify(f"本条已确认：{f.ack.reason}", severity="information")
            return
        from fupin_tui.dialogs.reason import ReasonDialog

        self.app.push_screen(
            ReasonDialog(f"确认 {f.rule}：{f.record_label}", "确认原因", placeholder="如：不可抗力、已线下报送县扶贫办"),
            lambda reason: self._acknowledged(f, reason))

    def _acknowledged(self, f, reason: str | None) -> None:
        if not reason:
            return
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.services.checks import acknowledge

        try:
            acknowledge(self.app.ctx, f, reason)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"已确认 {f.rule}（{f.record_label}）：{reason}")
        self.action_reload()

    def action_withdraw(self) -> None:
        f = self.current
        if f is None or not f.ack:
            return
        from fupin_tui.dialogs.reason import ReasonDialog

        self.app.push_screen(ReasonDialog(f"撤销确认 {f.rule}：{f.record_label}", "撤销原因"),
                             lambda reason: self._withdrawn(f, reason))

    def _withdrawn(self, f, reason: str | None) -> None:
        if not reason:
            return
        from fupin_tui.services.checks import withdraw_ack

        withdraw_ack(self.app.ctx, f, reason)
        self.notify(f"已撤销对 {f.rule} 的确认")
        self.action_reload()
