"""The dashboard's counts by status are kept between starts while nothing changed (issue 18:
a start at 100,000 households read every household row for them, 0.15-0.7 s)."""

import sqlite3

from fupin_tui.services import check_store
from fupin_tui.services import registry as reg
from fupin_tui.services.overview import KEPT, read_overview
from fupin_tui.services.township import villages
from tests.pilot.test_registry_screens import HEAD_ID, WIFE_ID


def _add(ctx, name, id_number):
    vid = villages(ctx)[0].id
    reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病"), [reg.MemberInput(name, id_number, "户主")])


def test_kept_counts_are_read_without_the_households_and_a_save_makes_new_ones(ctx, db_path):
    _add(ctx, "王五", HEAD_ID)
    first = read_overview(db_path)
    assert first.households_total == 1 and check_store.read(db_path, KEPT)["overview"]["households_total"] == 1

    # kept: the next start takes them from the store, not from the household table
    con = sqlite3.connect(db_path)
    con.execute("UPDATE household SET size = size + 5")  # by hand, no audit row: the kept figures stand
    con.commit()
    con.close()
    assert read_overview(db_path) == first
    assert read_overview(db_path, kept=False).people_total == first.people_total + 5

    _add(ctx, "杨开秀", WIFE_ID)  # a save writes an audit row: the kept figures no longer hold
    again = read_overview(db_path)
    assert again.households_total == 2
