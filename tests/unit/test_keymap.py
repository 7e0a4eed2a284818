"""The one key map: one meaning per key, every binding from it, the doc generated, remaps checked."""

import importlib
import pkgutil
import re

import pytest

from fupin_tui import keymap as km

NAVIGATION = {"up", "down", "left", "right", "pageup", "pagedown", "home", "end", "enter", "escape", "tab",
              "shift+tab"}
CJK = re.compile(r"[\u4e00-\u9fff]")
PROPER_NOUNS = {"Excel", "WPS"}  # product names a clerk knows by these letters


def _our_classes():
    from textual.dom import DOMNode

    import fupin_tui.app  # noqa: F401
    from fupin_tui import dialogs, screens, widgets

    for package in (dialogs, screens, widgets):
        for mod in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(mod.name)
    stack, seen = [DOMNode], []
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("fupin_tui.") and "BINDINGS" in cls.__dict__:
            seen.append(cls)
    return seen


def test_the_doc_is_generated_from_the_table():
    assert km.DOC_PATH.read_text(encoding="utf-8") == km.markdown_table(), \
        "docs/KEYS.md is stale: run python -m fupin_tui.keymap"


def test_no_two_meanings_share_a_key():
    owner = {}
    for k in km.KEYS:
        for key in k.key.split(","):
            assert key not in owner, f"{key} is both {owner[key]} and {k.id}"
            owner[key] = k.id
    assert all(CJK.search(k.meaning) for k in km.KEYS)


def test_every_binding_of_the_app_comes_from_the_table():
    used = set()
    for cls in _our_classes():
        for b in cls.__dict__["BINDINGS"]:
            where = f"{cls.__module__}.{cls.__name__} {b.key} {b.action}"
            assert b.description and CJK.search(b.description), f"{where}: description must be Chinese"
            words = set(re.findall(r"[A-Za-z]{2,}", b.description + (b.tooltip or ""))) - PROPER_NOUNS
            assert not words, f"{where}: {words}"
            if b.id is None or b.id not in km.BY_ID:
                assert set(b.key.split(",")) <= NAVIGATION, f"{where}: a key outside the key map"
                continue
            assert b.key == km.BY_ID[b.id].key, f"{where}: {b.id} is {km.BY_ID[b.id].key} in the key map"
            used.add(b.id)
    unused = {k.id for k in km.KEYS} - used
    assert not unused, f"ids in the key map that no screen binds: {unused}"


@pytest.mark.parametrize("remaps, applied, problem", [
    ({"save": "f10"}, {"save": "f10"}, None),
    ({"save": "ctrl+x", "void": "ctrl+s"}, {"save": "ctrl+x", "void": "ctrl+s"}, None),  # a swap is fine
    ({"save": "ctrl+x"}, {}, "冲突"),  # Ctrl+X already 作废
    ({"nosuch": "f10"}, {}, "没有名为「nosuch」"),
    ({"save": "strg+s"}, {}, "不是有效的键名"),
    ({"save": 5}, {}, "应写成文字"),
])
def test_remaps_are_checked_and_clashes_reported(remaps, applied, problem):
    good, problems = km.check_keymap(remaps)
    assert good == applied
    if problem:
        assert len(problems) == 1 and problem in problems[0]
    else:
        assert problems == []


def test_keymap_toml_is_read_from_a_keys_table(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\nsave = "F10"\nprint = "ctrl+s"\n', encoding="utf-8")
    good, problems = km.read_keymap(path)
    assert good == {"save": "f10", "print": "ctrl+s"} and problems == []
    path.write_text("save = [", encoding="utf-8")
    assert km.read_keymap(path)[0] == {} and "无法读取" in km.read_keymap(path)[1][0]
    assert km.read_keymap(tmp_path / "none.toml") == ({}, [])


@pytest.mark.parametrize("key, shown", [("ctrl+s", "Ctrl+S"), ("f1", "F1"), ("escape", "Esc"),
                                        ("plus,equals_sign", "+"), ("minus", "-"), ("3", "3")])
def test_key_names_as_the_clerk_reads_them(key, shown):
    assert km.key_text(key) == shown


def test_textual_text_fields_leave_ctrl_letters_to_the_key_map():
    from textual.widgets import DataTable, Input, TextArea

    from fupin_tui import textual_zh

    textual_zh.install(textual_zh.taken_keys())
    for widget in (Input, TextArea):
        keys = set(widget._merged_bindings.key_to_bindings)
        assert not keys & {"ctrl+e", "ctrl+x", "ctrl+d", "ctrl+k", "ctrl+u", "ctrl+a", "ctrl+w", "f6", "f7"}
        assert {"ctrl+c", "ctrl+v", "home", "end", "backspace"} <= keys
    for widget in (Input, TextArea, DataTable):
        for bindings in widget._merged_bindings.key_to_bindings.values():
            for b in bindings:
                assert not re.search(r"[A-Za-z]", b.description), (widget, b)


def test_textual_widgets_imported_after_install_are_rewritten_too():
    """install() no longer imports every Textual widget before the first paint: TextArea, DataTable
    and the others are rewritten as they are first imported (a fresh process, so none is loaded yet)."""
    import subprocess
    import sys

    code = """
import re, sys
from fupin_tui import textual_zh
textual_zh.install(textual_zh.taken_keys())
assert "textual.widgets._text_area" not in sys.modules and "textual.widgets._data_table" not in sys.modules
from textual.widgets import DataTable, Input, TextArea
class Mine(TextArea):
    pass
for widget in (Input, TextArea, DataTable, Mine):
    keys = set(widget._merged_bindings.key_to_bindings)
    assert not keys & {"ctrl+e", "ctrl+x", "ctrl+k", "ctrl+u", "ctrl+w", "f6", "f7"}, (widget, keys)
    for bindings in widget._merged_bindings.key_to_bindings.values():
        for b in bindings:
            assert not re.search(r"[A-Za-z]", b.description), (widget, b)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
