import re
from decimal import Decimal

import pytest

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.policy import (
    POLICY_FILE,
    Policy,
    format_file_number,
    from_storage,
    load_defaults,
    to_storage,
    validate_value,
)

D = Decimal

EXPECTED_DEFAULTS = {
    "split_window_days": 365,
    "review_application_wd": 10,
    "approve_after_fund_plan_wd": 20,
    "plan_submit_wd": 10,
    "plan_review_wd": 10,
    "expert_review_threshold_wan": D(50),
    "filing_wd": 5,
    "discipline_filing_wd": 5,
    "approval_notice_wd": 10,
    "site_notice_wd": 5,
    "max_build_months": 12,
    "adjust_window_months": 3,
    "info_entry_wd": 5,
    "start_grace_wd": 20,
    "acceptance_request_wd": 10,
    "acceptance_entry_wd": 5,
    "audit_threshold_wan": D(50),
    "deposit_rate_min": D("0.05"),
    "deposit_rate_max": D("0.10"),
    "tranche_shares": (D("0.5"), D("0.3"), D("0.2")),
    "tranche_progress": (D(0), D("0.5"), D(1)),
    "final_reimburse_days": 30,
    "budget_tolerance": D(0),
    "allocation_ratio": {"产业发展": D("0.3"), "基础设施": D("0.3"), "生活条件改善": D("0.1"),
                         "培训与就业": D("0.1"), "其他": D("0.2")},
    "coop_poor_share_min": D("0.30"),
    "collective_min_increase": D(50000),
    "collective_poor_share": D("0.30"),
    "min_dividend_rate": D("0.05"),
    "poor_proceeds_share_min": D("0.60"),
    "roster_poor_share_min": D("0.50"),
    "publicity_days": 7,
    "file_number_pattern": "{year}-{township}-{seq:03d}",
    "poverty_line": {2014: D(2800), 2015: D(2855), 2016: D(2952), 2017: D(2952),
                     2018: D(2995), 2019: D(3218), 2020: D(4000)},
    "warning_wd": 5,
    # RULES-2 part A and the numbers that were hard-coded (issue 16)
    "behind_schedule_points": D("0.30"),
    "block_tranches_when_behind": True,
    "allocation_deviation_points": D("0.05"),
    "yearly_lookahead_days": 60,
    "yearly_lookback_days": 30,
    "school_age_min": 6,
    "school_age_max": 18,
    # RULES-2 part B
    "adjustment_filing_wd": 5,
    "procurement_threshold_wan": D(100),
    "allowed_uses": ("产业发展", "就业", "基础设施", "生活条件改善", "危房改造", "培训", "教育", "金融扶贫与贷款贴息",
                     "小额贷款风险补偿", "产业保险补助", "新农合新农保缴费补助"),
    "publicity_wd": 5,
    "visits_per_year": 1,
    "identification_quota": {},
}  # fmt: skip


def test_defaults_are_the_rules_parameters():
    specs = load_defaults()
    assert set(EXPECTED_DEFAULTS) <= set(specs)  # newer rules add theirs (test_rule_params ties each to a rule)
    for name, value in EXPECTED_DEFAULTS.items():
        assert specs[name].default == value, name
        assert type(specs[name].default) is not float, name


def test_every_rules_parameter_is_documented_in_rules_md():
    rules_md = POLICY_FILE.parents[1].parent / "shared" / "domain" / "RULES.md"
    if not rules_md.exists():
        pytest.skip("RULES.md not beside the repository")
    named = set(re.findall(r"`([a-z_]+)`\s*\(", rules_md.read_text(encoding="utf-8")))
    assert len(named) >= 30 and named <= set(load_defaults())
    second = rules_md.with_name("RULES-2.md")
    if second.exists():  # part A: the strengthened rules (part B's parameters come with its rules)
        part_a = second.read_text(encoding="utf-8").split("## B.")[0]
        named = set(re.findall(r"`([a-z_]+)`\s*\(", part_a))
        assert {"behind_schedule_points", "block_tranches_when_behind", "allocation_deviation_points"} <= named
        assert named <= set(load_defaults())


@pytest.mark.parametrize("name, spec", sorted(load_defaults().items()))
def test_spec_metadata(name, spec):
    assert spec.name == name
    assert spec.label and not spec.label.isascii()
    assert spec.unit in {"工作日", "天", "月", "比例", "万元", "元", "列表", "岁", "次", "户", ""}
    # which rules read it: declared in the rule code, see test_rule_params.py
    if name not in ("warning_wd", "yearly_lookahead_days", "yearly_lookback_days"):
        assert spec.section
    if name.endswith("_wd"):
        assert (spec.kind, spec.unit) == ("workdays", "工作日")
    if name.endswith("_days"):
        assert (spec.kind, spec.unit) == ("days", "天")


