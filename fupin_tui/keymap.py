"""The one key map of the app: every key, its id, its meaning in Chinese.

A key means the same thing on every screen: ``KEYS`` gives each binding id
one key and one meaning, and no two ids share a key. Screens build their
``BINDINGS`` with :func:`bind` (``bind("void", "void_member", "作废成员")``): the
label may name what is voided here, the key and the meaning stay those of the
id. ``docs/KEYS.md`` is generated from this table (``python -m fupin_tui.keymap``;
a test fails when it is stale), F1 shows the keys of the current screen.

A county or a clerk remaps keys in ``keymap.toml`` in the config folder::

    [keys]
    save = "f10"        # 保存
    void = "ctrl+x"

:func:`read_keymap` checks it (unknown id, a key that is not a key, two ids
on one key) and returns the remaps that are safe plus Chinese problems, which
the app shows at start; nothing is dropped silently.

Light module: imported at start-up, no Textual at import time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

@dataclass(frozen=True)
class KeyDef:
    id: str  # kebab-case, the id in keymap.toml and on every Binding
    key: str  # Textual key name(s), comma-separated
    meaning: str  # Chinese: what the key does everywhere
    group: str  # 全局 / 通用 / 专用 (for the table)
    where: str = ""  # where it applies (for the table)
    display: str | None = None  # key shown in the footer when Textual's own is unclear


GLOBAL, COMMON, SPECIAL = "全局", "通用", "专用"

KEYS: tuple[KeyDef, ...] = (
    # -- everywhere ------------------------------------------------------------------
    KeyDef("help", "f1", "帮助：本页按键一览", GLOBAL, "任何页面"),
    KeyDef("go-dashboard", "f2", "切换到工作台", GLOBAL, "任何页面"),
    KeyDef("go-registry", "f3", "切换到建档立卡", GLOBAL, "任何页面"),
    KeyDef("go-projects", "f4", "切换到项目档案", GLOBAL, "任何页面"),
    KeyDef("go-progress", "f5", "切换到进度录入", GLOBAL, "任何页面"),
    KeyDef("go-funds", "f6", "切换到报账", GLOBAL, "任何页面"),
    KeyDef("go-export", "f7", "切换到导出", GLOBAL, "任何页面"),
    KeyDef("go-check", "f8", "切换到体检", GLOBAL, "任何页面"),
    KeyDef("go-settings", "f9", "切换到设置", GLOBAL, "任何页面"),
    KeyDef("palette", "ctrl+p", "命令面板：查找户、项目、规则和命令", GLOBAL, "任何页面"),
    KeyDef("quit", "ctrl+q", "退出程序", GLOBAL, "任何页面"),
    # -- the same meaning wherever it is offered --------------------------------------
    KeyDef("back", "escape", "返回或取消（有未保存的修改时先询问）", COMMON, "各页面和对话框"),
    KeyDef("save", "ctrl+s", "保存或确定（一次完整保存）", COMMON, "表单、对话框、设置、进度、凭证"),
    KeyDef("open", "enter", "打开所选一条；在表单中移到下一栏", COMMON, "列表、表单"),
    KeyDef("new", "ctrl+n", "新增一条", COMMON, "户、成员、凭证、项目库、档案、主体、设置"),
    KeyDef("edit", "ctrl+e", "修改所选一条", COMMON, "档案、项目库、利益联结"),
    KeyDef("void", "ctrl+x", "作废所选一条（写明原因，记录保留）", COMMON,
           "成员、档案、项目库、报账、进度、体检确认、设置、县级合并记录（撤销该次合并）"),
    KeyDef("act", "ctrl+b", "办理下一步（审批、程序、报账、申报、确认）", COMMON,
           "户的程序、项目档案、报账、项目库、体检、利益联结"),
    KeyDef("print", "ctrl+d", "打印或导出（生成 Excel 表）", COMMON,
           "户、档案、凭证、项目库、公示名单、导出、绩效自评"),
    KeyDef("find", "ctrl+f", "查找或筛选（光标到查找框）", COMMON, "户、项目、体检、进度、报账、项目库"),
    KeyDef("check", "ctrl+t", "检查或重新体检", COMMON, "建档立卡、体检"),
    KeyDef("reload", "ctrl+r", "刷新", COMMON, "工作台、项目档案、县级汇总"),
    KeyDef("history", "ctrl+y", "历史：状态变更与修改记录", COMMON, "户"),
    KeyDef("deposit", "ctrl+g", "质量保证金（收取、退还、转入）", COMMON, "项目档案、报账"),
    KeyDef("prev-year", "minus", "上一年", COMMON, "全镇资金概况、绩效自评", display="-"),
    KeyDef("next-year", "plus,equals_sign", "下一年", COMMON, "全镇资金概况、绩效自评", display="+"),
    *(KeyDef(f"tab-{n}", str(n), f"第{n}页", COMMON, "项目档案、报账的分页") for n in range(1, 10)),
    # a form is all inputs, where digits are typed: its pages need keys that are not text
    KeyDef("next-tab", "ctrl+pagedown", "下一页（户表、项目档案的分页）", COMMON, "户表、项目档案"),
    KeyDef("prev-tab", "ctrl+pageup", "上一页（户表、项目档案的分页）", COMMON, "户表、项目档案"),
    KeyDef("yes", "y", "确定（确认对话框）", COMMON, "确认对话框"),
    # -- one screen each, a key no other screen uses -----------------------------------
    KeyDef("sort", "ctrl+o", "排序：按下一列排序，再按一次反序", SPECIAL, "建档立卡"),
    KeyDef("member", "ctrl+u", "添加社员", SPECIAL, "利益联结"),
    KeyDef("library", "ctrl+k", "项目库：入库、申报", SPECIAL, "项目档案"),
    KeyDef("linkage", "ctrl+l", "利益联结：合作社、村集体、企业与分红", SPECIAL, "报账"),
    KeyDef("overview", "ctrl+w", "全镇资金概况", SPECIAL, "报账"),
    KeyDef("evaluation", "ctrl+z", "绩效自评", SPECIAL, "体检"),
    KeyDef("open-file", "ctrl+a", "看图：用系统程序打开所选图片或扫描件", SPECIAL, "项目档案"),
)

BY_ID: dict[str, KeyDef] = {k.id: k for k in KEYS}

# Keys Textual's own widgets bind that a clerk may press: their meaning in Chinese (F1, footer).
BUILTIN_MEANINGS: dict[str, str] = {
    "up": "上一行", "down": "下一行", "left": "左移", "right": "右移",
    "pageup": "上一页", "pagedown": "下一页", "home": "开头", "end": "末尾",
    # a field is cleared by selecting it (Ctrl+A / Ctrl+K are the key map's, not the field's)
    "shift+home": "选中到开头，再输入即替换", "shift+end": "选中到末尾，再输入即替换",
    "tab": "下一栏", "shift+tab": "上一栏", "space": "选中或展开",
    "ctrl+c": "复制所选文字", "ctrl+v": "粘贴", "backspace": "删除左边一个字", "delete": "删除右边一个字",
}

_KEY = re.compile(r"^((ctrl|shift|alt|super)\+)*([a-z0-9]|f[0-9]{1,2}|[a-z_]{2,})$")
_NAMED = {
    "escape": "Esc", "enter": "Enter", "minus": "-", "plus": "+", "equals_sign": "=", "tab": "Tab",
    "space": "空格", "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End",
    "up": "上", "down": "下", "left": "左", "right": "右", "backspace": "退格", "delete": "Del",
    "slash": "/", "comma": ",", "full_stop": ".",
}


def key_text(key: str) -> str:
    """``ctrl+s`` → ``Ctrl+S``, ``f1`` → ``F1``, ``plus,equals_sign`` → ``+``: how the table and hints name a key."""
    first = key.split(",")[0].strip()
    *mods, name = first.split("+") if first != "+" else ["+"]
    shown = _NAMED.get(name) or (name.upper() if len(name) <= 3 else name)
    return "+".join([*(m.capitalize() for m in mods), shown])


_active: dict[str, str] = {}  # the remaps in use (set by the app at start)


def set_active(keymap: dict[str, str]) -> None:
    _active.clear()
    _active.update(keymap)


def keys_of(key_id: str, keymap: dict[str, str] | None = None) -> str:
    """The key string now bound to ``key_id`` (after the clerk's remaps)."""
    return (_active if keymap is None else keymap).get(key_id) or BY_ID[key_id].key


def shown(key_id: str) -> str:
    """How hints on screen name the key of ``key_id`` now: ``shown("save")`` -> ``Ctrl+S``."""
    return key_text(keys_of(key_id))


def bind(key_id: str, action: str, label: str | None = None, *, tooltip: str = "", show: bool = True,
         priority: bool = False):
    """A Textual Binding for ``key_id`` from the table: its key, its id, a Chinese label."""
    from textual.binding import Binding

    k = BY_ID[key_id]
    return Binding(k.key, action, label or k.meaning, id=k.id, show=show, priority=priority,
                   tooltip=tooltip, key_display=k.display)


def _split(keys: str) -> list[str]:
    return [p.strip() for p in keys.split(",") if p.strip()]


def check_keymap(remaps: dict[str, object]) -> tuple[dict[str, str], list[str]]:
    """(remaps that can be applied, problems in Chinese). A remap is refused when its id is
    unknown, its key is not a key, or its key would then mean two things; the default stays."""
    problems: list[str] = []
    good: dict[str, str] = {}
    for key_id, raw in remaps.items():
        if key_id not in BY_ID:
            problems.append(f"按键设置：没有名为「{key_id}」的按键编号，已忽略（编号见 docs/KEYS.md）。")
            continue
        if not isinstance(raw, str) or not _split(raw):
            problems.append(f"按键设置：「{key_id}」的键应写成文字，如 \"ctrl+s\"，已忽略。")
            continue
        keys = [k.lower() for k in _split(raw)]
        bad = [k for k in keys if not _KEY.match(k)]
        if bad:
            problems.append(f"按键设置：「{key_id}」的键「{'、'.join(bad)}」不是有效的键名，已忽略。")
            continue
        good[key_id] = ",".join(keys)
    # clashes: after the remaps, a key bound to two ids
    while True:
        owner: dict[str, str] = {}
        clash = None
        for k in KEYS:
            for key in _split(good.get(k.id, k.key)):
                if key in owner and owner[key] != k.id:
                    clash = (owner[key], k.id, key)
                    break
                owner[key] = k.id
            if clash:
                break
        if clash is None:
            return good, problems
        a, b, key = clash
        # drop the remap that caused it (the one of the two that was remapped; the later when both were)
        dropped = b if b in good else a
        problems.append(f"按键设置：「{dropped}」改为 {key_text(key)} 与「{b if dropped == a else a}」"
                        f"（{BY_ID[b if dropped == a else a].meaning}）冲突，未采用，仍用 {key_text(BY_ID[dropped].key)}。")
        del good[dropped]


def read_keymap(path: Path) -> tuple[dict[str, str], list[str]]:
    """Read ``keymap.toml`` (a ``[keys]`` table, or the ids at the top level)."""
    import tomllib

    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"按键设置文件 {path} 无法读取（{exc}），使用默认按键。"]
    table = data.get("keys", data)
    if not isinstance(table, dict):
        return {}, [f"按键设置文件 {path} 的 [keys] 应是一张表，使用默认按键。"]
    return check_keymap({k: v for k, v in table.items() if k != "keys"})


