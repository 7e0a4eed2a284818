import pytest

from fupin_tui.domain import codes as codes_mod
from fupin_tui.domain.codes import CodesFileError, load_codes, load_codes_file, parse_codes_toml
from fupin_tui.domain.errors import DomainError


@pytest.fixture(autouse=True)
def _no_user_dirs():
    codes_mod.configure(())
    yield
    codes_mod.configure(())


@pytest.fixture
def codes():
    return load_codes()


@pytest.mark.parametrize(
    "list_name, size, first, last",
    [
        ("识别标准", 3, "国家标准", "市定标准"),
        ("贫困户属性", 8, "一般贫困户", "低保特困供养户"),
        ("贫困户属性简表", 3, "一般贫困户", "特困供养贫困户"),
        ("脱贫状态", 4, "未脱贫", "已脱贫(不再享受政策)"),
        ("致贫原因", 14, "因病", "其他"),
        ("房屋主要结构", 6, "钢筋混凝土", "其他"),
        ("饮水情况", 7, "经过净化处理的自来水", "其他水源"),
        ("入户路类型", 4, "泥土路", "沥青路"),
        ("燃料类型", 12, "柴草", "无炊用行为"),
        ("与户主关系", 28, "户主", "其他"),
        ("民族", 56, "汉族", "基诺族"),
        ("政治面貌", 4, "中共党员", "群众"),
        ("文化程度", 6, "文盲或半文盲", "本科及以上"),
        ("在校生状况", 25, "学龄前儿童", "硕士研究生及以上"),
        ("健康状况", 4, "健康", "残疾"),
        ("劳动技能", 5, "普通劳动力", "无劳动力"),
        ("务工所在地", 5, "乡镇内", "国外"),
        ("项目类别", 14, "产业发展", "其他"),
        ("建设性质", 4, "新建", "维修"),
        ("资金类型", 7, "发展资金", "其他"),
        ("资金来源", 4, "财政专项", "其他"),
        ("支出类别", 6, "直接补助到户", "其他费用"),
        ("验收等次", 3, "优良", "不合格"),
        ("户状态", 6, "识别中", "作废"),
        ("档案材料", 18, "资金下达通知", "移交清单"),
    ],
)
def test_shipped_lists(codes, list_name, size, first, last):
    items = codes.items(list_name)
    assert len(items) == size == len(set(items))
    assert (items[0], items[-1]) == (first, last)


def test_version(codes):
    assert codes.version == "2019"


@pytest.mark.parametrize(
    "list_name, label, code",
    [
        ("贫困户属性", "一般贫困户", "01"),
        ("贫困户属性", "低保贫困户", "04"),
        ("贫困户属性", "低保特困供养户", "08"),
        ("脱贫状态", "返贫", "3"),
        ("脱贫状态", "已脱贫(不再享受政策)", "4"),
        ("民族", "苗族", "06"),
        ("民族", "布依族", "09"),
        ("民族", "仡佬族", "37"),
        ("档案材料", "审计意见", "15"),
        ("致贫原因", "因病", None),  # list without codes
        ("贫困户属性", "不存在", None),
    ],
)
def test_code_of(codes, list_name, label, code):
    assert codes.code_of(list_name, label) == code


@pytest.mark.parametrize(
    "list_name, code, label",
    [("贫困户属性", "02", "低保脱贫户"), ("民族", "01", "汉族"), ("脱贫状态", "2", None), ("民族", " 12 ", "侗族")],
)
def test_label_of(codes, list_name, code, label):
    assert codes.label_of(list_name, code) == label


@pytest.mark.parametrize(
    "list_name, value, valid",
    [
        ("致贫原因", "因病", True),
        ("致贫原因", " 因病 ", True),
        ("致贫原因", "生病", False),
        ("致贫原因", "", False),
        ("致贫原因", None, False),
        ("文化程度", "高中(含职业高中、技校)", True),
        ("文化程度", "高中（含职业高中、技校）", True),  # full-width brackets from a workbook
        ("档案材料", "实施单位确定资料(采购/合同)", True),
        ("验收等次", "优秀", False),
    ],
)
def test_is_valid(codes, list_name, value, valid):
    assert codes.is_valid(list_name, value) is valid


