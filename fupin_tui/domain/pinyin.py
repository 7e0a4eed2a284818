"""Pinyin search keys so lists filter by ``zs`` or ``zhangsan`` for 张三.

The key is stored in a DB column and matched with ``LIKE '%q%'``; computing
it once per save keeps the filter a plain SQL query. Cost measured on the
dev machine (2 cores, a slow day): about 5 µs per three-character name after
pypinyin is loaded, against 31 µs for pypinyin's own ``lazy_pinyin``
(``python -m timeit -s "from fupin_tui.domain.pinyin import _syllables as f;
f('张三')" "f('王小明')"``); importing pypinyin costs about 0.12 s once, hence
the lazy import.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from collections.abc import Iterable

__all__ = ["keys_for_household", "order_key", "search_keys"]

# Surnames read differently from the common reading pypinyin picks.
_SURNAME = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "朴": "piao",
    "仇": "qiu", "查": "zha", "盖": "ge", "覃": "qin", "缪": "miao",
    "翟": "zhai", "隗": "wei", "种": "chong", "秘": "bi", "召": "shao",
    "折": "she", "繁": "po", "员": "yun", "尉": "wei", "黑": "he",
}  # fmt: skip
# Compound surnames whose first character would otherwise be mis-mapped above.
_COMPOUND = {"尉迟": ("yu", "chi"), "单于": ("chan", "yu"), "万俟": ("mo", "qi")}


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f"


def _syllables(text: str) -> list[tuple[str, bool]]:
    """(syllable or character, is_han) for every character of ``text``."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        j = i
        han = _is_han(text[i])
        while j < len(text) and _is_han(text[j]) == han:
            j += 1
        run = text[i:j]
        if han:
            out += [(p.lower(), True) for p in _han_readings(run)]
        else:
            out += [(c.lower(), False) for c in run]
        i = j
    return out


def _han_readings(run: str) -> list[str]:
    """One reading per character of a run of Han characters, as pypinyin reads the run.

    pypinyin reads a run differently from its characters alone only where a word of its phrase
    dictionary occurs in it (重庆: chong, not zhong). A name rarely holds one, so the run is read a
    character at a time from a cache (a township's 80,000 names share a few thousand characters):
    about 5 µs a name instead of 31 (a roster import of 80,000 members spent a quarter of its
    writing here). ``test_pinyin`` checks this gives pypinyin's own answer on every name of a roster."""
    from pypinyin.constants import PHRASES_DICT  # lazy: ~0.12 s import, not at startup

    n = len(run)
    if any(run[a:b] in PHRASES_DICT for a in range(n - 1) for b in range(a + 2, n + 1)):
        items = _pypinyin(run)
        if len(items) == n:
            return items
    return [_char_reading(c) for c in run]  # defensive too: keep one item per character


def _pypinyin(run: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(run, style=Style.NORMAL, errors=lambda s: list(s))


@lru_cache(maxsize=None)
def _char_reading(ch: str) -> str:
    return _pypinyin(ch)[0]


@lru_cache(maxsize=65536)  # names repeat a lot in a township; imports of 80,000 members gain most
def search_keys(name: str) -> str:
    """``张三`` → ``zs zhangsan``: initials, a space, full pinyin; lower case."""
    # Keep letters and digits only: drops spaces and the · of 阿卜杜拉·买买提.
    name = "".join(c for c in unicodedata.normalize("NFKC", name or "") if c.isalnum())
    if not name:
        return ""
    parts = _syllables(name)
    if name[:2] in _COMPOUND and len(parts) >= 2:
        first, second = _COMPOUND[name[:2]]
        parts[0], parts[1] = (first, True), (second, True)
    elif parts and name[0] in _SURNAME:
        parts[0] = (_SURNAME[name[0]], True)
    initials = "".join(p[0] if han and p else p for p, han in parts)
    full = "".join(p for p, _ in parts)
    return f"{initials} {full}"


def keys_for_household(names: Iterable[str]) -> str:
    """Keys of all members, space-separated, so any member's name finds the household."""
    return " ".join(k for k in (search_keys(n) for n in names) if k)


@lru_cache(maxsize=None)
def _reading(ch: str) -> str:
    """One character's reading for ordering (its first pypinyin reading; not a Han character: itself)."""
    return _syllables(ch)[0][0] if ch else ""


def order_key(name: str) -> tuple:
    """The order of ``name`` in a Chinese list: syllable by syllable in pinyin (李 < 王 < 张; 李 <
    梁: ``li`` before ``liang``), the surname read as ``search_keys`` reads it, ties by the text.

    Computed here, not by the database: a server orders text by its own locale (C: by code point,
    张 before 李), SQLite by code point; the app's lists must read the same on both. Read a
    character at a time (cached: a township's 20,000 heads share a few thousand characters), so
    ordering 20,000 names costs about what reading them does."""
    text = "".join(c for c in unicodedata.normalize("NFKC", name or "") if c.isalnum())
    parts = [_reading(c) for c in text]
    if text[:2] in _COMPOUND and len(parts) >= 2:
        parts[0], parts[1] = _COMPOUND[text[:2]]
    elif parts and text[0] in _SURNAME:
        parts[0] = _SURNAME[text[0]]
    return (tuple(parts), name or "")
