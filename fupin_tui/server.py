"""The county database on a PostgreSQL server (``--db postgresql://user@host/dbname``).

A township keeps its SQLite file; a county where several people of the 扶贫办 work at once
may keep its merged database on a server. Same models, same services: what differs is here.

- The schema version and the mark that the database is ours live in the identity row
  (``appsetting`` key ``database_identity``: ``schema_version``, ``application_id``), not in
  PRAGMAs. A database with tables but without that mark is a stranger's: never touched.
- A new database gets the whole schema in one transaction (PostgreSQL's DDL is transactional:
  a failure leaves nothing). Migrations run in order, one transaction each, under a lock.
- Writers that must not interleave (the audit chain's head, a county merge) take a
  transaction-scoped advisory lock (``lock``); SQLite's single writer gives the same for free.
- Every failure at open is one Chinese line (``DatabaseProblem``): a wrong URL, a missing
  driver, an unreachable server, a failed login, a missing database, an old server.

    from fupin_tui import server
    server.is_server_url("postgresql://county@10.0.0.5/fupin")   # True
    db = open_database("postgresql://…")                          # db.url set, db.path None
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fupin_tui.dialects import SCHEMES, is_server_url, lock, lock_key, shown  # noqa: F401  (their home is below db)

if TYPE_CHECKING:  # light module: ``is_server_url`` runs before the database libraries load
    from sqlalchemy.engine import URL, Engine

MIN_SERVER_VERSION = 120000  # PostgreSQL 12: ON CONFLICT, partial indexes, advisory xact locks
# The first schema version a server database can have: older ones predate server support,
# so the SQLite-only migrations before it never run on a server.
SERVER_BASELINE = 8
DRIVER_HINT = "请安装 PostgreSQL 驱动：pip install \"fupin-tui[county]\"（即 psycopg）。未作任何改动。"


WAIT_SECONDS = 900  # how long a county merge waits for another one on a file (a big merge takes minutes)


def write_lock(conn, name: str, waiting=None) -> None:
    """Hold the lock ``name`` for the rest of the transaction, before anything is read: what is
    read next is what the writer before committed, and nobody writes until this one ends.

    PostgreSQL: the advisory lock (``waiting()`` is called first when another holds it).
    SQLite: the file's write lock itself, taken now by a write that changes nothing (pysqlite
    would begin the transaction only at the first real write, after the reads it rests on),
    waiting up to ``WAIT_SECONDS`` for another writer instead of the usual few seconds."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        key = lock_key(name)
        if waiting is not None and not conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                                    {"key": key}).scalar():
            waiting()
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        elif waiting is None:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        return
    from sqlalchemy.exc import OperationalError

    conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(WAIT_SECONDS * 1000)}")
    try:
        conn.exec_driver_sql("UPDATE countymerge SET id = id WHERE 0")  # takes the write lock, writes nothing
    except OperationalError as exc:
        if "locked" not in str(exc.orig).lower() and "busy" not in str(exc.orig).lower():
            raise
        raise _problem(waited_words(conn.engine.url.database), kind="locked") from exc
    finally:
        conn.exec_driver_sql("PRAGMA busy_timeout = 5000")  # db._set_pragmas' value for every other save


def waited_words(path) -> str:
    """A county file's write lock still held after ``WAIT_SECONDS`` (SQLite cannot say by whom)."""
    return (f"汇总库 {path} 一直被另一个写入占用，等了 {WAIT_SECONDS // 60} 分钟仍未释放：可能是另一位县级用户"
            "正在合并或撤销一个很大的上报包，或有窗口、程序打开此库写入后没有关闭。本次没有写入任何内容。"
            "请先问清是否有人在合并；无人合并时，关闭其他打开此库的本软件窗口后重新运行。")


def merge_lock(conn, name: str, township: str, waiting=None, alone: bool = False) -> None:
    """The locks of a county merge of ``township``, held to the end of the transaction.

    PostgreSQL: ``name`` shared — merges of other townships go on at the same time (their ids
    come from the sequences, ``new_ids``) — and ``name:township`` alone: two merges of one
    township, one after the other. An undo holds ``name`` alone (``write_lock``): it waits for
    the merges running and they for it. ``alone``: a merge that collided with another
    township's (the same person or invoice written at once) runs again holding ``name`` alone.
    SQLite: its single writer (``write_lock``). ``waiting()`` is called once when a lock is held
    by another."""
    from sqlalchemy import text

    if conn.dialect.name != "postgresql":
        write_lock(conn, name, waiting)
        return
    wanted = [(name, "")] if alone else [(name, "_shared"), (f"{name}:{township}", "")]
    for lock_name, mode in wanted:  # always in this order: no two merges wait for each other in a ring
        key = {"key": lock_key(lock_name)}
        if waiting is not None and not conn.execute(text(f"SELECT pg_try_advisory_xact_lock{mode}(:key)"),
                                                    key).scalar():
            waiting()
            waiting = None
        conn.execute(text(f"SELECT pg_advisory_xact_lock{mode}(:key)"), key)


