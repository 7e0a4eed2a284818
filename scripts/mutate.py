"""Mutation testing of one domain module (a developer tool; never part of the suite or CI).

    .venv/bin/python scripts/mutate.py fupin_tui/domain/linkage.py       # run, then print the score
    .venv/bin/python scripts/mutate.py fupin_tui/domain/rules/            # every module of a folder
    .venv/bin/python scripts/mutate.py --report fupin_tui/domain/linkage.py   # score of the last run only

It runs ``mutmut run "<module>.*" --max-children 1`` (one core: the machine is shared) with the
configuration in ``pyproject.toml`` ([tool.mutmut]: which files, which unit tests), then counts the
verdicts of ``mutmut results --all true`` for that module and lists the survivors by name
(``mutmut show NAME`` prints the diff of one).  Score = killed / (killed + survived + timeout
+ suspicious + no tests).
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")


def module_names(target: str) -> list[str]:
    path = (ROOT / target).resolve()
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [".".join(f.relative_to(ROOT).with_suffix("").parts) for f in files]


def verdicts() -> dict[str, str]:
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    result = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            result[name] = status
    return result


def owner(mutant: str, modules: list[str]) -> str | None:
    # fupin_tui.domain.linkage.x_share_dividends__mutmut_3 -> fupin_tui.domain.linkage
    best = [m for m in modules if mutant.startswith(m + ".")]
    return max(best, key=len) if best else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("target", help="a module file or a folder under fupin_tui/domain/")
    ap.add_argument("--report", action="store_true", help="only print the score of the last run")
    ap.add_argument("--survivors", action="store_true", help="list the surviving mutants by name")
    args = ap.parse_args(argv)
    modules = module_names(args.target)
    if not args.report:
        for m in modules:
            subprocess.run([str(MUTMUT), "run", f"{m}.*", "--max-children", "1"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, check=False)
    per: dict[str, collections.Counter] = {m: collections.Counter() for m in modules}
    survivors: list[str] = []
    for name, status in verdicts().items():
        m = owner(name, modules)
        if m is None:
            continue
        per[m][status] += 1
        if status not in ("killed", "not checked", "skipped"):
            survivors.append(f"{name}: {status}")
    total_k = total_n = 0
    for m in modules:
        c = per[m]
        killed = c["killed"] + c["caught by type check"]
        counted = killed + c["survived"] + c["timeout"] + c["suspicious"] + c["no tests"]
        total_k, total_n = total_k + killed, total_n + counted
        if counted:
            print(f"{m:45} {killed:5}/{counted:<5} killed  {100 * killed / counted:5.1f}%"
                  + (f"  (not checked {c['not checked']})" if c["not checked"] else ""))
    if total_n:
        print(f"{'total':45} {total_k:5}/{total_n:<5} killed  {100 * total_k / total_n:5.1f}%")
    if args.survivors:
        print("\n".join(sorted(survivors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