def markdown_table() -> str:
    """docs/KEYS.md: generated from ``KEYS``; a test compares it with the file."""
    lines = [
        "# 按键一览",
        "",
        "<!-- 本文件由 `python -m fupin_tui.keymap` 从 fupin_tui/keymap.py 生成，请勿手改。 -->",
        "",
        "同一个键在每个页面含义相同。F1 显示当前页面可用的键，Ctrl+P 打开命令面板（可按拼音查找）。",
        "文字输入框里用 Home/End/Del/退格 编辑，Ctrl+C/Ctrl+V 复制粘贴；其余 Ctrl 键一律是下表的含义。",
        "用 Tab 或 Enter 进入一栏时整栏已选中，直接输入即替换（改数字不用先退格）；"
        "栏内按 Shift+Home 选中光标前的文字，再输入即替换。",
        "",
        "改键：在配置文件夹放一个 `keymap.toml`，写法如下；编号见下表第一列。",
        "启动时检查：编号不存在、键名无效、或改后与另一个键冲突的，不采用并在屏幕上说明。",
        "",
        "```toml",
        "[keys]",
        'save = "f10"',
        'void = "ctrl+x"',
        "```",
        "",
    ]
    for group in (GLOBAL, COMMON, SPECIAL):
        lines += [f"## {group}", "", "| 编号 | 键 | 含义 | 用于 |", "| --- | --- | --- | --- |"]
        for k in KEYS:
            if k.group == group:
                shown = " / ".join(dict.fromkeys(key_text(p) for p in _split(k.key)))
                lines.append(f"| `{k.id}` | {shown} | {k.meaning} | {k.where} |")
        lines.append("")
    return "\n".join(lines)


DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "KEYS.md"

if __name__ == "__main__":  # python -m fupin_tui.keymap: rewrite docs/KEYS.md
    DOC_PATH.write_text(markdown_table(), encoding="utf-8", newline="\n")
    print(f"已生成 {DOC_PATH}")
