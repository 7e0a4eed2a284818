"""Textual's built-in widgets, in Chinese and out of the way of the key map.

Textual 8.2.8 ships English binding descriptions (``Dismiss menu``, ``Focus Next``,
``Scroll Left``...) and binds Ctrl letters in its text fields (Ctrl+E end of line,
Ctrl+X cut, Ctrl+K delete...), and F6/F7 in TextArea. ``install()`` rewrites
the built-in ``BINDINGS`` once, before the app is built:

- every description becomes Chinese (or empty for keys the clerk never sees);
- in Textual's own widgets, a key that the key map gives a meaning loses its
  built-in binding (Ctrl+C / Ctrl+V copy and paste stay), so Ctrl+X voids
  in a text field too and a key means one thing everywhere.

Subclasses (ours included) get their merged bindings recomputed.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode

# Textual action -> what the clerk reads (F1, footer)
ACTION_ZH: dict[str, str] = {
    "dismiss": "关闭列表", "escape": "关闭命令面板", "app.focus_next": "下一栏", "app.focus_previous": "上一栏",
    "screen.copy_text": "复制所选文字", "copy": "复制所选文字", "paste": "粘贴", "cut": "剪切",
    "cursor_up": "上一行", "cursor_down": "下一行", "cursor_left": "左移", "cursor_right": "右移",
    "page_up": "上一页", "page_down": "下一页", "scroll_up": "上移", "scroll_down": "下移",
    "scroll_left": "左移", "scroll_right": "右移", "scroll_home": "开头", "scroll_end": "末尾",
    "scroll_top": "开头", "scroll_bottom": "末尾", "first": "第一项", "last": "最后一项",
    "select": "选定", "select_cursor": "选定", "show_overlay": "展开列表", "submit": "确定并到下一栏",
    "previous_tab": "上一页签", "next_tab": "下一页签", "toggle_button": "勾选或取消",
    "toggle": "勾选或取消", "press": "按下", "home": "行首", "end": "行尾",
    "delete_left": "删除左边一个字", "delete_right": "删除右边一个字", "quit": "退出程序",
}

# Keys Textual's widgets may keep even where the key map has the same key (same meaning).
_KEEP = {"enter", "escape", "ctrl+c", "ctrl+v", "super+c", "super+v"}

_installed_for: frozenset[str] | None = None


def _textual_classes() -> list[type[DOMNode]]:
    seen: list[type[DOMNode]] = []
    stack = [DOMNode]
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return list(dict.fromkeys(seen))


def _ctrl_letter(key: str) -> bool:
    mods, _, name = key.rpartition("+")
    return "ctrl" in mods.split("+") and len(name) == 1 and name.isalpha()


def _rewrite(binding, taken: frozenset[str]):
    if isinstance(binding, tuple):
        binding = Binding(*binding)
    keys = [k.strip() for k in binding.key.split(",") if k.strip()]
    kept = [k for k in keys if k in _KEEP or not (k in taken or _ctrl_letter(k))]
    if not kept:
        return None
    return Binding(",".join(kept), binding.action, ACTION_ZH.get(binding.action, ""), show=binding.show,
                   key_display=binding.key_display, priority=binding.priority, tooltip="",
                   id=binding.id, system=binding.system, group=binding.group)


def _rewrite_class(cls, taken: frozenset[str]) -> bool:
    if not cls.__module__.startswith("textual.") or "BINDINGS" not in cls.__dict__:
        return False
    if cls.__name__ == "App":
        return False  # the app's own keys (Ctrl+Q, Ctrl+C) are set by FupinApp
    original = cls.__dict__.get("_fupin_original_bindings") or list(cls.__dict__["BINDINGS"])
    cls._fupin_original_bindings = original
    cls.BINDINGS = [b for b in (_rewrite(b, taken) for b in original) if b is not None]
    return True


_textual_init_subclass = DOMNode.__dict__["__init_subclass__"]


def _init_subclass(cls, **kwargs) -> None:
    """A Textual widget imported after ``install`` (TextArea, DataTable ... on their screen's first
    use) is rewritten as it is defined; classes defined later merge from the rewritten ones."""
    _textual_init_subclass.__func__(cls, **kwargs)
    if _installed_for is not None and _rewrite_class(cls, _installed_for):
        cls._merged_bindings = cls._merge_bindings()


def install(taken_keys: set[str]) -> None:
    """Make Textual's built-in bindings Chinese and free ``taken_keys`` (the key map's keys) in them.

    The widgets imported so far are rewritten now; the rest as they are imported (importing them all
    here cost a tenth of the first paint)."""
    global _installed_for
    taken = frozenset(taken_keys)
    classes = _textual_classes()
    for cls in classes:
        _rewrite_class(cls, taken)
    for cls in classes:  # merged maps include the bases' lists: recompute for every class
        cls._merged_bindings = cls._merge_bindings()
    _installed_for = taken
    DOMNode.__init_subclass__ = classmethod(_init_subclass)


def taken_keys(keymap: dict[str, str] | None = None) -> set[str]:
    from fupin_tui import keymap as km

    return {k.strip() for d in km.KEYS for k in km.keys_of(d.id, keymap).split(",") if k.strip()}
