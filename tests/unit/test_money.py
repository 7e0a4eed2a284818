import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_tui.domain.errors import InputError
from fupin_tui.domain.money import (
    amount_in_words,
    format_money,
    from_fen,
    parse_amount,
    parse_date,
    parse_decimal,
    parse_ratio,
    quantize_money,
    to_fen,
)

D = Decimal


@pytest.mark.parametrize(
    "amount, words",
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        (20, "贰拾元整"),
        ("0.5", "伍角整"),
        ("1000.05", "壹仟元零伍分"),
        (100000, "壹拾万元整"),
        (100000000, "壹亿元整"),
        ("10.10", "壹拾元壹角整"),
        (1010, "壹仟零壹拾元整"),
        (105000, "壹拾万伍仟元整"),
        (1000010, "壹佰万零壹拾元整"),
        ("0.05", "伍分"),
        ("3.04", "叁元零肆分"),
        (D("0.01"), "壹分"),
        (D("0.15"), "壹角伍分"),
        (D("1.00"), "壹元整"),
        (1001, "壹仟零壹元整"),
        (D("105.5"), "壹佰零伍元伍角整"),
        (D("10000.5"), "壹万元伍角整"),
        (100010000, "壹亿零壹万元整"),
        (10000000001, "壹佰亿零壹元整"),
        (D("10.100"), "壹拾元壹角整"),  # trailing zero beyond the fen is harmless
        ("１,２３４。５元", "壹仟贰佰叁拾肆元伍角整"),
        (D("99999999999.99"), "玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    "amount, problem",
    [
        (D("-1"), "不能为负数"),
        ("-0.01", "不能为负数"),
        (0, "必须大于零"),
        ("0.00", "必须大于零"),
        (D("1.005"), "最多两位小数"),
        ("1.005", "最多两位小数"),
        (D("100000000000"), "超出可转换范围"),
        (D("NaN"), "不是有效数字"),
        ("abc", "不是有效数字"),
    ],
)
def test_amount_in_words_refuses(amount, problem):
    with pytest.raises(InputError) as exc:
        amount_in_words(amount)
    assert exc.value.field == "金额" and problem in exc.value.problem


@pytest.mark.parametrize("amount", [1.5, True])
def test_amount_in_words_refuses_float_and_bool(amount):
    with pytest.raises(TypeError):
        amount_in_words(amount)


@pytest.mark.parametrize(
    "text, value",
    [
        ("12.5", D("12.50")),
        ("１２。５", D("12.50")),  # IME full-width digits and full stop
        ("１２．５", D("12.50")),
        ("1,234,567.8", D("1234567.80")),
        ("1，234", D("1234.00")),
        ("  20元 ", D("20.00")),
        ("￥20", D("20.00")),
        ("12.", D("12.00")),
        (".5", D("0.50")),
        ("12.500", D("12.50")),
        ("-0", D("0.00")),
        ("007", D("7.00")),
    ],
)
def test_parse_amount(text, value):
    result = parse_amount(text)
    assert result == value and result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("元", "不能为空"),
        ("12a", "不是有效数字: 12a"),
        ("一百", "不是有效数字"),
        ("1.2.3", "有多个小数点"),
        ("12。5。0", "有多个小数点"),
        ("12.345", "最多两位小数"),
        ("-5", "不能为负数"),
        ("1e5", "不是有效数字"),
        ("3.4,5", "不是有效数字"),
        ("1 000", "不是有效数字"),
        ("9" * 16, "数值过大"),
    ],
)
def test_parse_amount_refuses(text, problem):
    with pytest.raises(InputError) as exc:
        parse_amount(text, "补助金额")
    assert exc.value.field == "补助金额"
    assert problem in exc.value.problem


def test_parse_amount_options():
    assert parse_amount("-5", allow_negative=True) == D("-5.00")
    assert parse_amount("7", places=0) == D("7")
    with pytest.raises(InputError, match="必须是整数"):
        parse_amount("7.5", places=0)


@pytest.mark.parametrize(
    "text, places, value",
    [("２。５", 1, D("2.5")), ("3", 2, D("3.00")), ("1,000.125", 3, D("1000.125"))],
)
def test_parse_decimal(text, places, value):
    assert parse_decimal(text, "面积", places=places) == value


def test_parse_decimal_names_field():
    with pytest.raises(InputError, match="^耕地面积：最多一位小数$"):
        parse_decimal("2.55", "耕地面积", places=1)


@pytest.mark.parametrize(
    "text, value",
    [
        ("50%", D("0.5")),
        ("５０％", D("0.5")),
        ("0.5", D("0.5")),
        ("0.50", D("0.5")),
        ("33.33%", D("0.3333")),
        ("100%", D("1")),
        ("0", D("0")),
        ("1", D("1")),
        (" 5 % ", D("0.05")),
    ],
)
def test_parse_ratio(text, value):
    assert parse_ratio(text, "比例") == value


