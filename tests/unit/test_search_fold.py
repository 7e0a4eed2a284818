"""Searches fold the needle as saves fold the text (text_check.fold_width): a typed ， finds the stored
，, a full-width digit finds the ASCII one. NFKC on the needle alone had turned ， into , and found nothing."""

from decimal import Decimal

import pytest

from fupin_tui.domain.rules.base import Finding
from fupin_tui.screens.check import matches
from fupin_tui.services import library, projects
from fupin_tui.services import registry as reg
from fupin_tui.services import registry_query as rq
from fupin_tui.services.township import villages
from fupin_tui.widgets import palette
from tests.pilot.test_registry_screens import HEAD_ID

NAME = "新寨村产业路，二期"  # stored with the clerk's full-width comma
CONTENT = "产业路1公里，硬化"


@pytest.fixture
def entry(ctx):
    e = library.save_entry(ctx, {"year": 2026, "name": NAME, "category": "产业发展", "content": CONTENT,
                                 "amount_fiscal": Decimal("200000"), "performance_goals": "带动30户增收",
                                 "village_id": villages(ctx)[0].id, "responsible_unit": "新安镇人民政府"})
    return e


def test_saved_text_keeps_the_comma(ctx, entry):
    assert [r.name for r in library.list_entries(ctx)] == [NAME]


@pytest.mark.parametrize("needle", ["路，二", "１公里", "１公里，硬化", "二期"])
def test_library_search(ctx, entry, needle):
    assert [r.name for r in library.list_entries(ctx, text=needle)] == [NAME]


@pytest.mark.parametrize("needle", ["路，二", "１公里，硬化"])
def test_project_list_search(ctx, entry, needle):
    projects.apply_from_library(ctx, entry, {"date": "2026-03-01"})
    assert [r.name for r in projects.list_projects(ctx, text=needle)] == [NAME]


@pytest.mark.parametrize("needle", ["路，二", "产业路，二期"])
def test_palette_project_search(ctx, entry, needle):
    projects.apply_from_library(ctx, entry, {"date": "2026-03-01"})
    assert [p.name for p in palette.find_projects(ctx, needle)] == [NAME]


def test_palette_command_with_full_width_letters():
    assert palette.match_score("ＴＪ", "体检", palette.pinyin_keys("体检")) > 0


@pytest.fixture
def household(ctx):
    return reg.save_household(ctx, reg.HouseholdInput(village_id=villages(ctx)[0].id, main_cause="因病"),
                              [reg.MemberInput("王五", HEAD_ID, "户主")])


def _full_width(digits: str) -> str:
    return "".join(chr(0xFF10 + int(d)) for d in digits)


def test_registry_search_with_full_width_id_digits(ctx, household):
    needle = _full_width(HEAD_ID[-6:-1])
    assert [r.id for r in rq.page_households(ctx, rq.HouseholdFilter(text=needle))] == [household.id]
    assert [r.id for r in palette.find_households(ctx, needle)] == [household.id]


def test_beneficiary_search_with_a_full_width_household_number(ctx, household):
    assert [h[0] for h in projects.find_households(ctx, _full_width(household.household_no))] == [household.id]


def test_check_filter_with_chinese_punctuation():
    f = Finding("P13", "五(二)", "错误", "project:1", "产业路", "第2期需工程进度达到50%，当前0%")
    assert matches(f, "５０%，当前")
    assert not matches(f, "50%,当前")  # an ASCII comma is another character, as in every other search