def test_policy_attribute_access_and_immutability():
    policy = Policy.defaults()
    assert policy.info_entry_wd == 5
    assert policy.deposit_rate_max == D("0.10")
    with pytest.raises(AttributeError):
        policy.info_entry_wd = 6
    with pytest.raises(AttributeError):
        policy.no_such_parameter  # noqa: B018
    with pytest.raises(TypeError):
        policy.allocation_ratio["其他"] = D(1)


@pytest.mark.parametrize(
    "year, line",
    [(2014, D(2800)), (2016, D(2952)), (2019, D(3218)), (2020, D(4000)), (2025, D(4000))],
)
def test_poverty_line_for(year, line):
    assert Policy.defaults().poverty_line_for(year) == line


def test_poverty_line_before_any_known_year():
    with pytest.raises(DomainError) as exc:
        Policy.defaults().poverty_line_for(2013)
    assert exc.value.rule == "H01" and "2013" in exc.value.message


def test_from_overrides():
    policy = Policy.from_overrides(
        {"info_entry_wd": "7", "deposit_rate_min": "12%", "deposit_rate_max": 0.2,
         "poverty_line": {"2021": "4200", 2014: 2800}}
    )  # fmt: skip
    assert policy.info_entry_wd == 7
    assert policy.deposit_rate_min == D("0.12") and policy.deposit_rate_max == D("0.2")
    assert policy.poverty_line_for(2022) == D(4200)
    assert policy.poverty_line_for(2019) == D(2800)  # the table was replaced as a whole
    assert set(policy.overrides) == {"info_entry_wd", "deposit_rate_min", "deposit_rate_max", "poverty_line"}
    assert policy.filing_wd == 5
    assert policy.with_override("filing_wd", 3).filing_wd == 3
    assert policy != Policy.defaults()
    assert Policy.from_overrides({}) == Policy.defaults()


@pytest.mark.parametrize(
    "name, raw, label, problem",
    [
        ("deposit_rate_min", "1.5", "质量保证金比例下限", "0到1之间"),
        ("deposit_rate_min", "150%", "质量保证金比例下限", "0到1之间"),
        ("coop_poor_share_min", "-0.1", "合作社贫困户成员最低占比", "不能为负数"),
        ("info_entry_wd", -1, "拨付报账后信息录入时限", "不能为负数"),
        ("info_entry_wd", "2.5", "拨付报账后信息录入时限", "必须是整数"),
        ("info_entry_wd", 2.5, "拨付报账后信息录入时限", "必须是整数"),
        ("info_entry_wd", True, "拨付报账后信息录入时限", "必须是整数"),
        ("info_entry_wd", 0, "拨付报账后信息录入时限", "不能小于1"),
        ("info_entry_wd", 999, "拨付报账后信息录入时限", "不能大于250"),
        ("publicity_days", "abc", "识别公示天数", "不是有效数字"),
        ("deposit_rate_min", "0.2", "质量保证金比例下限", "不能大于质量保证金比例上限"),
        ("deposit_rate_max", "0.01", "质量保证金比例下限", "不能大于质量保证金比例上限"),
        ("tranche_shares", ["0.5", "0.3", "0.1"], "分期拨付比例（532）", "之和应为100%，现为90%"),
        ("tranche_shares", ["0.5", "0.3", "0.2", "0.0"], "分期拨付比例（532）", "第4期比例必须大于0"),
        ("tranche_shares", [], "分期拨付比例（532）", "非空列表"),
        ("tranche_progress", ["0", "0.6", "0.5"], "各期拨付所需工程进度", "第3期小于第2期"),
        ("tranche_progress", ["0", "1.5", "2"], "各期拨付所需工程进度", "0到1之间"),
        ("tranche_progress", ["0", "1"], "各期拨付所需工程进度", "期数（2）应与分期拨付比例的期数（3）相同"),
        ("allocation_ratio", {"产业发展": "0.5", "其他": "0.4"}, "资金用途分配比例（33112）", "现为90%"),
        ("allocation_ratio", {" ": "1"}, "资金用途分配比例（33112）", "用途名称不能为空"),
        ("allocation_ratio", "0.3", "资金用途分配比例（33112）", "非空表"),
        ("file_number_pattern", "{year}-{town}-{seq}", "档号格式", "未知的占位符{town}"),
        ("file_number_pattern", "{year}-{}-{seq}", "档号格式", "未知的占位符{}"),
        ("file_number_pattern", "{year}-{township}", "档号格式", "必须包含序号占位符{seq}"),
        ("file_number_pattern", "{year}-{seq:xyz}", "档号格式", "格式说明不正确"),
        ("file_number_pattern", "{year-{seq}", "档号格式", ""),
        ("file_number_pattern", "", "档号格式", "不能为空"),
        ("poverty_line", {"二〇二一": "4200"}, "贫困线（农民人均纯收入）", "年份无效"),
        ("poverty_line", {"2021": "0"}, "贫困线（农民人均纯收入）", "必须大于零"),
        ("poverty_line", {}, "贫困线（农民人均纯收入）", "至少需要一个年份"),
        ("audit_threshold_wan", "-1", "需审计意见的补助金额", "不能为负数"),
        ("no_such_thing", 1, "政策参数", "未知的参数: no_such_thing"),
        ("info_entry_wd", None, "拨付报账后信息录入时限", "不能为空"),
    ],
)
def test_validate_value_refuses(name, raw, label, problem):
    with pytest.raises(InputError) as exc:
        validate_value(name, raw)
    assert exc.value.field == label
    assert problem in exc.value.problem


