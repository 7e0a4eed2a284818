"""Clauses of the regulation each rule must hold, built from the text's own words, dates and amounts.

Every case names the clause it comes from. The breaking data is written out here (the field names
as the regulation lists them, the dates and amounts it gives), never taken from the rule's constants,
so a rule that drops a clause fails here.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fupin_tui.domain.deadlines import ProjectDates
from fupin_tui.domain.policy import Policy
from fupin_tui.domain.rules import CheckData, run_rules
from fupin_tui.domain.rules.facts import StepData

from tests.unit.test_rules import EXIT_STEPS, IDENT_STEPS, household, project

POLICY = Policy.defaults()
TODAY = date(2026, 11, 27)
D, Y = date, Decimal


def findings(rule, *, projects=(), households=(), entities=(), today=TODAY, policy=POLICY, **data):
    return run_rules(CheckData(projects=tuple(projects), households=tuple(households), entities=tuple(entities),
                               **data), policy, today, only=[rule])


def breaches(rule, **kw):
    return [f.message for f in findings(rule, **kw) if f.severity in ("不合规", "逾期")]


# ---------------------------------------------------------------- H03 十二(七)


def test_h03_exit_without_basic_needs_recorded_is_a_breach():
    # 十二(七) 退出标准: 收入稳定超过国家扶贫标准且吃穿不愁，义务教育、基本医疗、住房安全有保障
    steps = IDENT_STEPS + (EXIT_STEPS[0]._replace(basic_needs_met=False),) + EXIT_STEPS[1:]
    h = household("已脱贫", income_year=2021, per_capita_income=Y("5200.00"), steps=steps)
    [m] = breaches("H03", households=[h])
    assert "两不愁三保障" in m
    kept = household("已脱贫", income_year=2021, per_capita_income=Y("5200.00"), steps=IDENT_STEPS + EXIT_STEPS)
    assert breaches("H03", households=[kept]) == []
