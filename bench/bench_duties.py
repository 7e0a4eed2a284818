"""What RULES-2 part B (P22-P27, L05, H10-H14) costs in ``fupin-tui check`` (issue 17: at most +10%).

    fupin-tui --db /tmp/d.db demo --households 20000
    fupin-tui --db /tmp/d.db check >/dev/null        # once: teaches the light path the column types
    python bench/bench_duties.py /tmp/d.db [rounds]

Times the light path of ``check`` (services.check_fast.run) with every rule, then without the
part-B rules and without loading their data; best of ``rounds`` each. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections import Counter


def main(path: str, rounds: int = 5) -> None:
    from fupin_tui.domain.rules import rule_ids
    from fupin_tui.domain.rules.duties_facts import DutiesData
    from fupin_tui.services import check_fast, checks

    part_b = {"P22", "P23", "P24", "P25", "P26", "P27", "L05", "H10", "H11", "H12", "H13", "H14"}
    old = [r for r in rule_ids() if r not in part_b]
    real_load = checks.load_duties

    def best(rules, load) -> tuple[float, object]:
        """The least CPU time of ``rounds`` runs (the machine is shared: wall time varies more)."""
        checks.load_duties = load
        times, result = [], None
        try:
            for _ in range(rounds):
                t = time.process_time()
                result = check_fast.run(path, rules=rules)
                times.append(time.process_time() - t)
        finally:
            checks.load_duties = real_load
        if result is None:
            raise SystemExit("light path refused: run `fupin-tui --db FILE check` once first")
        return min(times), result

    with_b, full = best(None, real_load)
    without_b, _ = best(old, lambda *a, **k: DutiesData())
    per_rule = Counter(f.rule for f in full.findings)
    print(f"rules: {len(rule_ids())} ({len(old)} without part B)")
    print(f"check, all rules          {with_b:6.2f} s  (CPU, best of {rounds})")
    print(f"check, without part B     {without_b:6.2f} s")
    print(f"part B costs              {100 * (with_b - without_b) / without_b:+6.1f} %")
    print(f"findings: {len(full.findings)}; part B: " +
          ", ".join(f"{r} {per_rule.get(r, 0)}" for r in sorted(part_b)))
    print("top rules: " + ", ".join(f"{r} {n}" for r, n in per_rule.most_common(8)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench_check.db", int(sys.argv[2]) if len(sys.argv) > 2 else 5)