def test_canonical_returns_the_lists_spelling(codes):
    assert codes.canonical("文化程度", "高中（含职业高中、技校） ") == "高中(含职业高中、技校)"
    assert codes.canonical("致贫原因", "生病") is None


@pytest.mark.parametrize(
    "label, roster",
    [("直接补助到户", True), ("培训务工补助", True), ("技工补助", True),
     ("工程建设", False), ("材料设备", False), ("其他费用", False)],
)  # fmt: skip
def test_spending_categories_roster_flag(codes, label, roster):
    assert codes.flag("支出类别", label, "roster") is roster


def test_archive_documents(codes):
    entries = codes.entries("档案材料")
    assert [e.code for e in entries] == [str(n) for n in range(1, 19)]
    only_above_threshold = [e.label for e in entries if e.flags.get("audit_only")]
    assert only_above_threshold == ["审计意见"]
    assert entries[10].label.startswith("涉及农户花名册")


def test_unknown_list_is_an_error(codes):
    with pytest.raises(DomainError, match="没有名为“不存在”的代码表"):
        codes.items("不存在")
    with pytest.raises(DomainError):
        codes.is_valid("不存在", "x")


def test_items_returns_a_copy(codes):
    codes.items("验收等次").append("优秀")
    assert "优秀" not in load_codes().items("验收等次")


def test_load_codes_is_cached():
    assert load_codes() is load_codes()


COUNTY = """
version = "2020-某县"
[lists."致贫原因"]
items = ["因病", "因残", "其他"]
"""


def test_county_file_replaces_a_list(tmp_path):
    (tmp_path / "codes.toml").write_text(COUNTY, encoding="utf-8")
    codes_mod.configure([tmp_path])
    codes = load_codes()
    assert codes.items("致贫原因") == ["因病", "因残", "其他"]
    assert codes.version == "2020-某县"
    assert len(codes.items("民族")) == 56  # other lists untouched
    assert codes.source_of("致贫原因").endswith("codes.toml")
    assert codes.source_of("民族") == "软件自带"


def test_extra_dirs_win_over_configured_dirs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "codes.toml").write_text(COUNTY, encoding="utf-8")
    (tmp_path / "b" / "codes.toml").write_text(
        '[lists."致贫原因"]\nitems = ["因学"]\n', encoding="utf-8"
    )
    codes_mod.configure([tmp_path / "a"])
    assert load_codes(extra_dirs=[tmp_path / "b"]).items("致贫原因") == ["因学"]
    assert load_codes().items("致贫原因") == ["因病", "因残", "其他"]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[lists", "格式错误"),
        ('version = 2019\n[lists."a"]\nitems = ["x"]', "version 应加引号"),
        ('version = "1"', "没有任何代码表"),
        ('[lists."a"]\nitems = []', "列表不能为空"),
        ('[lists."a"]\nvalues = ["x"]', "缺少 items 列表"),
        ('[lists."a"]\nitems = ["x", "x"]', "名称“x”重复"),
        ('[lists."a"]\nitems = ["x（1）", "x(1)"]', "重复"),
        ('[lists."a"]\nitems = [{code = "1", label = "x"}, {code = "1", label = "y"}]', "编码“1”重复"),
        ('[lists."a"]\nitems = [{code = 1, label = "x"}]', "编码请加引号"),
        ('[lists."a"]\nitems = [{code = "1"}]', "缺少名称"),
        ('[lists."a"]\nitems = [{label = "x", roster = "yes"}]', "只能是 true 或 false"),
        ('[lists."a"]\nitems = [1]', "每一项应为文字"),
        ('colour = "red"\n[lists."a"]\nitems = ["x"]', "无法识别的项目 colour"),
    ],
)
def test_file_validation(text, fragment):
    with pytest.raises(CodesFileError, match=fragment):
        parse_codes_toml(text, "codes.toml")


def test_bad_county_file_is_reported_with_its_name(tmp_path):
    (tmp_path / "codes.toml").write_text('[lists."a"]\nitems = []', encoding="utf-8")
    codes_mod.configure([tmp_path])
    with pytest.raises(CodesFileError, match="codes.toml"):
        load_codes()


def test_shipped_file_is_valid():
    shipped = load_codes_file(codes_mod.SHIPPED_FILE)
    assert shipped.version == "2019" and len(shipped.lists) >= 25
