"""Mutation testing of one domain module (a developer tool; never part of the suite or CI).

    .venv/bin/python scripts/mutate.py fupin_tui/domain/linkage.py       # run, then print the score
    .venv/bin/python scripts/mutate.py fupin_tui/domain/rules/            # every module of a folder
    .venv/bin/python scripts/mutate.py --report fupin_tui/domain/linkage.py   # score of the last run only

It runs ``mutmut run "<module>.*" --max-children 1`` (one core: the machine is shared) with the
configuration in ``pyproject.toml`` ([tool.mutmut]: which files, which unit tests), then counts the
verdicts of ``mutmut results --all true`` for that module and lists the survivors by name
(``--show NAME`` prints the diff of one).  Score = killed / (killed + survived + timeout
+ suspicious + no tests).

mutmut 3 leaves decorated functions alone, and every 体检 rule is registered with ``@rule(...)``.
So the run happens in a copy, ``.mutation/`` (ignored by git, kept between runs so a second run
re-tests only what changed), in which each top-level ``@decorator`` is rewritten as
``name = decorator(name)`` after the function: the same program, whose rule bodies mutmut can
reach.  The working tree is never touched.
"""

from __future__ import annotations

import argparse
import ast
import collections
import shutil
import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1]
ROOT = SOURCE / ".mutation"
MUTMUT = Path(sys.executable).with_name("mutmut")
COPIED = ("fupin_tui", "tests", "data", "pyproject.toml")
KEEP = ("staticmethod", "classmethod", "property", "dataclass")  # mutmut handles or skips these itself


def undecorate(text: str) -> str:
    """Top-level ``@rule(...) def f`` -> ``def f`` followed by ``f = rule(...)(f)``."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    edits = []  # (first line, last line, replacement lines for the decorators, line after the body, appended)
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.decorator_list:
            continue
        names = {d.id if isinstance(d, ast.Name) else "" for d in node.decorator_list}
        if names & set(KEEP):
            continue
        first = node.decorator_list[0].lineno - 1
        last = node.lineno - 1  # the def line
        calls = [ast.get_source_segment(text, d) for d in node.decorator_list]
        wrapped = node.name
        for call in reversed(calls):
            wrapped = f"({call})({wrapped})"
        edits.append((first, last, node.end_lineno, f"{node.name} = {wrapped}\n"))
    for first, last, end, tail in reversed(edits):
        lines[end:end] = [tail]
        del lines[first:last]
    return "".join(lines)


def prepare() -> None:
    ROOT.mkdir(exist_ok=True)
    for name in COPIED:
        src, dst = SOURCE / name, ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dst)
    for path in (ROOT / "fupin_tui" / "domain").rglob("*.py"):
        text = (SOURCE / path.relative_to(ROOT)).read_text("utf-8")
        new = undecorate(text)
        if path.read_text("utf-8") != new:
            path.write_text(new, "utf-8")


def module_names(target: str) -> list[str]:
    path = (SOURCE / target).resolve()
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [".".join(f.relative_to(SOURCE).with_suffix("").parts) for f in files]


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
    ap.add_argument("target", nargs="?", default="fupin_tui/domain/", help="a module file or a folder under fupin_tui/domain/")
    ap.add_argument("--report", action="store_true", help="only print the score of the last run")
    ap.add_argument("--survivors", action="store_true", help="list the surviving mutants by name")
    ap.add_argument("--show", metavar="NAME", help="print the diff of one mutant")
    args = ap.parse_args(argv)
    if args.show:
        return subprocess.run([str(MUTMUT), "show", args.show], cwd=ROOT, check=False).returncode
    modules = module_names(args.target)
    if not args.report:
        prepare()
        for m in modules:
            subprocess.run([str(MUTMUT), "run", f"{m}.*", "--max-children", "1"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
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
