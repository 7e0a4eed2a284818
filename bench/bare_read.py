"""Bare baseline for ``fupin-tui check``: a plain sqlite3 read of every live household,
member and procedure-step row (all columns), nothing built from them.

    python bench/bare_read.py DB
    (compare: python -m fupin_tui --db DB check --json, each as a whole process)
"""

import sqlite3
import sys

con = sqlite3.connect(sys.argv[1])
rows = 0
for table in ("household", "member", "procedurestep"):
    rows += len(con.execute(f"SELECT * FROM {table} WHERE voided = 0").fetchall())
con.close()
print(rows)
