"""One rule <-> parameter map: declared in the rule code (``@rule(params=...)``), shown everywhere.

The declaration is checked against what each rule really reads: every rule runs over its breaking
and keeping cases of test_rules.py with a policy that records the names asked for.
"""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from fupin_tui.domain import policy as pol
from fupin_tui.domain.deadlines import PERIOD_PARAMS
from fupin_tui.domain.rules import param_rules, rule_ids, rule_specs
from fupin_tui.domain.rules.base import REGISTRY, Env

from tests.unit import test_rules as cases

# H05 and H08 share one pass of quality.check_household (cached per household), which reads the
# school ages for H08 only.
SHARED_READS = {"H05": {"school_age_min", "school_age_max"}}


class RecordingPolicy:
    def __init__(self, real):
        self._real, self.read = real, set()

    def __getattr__(self, name):
        self.read.add("poverty_line" if name == "poverty_line_for" else name)
        return getattr(self._real, name)


class RecordingEnv(Env):
    """Deadlines are computed for all rules at once: the real policy there, each rule's own period
    parameter counted when the rule looks at its deadlines."""

    def deadlines(self, p):
        if p.id not in self._deadlines:
            from fupin_tui.domain.deadlines import project_deadlines

            self._deadlines[p.id] = project_deadlines(p.dates, self.policy._real, self.today)
        return self._deadlines[p.id]


def _extra():
    c = cases
    behind = c.project(planned_start=c.D(2026, 3, 1), planned_end=c.D(2026, 12, 31),
                       dates=c.pd(started_on=c.D(2026, 3, 1)), progress=(c.ProgressData(c.D(2026, 10, 1), c.Y("0.2")),))
    year = (c.project(category="产业发展", subsidy=c.Y("900000"), dates=c.pd(approved_on=c.D(2026, 3, 2))),)
    return {"F08": [c.CheckData(projects=year)], "P14": [c.CheckData(projects=(behind,))]}


def _datasets(rid):
    out = list(_extra().get(rid, []))
    for rule, breaks, _expected, keeps in cases.CASES:
        if rule == rid:
            if rid in cases.ENTITY_CASES:
                breaks, keeps = cases.ENTITY_CASES[rid]
            out += [cases.data_for(rid, breaks), cases.data_for(rid, keeps)]
    from tests.unit import test_rules_duties as part_b  # RULES-2 part B: whole CheckData per case

    out += [data for c in part_b.CASES if c[0] == rid for data in (c[2], c[4])]
    if not out:
        out.append(cases.data_for(rid, []))
    return out


def _reads(rid):
    spy = RecordingPolicy(cases.POLICY)
    for data in _datasets(rid):
        for today in (cases.TODAY, date(2027, 3, 25), date(2026, 12, 14)):
            env = RecordingEnv(data=data, policy=spy, today=today)
            list(REGISTRY[rid].check(env))
            if rid in PERIOD_PARAMS and env._deadlines:
                spy.read.add(PERIOD_PARAMS[rid])
    return spy.read - SHARED_READS.get(rid, set())


@pytest.mark.parametrize("rid", rule_ids())
def test_a_rule_declares_exactly_the_parameters_it_reads(rid):
    declared = set(REGISTRY[rid].spec.params)
    assert _reads(rid) == declared


def test_every_parameter_of_policy_toml_is_read_by_some_rule():
    users = param_rules()
    assert set(pol.load_defaults()) - set(users) == set()
    assert set(users) - set(pol.load_defaults()) == set()


def test_policy_toml_does_not_keep_a_second_map():
    doc = tomllib.loads(pol.POLICY_FILE.read_text("utf-8"))
    written = [name for name, t in doc["params"].items() if "rules" in t]
    assert written == [], "规则与参数的对应只写在规则代码的 @rule(params=...) 中"


def test_settings_and_the_check_list_show_the_same_map(ctx):
    from fupin_tui.services import checks, policy_settings

    by_param = {r.name: set(r.rules.split("、")) - {""} for r in policy_settings.param_rows(ctx)}
    from_rules: dict[str, set[str]] = {}
    for row in checks.rules_list(ctx):
        for name, _label, _value in row.params:
            from_rules.setdefault(name, set()).add(row.id)
    assert by_param == {n: from_rules.get(n, set()) for n in by_param}
    assert {s.id for s in rule_specs()} >= {"P14", "F08", "H08", "Y01"}
