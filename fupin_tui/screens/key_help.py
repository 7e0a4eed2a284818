"""F1: the keys of the screen beneath, as an overlay that leaves the screen as it is.

The list comes from the screen's active bindings (focused widget, screen, app),
with the label each screen gives and the key map's meaning; Textual's own
navigation keys are shown with their Chinese names. Keys follow the clerk's
remaps (``keymap.toml``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from fupin_tui import keymap as km


def screen_keys(screen: Screen) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(this screen's keys, keys everywhere) as (key, label, explanation), in binding order."""
    here: dict[str, tuple[str, str, str]] = {}
    everywhere: dict[str, tuple[str, str, str]] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if b.id in km.BY_ID:
            meaning = km.BY_ID[b.id].meaning
            target = everywhere if km.BY_ID[b.id].group == km.GLOBAL else here
            slot = b.id
            label, explain = b.description or meaning, b.tooltip or (meaning if meaning != b.description else "")
        elif key in km.BUILTIN_MEANINGS and not b.system:
            target, slot, label, explain = here, f"builtin:{key}", km.BUILTIN_MEANINGS[key], ""
        else:
            continue
        shown = km.key_text(key)
        if slot in target:  # one id on several keys (+ and =): one row
            old = target[slot]
            if shown not in old[0].split(" / "):
                target[slot] = (f"{old[0]} / {shown}", old[1], old[2])
            continue
        target[slot] = (shown, label, explain)
    builtin = [v for k, v in here.items() if k.startswith("builtin:")]
    own = [v for k, v in here.items() if not k.startswith("builtin:")]
    return own + builtin, list(everywhere.values())


def _table(rows: list[tuple[str, str, str]]) -> str:
    from rich.markup import escape

    width = max((len(k) for k, _l, _e in rows), default=4) + 1
    return "\n".join(f"[b]{escape(k).ljust(width)}[/b] {escape(label)}" + (f"  [dim]{escape(e)}[/dim]" if e else "")
                     for k, label, e in rows)


class KeyHelpScreen(ModalScreen[None]):
    """本页按键: full width at 80 columns, on top of the screen; F1 or Esc closes."""

    DEFAULT_CSS = """
    KeyHelpScreen { align: center middle; background: $background 50%; }
    KeyHelpScreen > Vertical { width: 100%; max-width: 100; height: 100%; max-height: 40;
        border: round $accent; background: $panel; padding: 0 1; }
    KeyHelpScreen .key-help-title { text-style: bold; color: $accent; height: 1; }
    KeyHelpScreen VerticalScroll { height: 1fr; }
    KeyHelpScreen VerticalScroll > Static { height: auto; }
    KeyHelpScreen .key-help-group { text-style: bold; margin-top: 1; height: 1; }
    KeyHelpScreen .key-help-hint { color: $text-muted; height: auto; margin-top: 1; }
    """
    BINDINGS = [km.bind("back", "close", "关闭")]

    def __init__(self, beneath: Screen) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        here, everywhere = screen_keys(self.beneath)
        with Vertical():
            yield Static("本页按键（F1 或 Esc 关闭）", classes="key-help-title")
            with VerticalScroll(id="key-help-body"):
                yield Static(_table(here) or "本页没有专用按键。", id="key-help-here")
                yield Static("任何页面", classes="key-help-group")
                yield Static(_table(everywhere), id="key-help-everywhere")
                yield Static("同一个键在每个页面含义相同；完整按键表见 docs/KEYS.md。"
                             "按 Ctrl+P 可用拼音查找命令、户和项目。按 F1 或 Esc 关闭。", classes="key-help-hint")

    def on_mount(self) -> None:
        self.query_one("#key-help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

