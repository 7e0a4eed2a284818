"""What 体检 keeps between runs, so it does not redo what is known.

Per household, the facts that change only when its record changes: the data-quality
findings (valid ID numbers, H05/H08) and the replayed identification and exit
procedures (H02/H03).  Each is kept with the household's *version*: the row version of
the household and, over its live members and steps, their count, highest id, sum of ids,
sum of row versions and latest change time (every edit bumps a row version, voiding
removes a row from the live ones, an import adds ids).  A fact is reused only while the
version is the same and today lies in the days it holds for (ages move on birthdays, a
step dated ahead becomes valid on its day).

Also the column types the light path of ``fupin-tui check`` needs to read plain sqlite3
rows as the models would (money in fen, dates as text), learnt from the models by a run
that imported them, and the dashboard's last counts.

Everything is in one JSON file per database under the user's data folder (0600: the
findings name people).  A release with other code, another database layout or another
publicity period starts afresh.  Nothing here imports the ORM.
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


# ---------------------------------------------------------------- household versions


_AGG = ("SELECT household_id, COUNT(*) || '/' || MAX(id) || '/' || SUM(id) || '/' || SUM(row_version) || '/' || "
        "MAX(COALESCE(updated_at, '')) AS v FROM {table} WHERE NOT voided GROUP BY household_id")
_VERSIONS = ("SELECT h.id, h.row_version || '@' || COALESCE(h.updated_at, '') || '|' || COALESCE(m.v, '-') || '|' || "
             "COALESCE(s.v, '-') FROM household h "
             f"LEFT JOIN ({_AGG.format(table='member')}) m ON m.household_id = h.id "
             f"LEFT JOIN ({_AGG.format(table='procedurestep')}) s ON s.household_id = h.id WHERE NOT h.voided")


def household_versions(rows: Rows) -> dict[int, str]:
    """A version string per live household: changes whenever it, a member or a step changes."""
    return dict(rows(_VERSIONS))


# ---------------------------------------------------------------- facts


def facts_key(policy) -> str:
    """What else the stored facts depend on: the policy (publicity period, school age ...)."""
    return hashlib.sha1(repr(sorted(policy.as_dict().items(), key=lambda kv: kv[0])).encode()).hexdigest()


def usable_facts(data: dict, versions: dict[int, str], policy, today: date) -> dict[int, list]:
    """The stored facts that still hold: same version, same settings, today inside their days."""
    facts = data.get("facts") or {}
    if facts.get("key") != facts_key(policy):
        return {}
    out = {}
    day = today.toordinal()
    for hid_text, entry in (facts.get("households") or {}).items():
        hid = int(hid_text)
        version, since, until = entry[0], entry[1], entry[2]
        if versions.get(hid) == version and since <= day < until:
            out[hid] = entry
    return out


def prefill(entries: dict[int, list], households) -> dict:
    """An ``Env.cache`` holding the stored facts of the households whose facts still hold."""
    from fupin_tui.domain import procedures as proc
    from fupin_tui.domain.quality import QualityProblem

    cache: dict = {}
    for h in households:
        entry = entries.get(h.id)
        if entry is None:
            continue
        _v, _since, _until, quality, ident, exit_ = entry
        if quality is not None:
            cache[("quality", h.id)] = [QualityProblem(rule, h.household_no, name, message, section)
                                        for rule, name, message, section in quality]
        for procedure, stored in ((proc.IDENTIFICATION, ident), (proc.EXIT, exit_)):
            if stored is not None:
                cache[("replay", h.id, procedure)] = (stored[0], list(stored[1]))
    return cache


def collect(cache: dict, households, versions: dict[int, str], old: dict[int, list], today: date,
            policy=None) -> dict:
    """The facts to store after a run: those reused as they were, the new ones with their days."""
    from fupin_tui.domain import procedures as proc
    from fupin_tui.domain.quality import stable_until

    out: dict[str, list] = {}
    day = today.toordinal()
    for h in households:
        version = versions.get(h.id)
        if version is None:
            continue
        quality = cache.get(("quality", h.id))
        ident = cache.get(("replay", h.id, proc.IDENTIFICATION))
        exit_ = cache.get(("replay", h.id, proc.EXIT))
        if quality is None and ident is None and exit_ is None:
            continue  # a run of other rules only
        kept = old.get(h.id)
        if kept is not None and (quality is None or kept[3] is not None) and (ident is None or kept[4] is not None) \
                and (exit_ is None or kept[5] is not None):
            out[str(h.id)] = kept
            continue
        until = date.max
        if quality is not None:
            until = min(until, stable_until(list(h.members), today, policy))
        if ident is not None or exit_ is not None:
            ahead = [s.done_on for s in h.steps if s.done_on and s.done_on > today]
            if ahead:
                until = min(until, min(ahead))  # a step dated ahead is refused until its day
        out[str(h.id)] = [
            version, day, until.toordinal(),
            None if quality is None else [[q.rule, q.member_name, q.message, q.section] for q in quality],
            None if ident is None else [ident[0], list(ident[1])],
            None if exit_ is None else [exit_[0], list(exit_[1])],
        ]
    return out
