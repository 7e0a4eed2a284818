"""设置 → 更新包: the county's update package — see what it will change, then apply it.

A path typed and Enter shows the preview (nothing is written); 应用更新包 applies it in one
transaction. A refused package (another township's, older, tampered, unknown format) is named
with the reason and nothing changes.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, DataTable, Input, Label, Static


class UpdatePanel(Vertical):
    DEFAULT_CSS = """
    UpdatePanel { height: 1fr; }
    UpdatePanel #update-items { height: 1fr; }
    UpdatePanel .hint { color: $text-muted; height: auto; }
    UpdatePanel #update-error { color: $error; height: auto; }
    UpdatePanel #update-head { height: auto; }
    UpdatePanel #update-done { color: $success; height: auto; }
    UpdatePanel #update-apply { margin-top: 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static("县里下发的更新包（政策参数、代码表、节假日安排、县级对本乡镇项目的决定）。"
                     "先列出将改变的内容，确认后应用；应用记入审计日志（经办人为县级）。", classes="hint")
        yield Label("更新包文件（输入路径后回车，先预览，不写入）")
        yield Input(placeholder="如 D:\\更新包-520123101-新安镇-第001号.zip", id="update-file")
        yield Static("", id="update-error")
        yield Static("", id="update-head")
        yield DataTable(id="update-items", cursor_type="row", zebra_stripes=True)
        yield Button("应用更新包", id="update-apply", disabled=True)
        yield Static("", id="update-done")

    def on_mount(self) -> None:
        table = self.query_one("#update-items", DataTable)
        table.add_columns("状态", "类别", "内容", "变化", "说明")
        self.path: Path | None = None

    def _show(self, plan) -> None:
        table = self.query_one("#update-items", DataTable)
        table.clear()
        for i, item in enumerate(plan.items):
            if item.status != "未变化":
                table.add_row(item.status, item.kind, item.what, item.change, item.reason, key=str(i))
        self.query_one("#update-head", Static).update(plan.headline())

    def _clear(self) -> None:
        for name in ("#update-error", "#update-head", "#update-done"):
            self.query_one(name, Static).update("")
        self.query_one("#update-items", DataTable).clear()
        self.query_one("#update-apply", Button).disabled = True

    @on(Input.Submitted, "#update-file")
    def _preview(self, event: Input.Submitted) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.services import update_import

        self._clear()
        text = event.value.strip().strip('"')
        if not text:
            self.query_one("#update-error", Static).update("更新包文件：请输入文件路径")
            return
        self.path = Path(text).expanduser()
        try:
            plan = update_import.preview(self.app.ctx, self.path)
        except DomainError as exc:
            self.query_one("#update-error", Static).update(str(exc))  # the typed path stays
            return
        self._show(plan)
        apply = self.query_one("#update-apply", Button)
        apply.disabled = plan.already
        if not plan.already:
            apply.focus()

    @on(Button.Pressed, "#update-apply")
    def _apply(self) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.services import update_import

        if self.path is None:
            return
        try:
            plan = update_import.apply(self.app.ctx, self.path)
        except DomainError as exc:
            self._clear()
            self.query_one("#update-error", Static).update(str(exc))
            return
        self._show(plan)
        self.query_one("#update-apply", Button).disabled = True
        self.query_one("#update-done", Static).update(
            f"已应用：{len(plan.changes)} 项；未办理 {len(plan.not_applied)} 项（见上表说明）。")
        self.query_one("#update-file", Input).value = ""
        self.app.ctx.reload_policy()
        for refresh in (getattr(self.screen, "reload", None), *(p.reload for p in self.screen.query("HolidaysPanel"))):
            if refresh is not None:
                refresh()  # the parameters and calendar shown elsewhere in 设置 follow what came
