import subprocess
import sys

import pytest

from fupin_tui.domain.pinyin import keys_for_household, search_keys


@pytest.mark.parametrize(
    "name, keys",
    [
        ("张三", "zs zhangsan"),
        ("王小明", "wxm wangxiaoming"),
        ("吕布", "lb lvbu"),  # ü typed as v, as on every pinyin IME
        # surnames read differently from the common reading
        ("单雄信", "sxx shanxiongxin"),
        ("曾国藩", "zgf zengguofan"),
        ("解缙", "xj xiejin"),
        ("区小明", "oxm ouxiaoming"),
        ("朴槿惠", "pjh piaojinhui"),
        ("仇英", "qy qiuying"),
        ("查良镛", "zly zhaliangyong"),
        ("单于丹", "cyd chanyudan"),  # compound surname 单于 keeps chan
        ("尉迟恭", "ycg yuchigong"),
        # non-Chinese characters kept, lower-cased; spaces and · dropped
        ("张三A", "zsa zhangsana"),
        ("ＡＢ张", "abz abzhang"),
        ("阿卜杜拉·买买提", "abdlmmt abodulamaimaiti"),
        (" 王 小 二 ", "wxe wangxiaoer"),
        ("李2", "l2 li2"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_search_keys(name, keys):
    assert search_keys(name) == keys


@pytest.mark.parametrize("query", ["zs", "zhangs", "zhangsan", "san"])
def test_keys_match_like_queries(query):
    assert query in search_keys("张三")


def test_initials_and_full_do_not_run_together():
    # "szh" would be a false hit spanning the initials and the full pinyin
    assert "szh" not in search_keys("张三")


def test_common_reading_kept_outside_the_surname():
    assert search_keys("李曾") == "lc liceng"


def test_keys_for_household():
    assert keys_for_household(["张三", "李四", ""]) == "zs zhangsan ls lisi"
    assert keys_for_household([]) == ""


def test_pypinyin_loaded_lazily():
    code = "import sys, fupin_tui.domain.pinyin; print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_names_order_by_pinyin_not_by_code_point():
    from fupin_tui.domain.pinyin import order_key

    # code point order would be 张 (U+5F20) 李 (U+674E) 王 (U+738B)
    assert sorted(["张三", "李四", "王五"], key=order_key) == ["李四", "王五", "张三"]
    # syllable by syllable: li before liang (run together, "lisi" would come after "liangshan")
    assert sorted(["梁山", "李四"], key=order_key) == ["李四", "梁山"]
    # the surname read as a surname: 单 shan after 陈 chen (its common reading dan would come first)
    assert sorted(["单雄", "陈明"], key=order_key) == ["陈明", "单雄"]


@pytest.mark.parametrize(
    "name, keys",
    [
        # a word of pypinyin's phrase dictionary in a name is read as the word, not character by character
        ("张重庆", "zcq zhangchongqing"),  # 重 alone: zhong
        ("李音乐", "lyy liyinyue"),  # 乐 alone: le
        ("刘成都", "lcd liuchengdu"),  # 都 alone: dou
    ],
)
def test_a_word_in_a_name_is_read_as_the_word(name, keys):
    assert search_keys(name) == keys


def test_names_read_as_pypinyin_reads_them():
    """The character cache gives pypinyin's own reading for every name of a township-sized roster
    (the demo's and the roster benchmark's characters, 40,000 names of 2–4 characters)."""
    import random

    from pypinyin import Style, lazy_pinyin

    from fupin_tui.demo import GIVEN, SURNAMES
    from fupin_tui.domain.pinyin import _han_readings

    chars = sorted(set(SURNAMES) | set(GIVEN) | set("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚重庆乐都朝行长觉"))
    rng = random.Random(7)
    names = {"".join(rng.choice(chars) for _ in range(rng.choice((2, 3, 3, 4)))) for _ in range(40000)}
    differ = [n for n in names if _han_readings(n) != lazy_pinyin(n, style=Style.NORMAL, errors=lambda s: list(s))]
    assert differ == []
