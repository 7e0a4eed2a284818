"""County tests run against SQLite and a real PostgreSQL server.

``pg_cluster`` (session): a throw-away cluster (``pg_cluster.Cluster``: initdb in a temporary
folder, unix socket inside it, run as an unprivileged user when we are root), stopped at the end.
No server: in CI (``CI`` set) that is a failure, on a developer's machine a skip saying why.

``county`` (parametrized sqlite / postgresql): where a county database goes — a file path or
a fresh database's URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pg_cluster import Cluster, ClusterUnavailable  # noqa: E402


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        import psycopg  # noqa: F401
    except ImportError:
        reason = "没有 PostgreSQL 驱动 psycopg（pip install -e '.[test]'）"
        if os.environ.get("CI"):
            pytest.fail(f"CI 必须测试 PostgreSQL：{reason}")
        pytest.skip(reason)
    try:
        cluster = Cluster.start()
    except ClusterUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI 必须测试 PostgreSQL，但无法启动临时服务器：{exc}")
        pytest.skip(f"本机没有可用的 PostgreSQL，跳过服务器测试：{exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh empty database on the session's cluster."""
    return pg_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def county(request, tmp_path):
    """The county database's target on each engine: a file path, or a server URL."""
    if request.param == "sqlite":
        return tmp_path / "county.db"
    return request.getfixturevalue("pg_url")



@pytest.fixture
def town(ctx):
    """新安镇 (the shared ``ctx``) with 10 households and 2 projects."""
    import excel_sample

    excel_sample.fill(ctx, households=10, projects=2)
    return ctx


@pytest.fixture
def other_town(tmp_path):
    """坪山乡, a second township with 6 households."""
    import excel_sample

    from fupin_tui.context import open_context
    from fupin_tui.services import township

    ctx = open_context(tmp_path / "other.db", operator="李会计")
    township.save_township(ctx, "示例县", "坪山乡", "520123102")
    township.save_village(ctx, "520123102201", "河口村", False)
    excel_sample.fill(ctx, households=6, projects=1, seed=9, area="520124")
    yield ctx
    ctx.db.close()
