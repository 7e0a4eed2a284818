"""The Textual application: modes for the jobs, global keys, start-up sequence.

Start-up paints the dashboard first and opens the database afterwards in a
thread (``defer_open``), so SQLModel and friends are imported after the first
paint.  Tests build the app with the database already open.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Callable

from textual import events, work
from textual.app import App
from textual.screen import Screen

from fupin_tui import keylog
from fupin_tui.key_order import KeyGate
from fupin_tui import keymap as km
from fupin_tui.jobs import JOBS

JOB_KEYS = {mode: km.BY_ID[f"go-{mode}"].key for mode in JOBS}  # F2..F9, from the one key map


def _screen_factory(mode: str) -> Callable[[], Screen]:
    module_name, class_name, title = JOBS[mode]

    def build() -> Screen:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            from fupin_tui.screens.placeholder import PlaceholderScreen

            return PlaceholderScreen(title)
        return getattr(module, class_name)()

    return build


_F_KEY = re.compile(r"f\d{1,2}")  # another job's F-key replaces the queued one; "f", "full_stop" are typed


class FupinApp(App):
    TITLE = "扶贫项目与建档立卡管理"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    MODES = {mode: _screen_factory(mode) for mode in JOBS}
    MODES["county"] = lambda: importlib.import_module("fupin_tui.screens.county").CountyScreen()
    # the first screen is the dashboard itself, not Textual's blank default switched away from at
    # mount (that switch parsed every stylesheet twice more before the first paint)
    DEFAULT_MODE = "dashboard"
    county_mode = False  # a county database: the 县级汇总 screen, the townships' records read-only
    BINDINGS = [
        km.bind("help", "toggle_help", "帮助", tooltip="显示本页的按键", priority=True),  # in dialogs too
        *[km.bind(f"go-{mode}", f"go('{mode}')", JOBS[mode][2], show=False) for mode in JOB_KEYS],
        km.bind("palette", "command_palette", "命令", tooltip="按拼音查找命令、户、项目和规则", show=False,
                priority=True),
        km.bind("quit", "quit", "退出", priority=True),
    ]
    # the palette: our provider only (Textual's system commands are English and offer themes and screenshots)
    COMMANDS = {lambda: _palette().FupinCommands}

    def __init__(self, db_path: Path, *, operator: str | None = None, defer_open: bool = False,
                 demo: bool = False) -> None:
        from fupin_tui import configuration, textual_wide, textual_zh

        # keymap.toml in the config folder: remaps checked (unknown ids, bad keys, clashes) before the app is built
        self.keymap, self.keymap_problems = configuration.load_keymap()
        textual_zh.install(textual_zh.taken_keys(self.keymap))
        textual_wide.install()  # Chinese drawn over another widget's edge stays whole (a dropdown, a toast)
        if keylog.enabled():
            keylog.watch_inputs()
        super().__init__()
        self.set_keymap(self.keymap)
        km.set_active(self.keymap)
        # a county database on a server (postgresql://…) stays text: a Path would fold its "//"
        self.db_path = db_path if _on_server(db_path) else Path(db_path)
        self.demo = demo
        self.requested_operator = operator
        self.ctx = None
        self.database_is_ready = False
        self.startup_problem: str | None = None
        self.change_relay = None
        self.queued_mode: str | None = None  # an F-key pressed before the database was ready
        self.key_gate = KeyGate(self)  # each key to the widget focused once the keys before it are done
        self.queued_keys: list = []  # keys typed after it (Ctrl+F, a name, Enter): for that job, not dropped
        # things the clerk must see but that do not stop the work (read-only file, failed backup …)
        self.warnings: list[str] = []
        if demo:
            self.title = f"{self.TITLE}（演示数据）"
        if not defer_open:
            self._open_database()

    # -- start-up -------------------------------------------------------------
    def _open_database(self) -> None:
        from fupin_tui.config import config_dir
        from fupin_tui.context import configure_user_dirs, open_context

        from fupin_tui import configuration

        configure_user_dirs(config_dir())
        self.ctx = open_context(self.db_path, operator=self.requested_operator or "")
        # the one loader every command uses too: config-folder files into the database, calendar and codes from it
        self.configuration = configuration.load(self.db_path, db=self.ctx.db, operator=self.ctx.operator)

    def reload_configuration(self) -> None:
        """After 设置 imported a calendar or code list: the one loader again, then every screen refreshes
        (deadlines are counted in the new working days)."""
        from fupin_tui import configuration
        from fupin_tui.changes import ALL, Change

        self.configuration = configuration.load(self.db_path, db=self.ctx.db, operator=self.ctx.operator)
        self.ctx.db.changes.publish(Change(ALL))

    @property
    def on_server(self) -> bool:
        """A county database on a PostgreSQL server: no file to check or back up, county mode only."""
        return _on_server(self.db_path)

    def on_mount(self) -> None:
        if self.on_server:  # a server database is a county one: its screen from the start, no file to read early
            self.switch_mode("county")
            self.call_after_refresh(self.open_database_soon)
        for problem in self.keymap_problems:  # said at start, never dropped silently
            self.notify(problem, severity="warning", timeout=15)
        if self.ctx is None:
            # the dashboard asks for the open once its kept figures are drawn (open_database_soon);
            # this is in case it cannot (a locked file keeps its early read waiting)
            self.set_timer(2.0, self.open_database_soon)
        else:
            self.call_after_refresh(self._after_open)

    _opening = False
    _backup_due = False  # the app opened the database itself: the daily backup follows, once it is ready

    def open_database_soon(self) -> None:
        """Open the database in a thread, once: after the first paint and the dashboard's kept
        figures, since the database layer's imports hold the GIL for a while."""
        if self.ctx is None and not self._opening:
            self._opening = True
            self._open_in_background()

    @work(thread=True, exclusive=True, group="startup", description="打开数据库")
    def _open_in_background(self) -> None:
        from fupin_tui.db import DatabaseProblem

        try:
            self._open_database()
            from fupin_tui.db import integrity_ok

            # a damaged page anywhere is found now, not in the middle of a clerk's save (0.13 s at 20,000 households);
            # a server checks its own pages
            if not self.on_server and not integrity_ok(self.db_path, quick=True):
                raise DatabaseProblem(f"数据库 {self.db_path} 已损坏（完整性检查未通过）。", kind="damaged")
        except DatabaseProblem as exc:
            self.call_from_thread(self._startup_failed, str(exc), exc.kind)
            return
        self._backup_due = not self.read_only and not self.on_server  # a server's database: the server's own backups
        self.call_from_thread(self._after_open)

    @work(thread=True, exclusive=True, group="backup", description="自动备份")
    def _daily_backup(self) -> None:
        """The day's backup, after the dashboard is drawn and the keys work, at a lower priority, so
        the clerk's first minutes (and the 体检 child on the other core) go first."""
        from fupin_tui import backup
        from fupin_tui.db import DatabaseProblem

        _lower_this_thread()
        try:
            backup.backup_if_due(self.db_path)
        except DatabaseProblem as exc:  # a failed backup is a warning: the work goes on
            self.warnings.append(f"今天的自动备份没有完成：{exc}")
            self.call_from_thread(self._show_warnings)

    @property
    def read_only(self) -> bool:
        return bool(self.ctx is not None and self.ctx.db.read_only)

    def _startup_failed(self, message: str, kind: str = "") -> None:
        from fupin_tui.screens.problem import DatabaseProblemScreen

        _mend_widgets()
        self.startup_problem = message
        self.push_screen(DatabaseProblemScreen(self.db_path, message, offer_restore=kind == "damaged"))

    def _after_open(self) -> None:
        from fupin_tui.services import township

        _mend_widgets()
        if self.read_only:
            from fupin_tui.db import READ_ONLY_SAVE

            self.warnings.insert(0, READ_ONLY_SAVE)
            if not township.is_set_up(self.ctx):
                self._startup_failed(f"数据库 {self.db_path} 是只读的，且还没有登记乡镇，没有可查看的内容。"
                                     "请把文件复制到可写的文件夹后再打开。")
                return
        for message in self.warnings:
            self.notify(message, severity="warning", timeout=15)
        from fupin_tui import identity

        self.county_mode = self.ctx.identity().kind == identity.COUNTY
        if not self.county_mode and not township.is_set_up(self.ctx):
            from fupin_tui.screens.setup import SetupScreen

            self.push_screen(SetupScreen(), lambda _done: self._database_ready())
        elif not self.requested_operator:
            from fupin_tui.dialogs.operator import OperatorDialog

            last = township.get_setting(self.ctx, "last_operator")
            self.push_screen(OperatorDialog(township.operators(self.ctx), last), self._operator_chosen)
        else:
            self._database_ready()

    def _operator_chosen(self, name: str | None) -> None:
        from fupin_tui.services import township

        if not name:
            self.exit(message="未选择经办人，已退出。")
            return
        self.ctx.operator = name
        if not self.read_only:
            township.add_operator(self.ctx, name)  # a new name typed at start becomes an operator
            township.set_setting(self.ctx, "last_operator", name)
        self._database_ready()

    def apply_border_style(self) -> None:
        """ASCII borders where box drawing breaks (old Windows console), or as the clerk chose."""
        import os

        from fupin_tui.services import township

        choice = township.get_setting(self.ctx, "border_style", "auto")
        ascii_needed = os.name == "nt" and not os.environ.get("WT_SESSION")
        use_ascii = choice == "ascii" or (choice == "auto" and ascii_needed)
        self.set_class(use_ascii, "-ascii")
        _plain_scrollbars(use_ascii)

    def _database_ready(self) -> None:
        # Everything imported and built so far lives as long as the app: move it out of the
        # cycle collector's sight, so each full collection walks only what screens create later.
        import gc

        gc.freeze()
        if self.change_relay is None:  # saves announce what changed; screens showing it refresh (fupin_tui.relay)
            from fupin_tui.relay import ChangeRelay

            self.change_relay = ChangeRelay(self)
        # the demo mark is inside the file: a demo database opened with --db is still 演示数据
        self.demo = self.demo or self.ctx.identity().is_demo
        loaded = getattr(self, "configuration", None)
        for notice in (loaded.notices if loaded else []):
            self.notify(notice, title="配置", timeout=12)
        from fupin_tui.services import drafts

        left = drafts.summary(self.ctx)  # forms this operator left unsaved (a crash, a closed terminal)
        if left:
            self.notify(left, title="未保存的草稿", timeout=15, markup=False)
        self.apply_border_style()
        # one title, no sub-title: Textual joins them with "—", which old consoles draw two cells wide
        self.title = (f"{self.TITLE}{'（演示数据）' if self.demo else ''}{'【只读：只能查看和打印】' if self.read_only else ''}"
                      f"  经办人：{self.ctx.operator}")
        for screen in self.screen_stack:
            refresh = getattr(screen, "database_ready", None)
            if refresh:
                refresh()
        self._verify_audit_chain()
        if self._backup_due:
            self._backup_due = False
            self.call_after_refresh(self._daily_backup)
        queued, self.queued_mode = self.queued_mode, None
        if self.county_mode:
            queued = "county"
            self.title = f"{self.TITLE}【县级汇总】  经办人：{self.ctx.operator}"
        if queued:
            self.switch_mode(queued)
            keys, self.queued_keys = self.queued_keys, []
            # after the job's screen is shown and focused, in the order they were typed
            self.call_after_refresh(lambda: [self.post_message(k) for k in keys])
        self.database_is_ready = True  # operator chosen, borders and title set: what a test waits for

    @work(thread=True, exclusive=True, group="audit-chain", description="检查审计日志")
    def _verify_audit_chain(self) -> None:
        """A broken audit chain is a warning on the dashboard (not a 体检 finding)."""
        from fupin_tui import audit_chain

        report = audit_chain.verify_database(self.ctx.db)  # a file, or a query on the server
        if not report.ok:
            self.warnings.append(report.describe())
            self.call_from_thread(self._show_warnings)

    def _show_warnings(self) -> None:
        for screen in self.screen_stack:
            show = getattr(screen, "show_warnings", None)
            if show:
                show()

    async def on_event(self, event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            admitted = self.key_gate.admit(event)
            if keylog.enabled():
                keylog.routed(self, event.key, held=not admitted)
            if not admitted:
                return  # typed before the last key was done: it comes back in its turn
        if (self.queued_mode is not None and isinstance(event, events.Key) and not event.is_forwarded
                and not self.database_is_ready and not _F_KEY.fullmatch(event.key)):
            # typed after an F-key while the database opens: meant for that job (a fresh copy
            # is replayed, the original event's handled state must not travel)
            self.queued_keys.append(events.Key(event.key, event.character))
            return
        await super().on_event(event)

    # -- navigation -----------------------------------------------------------
    def action_go(self, mode: str) -> None:
        if self.ctx is None or self.change_relay is None:
            # pressed while the database opens (a slow PC): kept, and done when it is ready
            self.queued_mode = mode
            self.notify(f"正在打开数据库，打开后进入「{JOBS[mode][2]}」。", timeout=4)
            return
        if self.county_mode and mode != "county":
            from fupin_tui.screens.county_words import READ_ONLY

            self.notify(f"{READ_ONLY}（「{JOBS[mode][2]}」不可用）", severity="warning", timeout=8)
            return
        self.switch_mode(mode)

    def action_toggle_help(self) -> None:
        from fupin_tui.screens.key_help import KeyHelpScreen

        if isinstance(self.screen, KeyHelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(KeyHelpScreen(self.screen))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(_palette().FupinPalette())

    def action_help_quit(self) -> None:
        # Textual's own says "Press ctrl+q to quit the app" (Ctrl+C copies in this app)
        self.notify(f"按 {km.key_text(km.keys_of('quit', self.keymap))} 退出程序。", title="要退出吗？")

    def show_rule(self, rule_id: str) -> None:
        """体检 with only ``rule_id``'s findings (the palette's ``P13``)."""
        if self.ctx is None:
            self.notify("数据库尚未打开，请稍候。", severity="warning")
            return
        if self.county_mode:
            self.action_go("check")  # refused there, with the words every township job gets
            return
        self.switch_mode("check")
        self.call_after_refresh(lambda: self.screen.show_rule(rule_id))

    def open_record(self, record: str, tab: str | None = None, back_to: str | None = None) -> None:
        """Open "household:12" or "project:5" (at ``tab``) from anywhere, e.g. a 体检 finding.

        With ``back_to`` (a mode, e.g. "check"), the record opens in its own job (建档立卡 /
        项目档案) and closing it comes back to that mode: the 体检 list stays the 体检 list.
        """
        if self.county_mode:
            from fupin_tui.screens.county_words import READ_ONLY

            self.notify(READ_ONLY, severity="warning", timeout=8)
            return
        kind, _, raw_id = record.partition(":")
        module = {"household": "fupin_tui.screens.registry", "project": "fupin_tui.screens.projects"}.get(kind)
        if module is None or not raw_id.isdigit():
            self.notify(f"无法打开记录：{record}", severity="warning")
            return
        try:
            opener = importlib.import_module(module).open_record
        except (ModuleNotFoundError, AttributeError):
            self.notify("该功能尚未完成。", severity="warning")
            return
        opener(self, int(raw_id), tab, back_to=back_to)

    def pop_screen(self):
        """A record opened from another job (``open_record(back_to=…)``) goes back there when closed."""
        leaving = self.screen
        done = super().pop_screen()
        back = getattr(leaving, "back_to_mode", None)
        if back:
            leaving.back_to_mode = None  # a reused form (the household form) must not keep it
            if back != self.current_mode and back in self.MODES:
                self.call_later(self.switch_mode, back)
        return done

    def action_export_copy(self) -> None:
        if self._server_backs_up():
            return
        from fupin_tui import backup
        from fupin_tui.cli_safety import default_copy_folder
        from fupin_tui.db import DatabaseProblem

        try:
            path = backup.export_copy(self.db_path, default_copy_folder())
        except (DatabaseProblem, OSError) as exc:
            self.notify(f"导出数据库副本失败：{exc}", severity="error")
            return
        self.notify(f"已导出数据库副本 {path}")

    def action_backup_now(self) -> None:
        if self._server_backs_up():
            return
        from fupin_tui import backup
        from fupin_tui.db import DatabaseProblem

        try:
            path = backup.make_backup(self.db_path)
        except (DatabaseProblem, OSError) as exc:
            self.notify(f"备份失败：{exc}", severity="error")
            return
        self.notify(f"已备份到 {path}")

    def _server_backs_up(self) -> bool:
        if self.on_server:
            from fupin_tui.screens.county import SERVER_BACKUP

            self.notify(SERVER_BACKUP, severity="warning", timeout=8)
        return self.on_server


def _mend_widgets() -> None:
    """Tables drawn before their rows are measured are drawn again at the measured widths, and a key
    typed in an Input does not lay out the whole screen: before any table is filled or any field
    typed in (every list and form comes from the database), after the first paint (DataTable's
    import would cost it 3 ms)."""
    from fupin_tui import textual_input, textual_table

    textual_table.install()
    textual_input.install()


def _on_server(target) -> bool:
    from fupin_tui.server import is_server_url

    return is_server_url(target)


def _lower_this_thread() -> None:
    """This thread only at a lower CPU priority (Linux: a thread has its own nice value; Windows:
    below normal); elsewhere, or if refused, as it was."""
    import os
    import sys
    import threading

    try:
        if sys.platform.startswith("linux"):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        elif os.name == "nt":
            import ctypes

            kernel32 = ctypes.windll.kernel32
            kernel32.SetThreadPriority(kernel32.GetCurrentThread(), -1)  # THREAD_PRIORITY_BELOW_NORMAL
    except (OSError, AttributeError, ValueError):
        pass


def _palette():
    from fupin_tui.widgets import palette

    return palette


_BLOCK_BARS: dict[str, list[str]] = {}


def _plain_scrollbars(plain: bool) -> None:
    """Scrollbar thumbs are drawn with block characters; plain spaces in ASCII mode."""
    from textual.scrollbar import ScrollBarRender

    if not _BLOCK_BARS:
        _BLOCK_BARS.update(v=ScrollBarRender.VERTICAL_BARS, h=ScrollBarRender.HORIZONTAL_BARS)
    ScrollBarRender.VERTICAL_BARS = [" "] * 8 if plain else _BLOCK_BARS["v"]
    ScrollBarRender.HORIZONTAL_BARS = [" "] * 8 if plain else _BLOCK_BARS["h"]
    from textual.renderables.bar import Bar  # progress bars: "━" and half bars are box glyphs

    if "bar" not in _BLOCK_BARS:
        _BLOCK_BARS["bar"] = [Bar.HALF_BAR_LEFT, Bar.BAR, Bar.HALF_BAR_RIGHT]
    Bar.HALF_BAR_LEFT, Bar.BAR, Bar.HALF_BAR_RIGHT = ["-", "=", "="] if plain else _BLOCK_BARS["bar"]


def make_app(db_path: Path | str | None = None, *, operator: str | None = None, defer_open: bool = False,
             demo: bool = False) -> FupinApp:
    """The one way to build the app, for the command line and for tests."""
    if db_path is None:
        from fupin_tui.config import default_db_path

        db_path = default_db_path()
    return FupinApp(db_path if _on_server(db_path) else Path(db_path), operator=operator, defer_open=defer_open, demo=demo)
