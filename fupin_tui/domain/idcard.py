"""Resident ID numbers (GB 11643-1999) and masking for public lists (H05, H09).

Pure functions: no I/O. Everything a clerk reads is Chinese.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from fupin_tui.domain.errors import InputError

__all__ = [
    "IdInfo",
    "InvalidIdNumber",
    "age_on",
    "check_digit",
    "looks_like_excel_mangled",
    "mask_account",
    "mask_id",
    "mask_phone",
    "parse_id",
]

FIELD = "身份证号"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)
_EARLIEST = date(1900, 1, 1)

# What Excel leaves of an ID typed into a "General" cell: 5.20102E+17,
# 520102199001011000 (only 15 significant digits survive), 520102...0.0
_WELL_FORMED = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only: \d would take other scripts' digits
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


class InvalidIdNumber(InputError):
    """An ID number that cannot be right; the message says what is wrong."""

    def __init__(self, problem: str):
        super().__init__(FIELD, problem)


@dataclass(frozen=True)
class IdInfo:
    number: str  # always 18 characters, check digit upper-case X
    birth_date: date
    gender: str  # '男' or '女'
    area_code: str  # first 6 digits (administrative division)


def _normalise(text: object) -> str:
    # Full-width digits and Ｘ come from Chinese IMEs; NFKC folds them.
    return unicodedata.normalize("NFKC", str(text)).strip().upper()


def check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    if len(first17) != 17:
        raise ValueError("check_digit needs exactly 17 digits")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK[total % 11]


def looks_like_excel_mangled(text: object) -> bool:
    """True when the value looks like an ID that Excel stored as a number.

    The roster importer uses it to name the real problem (the column must be
    text) instead of a confusing "wrong check digit".
    """
    if isinstance(text, float):
        return True
    if text is None or isinstance(text, bool):
        return False
    s = _normalise(text)
    if _SCIENTIFIC.match(s):
        return True
    if re.fullmatch(r"\d{15,18}\.0+", s):
        return True
    # A float keeps 15 significant digits: the last three of 18 become 000.
    return len(s) == 18 and s.isdigit() and s.endswith("000")


def _birth(digits8: str, today: date) -> date:
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        raise InvalidIdNumber(f"出生日期不存在（{digits8}）") from None
    if born < _EARLIEST:
        raise InvalidIdNumber(f"出生日期早于1900年（{digits8}）")
    if born > today:
        raise InvalidIdNumber(f"出生日期在今天之后（{digits8}）")
    return born


def parse_id(text: object, *, today: date | None = None) -> IdInfo:
    """Validate an 18- or 15-digit ID number and return what it encodes.

    Raises InvalidIdNumber (and nothing else) for any bad input.
    """
    if text is None:
        raise InvalidIdNumber("不能为空")
    today = today or date.today()
    s = _normalise(text)
    if not s:
        raise InvalidIdNumber("不能为空")
    if _WELL_FORMED.fullmatch(s):  # the common case: skip the slower diagnostics below
        return _decode(s, today)
    if looks_like_excel_mangled(s) and not re.fullmatch(r"\d{17}[\dX]", s):
        raise InvalidIdNumber(f"疑似被Excel按数字保存（{s}），请把该列设为文本后重新录入")
    if len(s) not in (15, 18):
        raise InvalidIdNumber(f"应为18位（或旧版15位），实际为{len(s)}位")
    for pos, ch in enumerate(s, start=1):
        allowed_x = ch == "X" and pos == 18
        if not (ch in "0123456789" or allowed_x):
            raise InvalidIdNumber(f"第{pos}位含非法字符“{ch}”")
    if len(s) == 15:
        # Old cards (before 1999): no century, no check digit.
        first17 = s[:6] + "19" + s[6:]
        number = first17 + check_digit(first17)
    else:
        number = s
    return _decode(number, today)


def _decode(number: str, today: date) -> IdInfo:
    born = _birth(number[6:14], today)
    expected = check_digit(number[:17])
    if number[17] != expected:
        hint = "；疑似被Excel按数字保存，请把该列设为文本" if number.endswith("000") else ""
        raise InvalidIdNumber(f"校验码错误：第18位应为“{expected}”，实际为“{number[17]}”{hint}")
    gender = "男" if int(number[16]) % 2 else "女"
    return IdInfo(number=number, birth_date=born, gender=gender, area_code=number[:6])


def _keep_ends(s: str, head: int, tail: int) -> str:
    if len(s) <= head + tail:
        return "*" * len(s)  # too short to show anything safely
    return s[:head] + "*" * (len(s) - head - tail) + s[len(s) - tail :]


def mask_id(number: str) -> str:
    """ID for public lists: first 4 and last 4 kept (5201**********123X)."""
    return _keep_ends(_normalise(number), 4, 4)


def mask_phone(phone: str) -> str:
    """Phone for public lists: 138****5678."""
    return _keep_ends(re.sub(r"\s", "", _normalise(phone)), 3, 4)


def mask_account(account: str) -> str:
    """Bank account for public lists: only the last 4 characters shown."""
    return _keep_ends(re.sub(r"\s", "", _normalise(account)), 0, 4)


def age_on(birth_date: date, on_date: date) -> int:
    """Completed years on ``on_date`` (a 29 Feb birthday counts from 1 Mar)."""
    if on_date < birth_date:
        raise ValueError("日期早于出生日期")
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - before_birthday