def new_ids(conn, table, count: int):
    """``count`` fresh ids for rows of ``table`` written with explicit ids (a merge keeps the
    township's 记录号 → county id map as it writes).

    PostgreSQL: taken from the table's sequence, so merges of two townships running at once
    never take the same ids (a sequence is outside transactions); max(id) + 1 would give both
    the same. SQLite, one writer at a time: the ids above max(id)."""
    from sqlalchemy import func, select, text

    if conn.dialect.name != "postgresql":
        first = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
        return range(first, first + count)
    sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
    # a sequence left behind its table (rows written with explicit ids before): moved up first
    conn.execute(text(f"SELECT setval('{sequence}', top) FROM (SELECT MAX(id) AS top FROM \"{table.name}\") t "
                      f"WHERE top > (SELECT last_value FROM {sequence})"))
    if count <= 0:
        return []
    return sorted(conn.execute(text(f"SELECT nextval('{sequence}') FROM generate_series(1, :n)"),
                               {"n": count}).scalars())



def _problem(message: str, kind: str = ""):
    from fupin_tui.db import DatabaseProblem

    return DatabaseProblem(message, kind=kind)


def engine_url(target: str) -> "URL":
    """The SQLAlchemy URL with the psycopg (v3) driver; a malformed URL is refused in words."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(target)
    except ArgumentError:
        raise _problem(f"数据库地址 {shown(target)} 写法不对。应为 postgresql://用户名@服务器/数据库名"
                       "（如 postgresql://county@192.168.1.10/fupin），未作任何改动。") from None
    if url.get_backend_name() not in SCHEMES:
        raise _problem(f"数据库地址 {shown(target)} 不是 PostgreSQL 的地址（应以 postgresql:// 开头），未作任何改动。")
    if url.get_driver_name() not in ("psycopg", "postgresql", "postgres", ""):
        raise _problem(f"数据库地址 {shown(target)} 指定的驱动 {url.get_driver_name()} 不受支持，"
                       "请写成 postgresql://…（使用 psycopg），未作任何改动。")
    if not url.database:
        raise _problem(f"数据库地址 {shown(target)} 缺少数据库名（地址最后的 /数据库名），未作任何改动。")
    return url.set(drivername="postgresql+psycopg")


def make_engine(target: str) -> "Engine":
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise _problem(f"打开 {shown(target)} 需要 PostgreSQL 驱动，本机没有安装。{DRIVER_HINT}") from None
    from sqlmodel import create_engine

    # READ COMMITTED (the server's default): every statement sees what others committed; writers
    # that must not interleave take an advisory lock (``lock``), edits check ``row_version``.
    return create_engine(engine_url(target), pool_pre_ping=True, isolation_level="READ COMMITTED",
                         connect_args={"connect_timeout": 10, "application_name": "fupin-tui"})


def connect_words(exc: BaseException, target: str) -> str:
    """An unreachable server, a failed login or a missing database, said so (one line)."""
    text_ = str(getattr(exc, "orig", exc)).lower()
    where = shown(target)
    if "does not exist" in text_ and "database" in text_:
        what = "服务器上没有这个数据库。请先由管理员建库（createdb -E UTF8 数据库名），或检查地址最后的数据库名"
    elif "password" in text_ or "authentication" in text_ or "role" in text_ and "does not exist" in text_:
        what = "用户名或密码不对（服务器拒绝登录）。请检查地址中的用户名和密码"
    elif "could not translate host name" in text_ or "name or service not known" in text_:
        what = "找不到这个服务器名。请检查地址中的服务器名或 IP"
    elif "timeout" in text_ or "timed out" in text_:
        what = "连接服务器超时。请检查网络，以及服务器是否开机"
    elif "refused" in text_ or "no such file" in text_ or "connect" in text_:
        what = "连接不上服务器（服务器没有启动，或地址、端口不对）。请检查服务器是否在运行"
    else:
        what = f"服务器报告：{str(getattr(exc, 'orig', exc)).strip().splitlines()[0] if str(exc).strip() else exc}"
    return f"无法打开县级汇总数据库 {where}：{what}。未作任何改动。"


def server_version(conn) -> int:
    from sqlalchemy import text

    return int(conn.execute(text("SHOW server_version_num")).scalar())


def open_server(target: str, *, create: bool = True, kind: str | None = None):
    """Open (creating or upgrading) the county database at ``target``; a ``db.Database``."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError, OperationalError

    from fupin_tui import storage
    from fupin_tui.db import Database, DatabaseProblem

    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            version = server_version(conn)
            if version < MIN_SERVER_VERSION:
                raise _problem(f"服务器 {shown(target)} 的 PostgreSQL 版本是 {version // 10000}，本软件需要 "
                               f"{MIN_SERVER_VERSION // 10000} 或更新的版本。请升级服务器，未作任何改动。")
            encoding = conn.execute(text("SHOW server_encoding")).scalar()
            if str(encoding).upper() not in ("UTF8", "UTF-8"):
                raise _problem(f"数据库 {shown(target)} 的编码是 {encoding}，存不下全部汉字。请用 UTF8 编码"
                               "新建数据库（createdb -E UTF8 -T template0 数据库名），未作任何改动。")
        _prepare(engine, target, create, kind)
    except DatabaseProblem:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise _problem(connect_words(exc, target), kind=storage.IO) from exc
    return Database(path=None, engine=engine, url=target)


