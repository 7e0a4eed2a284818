"""How long 体检 takes over a big database (the 20,000-household demo).

    fupin-tui demo --households 20000 --db /tmp/bench_check.db
    FUPIN_TUI_TODAY=2026-11-27 python bench/bench_check.py /tmp/bench_check.db

Prints the time of each phase, the peak memory and the findings per severity; no assertions.
For the command as a whole (target: under 2 s and 300 MB):

    /usr/bin/time -f "%e s wall, %U+%S s CPU, %M KB peak" fupin-tui --db /tmp/bench_check.db check --json >/dev/null
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter
from pathlib import Path


def main(path: str) -> None:
    c0 = time.process_time()
    t0 = time.perf_counter()
    from fupin_tui.context import AppContext
    from fupin_tui.db import open_database
    from fupin_tui.domain.rules import run_rules
    from fupin_tui.services import checks

    ctx = AppContext(db=open_database(Path(path), create=False))
    t1 = time.perf_counter()
    data = checks.load_check_data(ctx)
    t2 = time.perf_counter()
    findings = run_rules(data, ctx.policy, ctx.today())
    t3 = time.perf_counter()
    result = checks.run_checks(ctx)
    t4 = time.perf_counter()
    c4 = time.process_time()
    again = time.perf_counter()
    checks.run_checks(ctx)  # nothing changed: the app's second caller (dashboard + 体检 screen)
    again = time.perf_counter() - again
    checks.next_deadlines(ctx)
    checks.fund_execution(ctx)
    checks.households_by_village(ctx)
    checks.projects_by_state(ctx)
    t5 = time.perf_counter()
    members = sum(len(h.members) for h in data.households)
    print(f"data: {len(data.households)} households, {members} members, {len(data.projects)} projects")
    print(f"import + open      {t1 - t0:6.2f} s")
    print(f"load (bulk reads)  {t2 - t1:6.2f} s")
    print(f"run 46 rules       {t3 - t2:6.2f} s")
    print(f"run_checks total   {t4 - t3:6.2f} s  (load + rules + acknowledgements)")
    print(f"run_checks again   {again:6.2f} s  (unchanged database: reused)")
    print(f"CPU time of this process up to here {c4 - c0:6.2f} s (the machine is shared; wall time varies)")
    print(f"dashboard figures  {t5 - t4:6.2f} s")
    print(f"peak memory        {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB")
    print(f"findings: {len(findings)}  " + "  ".join(f"{k} {v}" for k, v in result.counts().items()))
    per_rule = Counter(f.rule for f in findings)
    print("top rules: " + ", ".join(f"{r} {n}" for r, n in per_rule.most_common(8)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench_check.db")
