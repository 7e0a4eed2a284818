"""County on both engines: merge N township packages into SQLite and into PostgreSQL (time,
peak memory of the merging process), then ``check`` over the merged county on both.

    flock /tmp/bench.lock .venv/bin/python bench/bench_county.py --households 20000 --townships 5

Township databases are demo data (fupin_tui.demo), one seed per township, their codes moved
to 52012310k so household numbers and village codes differ; packages are cached in --work.
A throw-away PostgreSQL cluster (tests/county/pg_cluster.py) is started and stopped.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "county"))


def township_package(work: Path, k: int, households: int) -> Path:
    """The package of township 52012310k (demo data, seed k), built once and cached."""
    folder = work / f"t{k}-{households}"
    done = list(folder.glob("out/*.zip"))
    if done:
        return done[0]
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "town.db"
    db.unlink(missing_ok=True)
    from fupin_tui.demo import generate

    generate(db, households=households, seed=k)
    code, name = f"52012310{k}", f"第{k}镇"
    con = sqlite3.connect(db)
    with con:  # move the township to its own codes: village codes, household numbers follow
        con.execute("UPDATE township SET code = ?, name = ?", (code, name))
        con.execute("UPDATE village SET code = ? || substr(code, 10)", (code,))
        con.execute("UPDATE household SET household_no = ? || substr(household_no, 10)", (code,))
        con.execute("UPDATE project SET file_number = file_number || '-' || ? WHERE file_number IS NOT NULL", (k,))
        con.execute("UPDATE voucherline SET invoice_no = invoice_no || ? WHERE invoice_no <> ''", (str(k),))
        con.execute("UPDATE appsetting SET value = replace(replace(value, '520123101', ?), '新安镇', ?) "
                    "WHERE key = 'database_identity'", (code, name))
    con.close()
    from fupin_tui.context import open_context
    from fupin_tui.excel.package import export_package

    ctx = open_context(db, operator="基准")
    try:
        return export_package(ctx, folder / "out").path
    finally:
        ctx.db.close()


CHILD = """
import sys, time
from own_peak import peak_mb  # on PYTHONPATH: bench/
from fupin_tui.excel.merge import import_packages
t = time.perf_counter()
starts = []
import_packages(sys.argv[2:], sys.argv[1], operator="基准", progress=lambda i, n, name: starts.append(time.perf_counter()))
merged = time.perf_counter() - t
starts.append(t + merged)
each = ",".join(f"{b - a:.1f}" for a, b in zip(starts, starts[1:]))
merge_peak = peak_mb()
from fupin_tui.context import AppContext
from fupin_tui.opening import open_database
from fupin_tui.services.checks import run_checks
ctx = AppContext(db=open_database(sys.argv[1]), operator="")
t = time.perf_counter()
n = len(run_checks(ctx).findings)
checked = time.perf_counter() - t
print(f"{merged:.1f} {checked:.1f} {n} {merge_peak:.0f} {peak_mb():.0f} {each}")
"""


def run(target: str, packages: list[Path]) -> str:
    here = str(Path(__file__).resolve().parent)  # own_peak for the child
    path = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", CHILD, target, *map(str, packages)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": path})
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--townships", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/i19/bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("FUPIN_TUI_HOME", str(args.work / "home"))
    t = time.perf_counter()
    packages = [township_package(args.work, k, args.households) for k in range(2, 2 + args.townships)]
    print(f"packages: {args.townships} x {args.households} households ready in {time.perf_counter() - t:.0f} s")
    from pg_cluster import Cluster

    county_file = args.work / f"county-{args.households}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(county_file) + suffix).unlink(missing_ok=True)
    with Cluster.start() as cluster:
        for label, target in (("sqlite", str(county_file)), ("postgresql", cluster.new_database("county"))):
            merged, checked, findings, merge_peak, check_peak, each = run(target, packages).split()
            print(f"{label:>10}: merge {args.townships} x {args.households} households {merged} s "
                  f"(each package {each} s; peak RSS {merge_peak} MiB); check over the county {checked} s, "
                  f"{findings} findings (peak RSS {check_peak} MiB); load {open('/proc/loadavg').read()[:14]}",
                  flush=True)


if __name__ == "__main__":
    main()