def _prepare(engine: "Engine", target: str, create: bool, kind: str | None) -> None:
    import fupin_tui.models  # noqa: F401  (registers every table)
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    from fupin_tui import identity
    from fupin_tui.config import APPLICATION_ID
    from fupin_tui.db import SCHEMA_VERSION

    with engine.begin() as conn:
        lock(conn, "schema")  # two county users opening a new database at once: one creates it
        tables = set(inspect(conn).get_table_names())
        found = identity.read_in(conn) if "appsetting" in tables else None
        if not tables:
            if not create:
                raise _problem(f"数据库 {shown(target)} 是空的（还没有汇总数据）。未作任何改动。")
            SQLModel.metadata.create_all(conn)
            ident = identity.new_identity(kind or identity.COUNTY)
            identity.write_in(conn, _with_schema(ident, SCHEMA_VERSION, APPLICATION_ID))
            return
        if found is None or found.application_id != APPLICATION_ID:
            raise _problem(f"数据库 {shown(target)} 里已有别的数据，不是本软件的数据库，未作任何改动。请检查地址。")
        if found.schema_version > SCHEMA_VERSION:
            raise _problem(f"数据库 {shown(target)} 由更新版本的软件创建（结构版本 {found.schema_version}，"
                           f"本软件支持到 {SCHEMA_VERSION}）。请升级软件。未作任何改动。")
    if found.schema_version < SCHEMA_VERSION:
        migrate(engine, target)
    check_schema(engine, target)


def _with_schema(ident, version: int, application_id: int):
    from dataclasses import replace

    return replace(ident, schema_version=version, application_id=application_id)


def migrate(engine: "Engine", target: str) -> None:
    """The ordered migrations from the stored version on: one transaction each, version bumped inside it."""
    from fupin_tui import identity
    from fupin_tui.db import MIGRATIONS, SCHEMA_VERSION

    while True:
        with engine.begin() as conn:
            lock(conn, "schema")
            ident = identity.read_in(conn)
            if ident.schema_version >= SCHEMA_VERSION:
                return
            step = ident.schema_version + 1
            if ident.schema_version < SERVER_BASELINE - 1:
                raise _problem(f"数据库 {shown(target)} 的结构版本 {ident.schema_version} 早于服务器版的最低版本，无法升级。")
            if step in MIGRATIONS:
                MIGRATIONS[step](conn.connection.driver_connection)
            identity.write_in(conn, _with_schema(ident, step, ident.application_id))


def check_schema(engine: "Engine", target: str) -> None:
    """Every table and column this release needs is there (as ``db._check_schema`` for a file)."""
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    inspector = inspect(engine)
    have_tables = set(inspector.get_table_names())
    missing = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in have_tables:
            missing.append(table.name)
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    if missing:
        raise _problem(f"数据库 {shown(target)} 的结构与本软件不一致（缺少 {'、'.join(missing[:5])}"
                       f"{' 等' if len(missing) > 5 else ''}），未作任何改动。请联系技术人员。")


def reset_sequences(conn, tables) -> None:
    """After rows were inserted with explicit ids (a merge, an undo), let PostgreSQL's id
    sequences continue above them; SQLite needs nothing (it takes max(id) + 1)."""
    from sqlalchemy import text

    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM \"{table}\"), 1))"))


def bulk_insert(conn, table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` (a Core ``Table``) in one go.

    SQLite: one executemany. PostgreSQL: one ``COPY … FROM STDIN`` — an executemany there is
    one INSERT execution a row in the server (a 20,000-household package is ~390,000 rows).
    The rows go through each column's bind processor (Money → integer fen, as an INSERT would),
    and a column the rows leave out gets its Python default, as Core's INSERT gives it."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    from sqlalchemy.exc import IntegrityError

    given = list(rows[0])
    columns = [table.c[key] for key in given]
    defaults = [c for c in table.columns if c.key not in rows[0] and c.default is not None
                and (c.default.is_scalar or c.default.is_callable)]
    processors = [c.type._cached_bind_processor(conn.dialect) for c in columns + defaults]
    names = ", ".join(f'"{c.name}"' for c in columns + defaults)
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                values = [row[key] for key in given]
                values += [c.default.arg if c.default.is_scalar else c.default.arg(None) for c in defaults]
                copy.write_row([v if p is None or v is None else p(v) for p, v in zip(processors, values)])
    except Exception as exc:  # noqa: BLE001 - the driver's errors, said as SQLAlchemy's (callers catch those)
        import psycopg

        if isinstance(exc, psycopg.errors.IntegrityError):
            raise IntegrityError(f"COPY {table.name}", None, exc) from exc
        raise
    finally:
        cursor.close()
