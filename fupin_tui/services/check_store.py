"""What 体检 keeps between runs, so it does not redo what is known.

Per household, the facts that change only when its record changes: the data-quality
findings (valid ID numbers, H05/H08), the replayed identification and exit procedures
(H02/H03), whether the exit recorded 两不愁三保障, and how many live members and steps
it has.  They are kept *in the township's database*, table ``checkfact`` (one row per
household, read with one query), and SQLite triggers delete a household's row in the
same transaction as any insert, update or delete of the household, one of its members or
one of its steps — whatever writes it (the app, an import, a merge, a hand edit).  That
is the only invalidation: a row that exists holds, while today lies in the days it holds
for (ages move on birthdays, a step dated ahead becomes valid on its day) and the release
and the policy are those it was made with (``checkfactkey``).  The triggers also count
the changes, so a run does not store facts read before a change it did not see, and
forget the cross-household 一人一户 list (H05) when a member changes.

A JSON file per database under the user's data folder (0600) keeps the rest: the column
types the light path of ``fupin-tui check`` needs to read plain sqlite3 rows as the
models would (money in fen, dates as text), learnt from the models by a run that
imported them, and the dashboard's last counts.  Nothing here imports the ORM.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

STORE_FORMAT = 1

Rows = Callable[[str], Iterable[tuple]]  # SQL text -> rows


def store_path(db_path: Path | str, part: str = "") -> Path:
    """The store of a database; ``part="summary"``: the dashboard's small file beside it."""
    from fupin_tui.config import data_dir

    key = hashlib.sha1(str(Path(db_path).resolve()).encode()).hexdigest()[:16]
    return data_dir() / "cache" / f"check-{key}{'.' + part if part else ''}.json"


