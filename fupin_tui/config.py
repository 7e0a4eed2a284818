"""Where things live: data folder, config folder, the database path, shipped data."""

from __future__ import annotations

import functools
import os
from pathlib import Path

APP_NAME = "fupin-tui"
# PRAGMA application_id marking a database file as ours ("FPTU"); here so light modules can read it too
APPLICATION_ID = 0x46505455
DB_ENV = "FUPIN_TUI_DB"
HOME_ENV = "FUPIN_TUI_HOME"  # tests and portable installs: put everything under one folder



@functools.lru_cache(maxsize=1)
def shipped_data() -> Path:
    """The folder of shipped defaults (policy.toml, codes.toml, holidays/): the one place that finds it.

    Installed (wheel, sdist, pipx/uv tool, editable) it is the package ``fupin_tui.data``,
    mapped from the repository's top-level ``data/`` at build time; found through
    ``importlib.resources``. A bare source checkout on ``sys.path`` falls back to ``data/``.
    """
    from importlib import resources

    try:
        root = resources.files("fupin_tui.data")
    except ModuleNotFoundError:
        root = None
    if root is not None:
        path = Path(str(root))
        if (path / "policy.toml").is_file():
            return path
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "policy.toml").is_file():
        return checkout
    raise FileNotFoundError("软件自带的数据文件（policy.toml）缺失，安装不完整。请重新安装 fupin-tui。")


def shipped_file(*parts: str) -> Path:
    """A shipped data file, e.g. ``shipped_file("holidays", "2027.toml")``."""
    return shipped_data().joinpath(*parts)


def _dirs():
    import platformdirs

    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def data_dir() -> Path:
    home = os.environ.get(HOME_ENV)
    path = Path(home) / "data" if home else Path(_dirs().user_data_dir)
    return path


def config_dir() -> Path:
    home = os.environ.get(HOME_ENV)
    return Path(home) / "config" if home else Path(_dirs().user_config_dir)


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env and "://" in env:  # a county database on a server (fupin_tui.server): kept as text
        return env
    return Path(env) if env else data_dir() / "fupin.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def backup_dir_for(db_path: Path) -> Path:
    return db_path.parent / "backups"
