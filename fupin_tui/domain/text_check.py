"""What text a clerk may store: one place for lengths, invisible characters and number ranges.

Every service entry point passes typed text through ``clean_text`` (widgets may cap length, a
service must not rely on it), and the database hook (``fupin_tui.text_guard``) checks every text
column of every row written, so nothing reaches the file, a printout or the county package that
the screen did not show.  Refusals are ``InputError`` naming the field, in Chinese.

Why refuse rather than strip: a stripped value differs between the township (which kept it) and
the county (which got the export); a refused one is typed again by the person who knows it.
"""

from __future__ import annotations

import re
import unicodedata

from fupin_tui.domain.errors import InputError

EXCEL_CELL = 32767  # Excel's limit for one cell; nothing stored may be longer (a cell would be cut)
PERSON = 30  # a person's name (少数民族 names included)
NAME = 100  # a name of a place, unit, project, entity
SHORT = 200  # a document number, a place, a short phrase
TEXT = 2000  # a description, content, remarks
LONG = 10000  # long notes (photo path lists, file item lists)

# Cc control characters except tab/newline, Cf format characters (zero-width spaces, RTL override,
# BOM …), line/paragraph separators, private use, surrogates and unassigned code points.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
_ALLOWED_CONTROLS = {"\n", "\t"}
_NAMES = {"\u200b": "零宽空格", "\u200c": "零宽非连接符", "\u200d": "零宽连接符", "\ufeff": "BOM",
          "\u202e": "从右到左覆盖符", "\u202d": "从左到右覆盖符", "\u2066": "方向隔离符", "\u2067": "方向隔离符",
          "\u2068": "方向隔离符", "\u2069": "方向隔离符", "\x00": "空字符（NUL）", "\x07": "响铃符（BEL）",
          "\x1b": "转义符（ESC）", "\r": "回车符"}


# Full-width digits and Latin letters (an IME left in full-width mode: １３９, ＡＢ) and the ideographic
# space fold to their plain forms; Chinese punctuation (，（）：) is the clerk's text and stays.
_WIDTH_FOLD = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
               **{0xFF41 + i: 0x61 + i for i in range(26)}, 0x3000: 0x20}


def fold_width(text: str | None) -> str:
    """What the services store of typed text: full-width digits and letters made plain, stripped."""
    return (text or "").translate(_WIDTH_FOLD).strip()


def fold_search(text: str | None) -> str:
    """A search needle or haystack as compared: folded as saves fold it (``fold_width``: ，stays
    ，, １ becomes 1), lower case. NFKC here would turn a typed ， into , and miss the stored ，."""
    return fold_width(text).lower()


def bad_character(text: str, *, multiline: bool = True) -> str | None:
    """The first character that must not be stored, described in Chinese (None: all fine)."""
    if text.isprintable():  # no Other (C*) or Separator (Z*) but the space: none refused; a cell in 4 µs, not 40
        return None
    for ch in text:
        if ch in _ALLOWED_CONTROLS and (multiline or ch == "\t"):
            continue
        if ch == "\n" or unicodedata.category(ch) in _REFUSED_CATEGORIES:
            name = _NAMES.get(ch) or ("换行" if ch == "\n" else "不可见字符")
            return f"{name} U+{ord(ch):04X}"
    return None


def clean_text(value: object, field: str, *, limit: int = SHORT, required: bool = False,
               multiline: bool = False) -> str:
    """Typed text made ready to store: NFC, trimmed; refused when too long or carrying hidden characters."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value)).strip()
    bad = bad_character(text, multiline=multiline)
    if bad:
        raise InputError(field, f"含有不能保存的字符（{bad}），请删除后重新输入")
    if required and not text:
        raise InputError(field, "不能为空")
    if len(text) > limit:
        raise InputError(field, f"最多 {limit} 个字，现在有 {len(text)} 个字")
    return text


def check_digits(value: object, field: str, *, limit: int, extra: str = "", what: str = "数字") -> str:
    """A phone, account or code number: digits (and ``extra`` characters such as '-') only."""
    text = clean_text(value, field, limit=limit)
    text = unicodedata.normalize("NFKC", text)
    allowed = set(extra)
    if text and not all(ch.isdigit() and ch.isascii() or ch in allowed for ch in text):
        raise InputError(field, f"只能填{what}")
    return text


_PLAIN_CODE = re.compile(r"[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_\-]*")


def check_code_text(value: object, field: str, *, limit: int = 40) -> str:
    """A number people give a record (户编号): letters, digits, - and _; never a path or a formula."""
    text = unicodedata.normalize("NFKC", clean_text(value, field, limit=limit))
    if text and not _PLAIN_CODE.fullmatch(text):
        raise InputError(field, "只能由字母、数字、汉字、连字符和下划线组成（不能有 / . 空格等）")
    return text


def check_year(value: object, field: str, *, lo: int, hi: int) -> int | None:
    """A year within [lo, hi], or None when empty."""
    if value is None or value == "":
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InputError(field, "应为四位年份") from None
    if not lo <= year <= hi:
        raise InputError(field, f"应在 {lo} 到 {hi} 年之间")
    return year


def check_choice(value: object, field: str, allowed: tuple[str, ...] | list[str]) -> str:
    """A value from a code list (empty passes; the caller decides whether it is required)."""
    text = clean_text(value, field)
    if text and text not in allowed:
        shown = "、".join(allowed[:12]) + ("等" if len(allowed) > 12 else "")
        raise InputError(field, f"「{text[:20]}」不在代码表中，应为{shown}之一")
    return text
