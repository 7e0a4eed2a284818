"""The county runs 体检 over merged packages and finds what the township finds (issue 7, section 3)."""

from collections import Counter

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.services import checks, policy_settings


def _findings(ctx) -> Counter:
    # record ids differ after the merge (new ids); what the clerk reads must not
    return Counter((f.rule, f.severity, f.message) for f in checks.run_checks(ctx).findings)


def test_county_check_over_a_merged_package_matches_the_townships_own(tmp_path):
    township_db = tmp_path / "township.db"
    generate(township_db, households=400, seed=11)
    township = open_context(township_db, operator="张会计")
    package = export_package(township, tmp_path / "out").path
    county = open_context(tmp_path / "county.db", operator="县扶贫办")
    import_packages([package], county)
    # Policy values are the county's own; the scale it gave this township (H13) is its number too.
    for name in policy_settings.overridden(township):
        policy_settings.set_param(county, name, policy_settings.show_value(
            township.policy.value(name), policy_settings.pol.load_defaults()[name].kind))
    county.reload_policy()
    ours, theirs = _findings(township), _findings(county)
    assert sum(ours.values()) > 0
    assert theirs == ours, (ours - theirs, theirs - ours)
