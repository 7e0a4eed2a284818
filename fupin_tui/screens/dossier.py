"""项目档案 of one project, in tabs; every change goes through a service.

Each tab is filled the first time it is shown (and again after a change), so
opening a dossier reads only what the first tab shows. The screen is built
once per app and refilled for each project after that (``open_dossier``), as
the household form is: building its tabs, tables and panels is most of the
cost of opening a dossier.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from fupin_tui import keymap as km

from fupin_tui.domain.archive_known import KNOWN
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.lifecycle import ACCEPTED, FieldSpec
from fupin_tui.domain.money import format_money, parse_amount, parse_date, parse_decimal
from fupin_tui.filenames import safe_name
from fupin_tui.widgets.footer import SteadyFooter
from fupin_tui.widgets.pages import turn_page

TABS = ("基本信息", "资金概算", "受益户", "公示", "进度", "报账", "验收", "档案", "日志",
        "采购备案")  # 采购备案: RULES-2 P22-P25 (screens.dossier_procurement); last, so 1-9 keep their tabs
TAB_IDS = {name: f"tab-{i}" for i, name in enumerate(TABS)}


def _launch(path: str) -> None:
    """Open a file in the system's viewer (photos, scans)."""
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]
    else:
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        subprocess.Popen([opener, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def open_path(path: str) -> str | None:
    """Open ``path``; returns a problem in Chinese, or None when it was handed to the viewer."""
    path = (path or "").strip()
    if not path:
        return "没有登记文件路径"
    if not Path(path).exists():
        return f"找不到文件：{path}"
    try:
        _launch(path)
    except OSError as exc:
        return f"无法打开 {path}：{exc}"
    return None


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _money(value) -> str:
    return format_money(value) if value is not None else ""


# The dossier's own tables (the 进度/报账 panels have theirs), emptied when it is refilled for another project.
_OWN_TABLES = frozenset({"deadlines", "budget", "beneficiaries", "notices", "archive", "events"})
DOSSIER_SCREEN = "project-dossier"


def open_dossier(app, project_id: int, tab: str | None = None, back_to: str | None = None) -> None:
    """Push a project's dossier. Built once per app and refilled for each project after that; a
    dossier already on a screen stack (opened over itself, e.g. from a finding) gets its own.
    ``back_to``: the mode closing it returns to (``FupinApp.pop_screen``)."""
    if app.is_screen_installed(DOSSIER_SCREEN):
        screen = app.get_screen(DOSSIER_SCREEN)
        if not any(screen in stack for stack in app._screen_stacks.values()):
            screen.reopen(project_id, tab)
            screen.back_to_mode = back_to
            app.push_screen(DOSSIER_SCREEN)
            return
        screen = ProjectDossierScreen(project_id, tab)
        screen.back_to_mode = back_to
        app.push_screen(screen)
        return
    screen = ProjectDossierScreen(project_id, tab)
    screen.back_to_mode = back_to
    app.install_screen(screen, DOSSIER_SCREEN)
    app.push_screen(DOSSIER_SCREEN)


def _next_steps(d) -> str:
    """What the clerk can do next, and where: an accepted project's next step (最终报账) is done in 报账."""
    if d.actions:
        return f"可办理：{'、'.join(d.actions)}（按 {km.shown('act')} 办理）"
    if d.state == ACCEPTED:
        return f"可办理：本页无；下一步最终报账，在报账（{km.shown('go-funds')}）里办理"
    return "可办理：无"


def dossier_title(d, width: int) -> str:
    """The dossier's one title line: name, state, subsidy and file number always; the village and
    the year only while they fit, and a long name cut with … last (at 80 columns the line wrapped
    and pushed every tab down a row; the name usually says the village, the header has it whole)."""
    from rich.cells import cell_len, set_cell_size

    state = d.state + (f"（{d.side_state}）" if d.side_state else "")
    tail = [f"状态：{state}", f"补助：{format_money(d.subsidy)}元", f"档号：{d.file_number or '未编号'}"]
    for extra in ([d.village, f"{d.year}年"], [f"{d.year}年"], []):
        text = "　".join([d.name, *extra, *tail])
        if cell_len(text) <= width:
            return text
    room = width - cell_len(text) + cell_len(d.name) - 1  # the name's cells that fit, less the …
    if room < 4:
        return text  # a very narrow terminal: let it wrap rather than lose the name
    return "　".join([set_cell_size(d.name, room).rstrip() + "…", *tail])


class ProjectDossierScreen(Screen):
    DEFAULT_CSS = """
    ProjectDossierScreen #dossier-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    ProjectDossierScreen #tabs { height: 1fr; }
    ProjectDossierScreen #tabs > ContentSwitcher { height: 1fr; }
    ProjectDossierScreen TabPane { padding: 0; height: 1fr; }
    ProjectDossierScreen .tab-note { height: auto; padding: 0 1; color: $text-muted; }
    ProjectDossierScreen .tab-text { height: auto; padding: 0 1; }
    ProjectDossierScreen DataTable { height: 1fr; }
    ProjectDossierScreen #basics-scroll DataTable { height: auto; }
    """
    BINDINGS = [
        km.bind("act", "act", "办理", tooltip="办理下一步（批复、开工、验收、移交等）"),
        km.bind("new", "add", "新增", tooltip="在当前页新增一条（概算、受益户、公示、档案材料）"),
        km.bind("edit", "edit", "修改", tooltip="修改基本信息或所选档案材料"),
        km.bind("void", "void", "作废", tooltip="作废所选一条（须说明原因）"),
        km.bind("open-file", "open_file", "看图", show=False, tooltip="用系统程序打开所选图片或扫描件"),
        km.bind("print", "print", "打印", tooltip="生成卷内目录（Excel）"),
        km.bind("deposit", "deposit", "保证金", show=False, tooltip="登记质量保证金收取/退还/转入"),
        km.bind("back", "back", "返回"),
        *[km.bind(f"tab-{i + 1}", f"tab({i})", name, show=False) for i, name in enumerate(TABS[:9])],
        km.bind("next-tab", "turn_page(1)", "下一页", show=False, priority=True),
        km.bind("prev-tab", "turn_page(-1)", "上一页", show=False, priority=True),
    ]

    def __init__(self, project_id: int, tab: str | None = None) -> None:
        super().__init__()
        self.project_id = project_id
        self.initial_tab = tab if tab in TAB_IDS else TABS[0]
        self.loaded: set[str] = set()
        self.dossier = None
        self.rows: dict[str, list[Any]] = {}

    @property
    def ctx(self):
        return self.app.ctx

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="dossier-title")
        with TabbedContent(initial=TAB_IDS[self.initial_tab], id="tabs"):
            for name in TABS:
                yield TabPane(name, id=TAB_IDS[name])
        yield SteadyFooter()

    def _pane(self, name: str) -> list:
        """The widgets of one tab, built the first time the tab is shown."""
        def table(table_id: str) -> DataTable:
            return DataTable(id=table_id, cursor_type="row", zebra_stripes=True)

        def note(widget_id: str | None = None, text: str = "") -> Static:
            return Static(text, id=widget_id, classes="tab-note")

        if name == "基本信息":
            return [VerticalScroll(Static("", id="basics", classes="tab-text"), note(text="办理时限（工作日）"),
                                   table("deadlines"), id="basics-scroll")]
        if name == "资金概算":
            return [note("budget-note"), table("budget")]
        if name == "受益户":
            return [note("beneficiary-note"), table("beneficiaries")]
        if name == "公示":
            return [note("notice-note", f"{km.shown('new')} 新增公示　{km.shown('open-file')} 看所选公示的图片"),
                    table("notices"),
                    Static("", id="notice-detail", classes="tab-text")]
        if name in ("进度", "报账", "采购备案"):
            return [note(f"panel-{TAB_IDS[name]}")]
        if name == "验收":
            return [VerticalScroll(Static("", id="acceptance", classes="tab-text"))]
        if name == "档案":
            return [note("archive-note"), table("archive")]
        return [table("events")]  # 日志

    async def on_mount(self) -> None:
        self.refresh_title()
        await self.load_tab(self.initial_tab)

    # -- loading --------------------------------------------------------------
    def current_tab(self) -> str:
        active = self.query_one("#tabs", TabbedContent).active
        return next((n for n, i in TAB_IDS.items() if i == active), TABS[0])

    def refresh_title(self) -> None:
        from fupin_tui.services import projects

        d = self.dossier = projects.dossier(self.ctx, self.project_id)
        self.sub_title = d.name
        self._draw_title()

    def _draw_title(self) -> None:
        if self.dossier is not None and self.query("#dossier-title"):  # a resize before the first load
            self.query_one("#dossier-title", Static).update(dossier_title(self.dossier, self.app.size.width - 2))

    def on_resize(self) -> None:
        self._draw_title()

    def reload(self) -> None:
        """After a change: title again, the tab on screen now, the others when next shown."""
        self.loaded.clear()
        self.refresh_title()
        self.call_later(self.load_tab, self.current_tab())

    def data_changed(self, changes) -> None:
        """Saved anywhere (this dossier, 进度, 报账, a dialog): what the dossier shows is read again."""
        if changes.touches("project", self.project_id) and self.is_attached:
            self.reload()

    @on(TabbedContent.TabActivated)
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        name = next((n for n, i in TAB_IDS.items() if i == event.pane.id), None)
        if name:
            await self.load_tab(name)

    async def load_tab(self, name: str) -> None:
        if name in self.loaded:
            return
        self.loaded.add(name)  # before the first await: a second call meanwhile (TabActivated) does nothing
        try:
            pane = self.query_one(f"#{TAB_IDS[name]}", TabPane)
            if not pane.children:
                await pane.mount_all(self._pane(name))
            getattr(self, f"_load_{TABS.index(name)}")()
        except BaseException:
            self.loaded.discard(name)
            raise

    # -- refilled for another project (see open_dossier) --------------------------
    def reopen(self, project_id: int, tab: str | None = None) -> None:
        """Show another project in this built screen: every tab is read again when shown, cursors at the top."""
        self.project_id = project_id
        self.loaded.clear()
        self.rows.clear()
        for table in self.query(DataTable):
            if table.id in _OWN_TABLES:  # the 进度/报账 panels are the panels' own (see _mount_panel)
                table.clear()
        for scroll in self.query(VerticalScroll):
            scroll.scroll_home(animate=False)
        self.refresh_title()
        name = tab if tab in TAB_IDS else TABS[0]
        self.query_one("#tabs", TabbedContent).active = TAB_IDS[name]
        self.call_later(self.load_tab, name)
        self.set_focus(None)  # focus goes where a new dossier's would (Screen auto focus on resume)
        self._refilled = True

    def _on_screen_resume(self, event) -> None:
        """A refill shows the same widgets under the same app classes and theme: Textual's own
        handler (called after this one) need not match the CSS of every widget again."""
        look = (frozenset(self.app.classes), self.app.theme)
        if getattr(self, "_refilled", False) and look == getattr(self, "_look", None):
            event.refresh_styles = False
        self._refilled, self._look = False, look

    @staticmethod
    def _fill(table: DataTable, columns: list[str], rows: list[list[str]]) -> None:
        keep = table.cursor_row  # the clerk stays on the line just edited
        table.clear(columns=True)
        table.add_columns(*columns)
        for row in rows:
            table.add_row(*row)
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))

    def _load_0(self) -> None:  # 基本信息
        d = self.dossier
        deposit = ""
        if d.deposit_rate is not None:
            deposit = (f"质量保证金：{(d.deposit_rate * 100).normalize():f}%　{format_money(d.deposit_amount)}元"
                       f"　{d.deposit_state or '未收取'}{('（' + _d(d.deposit_changed_on) + '）') if d.deposit_changed_on else ''}")
        lines = [
            f"项目类别：{d.category}　建设性质：{d.construction_type}　资金类型：{d.fund_type}　拨付方式：{d.disbursement_mode}",
            f"建设地点：{d.location}",
            f"建设内容：{d.content}",
            f"总投资：{format_money(d.total_investment)}元　财政补助：{format_money(d.subsidy)}元"
            f"　概算合计：{format_money(d.budget_total)}元",
            f"实施单位：{d.implementing_unit}　责任人：{d.responsible_person}　监督电话：{d.supervision_phone}",
            f"计划工期：{_d(d.planned_start)} 至 {_d(d.planned_end)}　开工：{_d(d.started_on)}　完工：{_d(d.completed_on)}",
            f"立项批复：{_d(d.approved_on)} {d.approval_doc_no}　方案批复：{_d(d.plan_approved_on)} "
            f"{d.plan_approval_doc_no}　审查方式：{d.plan_review_kind}",
            f"{'到户项目（资产归受益农户）' if d.household_project else '资产归村集体'}"
            f"{'　公益性基础设施' if d.public_infrastructure else ''}　受益户：{d.beneficiary_count}户",
        ]
        if deposit:
            lines.append(deposit)
        if d.force_majeure:
            lines.append(f"不可抗力：{d.force_majeure}")
        lines.append(_next_steps(d))
        self.query_one("#basics", Static).update("\n".join(lines))
        rows = []
        for x in d.deadlines:
            if x.done_on:
                left = "按期完成" if not x.done_late else "逾期完成"
            elif x.workdays_left < 0:
                left = f"已逾期{-x.workdays_left}个工作日"
            else:
                left = f"剩{x.workdays_left}个工作日"
            rows.append([x.rule, _d(x.due) + ("*" if x.estimated else ""), left, _d(x.done_on), x.label])
        self._fill(self.query_one("#deadlines", DataTable), ["规则", "期限", "剩余", "完成", "事项"], rows)
        warning = next((x.warning for x in d.deadlines if x.warning), None)
        if warning:
            self.notify(f"* {warning}", severity="warning", timeout=6)

    def _load_1(self) -> None:  # 资金概算
        from fupin_tui.services import projects

        lines = self.rows["资金概算"] = projects.budget_lines(self.ctx, self.project_id)
        total = sum((b.amount for b in lines), start=0)
        self.query_one("#budget-note", Static).update(
            f"共{len(lines)}项，合计{format_money(total)}元；财政补助{format_money(self.dossier.subsidy)}元。"
            f"{km.shown('new')} 新增"  # 作废 only while it can be done: before the plan is approved
            + ("" if self.dossier.plan_approved_on else f"　{km.shown('void')} 作废"))
        self._fill(self.query_one("#budget", DataTable), ["明细", "单位", "数量", "单价", "金额", "支出类别"],
                   [[b.item, b.unit, f"{b.quantity.normalize():f}", _money(b.unit_price), _money(b.amount),
                     b.spending_kind] for b in lines])

    def _load_2(self) -> None:  # 受益户
        from fupin_tui.services import projects

        rows = self.rows["受益户"] = projects.beneficiaries(self.ctx, self.project_id)
        people = sum(r.size for r in rows)
        self.query_one("#beneficiary-note", Static).update(
            f"受益{len(rows)}户{people}人。{km.shown('new')} 新增（户编号或户主姓名）　{km.shown('void')} 作废")
        self._fill(self.query_one("#beneficiaries", DataTable),
                   ["户编号", "户主", "村", "状态", "人口", "受益方式", "金额", "申请"],
                   [[r.household_no, r.head_name, r.village, r.status, str(r.size), r.benefit, _money(r.amount),
                     "是" if r.applied else "否"] for r in rows])

    def _load_3(self) -> None:  # 公示
        from fupin_tui.services import projects

        rows = self.rows["公示"] = projects.notices(self.ctx, self.project_id)
        self._fill(self.query_one("#notices", DataTable), ["类型", "日期", "地点", "图片", "缺项"],
                   [[n.kind, _d(n.published_on), n.place, str(len(n.photo_paths)),
                     "、".join(n.missing) or "齐全"] for n in rows])
        self._show_notice(0)

    def _show_notice(self, index: int) -> None:
        rows = self.rows.get("公示") or []
        text = ""
        if 0 <= index < len(rows):
            n = rows[index]
            text = "\n".join(f"{k}：{v}" for k, v in n.fields.items())
            if n.photo_paths:
                text += "\n图片：" + "；".join(n.photo_paths)
        self.query_one("#notice-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#notices")
    def _notice_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_notice(event.cursor_row)

    def _mount_panel(self, name: str, module: str, cls: str) -> None:
        holder = self.query_one(f"#panel-{TAB_IDS[name]}", Static)
        try:
            panel_cls = getattr(__import__(module, fromlist=[cls]), cls)
        except (ImportError, AttributeError):
            holder.update(f"「{name}」由进度与报账模块提供，尚未安装。")
            return
        pane = self.query_one(f"#{TAB_IDS[name]}", TabPane)
        holder.display = False
        existing = pane.query(panel_cls)
        if existing and existing.first().project_id == self.project_id:
            existing.first().refresh_data()  # read again in place: the clerk keeps focus and cursor
            return
        if existing:  # the dossier was refilled for another project: nothing typed for the last one stays
            existing.remove()
        pane.mount(panel_cls(self.project_id))

    def _load_4(self) -> None:  # 进度
        self._mount_panel("进度", "fupin_tui.screens.progress_panel", "ProgressPanel")

    def _load_5(self) -> None:  # 报账
        self._mount_panel("报账", "fupin_tui.screens.funds_panel", "FundsPanel")

    def _load_6(self) -> None:  # 验收
        d = self.dossier
        parts = ["验收记录："]
        parts += [f"  {a.done_on}　{a.kind}　{a.grade or ''}　{a.organiser}　{a.report_no}" for a in d.acceptances]
        if len(parts) == 1:
            parts.append("  （尚无）")
        if d.audit_opinion_on:
            parts.append(f"审计意见：{d.audit_opinion_on}　{d.audit_opinion_doc_no}")
        if d.rectifications:
            parts.append("整改事项：")
            parts += [f"  {r.item}　期限{r.deadline}　{('已于' + _d(r.done_on) + '完成') if r.done_on else '未完成'}"
                      for r in d.rectifications]
        if d.adjustments:
            parts.append("项目调整：")
            parts += [f"  申请{a[0]}　{('批复' + _d(a[1])) if a[1] else '审核中'}　{a[2]}　{a[3]}" for a in d.adjustments]
        if d.assets:
            parts.append("移交清单（P19）：")
            parts += [f"  {a.name}　{a.quantity.normalize():f}{a.unit}　{format_money(a.value)}元　归属：{a.owner_name}"
                      f"　管护：{a.maintainer} {a.maintenance_duty}" for a in d.assets]
        self.query_one("#acceptance", Static).update("\n".join(parts))

    def _load_9(self) -> None:  # 采购备案
        self._mount_panel("采购备案", "fupin_tui.screens.dossier_procurement", "DutiesPanel")

    def _load_7(self) -> None:  # 档案
        from fupin_tui.services import archive

        rows = self.rows["档案"] = archive.checklist(self.ctx, self.project_id)
        needed = [r for r in rows if r.needed]
        present = sum(1 for r in needed if r.present)
        # At 80 columns a title's bracketed detail gives way, so that 来源 is read whole; and the hint
        # keeps to one line (the footer names Ctrl+D 打印 already).
        narrow = self.app.size.width < 110
        self.query_one("#archive-note", Static).update(
            f"档号：{self.dossier.file_number or '未编号（归档时自动编号）'}　材料{present}/{len(needed)}"
            f"　{km.shown('new')} 登记所选材料　{km.shown('open-file')} 看扫描件"
            + ("" if narrow else f"　{km.shown('print')} 打印卷内目录"))
        # 来源: a document ticked by the record that stands for it says which record (not unticked by hand).
        self._fill(self.query_one("#archive", DataTable),
                   ["序号", "材料", "状态", "收到日期", "来源", "份数", "存放位置", "扫描件"],
                   [[str(r.doc_no), r.title.split("（")[0] if narrow else r.title,
                     ("有" if r.present else "缺") if r.needed else "不需", _d(r.received_on),
                     r.source.removeprefix(KNOWN) or ("手工登记" if r.version is not None and r.present else ""),
                     str(r.copies or ""), r.storage_place, "有" if r.scan_path else ""]
                    for r in rows])

    def _load_8(self) -> None:  # 日志
        from fupin_tui.services import projects

        self._fill(self.query_one("#events", DataTable), ["日期", "步骤", "从", "到", "文号", "审批", "经办人", "备注"],
                   [[_d(e.happened_on), e.action, e.from_state, e.to_state, e.document_no, e.approver, e.operator,
                     e.note] for e in projects.events(self.ctx, self.project_id)])

    # -- helpers --------------------------------------------------------------
    def _selected(self, tab: str, table_id: str):
        rows = self.rows.get(tab) or []
        index = self.query_one(table_id, DataTable).cursor_row
        return rows[index] if 0 <= index < len(rows) else None

    def _dialog(self, title: str, fields: list[FieldSpec], submit: Callable[[dict, bool], Any], *,
                notes=(), initial=None, done: str = "已保存", draft: str | None = None) -> None:
        from fupin_tui.dialogs.kit import SpecDialog

        def finished(result) -> None:
            if result is not None:
                self.notify(done)
                self.reload()

        dialog = SpecDialog(title, fields, submit, notes=notes, initial=initial)
        if draft:  # what is typed is kept as a draft of this project's dialog (widgets.drafts)
            dialog.draft_key, dialog.draft_title = f"project:{self.project_id}:{draft}", f"{self.dossier.name} {title}"
        self.app.push_screen(dialog, finished)

    def on_key(self, event) -> None:
        """Down on the tab bar goes into the tab (its table): a clerk on 档案 presses Down to reach
        the first document, not a key that does nothing."""
        from textual.widgets import Tabs

        if event.key != "down" or not isinstance(self.focused, Tabs):
            return
        tabs = self.query_one("#tabs", TabbedContent)
        pane = tabs.get_pane(tabs.active) if tabs.active else None
        target = next((w for w in pane.query("*") if w.focusable and w.display), None) if pane else None
        if target is not None:
            event.stop()
            event.prevent_default()
            target.focus()

    # -- actions --------------------------------------------------------------
    def action_tab(self, index: int) -> None:
        self.query_one("#tabs", TabbedContent).active = TAB_IDS[TABS[index]]

    def action_turn_page(self, step: int) -> None:
        turn_page(self.query_one("#tabs", TabbedContent), step)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_act(self) -> None:
        from fupin_tui.dialogs.lifecycle_dialog import ActionMenu

        self.app.push_screen(ActionMenu("办理下一步", self.dossier.actions), self._act_chosen)

    def _act_chosen(self, action: str | None) -> None:
        if not action:
            return
        from fupin_tui.dialogs.lifecycle_dialog import LifecycleDialog
        from fupin_tui.services import projects

        form = projects.action_form(self.ctx, self.project_id, action)
        version = self.dossier.row_version  # as shown: a save over another window's newer one is refused

        def submit(raw: dict, _confirmed: bool):
            return projects.perform(self.ctx, self.project_id, action, raw, loaded_version=version)

        def finished(t) -> None:
            if t is not None:
                self.notify(f"已办理：{action}，项目状态为“{t.to_state}”")
                self.reload()

        initial = {"date": self.ctx.today().isoformat()}
        self.app.push_screen(LifecycleDialog(self.dossier.name, action, form.fields, form.notes, submit, initial),
                             finished)

    def action_add(self) -> None:
        tab = self.current_tab()
        handler = {"资金概算": self._add_budget, "受益户": self._add_beneficiary, "公示": self._add_notice,
                   "档案": self._record_document, "采购备案": self._add_contract}.get(tab)
        if handler is None:
            self.notify(f"「{tab}」页不能新增；请到资金概算、受益户、公示或档案页。", severity="warning")
            return
        handler()

    def _add_contract(self) -> None:
        from fupin_tui.screens.dossier_procurement import DutiesPanel

        self.query_one(DutiesPanel).add_contract()

    def _add_budget(self) -> None:
        from fupin_tui.services import projects

        kinds = tuple(self.ctx.codes.items("支出类别"))
        fields = [FieldSpec("item", "明细"), FieldSpec("unit", "单位", required=False),
                  FieldSpec("quantity", "数量"), FieldSpec("unit_price", "单价（元）", "money"),
                  FieldSpec("spending_kind", "支出类别", "choice", choices=kinds)]

        def submit(raw: dict, _c: bool):
            quantity = parse_decimal(raw["quantity"], "数量", places=3) if raw["quantity"].strip() else None
            price = parse_amount(raw["unit_price"], "单价（元）") if raw["unit_price"].strip() else None
            if not raw["spending_kind"]:
                raise InputError("支出类别", "请选择一项")
            return projects.add_budget_line(self.ctx, self.project_id, item=raw["item"], unit=raw["unit"],
                                            quantity=quantity, unit_price=price, spending_kind=raw["spending_kind"])

        self._dialog("新增资金概算明细", fields, submit, notes=["金额 = 数量 × 单价，四舍五入到分"],
                     initial={"spending_kind": "工程建设"})

    def _add_beneficiary(self) -> None:
        from fupin_tui.services import projects

        fields = [FieldSpec("household", "户编号或户主"), FieldSpec("benefit", "受益方式", required=False,
                                                                  hint="到户补助、务工、分红等"),
                  FieldSpec("amount", "受益金额（元）", "money", required=False),
                  FieldSpec("applied", "本人申请", "choice", choices=("是", "否"))]

        def submit(raw: dict, _c: bool):
            key = raw["household"].strip()
            if not key:
                raise InputError("户编号或户主", "不能为空")
            found = projects.find_households(self.ctx, key)
            exact = [h for h in found if h[1] == key or h[2] == key]
            match = exact if len(exact) == 1 else found
            if len(match) != 1:
                names = "、".join(f"{h[2]}（{h[1]}）" for h in match[:4])
                raise InputError("户编号或户主", f"找到{len(match)}户{('：' + names) if names else ''}，请输入完整户编号")
            amount = parse_amount(raw["amount"], "受益金额（元）") if raw["amount"].strip() else None
            return projects.add_beneficiary(self.ctx, self.project_id, match[0][0], benefit=raw["benefit"],
                                            amount=amount, applied=raw["applied"] != "否")

        self._dialog("新增受益户", fields, submit, notes=["P20：受益户须为在册贫困户（公益性基础设施除外）"],
                     initial={"applied": "是"})

    def _add_notice(self) -> None:
        from fupin_tui.dialogs.lifecycle_dialog import ActionMenu
        from fupin_tui.services import projects

        def chosen(kind: str | None) -> None:
            if not kind:
                return
            items = projects.NOTICE_FIELDS[kind]
            fields = [FieldSpec("published_on", "公示日期", "date"), FieldSpec("place", "公示地点")]
            fields += [FieldSpec(f"item{i}", k) for i, k in enumerate(items)]
            fields.append(FieldSpec("photo_paths", "图片路径（每行一个）", "lines", required=False))
            defaults = projects.notice_defaults(self.ctx, self.project_id, kind)
            initial = {f"item{i}": defaults.get(k, "") for i, k in enumerate(items)}
            initial["published_on"] = self.ctx.today().isoformat()
            rule = projects.NOTICE_RULES[kind][0]

            def submit(raw: dict, _c: bool):
                published = parse_date(raw["published_on"], "公示日期") if raw["published_on"].strip() else None
                values = {k: raw[f"item{i}"] for i, k in enumerate(items)}
                return projects.save_notice(self.ctx, self.project_id, kind=kind, published_on=published,
                                            place=raw["place"], fields=values, photo_paths=raw["photo_paths"])

            self._dialog(f"新增{kind}", fields, submit, notes=[f"{rule}：以下各项都须公示"], initial=initial,
                         draft=f"notice:{kind}")

        self.app.push_screen(ActionMenu("公示类型", list(projects.NOTICE_FIELDS)), chosen)

    def _record_document(self) -> None:
        from fupin_tui.services import archive

        row = self._selected("档案", "#archive")
        if row is None:
            return
        version = row.version
        fields = [FieldSpec("received_on", "收到日期", "date"), FieldSpec("copies", "份数"),
                  FieldSpec("pages", "页数", required=False), FieldSpec("storage_place", "存放位置", required=False),
                  FieldSpec("scan_path", "扫描件路径", required=False), FieldSpec("note", "备注", required=False)]
        # a dossier's papers go to one cabinet: a new one is offered the place of the nearest one filed above it
        rows = self.rows.get("档案") or []
        above = [r.storage_place for r in rows if r.doc_no < row.doc_no and r.storage_place]
        place = row.storage_place or (above[-1] if above else next((r.storage_place for r in rows if r.storage_place), ""))
        initial = {"received_on": _d(row.received_on) or self.ctx.today().isoformat(), "copies": str(row.copies or 1),
                   "pages": str(row.pages or ""), "storage_place": place, "scan_path": row.scan_path,
                   "note": row.note}

        def number(text: str, label: str) -> int:
            text = text.strip()
            if not text:
                return 0
            if not text.isdigit():
                raise InputError(label, "应为整数")
            return int(text)

        def submit(raw: dict, _c: bool):
            received = parse_date(raw["received_on"], "收到日期") if raw["received_on"].strip() else None
            archive.record_document(self.ctx, self.project_id, row.doc_no, received_on=received,
                                    copies=number(raw["copies"], "份数"), pages=number(raw["pages"], "页数"),
                                    storage_place=raw["storage_place"], scan_path=raw["scan_path"], note=raw["note"],
                                    loaded_version=version)
            return True

        self._dialog(f"登记档案材料 {row.doc_no} {row.title}", fields, submit, initial=initial)

    def action_edit(self) -> None:
        tab = self.current_tab()
        if tab == "档案":
            self._record_document()
        elif tab == "基本信息":
            self._edit_basics()
        else:
            self.notify("修改：请到基本信息或档案页；其他记录作废后重新登记。", severity="warning")

    def _edit_basics(self) -> None:
        from fupin_tui.services import projects

        d = self.dossier
        labels = projects.BASIC_LABELS
        fields = [FieldSpec(k, labels[k], required=k == "name") for k in
                  ("name", "location", "content", "implementing_unit", "responsible_person", "supervision_phone")]
        fields += [FieldSpec("disbursement_mode", labels["disbursement_mode"], "choice",
                             choices=projects.DISBURSEMENT_MODES),
                   FieldSpec("household_project", labels["household_project"], "choice", choices=("是", "否")),
                   FieldSpec("public_infrastructure", labels["public_infrastructure"], "choice", choices=("是", "否")),
                   FieldSpec("force_majeure", labels["force_majeure"], required=False, hint="P14 因不可抗力未按期开工时填写")]
        initial = {f.key: getattr(d, f.key) for f in fields}
        for key in ("household_project", "public_infrastructure"):
            initial[key] = "是" if initial[key] else "否"
        version = d.row_version

        def submit(raw: dict, _c: bool):
            data = dict(raw)
            for key in ("household_project", "public_infrastructure"):
                data[key] = raw[key] == "是"
            projects.update_basics(self.ctx, self.project_id, data, loaded_version=version)
            return True

        self._dialog("修改基本信息", fields, submit, initial=initial, draft="basics")

    def action_void(self) -> None:
        from fupin_tui.dialogs.reason import ReasonDialog
        from fupin_tui.services import archive, projects

        tab = self.current_tab()
        if tab == "资金概算":
            row = self._selected(tab, "#budget")
            what, call = (row and row.item), (lambda r: projects.void_budget_line(self.ctx, row.id, r,
                                                                                  loaded_version=row.version))
        elif tab == "受益户":
            row = self._selected(tab, "#beneficiaries")
            what, call = (row and f"{row.head_name}户"), (lambda r: projects.void_beneficiary(
                self.ctx, row.id, r, loaded_version=row.version))
        elif tab == "档案":
            row = self._selected(tab, "#archive")
            if row is not None and row.source:  # say why, before asking for a reason that cannot help
                self.notify(f"「{row.title}」{row.source}，随该记录自动勾选，不能手工撤销；"
                            "如登记有误，请作废或更正该记录。", severity="warning")
                return
            what = row and row.present and row.title
            call = lambda r: archive.void_document(self.ctx, self.project_id, row.doc_no, r,  # noqa: E731
                                                   loaded_version=row.version)
        else:
            self.notify("本页没有可作废的记录。", severity="warning")
            return
        if not what:
            return

        def answered(reason: str | None) -> None:
            if not reason:
                return
            try:
                call(reason)
            except DomainError as exc:
                self.notify(str(exc), title="未作废", severity="error", timeout=8)
                return
            self.notify(f"已作废：{what}")
            self.reload()

        self.app.push_screen(ReasonDialog(f"作废：{what}", "作废原因"), answered)

    def action_open_file(self) -> None:
        tab = self.current_tab()
        path = ""
        if tab == "公示":
            row = self._selected(tab, "#notices")
            path = row.photo_paths[0] if row and row.photo_paths else ""
        elif tab == "档案":
            row = self._selected(tab, "#archive")
            path = row.scan_path if row else ""
        else:
            self.notify("请在公示或档案页选中一条再打开图片。", severity="warning")
            return
        problem = open_path(path)
        if problem:
            self.notify(problem, severity="warning")
        else:
            self.notify(f"已打开：{path}")

    def action_print(self) -> None:
        from fupin_tui.excel.project_print import print_dir, write_archive_index

        name = self.dossier.file_number or f"项目{self.project_id}"
        path = print_dir(self.ctx) / safe_name("卷内目录", name, ext=".xlsx", sep="_")
        from fupin_tui.dialogs.stripped import printed
        from fupin_tui.excel.styles import collect_stripped

        try:
            with collect_stripped() as stripped:
                write_archive_index(self.ctx, self.project_id, path)
        except OSError as exc:
            self.notify(f"无法写入 {path}：{exc}", severity="error")
            return
        printed(self, stripped, f"卷内目录已生成：{path}", here=f"project:{self.project_id}")

    def action_deposit(self) -> None:
        from fupin_tui.services import projects

        fields = [FieldSpec("state", "保证金状态", "choice", choices=projects.DEPOSIT_STATES),
                  FieldSpec("on", "日期", "date")]
        version = self.dossier.row_version

        def submit(raw: dict, _c: bool):
            if not raw["state"]:
                raise InputError("保证金状态", "请选择一项")
            on = parse_date(raw["on"], "日期")
            projects.set_deposit_state(self.ctx, self.project_id, raw["state"], on, loaded_version=version)
            return True

        self._dialog("质量保证金（P21）", fields, submit, initial={"on": self.ctx.today().isoformat()})