@pytest.mark.parametrize(
    "name, raw, value",
    [
        ("info_entry_wd", "７", 7),
        ("info_entry_wd", 7.0, 7),
        ("deposit_rate_max", "８％", D("0.08")),
        ("tranche_shares", "40%，30%，30%", (D("0.4"), D("0.3"), D("0.3"))),
        ("tranche_shares", [D("0.6"), D("0.3"), D("0.1")], (D("0.6"), D("0.3"), D("0.1"))),
        ("audit_threshold_wan", "30。5", D("30.5")),
        ("collective_min_increase", "60,000", D(60000)),
        ("file_number_pattern", "档{year}-{seq:04d}", "档{year}-{seq:04d}"),
    ],
)
def test_validate_value_accepts(name, raw, value):
    assert validate_value(name, raw) == value


def test_cross_checks_use_the_other_current_values():
    assert validate_value("deposit_rate_min", "0.12", {"deposit_rate_max": D("0.2")}) == D("0.12")
    assert validate_value("tranche_progress", ["0", "1"], {"tranche_shares": (D("0.6"), D("0.4"))}) == (D(0), D(1))
    # from_overrides validates the pair together, whatever the order
    Policy.from_overrides({"tranche_progress": ["0", "1"], "tranche_shares": ["0.6", "0.4"]})
    with pytest.raises(InputError, match="期数"):
        Policy.from_overrides({"tranche_shares": ["0.6", "0.4"]})


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
def test_storage_round_trip_of_defaults(name):
    value = load_defaults()[name].default
    text = to_storage(name, value)
    if not isinstance(value, bool):  # no float exponent sneaks in
        assert "e" not in text.lower().replace("year", "").replace("seq", "").replace("township", "")
    assert from_storage(name, text) == value


@pytest.mark.parametrize("typed, value", [("是", True), ("否", False), ("开", True), ("关", False),
                                          ("true", True), (False, False)])
def test_a_county_switch_reads_yes_and_no(typed, value):
    assert validate_value("block_tranches_when_behind", typed) is value


def test_a_county_switch_refuses_anything_else():
    with pytest.raises(InputError, match="应为“是”或“否”"):
        validate_value("block_tranches_when_behind", "也许")


@pytest.mark.parametrize(
    "name, value, text",
    [
        ("deposit_rate_min", D("0.05"), '"0.05"'),
        ("tranche_shares", (D("0.5"), D("0.3"), D("0.2")), '["0.5", "0.3", "0.2"]'),
        ("info_entry_wd", 5, "5"),
        ("poverty_line", {2020: D(4000)}, '{"2020": "4000.00"}'),
        ("allocation_ratio", {"其他": D(1)}, '{"其他": "1"}'),
    ],
)
def test_to_storage_uses_strings_for_decimals(name, value, text):
    assert to_storage(name, value) == text
    assert Policy.to_storage(name, value) == text


def test_from_storage_validates_again():
    with pytest.raises(InputError, match="之和应为100%"):
        from_storage("tranche_shares", '["0.5", "0.5", "0.5"]')
    with pytest.raises(InputError, match="无法读取"):
        from_storage("info_entry_wd", "{not json")


@pytest.mark.parametrize(
    "pattern, year, township, seq, number",
    [
        ("{year}-{township}-{seq:03d}", 2026, "某镇", 7, "2026-某镇-007"),
        ("{year}-{township}-{seq:03d}", 2026, "某镇", 1234, "2026-某镇-1234"),
        ("FP{year}{seq:05d}", 2025, "某镇", 42, "FP202500042"),
    ],
)
def test_format_file_number(pattern, year, township, seq, number):
    assert format_file_number(pattern, year, township, seq) == number


def test_format_file_number_refuses_bad_pattern():
    with pytest.raises(InputError, match="档号格式"):
        format_file_number("{year}-{township}", 2026, "某镇", 1)
