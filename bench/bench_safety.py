"""Nothing lost (issue 12): audit-chain verification, backup and restore at scale, kills during saves.

    python bench/bench_safety.py --db /tmp/demo20k.db [--kills 30] [--audit-rows 250000]

The database is generated (``fupin-tui demo``) when missing.  Prints seconds for
verify-audit, a backup and a restore, the audit rows walked, and for the kill test
the number of SIGKILLs and the records lost or half-written (must be 0).
"""

import argparse
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITER = """
import sys
from decimal import Decimal
from fupin_tui.context import open_context
from fupin_tui.models import Household, Member
ctx = open_context(sys.argv[1], operator="张会计")
start = int(sys.argv[2])
print("ready", flush=True)
for i in range(start, start + 100000):
    with ctx.transaction() as s:
        h = Household(household_no=f"K{i}", village_id=1, head_name=f"户{i}", size=3, net_income=Decimal("3000.10"))
        s.add(h)
        s.flush()
        for j in range(3):
            s.add(Member(household_id=h.id, name=f"人{i}-{j}", id_number=f"X{i}-{j}"))
    print(i, flush=True)
"""


def kill_test(path: Path, kills: int) -> tuple[int, int]:
    """SIGKILL a writer ``kills`` times; returns (kills, records lost or half-written)."""
    script = Path(tempfile.mkdtemp()) / "writer.py"
    script.write_text(WRITER)
    lost = 0
    start = 10_000_000
    for k in range(kills):
        child = subprocess.Popen([sys.executable, str(script), str(path), str(start)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.05 + (k * 0.037) % 0.5)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        confirmed = [int(x) for x in out.split() if x.isdigit()]  # saves the writer saw committed
        con = sqlite3.connect(path)
        have = {r[0] for r in con.execute("SELECT household_no FROM household WHERE household_no LIKE 'K%'")}
        half = con.execute("""SELECT COUNT(*) FROM household h WHERE h.household_no LIKE 'K%' AND
            (SELECT COUNT(*) FROM member m WHERE m.household_id = h.id) != 3""").fetchone()[0]
        ok = con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        con.close()
        lost += sum(1 for i in confirmed if f"K{i}" not in have) + half + (0 if ok else 1)
        start += 100000
    return kills, lost


def grow_audit(path: Path, rows: int) -> None:
    """Append ``rows`` chained audit rows shaped like the registry's own (a household or member
    saved, JSON before/after): the demo writes its data in bulk with almost no audit rows, while a
    township that typed in 20,000 households and 80,000 members has a quarter of a million."""
    from datetime import datetime, timedelta

    from fupin_tui import audit_chain

    con = sqlite3.connect(path)
    head = audit_chain.last_hash(con)
    at = datetime(2024, 1, 1, 8, 0)
    after = ('{"household_no": "5201231012010001", "head_name": "张兴福", "address": "示例县新安镇新寨村3组", '
             '"phone": "18311150634", "net_income": "31045.00", "size": 5, "status": "在册"}')
    batch = []
    for i in range(rows):
        row = dict(at=at + timedelta(seconds=i), operator="张会计", table_name="member" if i % 5 else "household",
                   record_id=str(i + 1), action="新增", before=None, after=after, note=None)
        head = row["row_hash"] = audit_chain.row_hash(head, row)
        batch.append(row)
        if len(batch) == 10000 or i == rows - 1:
            con.executemany("INSERT INTO auditlog (at, operator, table_name, record_id, action, before, after, note, "
                            "row_hash) VALUES (:at, :operator, :table_name, :record_id, :action, :before, :after, "
                            ":note, :row_hash)", batch)
            batch = []
    con.commit()
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--audit-rows", type=int, default=0,
                        help="first append this many chained audit rows to a copy (a registry typed in by hand)")
    args = parser.parse_args()
    if not args.db.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "fupin_tui", "--db", str(args.db), "demo",
                        "--households", str(args.households)], check=True)
        print(f"demo generation        {time.perf_counter() - t:8.2f} s")
    from fupin_tui import audit_chain, backup

    work = Path(tempfile.mkdtemp()) / "fupin.db"
    shutil.copyfile(args.db, work)
    if args.audit_rows:
        grow_audit(work, args.audit_rows)
    t = time.perf_counter()
    report = audit_chain.verify(work)
    print(f"verify-audit           {time.perf_counter() - t:8.2f} s  ({report.rows:,} rows, ok={report.ok}, "
          f"file {work.stat().st_size / 1e6:.1f} MB)")
    t = time.perf_counter()
    saved = backup.make_backup(work)
    print(f"backup                 {time.perf_counter() - t:8.2f} s  ({saved.stat().st_size / 1e6:.1f} MB)")
    t = time.perf_counter()
    backup.restore(saved, work)
    print(f"restore                {time.perf_counter() - t:8.2f} s")
    kills, lost = kill_test(work, args.kills)
    print(f"kill test              {kills} SIGKILLs during saves, records lost or half-written: {lost}")


if __name__ == "__main__":
    main()
