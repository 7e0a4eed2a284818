"""Bare Textual baselines for the terminal benchmarks (bench/bench_tmux.py).

    python bench/bare_apps.py label     one label: the cost of starting Textual at all
    python bench/bare_apps.py form      a list line; Enter opens a screen of 33 stock fields
                                        (the household form's 户信息 tab: label + Input or
                                        Select or Checkbox each), Escape closes it
    python bench/bare_apps.py input     one Input: a keystroke echoed, nothing else
    python bench/bare_apps.py palette   Textual's stock command palette (Ctrl+P) with one provider
                                        that answers every query with one hit at once
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.command import Hit, Provider
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Input, Label, Select

# the kinds of the household form's 33 fields, in its order
KINDS = ["select", "input", "input", "input", "select", "select", "select", "input", "input", "input",
         "select", "select", "check", "check", "check", "check",
         "input", "input", "input", "input", "input", "input",
         "input", "input", "input", "input",
         "input", "input", "input", "input", "input", "input", "input"]
OPTIONS = [(f"选项{i}", f"选项{i}") for i in range(12)]


class FormScreen(Screen):
    BINDINGS = [("escape", "app.pop_screen", "返回")]
    CSS = """
    Grid { grid-size: 2; grid-rows: auto; height: auto; grid-gutter: 0 2; }
    Horizontal { height: auto; }
    Horizontal Label { width: 14; }
    Horizontal Input, Horizontal Select { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(), Grid():
            for i, kind in enumerate(KINDS, 1):
                with Horizontal():
                    yield Label(f"第{i}项")
                    if kind == "select":
                        yield Select(OPTIONS, value="选项1", compact=True)
                    elif kind == "check":
                        yield Checkbox("是", True, compact=True)
                    else:
                        yield Input(value=f"值{i}", compact=True)
        yield Footer()


class EchoProvider(Provider):
    """The cheapest provider there is: the query itself, as one hit."""

    async def search(self, query: str):
        yield Hit(1.0, f"找到 {query}", lambda: None, text=f"找到 {query}")


class Bare(App):
    COMMANDS = {EchoProvider}

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        if self.kind in ("label", "palette"):
            yield Label("你好")
        elif self.kind == "input":
            yield Input(id="only")
        else:
            yield Label("列表 按回车打开")

    def on_key(self, event) -> None:
        if self.kind == "form" and event.key == "enter" and not isinstance(self.screen, FormScreen):
            self.push_screen(FormScreen())


if __name__ == "__main__":
    Bare(sys.argv[1] if len(sys.argv) > 1 else "label").run()
