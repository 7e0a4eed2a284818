"""County 体检 over two merged townships: each checked as it checks itself, findings naming it (issue 15.5)."""

import io
import json
import sqlite3
from argparse import Namespace
from collections import Counter

import pytest

from fupin_tui.context import open_context
from fupin_tui.demo import generate
from fupin_tui.domain.errors import InputError
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.services import checks


def _as_second_township(db):
    """A demo database turned into 龙场镇 (520123102): codes, household numbers and file numbers follow."""
    con = sqlite3.connect(db)
    con.execute("update township set name = '龙场镇', code = '520123102'")
    con.execute("update village set code = '520123102' || substr(code, 10)")
    con.execute("update household set household_no = '520123102' || substr(household_no, 10)")
    con.execute("update project set file_number = replace(file_number, '新安镇', '龙场镇')")
    con.execute("update voucherline set invoice_no = '9' || substr(invoice_no, 2) where kind = '发票'")
    con.execute("update appsetting set value = replace(replace(value, '520123101', '520123102'), '新安镇', '龙场镇')")
    con.commit()
    con.close()


def _county_parameters(db):
    """Both townships checked with the parameters a county database has: its one set, not the
    demo's H13 scale (a county database keeps one 县下达规模, not one per township)."""
    con = sqlite3.connect(db)
    con.execute("delete from policyoverride")
    con.commit()
    con.close()


def _findings(result) -> Counter:
    return Counter((f.rule, f.severity, f.message) for f in result.findings)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:  # module scope: set up before the per-test fixed today
        mp.setenv("FUPIN_TUI_TODAY", "2026-11-27")
        mp.setenv("FUPIN_TUI_HOME", str(tmp_path_factory.mktemp("home")))
        yield from _county(tmp_path_factory)


def _county(tmp_path_factory):
    base = tmp_path_factory.mktemp("county")
    one, two = base / "xinan.db", base / "longchang.db"
    generate(one, households=120, seed=11)
    generate(two, households=90, seed=12)
    _as_second_township(two)
    for db in (one, two):
        _county_parameters(db)
    towns = {}
    packages = []
    for db in (one, two):
        ctx = open_context(db, operator="张会计")
        towns[ctx.township().name] = _findings(checks.run_checks(ctx))
        packages.append(export_package(ctx, base / "out").path)
        ctx.db.close()
    ctx = open_context(base / "county.db", operator="县扶贫办")
    import_packages(packages, ctx)
    ctx.reload_policy()
    yield ctx, towns
    ctx.db.close()


def test_each_township_is_checked_as_it_checks_itself(county):
    ctx, towns = county
    result = checks.run_checks(ctx)
    assert {f.township for f in result.findings} == set(towns)
    for name, own in towns.items():
        theirs = Counter((f.rule, f.severity, f.message) for f in result.findings if f.township == name)
        assert sum(own.values()) > 0
        assert theirs == own, (name, own - theirs, theirs - own)
    # the second township's file numbers follow its own pattern: no R01 it does not have itself
    assert not [f for f in result.findings if f.township == "龙场镇" and f.rule == "R01"
                and "R01" not in {r for r, _, _ in towns["龙场镇"]}]


def test_township_wide_rules_are_per_township(county):
    ctx, _towns = county
    result = checks.run_checks(ctx)
    wide = [f for f in result.findings if not f.record and f.severity != "提示"]
    for f in wide:
        assert f.township in ("新安镇", "龙场镇")


def test_check_one_township_by_code(county):
    ctx, towns = county
    only = checks.run_checks(ctx, township="520123102")
    assert {f.township for f in only.findings} == {"龙场镇"}
    assert _findings(only) == towns["龙场镇"]
    with pytest.raises(InputError, match="520123199"):
        checks.run_checks(ctx, township="520123199")


def test_cli_check_township_names_it(county):
    from fupin_tui import cli_check

    ctx, _towns = county
    out = io.StringIO()
    cli_check.run(Namespace(json=True, list=False, rule=[], township="520123101"), ctx, out=out)
    rows = json.loads(out.getvalue())
    assert rows and {r["township"] for r in rows} == {"新安镇"}
    text = io.StringIO()
    cli_check.run(Namespace(json=False, list=False, rule=[], township="520123102"), ctx, out=text)
    assert "龙场镇" in text.getvalue()


def test_an_invoice_used_in_two_townships_is_named(tmp_path):
    from fupin_tui.excel.merge import PackageRefused

    one, two = tmp_path / "a.db", tmp_path / "b.db"
    generate(one, households=40, seed=11)
    generate(two, households=40, seed=12)
    _as_second_township(two)
    con = sqlite3.connect(two)  # 龙场镇 puts 新安镇's first invoice on one of its own vouchers
    code, no = sqlite3.connect(one).execute(
        "select invoice_code, invoice_no from voucherline where kind = '发票' and voided = 0 order by id").fetchone()
    con.execute("update voucherline set invoice_code = ?, invoice_no = ? where id = "
                "(select min(id) from voucherline where kind = '发票' and voided = 0)", (code, no))
    con.commit()
    con.close()
    packages = []
    for db in (one, two):
        ctx = open_context(db, operator="张会计")
        packages.append(export_package(ctx, tmp_path / "out").path)
        ctx.db.close()
    county = tmp_path / "county.db"
    import_packages(packages[:1], county)
    with pytest.raises(PackageRefused) as refused:
        import_packages(packages[1:], county)
    message = str(refused.value)
    assert f"发票代码 {code} 号码 {no}" in message and "新安镇凭证" in message and "本包凭证" in message
    assert "UNIQUE" not in message and "constraint" not in message
