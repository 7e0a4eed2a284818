"""Backup and restore round trip on a 20,000-household database, checked table by table (issue 8)."""

import hashlib
import sqlite3

import pytest

from fupin_tui import backup
from fupin_tui.demo import generate


def table_digests(path) -> dict[str, tuple[int, str]]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    out = {}
    for t in tables:
        h = hashlib.sha256()
        n = 0
        for row in con.execute(f'SELECT * FROM "{t}" ORDER BY rowid'):
            h.update(repr(row).encode())
            n += 1
        out[t] = (n, h.hexdigest())
    con.close()
    return out


@pytest.mark.slow
def test_backup_and_restore_of_a_township_scale_database_keep_every_table(tmp_path):
    path = tmp_path / "township.db"
    generate(path, households=20000, seed=5)
    before = table_digests(path)
    assert before["household"][0] == 20000 and before["member"][0] > 75000
    saved = backup.make_backup(path)
    assert table_digests(saved) == before
    con = sqlite3.connect(path)
    con.execute("UPDATE household SET head_name = '改动' WHERE id <= 100")
    con.execute("DELETE FROM auditlog")
    con.commit()
    con.close()
    backup.restore(saved, path)
    assert table_digests(path) == before
