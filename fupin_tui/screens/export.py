"""导出 export: write the submission package in a worker, with a progress bar and a cancel key."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option

from fupin_tui import keymap as km
from fupin_tui.widgets.footer import SteadyFooter

ALL_VILLAGES = "__all__"
# What the print key writes: the package, or one project's signed or posted list.
PACKAGE, ROSTER, NOTICE = "package", "roster", "notice"
WHAT = [("上报包（全部工作簿）", PACKAGE), ("到户补助发放花名册（一个项目）", ROSTER), ("受益户公示（一个项目）", NOTICE)]
NO_PROJECT = "__none__"
_LISTED = 200  # stripped cells listed on the screen (each opens its record)


def default_out_dir() -> Path:
    return Path.home() / "上报包"


class ExportScreen(Screen):
    """Choose period and village, then export; the progress bar follows the rows written."""

    BINDINGS = [
        km.bind("print", "export", "导出或打印", tooltip="按所选内容导出上报包，或打印一个项目的发放花名册、受益户公示"),
        km.bind("back", "cancel_or_back", "取消/返回",
                tooltip="导出时：停止导出，不留下半成品；否则返回工作台"),
        km.bind("new", "import_roster", "导入花名册", tooltip="从花名册（Excel）导入户和成员"),
    ]

    DEFAULT_CSS = """
    ExportScreen #export-form { height: auto; padding: 0 1; }
    ExportScreen .row { height: 3; }
    ExportScreen .row Label { width: 10; padding: 1 1 0 0; }
    ExportScreen .row Input, ExportScreen .row Select { width: 1fr; }
    ExportScreen #export-progress { margin: 1 1 0 1; }
    ExportScreen #export-status { padding: 0 1; height: auto; }
    ExportScreen #export-result { padding: 0 1; height: auto; }
    ExportScreen #export-stripped { height: auto; max-height: 12; margin: 0 1; display: none; }
    ExportScreen #export-stripped.shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._cancel: threading.Event | None = None
        self.running = False
        self.last_result = None
        self.stripped: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("导出上报包", classes="title")
            yield Static("每个乡镇、每个报送期一个 zip：可打印的工作簿和清单 manifest.json", classes="muted")
            with Vertical(id="export-form"):
                with Horizontal(classes="row"):
                    yield Label("内容")
                    yield Select(WHAT, id="export-what", value=PACKAGE, allow_blank=False)
                with Horizontal(classes="row"):
                    yield Label("项目")
                    yield Select([("（上报包不用选）", NO_PROJECT)], id="export-project", value=NO_PROJECT,
                                 allow_blank=False)
                with Horizontal(classes="row"):
                    yield Label("报送期")
                    yield Input(id="export-period", placeholder="如 2026-11")
                with Horizontal(classes="row"):
                    yield Label("范围")
                    yield Select([("全乡镇", ALL_VILLAGES)], id="export-village", value=ALL_VILLAGES,
                                 allow_blank=False)
                with Horizontal(classes="row"):
                    yield Label("保存到")
                    yield Input(id="export-dir")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(f"按 {km.shown('print')} 导出或打印；导出时按 Esc 取消。", id="export-status", classes="muted")
            yield Static("", id="export-result")
            # cells whose control characters were removed, one a line: Enter opens the record to fix it
            yield OptionList(id="export-stripped")
        yield SteadyFooter()

    def on_mount(self) -> None:
        from fupin_tui.excel.package import default_period
        from fupin_tui.services import township

        ctx = self.app.ctx
        self.query_one("#export-period", Input).value = default_period(ctx.today())
        self.query_one("#export-dir", Input).value = str(default_out_dir())
        options = [("全乡镇", ALL_VILLAGES)] + [(f"{v.name}（{v.code}）", v.code) for v in township.villages(ctx)]
        self.query_one("#export-village", Select).set_options(options)
        self.query_one("#export-village", Select).value = ALL_VILLAGES
        projects = [(f"{p.name}（{p.file_number or '未编档号'}）", p.id) for p in _printable_projects(ctx)]
        self.query_one("#export-project", Select).set_options([("（上报包不用选）", NO_PROJECT)] + projects)
        self.query_one("#export-project", Select).value = NO_PROJECT
        self.query_one("#export-progress", ProgressBar).update(total=1, progress=0)  # still, not animated
        self.query_one("#export-period", Input).focus()

    # -- actions ---------------------------------------------------------------
    def action_export(self) -> None:
        if self.running:
            self._status("正在导出，请稍候；按 Esc 可取消。")
            return
        period = self.query_one("#export-period", Input).value.strip()
        village = self.query_one("#export-village", Select).value
        out_dir = self.query_one("#export-dir", Input).value.strip()
        if not out_dir:
            self._status("保存到：请填写文件夹。", error=True)
            self.query_one("#export-dir", Input).focus()
            return
        what = self.query_one("#export-what", Select).value
        if what != PACKAGE:
            self._print_list(str(what), Path(out_dir).expanduser())
            return
        self._cancel = threading.Event()
        self.running = True
        self.query_one("#export-result", Static).update("")
        self._show_stripped([])
        self.query_one("#export-progress", ProgressBar).update(total=1, progress=0)
        self._status("正在导出……")
        self._run(period, None if village == ALL_VILLAGES else str(village), Path(out_dir).expanduser(), self._cancel)

    def _print_list(self, what: str, out_dir: Path) -> None:
        """One project's 发放花名册 or 受益户公示: a small workbook, written at once."""
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.excel.beneficiary_print import print_beneficiary_notice
        from fupin_tui.excel.payment_print import print_payment_roster

        project = self.query_one("#export-project", Select).value
        if project in (NO_PROJECT, Select.BLANK, None):
            self._status("项目：请选择要打印的项目。", error=True)
            self.query_one("#export-project", Select).focus()
            return
        from fupin_tui.excel.styles import collect_stripped, stripped_heading

        writer = print_payment_roster if what == ROSTER else print_beneficiary_notice
        self._show_stripped([])
        try:
            with collect_stripped() as stripped:
                path = writer(self.app.ctx, int(project), folder=out_dir)
        except DomainError as exc:
            self._status(str(exc), error=True)
            return
        except OSError as exc:
            self._status(f"无法写入 {out_dir}：{exc.strerror or exc}", error=True)
            return
        self._status("已生成，可用 Excel/WPS 打开后打印（A4 横向，每页有小计）。")
        summary = f"已保存：{path}"
        if stripped:
            summary += "\n" + stripped_heading(len(stripped), "打印", "打印件") + "\n在下面的清单中按 Enter 打开该记录。"
        self.query_one("#export-result", Static).update(summary)
        self._show_stripped(stripped)
        self.notify(f"已保存到 {path}", title="打印")

    def action_cancel_or_back(self) -> None:
        if self.running and self._cancel is not None:
            self._cancel.set()
            self._status("正在取消……")
        else:
            self.app.action_go("dashboard")

    def action_import_roster(self) -> None:
        from fupin_tui.screens.import_roster import ImportRosterScreen

        self.app.push_screen(ImportRosterScreen())

    # -- worker ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="export", description="导出上报包")
    def _run(self, period: str, village: str | None, out_dir: Path, cancel: threading.Event) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.excel.package import ExportCancelled, export_package

        def progress(done: int, total: int, label: str) -> None:
            self.app.call_from_thread(self._progress, done, total, label)

        try:
            result = export_package(self.app.ctx, out_dir, period=period or None, village_code=village,
                                    progress=progress, cancel=cancel)
        except ExportCancelled as exc:
            self.app.call_from_thread(self._finished, None, str(exc))
        except DomainError as exc:
            self.app.call_from_thread(self._finished, None, str(exc))
        except OSError as exc:
            self.app.call_from_thread(self._finished, None, f"无法写入 {out_dir}：{exc.strerror or exc}")
        else:
            self.app.call_from_thread(self._finished, result, "")

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self._status(f"正在写 {label}（{done}/{total} 行）")

    def _finished(self, result, problem: str) -> None:
        self.running = False
        self.last_result = result
        if result is None:
            self.query_one("#export-progress", ProgressBar).update(total=1, progress=0)
            self._status(problem, error=True)
            return
        from fupin_tui.excel.package import stripped_heading

        rows = result.rows
        checks = "" if result.manifest.get("checks_included") else "（未含体检问题清单）"
        self._status("导出完成。")
        summary = (f"已保存：{result.path}\n户 {rows.get('户表', 0)}，成员 {rows.get('成员表', 0)}，"
                   f"项目 {rows.get('项目', 0)}，凭证 {rows.get('报账凭证', 0)}{checks}")
        if result.stripped:
            summary += "\n" + stripped_heading(len(result.stripped)) + "\n在下面的清单中按 Enter 打开该记录。"
        self.query_one("#export-result", Static).update(summary)
        self._show_stripped(result.stripped)
        self.notify(f"上报包已保存到 {result.path}", title="导出完成")

    def _show_stripped(self, cells: list) -> None:
        self.stripped = cells  # of the last export or printout: what Enter on a line opens
        listing = self.query_one("#export-stripped", OptionList)
        listing.clear_options()
        listing.add_options([Option(str(cell), id=str(i)) for i, cell in enumerate(cells[:_LISTED])])
        if len(cells) > _LISTED:
            listing.add_option(Option(f"…… 另有 {len(cells) - _LISTED} 处（命令行 fupin-tui export 列出前 50 处）",
                                      disabled=True))
        listing.set_class(bool(cells), "shown")
        if cells:
            listing.highlighted = 0
            listing.focus()
            # on a small terminal the list is below the form: bring the heading and the list into view
            self.call_after_refresh(self.query_one("#export-result", Static).scroll_visible, top=True)

    @on(OptionList.OptionSelected, "#export-stripped")
    def _open_stripped(self, event: OptionList.OptionSelected) -> None:
        cell = self.stripped[int(event.option.id)] if event.option.id else None
        if cell is None:
            return
        if cell.record:
            self.app.open_record(cell.record, back_to="export")  # closing the record comes back here
        else:
            self.notify(f"这一处（「{cell.table}」{cell.number}）不属于某一户或某个项目，请在相应的设置或清单中改正。",
                        severity="information")

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(error, "error-text")
        status.set_class(not error, "muted")


def _printable_projects(ctx):
    """Live projects that have 受益户 or 名册 lines: the ones a list can be printed for."""
    from sqlalchemy import or_, select

    from fupin_tui.models import Beneficiary, Project, Voucher, VoucherLine

    with ctx.read() as s:
        has_roster = select(Voucher.project_id).join(VoucherLine, VoucherLine.voucher_id == Voucher.id).where(
            VoucherLine.kind == "名册", VoucherLine.voided == False)  # noqa: E712
        has_beneficiaries = select(Beneficiary.project_id).where(Beneficiary.voided == False)  # noqa: E712
        return list(s.execute(select(Project.id, Project.name, Project.file_number).where(
            Project.voided == False, or_(Project.id.in_(has_roster), Project.id.in_(has_beneficiaries)))  # noqa: E712
            .order_by(Project.year.desc(), Project.name)).all())
