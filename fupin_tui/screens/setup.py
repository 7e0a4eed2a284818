"""First start on an empty database: the township and the operator, before anything else."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Header, Static

from fupin_tui.widgets.forms import Field, FormScreen, TextInput
from fupin_tui.widgets.footer import SteadyFooter


class SetupScreen(FormScreen):
    DEFAULT_CSS = """
    SetupScreen > Vertical { width: 70; max-width: 100%; height: auto; padding: 1 2; }
    SetupScreen .intro { margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("首次使用：请先填写本乡镇的基本信息和经办人。以后可在「设置」中修改，"
                         "村和政策参数也在「设置」中维护。填好后按 Ctrl+S 保存。", classes="intro")
            yield Field("县（区）", TextInput(required=True, id="county", placeholder="如：示例县"))
            yield Field("乡镇名称", TextInput(required=True, id="name", placeholder="如：新安镇"))
            yield Field("乡镇代码", TextInput(required=True, id="code", placeholder="9 位行政区划代码", max_length=9))
            yield Field("经办人", TextInput(required=True, id="operator", placeholder="您的姓名"))
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#county").focus()

    def save(self, values: dict) -> None:
        from fupin_tui.services import township

        ctx = self.app.ctx
        ctx.operator = values["operator"]  # the first change is already recorded under its operator
        township.save_township(ctx, values["county"], values["name"], values["code"])
        township.add_operator(ctx, values["operator"])
        township.set_setting(ctx, "last_operator", values["operator"])

    def after_save(self) -> None:
        self.notify("乡镇信息已保存。")
        self.dismiss(True)

    def leave(self) -> None:
        self.app.exit(message="未完成首次设置，已退出。")

    def action_leave(self) -> None:
        self.leave()