@lru_cache(maxsize=1)
def code_hash() -> str:
    """The program itself: rules, models and loaders of another release give other facts."""
    from fupin_tui import __version__

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha1(__version__.encode())
    for path in sorted(root.rglob("*.py")):  # name, size and change time, as Python's own .pyc check
        st = path.stat()
        h.update(f"{path.relative_to(root).as_posix()}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def schema_hash(rows: Rows) -> str:
    text = "\n".join(str(r[0]) for r in rows("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"))
    return hashlib.sha1(text.encode()).hexdigest()


def read(db_path: Path | str, part: str = "") -> dict:
    try:
        data = json.loads(store_path(db_path, part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != STORE_FORMAT or data.get("code") != code_hash():
        return {}
    return data


def write(db_path: Path | str, data: dict, part: str = "") -> None:
    """Atomically (a temporary file renamed over the old one); a failure only costs speed."""
    path = store_path(db_path, part)
    data = {**data, "format": STORE_FORMAT, "code": code_hash()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".check-", suffix=".tmp")  # 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass


def update(db_path: Path | str, part: str = "", **values) -> None:
    data = read(db_path, part)
    data.update(values)
    write(db_path, data, part)


# ---------------------------------------------------------------- facts in the database

# The tables and triggers themselves are created by ``db`` (migration 9 and every new file).


def fact_key(policy) -> str:
    """What every stored fact depends on besides its household: this release and the policy."""
    return hashlib.sha1(f"{code_hash()}|{facts_key(policy)}".encode()).hexdigest()


def facts_key(policy) -> str:
    """The policy (publicity period, school age ...), as text."""
    return hashlib.sha1(repr(sorted(policy.as_dict().items(), key=lambda kv: kv[0])).encode()).hexdigest()


EVERY_HOUSEHOLD = "1 = 1"  # a condition true on both engines


class StoredFacts:
    """What ``read_facts`` found: per household (members, steps, facts) that hold today."""

    __slots__ = ("households", "changes", "shared", "day", "usable")

    def __init__(self, households: dict, changes: str | None, shared, day: int, usable: bool) -> None:
        self.households, self.changes, self.shared, self.day, self.usable = households, changes, shared, day, usable

    def skip_sql(self) -> str:
        """A condition on ``household_id``: only households whose stored facts do not hold (same test)."""
        if not self.usable or not self.households:
            return EVERY_HOUSEHOLD
        return (f"household_id NOT IN (SELECT household_id FROM checkfact WHERE since <= {self.day} "
                f"AND {self.day} < until)")


NO_FACTS = StoredFacts({}, None, None, 0, False)


def read_facts(rows: Rows, policy, today: date) -> StoredFacts:
    """The stored facts that hold today (none when the table is missing, another release or policy)."""
    try:
        meta = dict(rows("SELECT name, value FROM checkfactkey"))
    except Exception:  # noqa: BLE001  (no table: a database of another engine or an old layout)
        return NO_FACTS
    day = today.toordinal()
    if meta.get("key") != fact_key(policy):
        return StoredFacts({}, meta.get("changes"), None, day, False)
    decoded: dict[str, object] = {}  # most households share the same facts text: decode it once
    out = {}
    for hid, members, steps, text in rows(
            f"SELECT household_id, members, steps, facts FROM checkfact WHERE since <= {day} AND {day} < until"):
        facts = decoded.get(text)
        if facts is None:
            facts = decoded[text] = json.loads(text)
        out[hid] = (members, steps, facts)
    shared = meta.get("shared")
    return StoredFacts(out, meta.get("changes"), json.loads(shared) if shared else None, day, True)


def prefill(stored: StoredFacts, households) -> dict:
    """An ``Env.cache`` holding the stored facts of the households whose facts still hold."""
    from fupin_tui.domain import procedures as proc
    from fupin_tui.domain.quality import QualityProblem

    cache: dict = {}
    entries = stored.households
    for h in households:
        entry = entries.get(h.id)
        if entry is None:
            continue
        quality, ident, exit_, needs = entry[2]
        if quality is not None:
            cache[("quality", h.id)] = [QualityProblem(rule, h.household_no, name, message, section)
                                        for rule, name, message, section in quality]
        for procedure, replay in ((proc.IDENTIFICATION, ident), (proc.EXIT, exit_)):
            if replay is not None:
                cache[("replay", h.id, procedure)] = (replay[0], list(replay[1]))
        if needs is not None:
            cache[("exit_needs", h.id)] = needs[0]
    return cache


def _pieces(cache: dict, hid: int) -> list:
    from fupin_tui.domain import procedures as proc

    quality = cache.get(("quality", hid))
    ident = cache.get(("replay", hid, proc.IDENTIFICATION))
    exit_ = cache.get(("replay", hid, proc.EXIT))
    needs = ("exit_needs", hid)
    return [None if quality is None else [[q.rule, q.member_name, q.message, q.section] for q in quality],
            None if ident is None else [ident[0], list(ident[1])],
            None if exit_ is None else [exit_[0], list(exit_[1])],
            [cache[needs]] if needs in cache else None]


def collect(cache: dict, households, stored: StoredFacts, today: date, policy=None) -> list[tuple]:
    """The rows to store after a run: households whose facts were computed (or completed) now."""
    from fupin_tui.domain.quality import stable_until

    out = []
    day = today.toordinal()
    for h in households:
        pieces = _pieces(cache, h.id)
        if pieces == [None, None, None, None]:
            continue  # a run of other rules only
        kept = stored.households.get(h.id)
        if kept is not None and kept[2] == pieces:
            continue  # unchanged, already stored
        until = date.max
        if pieces[0] is not None:
            until = min(until, stable_until(list(h.members), today, policy))
        if pieces[1] is not None or pieces[2] is not None:
            ahead = [s.done_on for s in h.steps if s.done_on and s.done_on > today]
            if ahead:
                until = min(until, min(ahead))  # a step dated ahead is refused until its day
        out.append((h.id, day, until.toordinal(), len(h.members), len(h.steps),
                    json.dumps(pieces, ensure_ascii=False, separators=(",", ":"))))
    return out


def write_facts(db_path: Path | str, stored: StoredFacts, rows: list[tuple], policy, shared=None) -> bool:
    """Store the new facts, unless something changed since they were read (then next time).

    Its own short transaction on its own connection; a busy or read-only file only costs speed.
    """
    import sqlite3

    if not rows and (shared is None or stored.shared is not None) and stored.usable:
        return False
    key = fact_key(policy)
    try:
        con = sqlite3.connect(str(db_path), timeout=1, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        con.execute("BEGIN IMMEDIATE")
        meta = dict(con.execute("SELECT name, value FROM checkfactkey"))
        if meta.get("changes") != stored.changes:
            con.execute("ROLLBACK")
            return False  # a change came after the read: these facts may be stale
        if meta.get("key") != key:
            con.execute("DELETE FROM checkfact")  # another release or policy: start afresh
            con.execute("DELETE FROM checkfactkey WHERE name = 'shared'")
            con.execute("INSERT OR REPLACE INTO checkfactkey (name, value) VALUES ('key', ?)", (key,))
        con.executemany("INSERT OR REPLACE INTO checkfact (household_id, since, until, members, steps, facts) "
                        "VALUES (?, ?, ?, ?, ?, ?)", rows)
        if shared is not None:
            con.execute("INSERT OR REPLACE INTO checkfactkey (name, value) VALUES ('shared', ?)",
                        (json.dumps(shared, ensure_ascii=False),))
        con.execute("COMMIT")
        return True
    except sqlite3.Error:
        try:
            con.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        return False
    finally:
        con.close()
