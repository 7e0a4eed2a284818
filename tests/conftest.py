from pathlib import Path

import pytest

TODAY = "2026-11-27"


def pytest_collection_modifyitems(config, items):
    """The slow tests (20-65 s each) first, the rest in their order after: the workers start on them
    together and share the short ones, instead of one still running a 65 s test, collected last
    (tests/unit), when the others have finished. Each worker sorts alike, as xdist requires."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own data/config folder and a fixed today."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FUPIN_TUI_HOME", str(home))
    monkeypatch.setenv("FUPIN_TUI_TODAY", TODAY)
    monkeypatch.delenv("FUPIN_TUI_DB", raising=False)
    yield


@pytest.fixture(autouse=True)
def _county_data_forgotten():
    """A calendar or code list a test imported (设置, an update package, the config folder) is
    process state: the next test in this worker must start from the shipped ones."""
    yield
    from fupin_tui.domain import codes, workdays

    workdays.use_stored(())
    workdays.configure()
    codes.use_stored(None)
    codes.configure()


@pytest.fixture(autouse=True)
def _no_stripped_cells_left():
    """A writer's report of cut control characters is taken by whoever called it (``collect_stripped``,
    the export's mark): one left behind would be listed under the next printout, in another test."""
    yield
    import sys

    styles = sys.modules.get("fupin_tui.excel.styles")
    if styles is not None and styles.pending_stripped():  # the test's own thread; a collector takes a thread's own
        left = list(styles.pending_stripped())
        styles.pending_stripped().clear()
        pytest.fail(f"this test left {len(left)} stripped-cell reports nobody collected: {left[:3]}")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture(scope="session")
def _township_file(tmp_path_factory) -> Path:
    """The ``ctx`` database, made once per worker: a new file builds the whole schema (0.17 s here)
    and 500 tests start from it; a copy opens in 9 ms."""
    from fupin_tui.context import open_context
    from fupin_tui.services import township

    path = tmp_path_factory.mktemp("township") / "township.db"
    with pytest.MonkeyPatch.context() as env:  # session fixtures run before _isolated_home
        env.setenv("FUPIN_TUI_HOME", str(tmp_path_factory.mktemp("template-home")))
        env.setenv("FUPIN_TUI_TODAY", TODAY)
        env.delenv("FUPIN_TUI_DB", raising=False)
        context = open_context(path, operator="张会计")
        township.save_township(context, "示例县", "新安镇", "520123101")
        township.save_village(context, "520123101201", "新寨村", True)
        township.save_village(context, "520123101202", "坪上村", False)
        township.add_operator(context, "张会计")
        context.db.close()  # checkpointed: the one file holds it all
    return path


@pytest.fixture
def ctx(db_path, _township_file):
    """An AppContext on a fresh database with a township, two villages and an operator."""
    import shutil

    from fupin_tui.context import open_context

    shutil.copy(_township_file, db_path)  # with its private file mode
    context = open_context(db_path, operator="张会计")
    yield context
    context.db.close()


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch):
    """A blinking cursor makes a snapshot depend on the moment it is taken: every test gets a steady one."""
    from textual.widgets import Input, TextArea

    for cls in (Input, TextArea):
        original = cls.__init__

        def steady(self, *args, __original=original, __cls=cls, **kwargs):
            __original(self, *args, **kwargs)
            self.set_reactive(__cls.cursor_blink, False)

        monkeypatch.setattr(cls, "__init__", steady)
