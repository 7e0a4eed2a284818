"""What the services keep of typed text: an IME's full-width digits and letters are folded, the
clerk's Chinese punctuation is kept (NFKC had turned ，（）： into ASCII, and 历史 showed it as an edit)."""

import pytest

from fupin_tui.domain.text_check import fold_width
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages
from tests.pilot.test_registry_screens import HEAD_ID


@pytest.mark.parametrize("typed, kept", [
    ("土木结构，年久失修", "土木结构，年久失修"),
    ("因病（慢性病）：高血压；", "因病（慢性病）：高血压；"),
    ("１３９００００１２３４", "13900001234"),
    ("ＡＢｃ组", "ABc组"),
    ("\u3000二组\u3000", "二组"),
    ("  一组 ", "一组"),
    ("", ""),
    (None, ""),
])
def test_fold_width(typed, kept):
    assert fold_width(typed) == kept


def test_a_saved_household_keeps_chinese_punctuation_and_folds_full_width_digits(ctx):
    saved = reg.save_household(ctx, reg.HouseholdInput(village_id=villages(ctx)[0].id, main_cause="因病",
                                                       look_house="土木结构，年久失修", phone="１３９００００１２３４"),
                               [reg.MemberInput("王五", HEAD_ID, "户主")])
    from fupin_tui.models import Household

    with ctx.read() as s:
        h = s.get(Household, saved.id)
        assert (h.look_house, h.phone) == ("土木结构，年久失修", "13900001234")
