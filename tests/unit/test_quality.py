"""H05/H08 data-quality checks on one household."""

from datetime import date

import pytest

from fupin_tui.domain.idcard import check_digit
from fupin_tui.domain.quality import HouseholdData, MemberData, check_household, phone_ok

TODAY = date(2026, 11, 27)


def pid(birth: str, seq: str = "123") -> str:
    """A valid ID number born on ``birth`` (YYYYMMDD); odd last seq digit = 男."""
    first17 = "520123" + birth + seq
    return first17 + check_digit(first17)


HEAD = MemberData("张三", pid("19700101", "011"), "户主", "男", date(1970, 1, 1), "小学", "", "健康", "普通劳动力")
WIFE = MemberData("李四", pid("19720202", "022"), "配偶", "女", date(1972, 2, 2), "小学", "", "健康", "普通劳动力")
KID = MemberData("张小", pid("20150505", "031"), "之子", "男", date(2015, 5, 5), "", "小学", "健康", "")


def messages(members, household=HouseholdData("5201231012010001")):
    return [(p.rule, p.member_name, p.message) for p in check_household(household, members, TODAY)]


def test_a_clean_household_has_no_findings():
    assert messages([HEAD, WIFE, KID]) == []


@pytest.mark.parametrize(
    "members, rule, name, fragment",
    [
        ([WIFE, KID], "H08", "", "户主应有且只有1人，现有0人"),
        ([HEAD, HEAD.__class__(**{**HEAD.__dict__, "name": "张二", "id_number": pid("19690101", "013")}), KID],
         "H08", "", "现有2人"),
        ([HEAD, WIFE, MemberData("王五", pid("19750303", "042"), "配偶", "女", date(1975, 3, 3))],
         "H08", "", "配偶最多1人，现有2人（李四、王五）"),
        # 12-year-old with both 文化程度 and 在校生状况
        ([HEAD, MemberData("张中", pid("20140101", "051"), "之子", "男", date(2014, 1, 1), "小学", "七年级")],
         "H08", "张中", "文化程度「小学」与在校生状况「七年级」不能同时填写"),
        # healthy 40-year-old without labour
        ([HEAD, MemberData("李壮", pid("19860606", "061"), "之子", "男", date(1986, 6, 6), "初中", "", "健康", "无劳动力")],
         "H08", "李壮", "劳动技能却为「无劳动力」"),
        ([HEAD, MemberData("李坏", "520123198606060610", "之子")], "H05", "李坏", "身份证号校验码错误"),
        ([HEAD, MemberData("李日", pid("19860606", "061"), "之子", "男", date(1986, 6, 7))],
         "H08", "李日", "出生日期 1986-06-07 与身份证号中的 1986-06-06 不一致"),
        ([HEAD, MemberData("李性", pid("19860606", "061"), "之子", "女")], "H08", "李性", "性别「女」与身份证号中的「男」不一致"),
        ([HEAD, MemberData("李电", pid("19860606", "061"), "之子", phone="1380013800")], "H08", "李电", "不是11位手机号码"),
        ([HEAD, MemberData("李重", HEAD.id_number, "之子")], "H05", "李重", "与本户 张三 重复"),
    ],
)
def test_findings(members, rule, name, fragment):
    found = messages(members)
    assert any(r == rule and n == name and fragment in m for r, n, m in found), found


@pytest.mark.parametrize(
    "member",
    [
        # sick 40-year-old without labour: fine
        MemberData("甲", pid("19860606", "061"), "之子", health="长期慢性病", labour_skill="丧失劳动力"),
        # 65-year-old without labour: fine
        MemberData("乙", pid("19600606", "061"), "之父", labour_skill="无劳动力"),
        # 17-year-old student without labour skill: fine
        MemberData("丙", pid("20090606", "061"), "之子", school_status="普通高中三年级", labour_skill="无劳动力"),
        # adult with both education and a school status (e.g. 大专 student of 25) is outside school age
        MemberData("丁", pid("20010606", "061"), "之子", education="高中(含职业高中、技校)", school_status="本科一至五年级"),
    ],
)
def test_not_flagged(member):
    assert messages([HEAD, member]) == []


def test_household_phones():
    found = messages([HEAD], HouseholdData("H1", phone="0851-1234567", helper_phone="13800138000"))
    assert found == [("H08", "", "户联系电话「0851-1234567」不是11位手机号码")]


@pytest.mark.parametrize("phone, ok", [("", True), ("13800138000", True), ("１３８００１３８０００", True),
                                       ("138 0013 8000", True), ("23800138000", False), ("1380013800", False)])
def test_phone_ok(phone, ok):
    assert phone_ok(phone) is ok


def test_problem_reads_as_a_sentence():
    (problem,) = check_household(HouseholdData("H9"), [WIFE], TODAY)
    assert str(problem) == "[H08] 户号 H9：户主应有且只有1人，现有0人"


def test_findings_stay_the_same_until_the_next_birthday_or_a_birth_date_reached():
    from fupin_tui.domain.quality import stable_until

    today = date(2026, 11, 27)
    m = lambda born: MemberData("张三", pid(born))  # noqa: E731
    assert stable_until([], today) == date.max
    assert stable_until([m("20101201")], today) == date(2026, 12, 1)     # 15 turns 16 (working age)
    assert stable_until([m("20101127")], today) == date(2027, 11, 27)    # birthday today: the next one
    assert stable_until([m("19660101"), m("20101201")], today) == date(2026, 12, 1)
    assert stable_until([m("19600101")], today) == date.max               # 66: past every age counted
    assert stable_until([m("19660101")], today) == date(2027, 1, 1)       # 60 turns 61 (leaves working age)
    assert stable_until([m("20080229")], date(2027, 1, 10)) == date(2027, 3, 1)  # 29 Feb in a common year
    future = "520123" + "20261215" + "123"
    born_later = MemberData("张小", future + check_digit(future))
    assert stable_until([born_later], today) == date(2026, 12, 15)      # an ID valid only from its birth date
    assert stable_until([MemberData("错号", "52012319901301123X")], today) == date.max
    assert stable_until([MemberData("空", "")], today) == date.max
