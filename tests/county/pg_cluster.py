"""A throw-away PostgreSQL cluster for the county tests and the county bench.

initdb into a temporary folder, started on a unix socket inside that folder (no TCP port,
nothing else on the machine can reach it), stopped and removed at the end. PostgreSQL refuses
to run as root: as root the cluster belongs to an unprivileged user (``nobody``, via runuser).

    with Cluster.start() as cluster:      # raises ClusterUnavailable when there is no server
        url = cluster.new_database()      # postgresql://fupin@/t1?host=/tmp/…
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "fupin"


class ClusterUnavailable(Exception):
    """No PostgreSQL binaries, or the cluster would not start (the reason is the message)."""


def bin_dir() -> Path | None:
    """Where initdb/pg_ctl are: $PG_BIN, the distribution's versioned folder, or PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    def __init__(self, folder: Path, bins: Path, run_as: list[str]) -> None:
        self.folder, self.bins, self.run_as = folder, bins, run_as
        self.data = folder / "data"
        self._count = 0

    @classmethod
    def start(cls) -> "Cluster":
        bins = bin_dir()
        if bins is None or not (bins / "pg_ctl").exists():
            raise ClusterUnavailable("找不到 PostgreSQL（initdb、pg_ctl）；请安装 postgresql 或设置 PG_BIN")
        folder = Path(tempfile.mkdtemp(prefix="fupin-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:  # postgres will not run as root
            user = os.environ.get("PG_RUN_AS", "nobody")
            shutil.chown(folder, user=user)
            run_as = ["runuser", "-u", user, "--"]
        cluster = cls(folder, bins, run_as)
        try:
            cluster._run("initdb", "-D", str(cluster.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                         "--locale=C", "--no-sync")
            options = (f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off -c max_connections=40 -c shared_buffers=64MB")
            cluster._run("pg_ctl", "-D", str(cluster.data), "-o", options, "-l", str(folder / "log"), "-w", "start")
        except ClusterUnavailable:
            cluster.stop()
            raise
        return cluster

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([*self.run_as, str(self.bins / program), *args], capture_output=True, text=True)
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
            raise ClusterUnavailable(f"{program} failed: {done.stderr.strip()[-600:]} {tail}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}"

    def new_database(self, name: str | None = None) -> str:
        """A new empty database on the cluster; its URL."""
        import psycopg

        self._count += 1
        name = name or f"t{self._count}"
        with psycopg.connect(f"dbname=postgres user={SUPERUSER} host={self.folder}", autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.run_as, str(self.bins / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                            "-w", "stop"], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def query(target, sql: str) -> list[tuple]:
    """Run one query on the county database (either engine) and return its rows."""
    from sqlalchemy import create_engine, text

    from fupin_tui import server

    engine = create_engine(server.engine_url(target) if server.is_server_url(target) else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()
