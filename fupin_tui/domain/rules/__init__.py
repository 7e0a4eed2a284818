"""The 体检 rule engine: one small named check per rule id of RULES.md.

``run_rules(data, policy, today)`` runs them all (or the ids asked for) over a
``CheckData`` built by ``services.checks`` and returns the findings in a stable
order.  A rule with nothing to look at yet says so with a 提示 finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from fupin_tui.domain.rules import archive, funds, linkage, projects, registry  # noqa: F401  (register rules)
from fupin_tui.domain.rules import duties_linkage, duties_projects, duties_registry  # noqa: F401  (RULES-2 part B)
from fupin_tui.domain.rules.base import (  # noqa: F401
    BREACH, DUE_SOON, FAILING, NOTICE, OVERDUE, REGISTRY, SEVERITIES, Ack, Env, Finding, RuleSpec, ack_key, ack_of,
    no_data,
)
from fupin_tui.domain.rules.facts import CheckData

__all__ = [
    "BREACH", "DUE_SOON", "FAILING", "NOTICE", "OVERDUE", "SEVERITIES", "Ack", "CheckData", "Finding",
    "RuleSpec", "param_rules", "rule_ids", "rule_specs", "run_rules", "sort_key",
]


def _id_key(rule_id: str) -> tuple[int, int]:
    group = "PFLHRY".index(rule_id[0])
    return group, int(rule_id[1:])


def rule_ids() -> list[str]:
    return sorted(REGISTRY, key=_id_key)


def rule_specs() -> list[RuleSpec]:
    return [REGISTRY[i].spec for i in rule_ids()]


def param_rules() -> dict[str, tuple[str, ...]]:
    """Parameter name -> the rule ids that read it, from each rule's ``params=`` (the one place
    the map is written; the settings screen and ``check --list`` both show it)."""
    out: dict[str, list[str]] = {}
    for spec in rule_specs():
        for name in spec.params:
            out.setdefault(name, []).append(spec.id)
    return {name: tuple(ids) for name, ids in out.items()}


def normalise_rule_id(text: str) -> str | None:
    """``p3`` / ``P03`` / ``ｐ０３`` -> ``P03``; None when there is no such rule."""
    import unicodedata

    m = re.fullmatch(r"([A-Za-z])0*(\d+)", unicodedata.normalize("NFKC", text or "").strip())
    if not m:
        return None
    rid = f"{m.group(1).upper()}{int(m.group(2)):02d}"
    return rid if rid in REGISTRY else None


def sort_key(f: Finding):
    """Severity first, then the rule, then the earliest due date, then the record."""
    return (SEVERITIES.index(f.severity), _id_key(f.rule), f.due or date.max, f.record_label, f.message)


def run_rules(data: CheckData, policy, today: date, only: Iterable[str] | None = None,
              cache: dict | None = None) -> list[Finding]:
    """``cache``: facts known from an earlier run (see ``Env.cache``); filled with the new ones."""
    env = Env(data=data, policy=policy, today=today, cache={} if cache is None else cache)
    wanted = rule_ids() if only is None else [r for r in rule_ids() if r in set(only)]
    out: list[Finding] = []
    for rid in wanted:
        r = REGISTRY[rid]
        if not r.has_data(data):
            out.append(no_data(r.spec))
            continue
        out.extend(r.check(env))
    out.sort(key=sort_key)
    return out
