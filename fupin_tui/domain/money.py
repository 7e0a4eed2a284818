"""Money, quantities, ratios and dates as a clerk types them with a Chinese IME.

Money is Decimal in Python and integer fen in storage; rounding is always
ROUND_HALF_UP (四舍五入), never Python's default banker's rounding.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from fupin_tui.domain.errors import InputError

__all__ = [
    "MAX_WORDS_AMOUNT",
    "amount_in_words",
    "format_money",
    "from_fen",
    "parse_amount",
    "parse_date",
    "parse_decimal",
    "parse_ratio",
    "quantize_money",
    "to_fen",
]

CENT = Decimal("0.01")
MAX_WORDS_AMOUNT = Decimal("99999999999.99")
_MAX_INT_DIGITS = 15  # keeps fen inside SQLite's 64-bit integer with room to spare

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_SECTION_UNITS = ("", "万", "亿")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_PLACES_WORDS = {1: "一", 2: "两", 3: "三", 4: "四"}


# ---------------------------------------------------------------- parsing


def _normalise(text: object) -> str:
    # NFKC folds full-width digits and ．，－％; the IME's 。 must be mapped by hand.
    s = unicodedata.normalize("NFKC", str(text)).strip()
    return s.replace("。", ".")


def _places_problem(places: int) -> str:
    return "必须是整数" if places == 0 else f"最多{_PLACES_WORDS.get(places, places)}位小数"


def _to_decimal(s: str, original: str, field: str, places: int, allow_negative: bool) -> Decimal:
    if not s:
        raise InputError(field, "不能为空")
    if s.count(".") > 1:
        raise InputError(field, f"有多个小数点: {original}")
    whole, dot, frac = s.partition(".")
    if "," in frac:  # a comma after the point is a typo, not a separator
        raise InputError(field, f"不是有效数字: {original}")
    s = whole.replace(",", "") + dot + frac
    if not _NUMBER.fullmatch(s):
        raise InputError(field, f"不是有效数字: {original}")
    if len(whole.replace(",", "").lstrip("+-").lstrip("0")) > _MAX_INT_DIGITS:
        raise InputError(field, "数值过大")
    value = Decimal(s)
    if value < 0 and not allow_negative:
        raise InputError(field, "不能为负数")
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):  # 12.50 is fine, 12.505 is not
        raise InputError(field, _places_problem(places))
    return value.quantize(quantum) + 0  # "+ 0" turns -0 into 0


def parse_amount(
    text: object, field: str = "金额", *, allow_negative: bool = False, places: int = 2
) -> Decimal:
    """A money amount: ``１２。５``, ``1,234.5元``, ``￥20`` → Decimal with ``places`` decimals."""
    original = str(text).strip()
    s = _normalise(text)
    s = s.removesuffix("元").rstrip()
    s = s.removeprefix("¥").lstrip()  # NFKC turns ￥ into ¥
    return _to_decimal(s, original, field, places, allow_negative)


def parse_decimal(
    text: object, field: str, places: int = 2, *, allow_negative: bool = False
) -> Decimal:
    """A quantity (亩, 户, 公里…) with the same IME normalisation as amounts."""
    return _to_decimal(_normalise(text), str(text).strip(), field, places, allow_negative)


def parse_ratio(text: object, field: str) -> Decimal:
    """``50%``, ``５０％`` or ``0.5`` → Decimal('0.5'); must lie in 0..1."""
    s = _normalise(text)
    percent = s.endswith("%")
    if percent:
        value = _to_decimal(s[:-1].rstrip(), str(text).strip(), field, 4, False) / 100
    else:
        value = _to_decimal(s, str(text).strip(), field, 6, False)
    if value > 1:
        raise InputError(field, "比例应在0到1之间（或写成百分数，如50%）")
    return value.normalize() if value else Decimal(0)


_DATE_SEP = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})")
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(text: object, field: str) -> date:
    """``2026-03-05``, ``2026/3/5``, ``2026.3.5``, ``20260305``, ``2026年3月5日``."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = _normalise(text)
    if not s:
        raise InputError(field, "不能为空")
    m = _DATE_SEP.fullmatch(s) or _DATE_CN.fullmatch(s) or _DATE_COMPACT.fullmatch(s)
    if not m:
        raise InputError(field, f"日期格式不对: {str(text).strip()}（请写成2026-03-05）")
    groups = [g for g in m.groups() if g not in ("-", "/", ".")]
    year, month, day = (int(g) for g in groups)
    if not 1900 <= year <= 2099:
        raise InputError(field, f"年份超出范围: {year}")
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(field, f"日期不存在: {year}年{month}月{day}日") from None


# ---------------------------------------------------------------- fen, rounding, display


def quantize_money(x: Decimal | int) -> Decimal:
    """Round to the fen, 四舍五入."""
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(x: Decimal | int) -> int:
    """Decimal yuan → integer fen for storage (四舍五入)."""
    return int((Decimal(x) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    """Integer fen → Decimal yuan with exactly two decimals."""
    return Decimal(int(fen)).scaleb(-2)


def format_money(x: Decimal | int) -> str:
    """``1,234,567.80``: thousands separators and two decimals."""
    return f"{quantize_money(x):,.2f}"


# ---------------------------------------------------------------- capitals (F07)


def _section_words(n: int) -> str:
    """0 < n < 10000; inner zeros collapse to one 零, trailing zeros vanish."""
    out, pending_zero = "", False
    for pos in (3, 2, 1, 0):
        digit = n // 10**pos % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[pos]
    return out


def _integer_words(n: int) -> str:
    sections = []
    while n:
        sections.append(n % 10000)
        n //= 10000
    out, gap = "", False
    for idx in reversed(range(len(sections))):
        sec = sections[idx]
        if sec == 0:
            gap = bool(out)
            continue
        # 壹佰万零壹拾: a gap or a section without thousands needs a 零
        if out and (gap or sec < 1000):
            out += "零"
        out += _section_words(sec) + _SECTION_UNITS[idx]
        gap = False
    return out


def _amount_value(amount: object) -> Decimal:
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError("amount_in_words needs Decimal, int or str, not float")
    if isinstance(amount, str):
        return parse_amount(amount, allow_negative=True)
    if isinstance(amount, (int, Decimal)):
        value = Decimal(amount)
        if not value.is_finite():
            raise InputError("金额", f"不是有效数字: {amount}")
        return value
    raise TypeError(f"unsupported amount type: {type(amount).__name__}")


def amount_in_words(amount: Decimal | int | str) -> str:
    """大写金额 per 会计基础工作规范 第五十二条: ``1000.05`` → ``壹仟元零伍分``."""
    value = _amount_value(amount)
    if value < 0:
        raise InputError("金额", "不能为负数")
    if value == 0:
        raise InputError("金额", "必须大于零")
    if value != value.quantize(CENT):
        raise InputError("金额", "最多两位小数")
    if value > MAX_WORDS_AMOUNT:
        raise InputError("金额", "超出可转换范围（最大99,999,999,999.99）")
    fen = int(value * 100)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    out = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif cents and yuan:
        out += "零"  # 壹仟元零伍分: the empty 角 is spoken
    if cents:
        return out + _DIGITS[cents] + "分"
    return out + "整"  # ends at 元 or 角
