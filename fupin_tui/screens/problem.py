"""Shown when the database cannot be opened: says why and offers the newest sound backup."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from fupin_tui import keymap as km
from fupin_tui.widgets.footer import SteadyFooter


class DatabaseProblemScreen(Screen):
    DEFAULT_CSS = """
    DatabaseProblemScreen > Vertical { padding: 1 2; height: auto; }
    DatabaseProblemScreen Button { margin-top: 1; }
    DatabaseProblemScreen .-hidden { display: none; }
    DatabaseProblemScreen #restore-error { height: auto; }
    """
    BINDINGS = [km.bind("back", "app.quit", "退出")]

    def __init__(self, db_path: Path, message: str, *, offer_restore: bool = True) -> None:
        super().__init__()
        self.db_path = db_path
        self.message = message
        # only damage is a reason to restore: a read-only, locked or full disk's data is fine
        self.offer_restore = offer_restore
        self.candidate: Path | None = None

    def compose(self) -> ComposeResult:
        from fupin_tui import backup

        self.candidate = backup.newest_sound_backup(self.db_path) if self.offer_restore else None
        yield Header()
        with Vertical():
            yield Static(self.message, classes="error-text")
            yield Static("", id="restore-error", classes="error-text")
            if not self.offer_restore:
                pass
            elif self.candidate:
                yield Static(f"找到本数据库可用的最新备份：{self.candidate.name}（已通过完整性检查）。\n"
                             f"备份内容：{backup.summarize(self.candidate).describe()}\n"
                             "恢复时当前文件会原样保留在旁边，不会删除。")
                yield Button("恢复这个备份", id="restore", variant="primary")
                yield Button("仍然恢复（另一个数据库的备份）", id="restore-other", variant="error", classes="-hidden")
            else:
                yield Static("没有找到可用的备份。请联系县扶贫办或技术人员，不要删除当前文件。")
            yield Button("退出", id="quit")
        yield SteadyFooter()

    @on(Button.Pressed, "#restore")
    def _restore(self) -> None:
        from fupin_tui import backup

        from fupin_tui.db import DatabaseProblem

        try:
            aside = backup.restore(self.candidate, self.db_path)
        except DatabaseProblem as exc:
            self.query_one("#restore-error", Static).update(f"没有恢复：{exc}")
            return
        note = f"原文件已保留为 {aside.name}。" if aside else ""
        self.app.exit(message=f"已恢复备份 {self.candidate.name}。{note}请重新启动 fupin-tui。")

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()
