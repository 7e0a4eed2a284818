"""Where things live: data folder, config folder, the database path, shipped data."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "fupin-tui"
# PRAGMA application_id marking a database file as ours ("FPTU"); here so light modules can read it too
APPLICATION_ID = 0x46505455
DB_ENV = "FUPIN_TUI_DB"
HOME_ENV = "FUPIN_TUI_HOME"  # tests and portable installs: put everything under one folder

# Shipped defaults (policy.toml, codes.toml, holidays/) live beside the package.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


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
    return Path(env) if env else data_dir() / "fupin.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def backup_dir_for(db_path: Path) -> Path:
    return db_path.parent / "backups"
