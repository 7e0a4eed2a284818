from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_tui.domain.errors import InputError
from fupin_tui.domain.idcard import (
    IdInfo,
    InvalidIdNumber,
    age_on,
    check_digit,
    looks_like_excel_mangled,
    mask_account,
    mask_id,
    mask_phone,
    parse_id,
)

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    "text, number, born, gender",
    [
        ("52010219900101123X", "52010219900101123X", date(1990, 1, 1), "男"),
        ("52010219900101123x", "52010219900101123X", date(1990, 1, 1), "男"),
        ("  522622198512300041 ", "522622198512300041", date(1985, 12, 30), "女"),
        # Full-width digits and Ｘ typed with a Chinese IME
        ("５２０１０２１９９００１０１１２３Ｘ", "52010219900101123X", date(1990, 1, 1), "男"),
        ("520102200002290010", "520102200002290010", date(2000, 2, 29), "男"),  # leap day
        ("520102190001010017", "520102190001010017", date(1900, 1, 1), "男"),  # earliest allowed
        ("520102202611260019", "520102202611260019", date(2026, 11, 26), "男"),  # yesterday
        # GB 11643's own example, and its 15-digit predecessor
        ("11010519491231002X", "11010519491231002X", date(1949, 12, 31), "女"),
        ("110105491231002", "11010519491231002X", date(1949, 12, 31), "女"),
    ],
)
def test_parse_valid(text, number, born, gender):
    info = parse_id(text, today=TODAY)
    assert info == IdInfo(number=number, birth_date=born, gender=gender, area_code=number[:6])


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("5201021990010112", "实际为16位"),
        ("52010219900101123X1", "实际为19位"),
        ("5201021990A101123X", "第11位含非法字符“A”"),
        ("52010219900101X23X", "第15位含非法字符“X”"),  # X only allowed as check digit
        ("5201 0219900101123", "第5位含非法字符"),
        ("520102199002301230", "出生日期不存在（19900230）"),
        ("520102199013011230", "出生日期不存在（19901301）"),
        ("520102190002290011", "出生日期不存在（19000229）"),  # 1900 is not a leap year
        ("520102202611280019", "出生日期在今天之后（20261128）"),
        ("440524188001010014", "出生日期早于1900年"),
        ("520102199001011231", "第18位应为“X”，实际为“1”"),
        ("522622198512300042", "第18位应为“1”，实际为“2”"),
        ("5.20102E+17", "Excel"),
        ("520102199001011000", "Excel"),  # float kept 15 digits; check digit also wrong
    ],
)
def test_parse_invalid(text, fragment):
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id(text, today=TODAY)
    assert exc.value.field == "身份证号"
    assert fragment in str(exc.value)
    assert isinstance(exc.value, InputError)


def test_parse_none_and_non_text():
    with pytest.raises(InvalidIdNumber):
        parse_id(None)
    with pytest.raises(InvalidIdNumber, match="Excel"):
        parse_id(5.20102199001011e17)


def test_default_today_is_real_today():
    with pytest.raises(InvalidIdNumber, match="今天之后"):
        parse_id("520102209901010011")


@pytest.mark.parametrize(
    "first17, digit",
    [("11010519491231002", "X"), ("52010219900101123", "X"), ("52262219851230004", "1")],
)
def test_check_digit(first17, digit):
    assert check_digit(first17) == digit


@pytest.mark.parametrize(
    "value, mangled",
    [
        ("5.20102E+17", True),
        ("5.20102199001011e+17", True),
        (5.20102199001011e17, True),
        ("520102199001011000", True),
        ("52010219900101123X.0", False),
        ("520102199001011230.0", True),
        ("52010219900101123X", False),
        ("522622198512300041", False),
        ("110105491231002", False),
        ("张三", False),
        (None, False),
    ],
)
def test_looks_like_excel_mangled(value, mangled):
    assert looks_like_excel_mangled(value) is mangled


@pytest.mark.parametrize(
    "func, value, masked",
    [
        (mask_id, "52010219900101123X", "5201**********123X"),
        (mask_id, "52010219900101123x", "5201**********123X"),
        (mask_id, "110105491231002", "1101*******1002"),
        (mask_id, "1234567", "*******"),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, " 138 1234 5678 ", "138****5678"),
        (mask_phone, "１３８１２３４５６７８", "138****5678"),
        (mask_account, "6228480402564890018", "***************0018"),
        (mask_account, "6228 4804 0256 4890 018", "***************0018"),
        (mask_account, "1234", "****"),
        (mask_account, "", ""),
    ],
)
def test_masks(func, value, masked):
    assert func(value) == masked


def test_masked_id_hides_birth_date():
    masked = mask_id("52010219900101123X")
    assert len(masked) == 18 and "19900101" not in masked


@pytest.mark.parametrize(
    "born, on, age",
    [
        (date(1990, 1, 1), date(2026, 1, 1), 36),
        (date(1990, 1, 2), date(2026, 1, 1), 35),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2010, 6, 15), date(2010, 6, 15), 0),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_age_on_before_birth():
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 1), date(1999, 12, 31))


# ---------------------------------------------------------------- properties


@given(st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9Xx]{15,18}\Z")))
def test_parse_never_raises_anything_else(text):
    try:
        info = parse_id(text, today=TODAY)
    except InvalidIdNumber:
        return
    assert len(info.number) == 18 and check_digit(info.number[:17]) == info.number[17]


@given(
    area=st.from_regex(r"\A[1-9][0-9]{5}\Z"),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
    fullwidth=st.booleans(),
)
def test_generated_ids_round_trip(area, born, seq, fullwidth):
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    typed = number.lower()
    if fullwidth:
        typed = typed.translate(str.maketrans("0123456789x", "０１２３４５６７８９ｘ"))
    info = parse_id(typed, today=TODAY)
    assert info.number == number
    assert info.birth_date == born
    assert info.gender == ("男" if seq % 2 else "女")
    assert info.area_code == area