@pytest.mark.parametrize(
    "text, problem",
    [("50", "0到1之间"), ("101%", "0到1之间"), ("-5%", "不能为负数"), ("%", "不能为空"), ("a%", "不是有效数字")],
)
def test_parse_ratio_refuses(text, problem):
    with pytest.raises(InputError) as exc:
        parse_ratio(text, "占比")
    assert exc.value.field == "占比" and problem in exc.value.problem


@pytest.mark.parametrize(
    "yuan, fen",
    [
        (D("0.125"), 13),  # 四舍五入, where banker's rounding would give 12
        (D("0.135"), 14),
        (D("2.5"), 250),
        (D("0.004"), 0),
        (D("0.005"), 1),
        (D("-0.005"), -1),
        (D("1234567.89"), 123456789),
        (3, 300),
    ],
)
def test_to_fen(yuan, fen):
    assert to_fen(yuan) == fen


@pytest.mark.parametrize("fen, yuan", [(0, "0.00"), (1, "0.01"), (123456789, "1234567.89"), (-250, "-2.50")])
def test_from_fen(fen, yuan):
    assert str(from_fen(fen)) == yuan


@pytest.mark.parametrize(
    "value, rounded",
    [(D("2.675"), D("2.68")), (D("2.665"), D("2.67")), (D("1"), D("1.00")), (5, D("5.00"))],
)
def test_quantize_money_rounds_half_up(value, rounded):
    result = quantize_money(value)
    assert result == rounded and str(result) == str(rounded)


@pytest.mark.parametrize(
    "value, text",
    [
        (D("1234567.8"), "1,234,567.80"),
        (D("0"), "0.00"),
        (D("999.995"), "1,000.00"),
        (D("-1234.5"), "-1,234.50"),
        (D("0.125"), "0.13"),
        (12, "12.00"),
    ],
)
def test_format_money(value, text):
    assert format_money(value) == text


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-05", "2026/3/5", "2026.3.5", "20260305", "2026年3月5日", "2026年03月05号",
        "２０２６年３月５日", "２０２６－０３－０５", "2026。3。5", " 2026 - 3 - 5 ",
        date(2026, 3, 5), datetime(2026, 3, 5, 14, 30),
    ],
)  # fmt: skip
def test_parse_date(text):
    assert parse_date(text, "开工日期") == date(2026, 3, 5)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "不能为空"),
        ("2026-02-30", "日期不存在: 2026年2月30日"),
        ("20261301", "日期不存在"),
        ("2026-3/5", "日期格式不对"),
        ("3/5/2026", "日期格式不对"),
        ("2026年3月", "日期格式不对"),
        ("1899-12-31", "年份超出范围"),
        ("明天", "日期格式不对"),
    ],
)
def test_parse_date_refuses(text, problem):
    with pytest.raises(InputError) as exc:
        parse_date(text, "开工日期")
    assert exc.value.field == "开工日期" and problem in exc.value.problem


# ---------------------------------------------------------------- properties

_DIGIT_WORDS = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
_ENDING = re.compile(r"(整|分)$")


@given(st.integers(min_value=1, max_value=9_999_999_999_999))
def test_words_for_whole_valid_range(fen):
    amount = from_fen(fen)
    words = amount_in_words(amount)
    assert _ENDING.search(words)
    assert words.endswith("分") == (fen % 10 != 0)
    if fen % 10 == 0 and fen % 100:
        assert words.endswith("角整")
    assert "零零" not in words and not words.startswith("零")
    assert not re.search(r"零(元|万|亿|整)", words)
    # every non-zero digit of the amount appears, in order, as its capital
    nonzero = [_DIGIT_WORDS[c] for c in f"{amount:.2f}" if c in "123456789"]
    capitals = [c for c in words if c in "壹贰叁肆伍陆柒捌玖"]
    assert capitals == nonzero


@given(st.text(max_size=20))
def test_parse_amount_only_input_error(text):
    try:
        value = parse_amount(text)
    except InputError:
        return
    assert value >= 0 and value == value.quantize(D("0.01"))


@given(st.text(alphabet="0123456789.,。，-+元 ％%１２", max_size=14))
def test_parse_amount_and_ratio_number_like_text(text):
    for parse in (parse_amount, lambda t: parse_ratio(t, "比例")):
        try:
            parse(text)
        except InputError:
            pass


@given(st.one_of(st.text(max_size=16), st.from_regex(r"\A\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\Z")))
def test_parse_date_only_input_error(text):
    try:
        parse_date(text, "日期")
    except InputError:
        pass
