"""One key map on every screen, F1 at 80 columns, a palette that finds by pinyin, no English on screen."""

import re

import pytest

from fupin_tui import keymap as km
from fupin_tui.app import JOBS, make_app
from tests.pilot.ready import until
from tests.screen_text import screen_text

# what may be ASCII letters on screen: key names, rule codes, product names; data is checked apart
KEY_WORDS = {"Ctrl", "Shift", "Esc", "esc", "tab", "enter", "Enter", "Tab", "PgUp", "PgDn", "Home", "End", "Del", "Excel", "WPS"}
# data shown as examples: a file type and a pinyin example of what to type
KEY_WORDS |= {"zip", "zzt"}
ASCII_WORD = re.compile(r"(?<![A-Za-z^])[A-Za-z]{2,}(?![A-Za-z])")


@pytest.fixture
def demo_path(tmp_path):
    from fupin_tui.demo import generate

    path = tmp_path / "demo.db"
    generate(path, households=120, seed=2)
    return path


def english_words(text: str) -> set[str]:
    # data, not words: file names and paths (manifest.json, root/), upper-case codes (BZ, P13)
    text = re.sub(r"[\w./\\:-]*[./\\][\w./\\:-]*", " ", text)
    words = set(ASCII_WORD.findall(text)) - KEY_WORDS
    return {w for w in words if not re.fullmatch(r"[fF]\d+|[A-Z]{2,3}", w)}


async def _ready(app, pilot):
    from textual.worker import WorkerCancelled, WorkerFailed

    try:
        await app.workers.wait_for_complete()
    except (WorkerCancelled, WorkerFailed):
        pass  # a screen left while loading cancels its worker
    await pilot.pause()


def on(app, name: str) -> bool:
    return type(app.screen).__name__ == name


def meanings_on(screen) -> dict[str, str]:
    """key -> binding id of everything active on ``screen`` that comes from the key map."""
    return {key: a.binding.id for key, a in screen.active_bindings.items() if a.binding.id in km.BY_ID}


async def test_every_key_means_the_same_on_every_screen(demo_path):
    """The table test: for each job screen and the screens opened from them, each active key's id is the
    one the key map gives that key, and the action it names exists there."""
    key_owner = {key: k.id for k in km.KEYS for key in k.key.split(",")}
    seen: dict[str, set[str]] = {}
    app = make_app(demo_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)

        def record():
            for key, binding_id in meanings_on(app.screen).items():
                assert key_owner[key] == binding_id, f"{type(app.screen).__name__}: {key} is {binding_id}"
                seen.setdefault(binding_id, set()).add(type(app.screen).__name__)
            for key, a in app.screen.active_bindings.items():
                name = a.binding.action.split("(")[0]
                if "." in name:  # app.quit, screen.copy_text: Textual's own namespaces
                    continue
                assert hasattr(a.node, f"action_{name}"), (type(app.screen).__name__, key)

        for mode in JOBS:
            await app.switch_mode(mode)
            await _ready(app, pilot)
            record()
        await app.switch_mode("registry")
        await _ready(app, pilot)
        await pilot.press("ctrl+n")  # 新增户: the form
        await until(pilot, lambda: on(app, "HouseholdFormScreen"), "新增户的表")
        await _ready(app, pilot)
        record()
        await pilot.press("ctrl+n")  # in the form, the same meaning: a new member row
        await until(pilot, lambda: app.screen.query("#m_name") and app.screen.query_one("#m_name").has_focus,
                    "光标在成员「姓名」")
        await pilot.press("escape")
        await until(pilot, lambda: on(app, "ConfirmDialog") or on(app, "HouseholdListScreen"), "离开表")
        if on(app, "ConfirmDialog"):
            record()
            await pilot.press("y")
            await until(pilot, lambda: on(app, "HouseholdListScreen"), "回到列表")
        await app.switch_mode("projects")
        await _ready(app, pilot)
        await pilot.press("ctrl+k")  # 项目库
        await until(pilot, lambda: on(app, "LibraryScreen"), "项目库")
        await _ready(app, pilot)
        record()
    assert seen["new"] >= {"HouseholdListScreen", "HouseholdFormScreen", "LibraryScreen"}
    assert seen["help"] >= {"DashboardScreen", "CheckScreen", "SettingsScreen"}


async def test_f1_at_80_columns_is_a_full_width_overlay_in_chinese(demo_path):
    app = make_app(demo_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        await app.switch_mode("check")
        await _ready(app, pilot)
        beneath = app.screen
        await pilot.press("f1")
        await until(pilot, lambda: on(app, "KeyHelpScreen") and app.screen.query_one("#key-help-here").region.height,
                    "F1 按键一览")
        panel = app.screen.query_one("#key-help-here")
        assert panel.region.width >= 70 and panel.region.height > 0
        text = str(panel.render()) + str(app.screen.query_one("#key-help-everywhere").render())
        assert "Ctrl+B" in text and "确认" in text and "重新体检" in text and "F8" in text
        assert not english_words(text), english_words(text)
        assert beneath.query_one("#check-findings").region.width > 40  # the screen beneath keeps its size
        await pilot.press("f1")
        await until(pilot, lambda: app.screen is beneath, "再按 F1 回到体检")


@pytest.mark.parametrize("query, first", [
    ("tj", "体检"), ("tijian", "体检"), ("体检", "体检"), ("bz", "报账"), ("jdlk", "建档立卡"),
])
async def test_palette_finds_commands_by_pinyin(demo_path, query, first):
    app = make_app(demo_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        shown = await _palette_pick(app, pilot, query, first, first=True)
        assert shown and shown[0].startswith(first), shown
        await pilot.press("enter")
        await _ready(app, pilot)
        assert app.current_mode == {"体检": "check", "报账": "funds", "建档立卡": "registry"}[first]


def _household_and_project(path):
    import sqlite3

    con = sqlite3.connect(path)
    h = con.execute("SELECT h.id, h.household_no, h.head_name, m.id_number FROM household h JOIN member m "
                    "ON m.household_id = h.id WHERE h.status != '作废' ORDER BY h.id LIMIT 1").fetchone()
    p = con.execute("SELECT id, name, file_number FROM project WHERE file_number IS NOT NULL LIMIT 1").fetchone()
    con.close()
    return h, p


async def _palette_pick(app, pilot, query, expect: str = "", first: bool = False):
    """Ctrl+P, type ``query``; the hits once one starts with ``expect`` (or any record or rule hit).
    Hits arrive as the searches finish: wait for the one wanted, not for a moment (a busy machine)."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "命令面板")
    await pilot.press(*query)
    wanted = (expect,) if expect else ("户", "项目", "规则")

    def shown() -> list[str]:
        options = app.screen.query_one(CommandList)
        return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

    def arrived() -> bool:
        hits = shown()
        return bool(hits) and hits[0].startswith(wanted) if first else any(s.startswith(wanted) for s in hits)

    try:
        await until(pilot, arrived, f"{query} 的结果", timeout=30)
    except AssertionError:
        pass  # the caller's assertion names what was shown
    return shown()


async def test_palette_finds_households_projects_and_rules(demo_path):
    from fupin_tui.domain.pinyin import search_keys

    (hid, household_no, head, id_number), (pid, project, file_no) = _household_and_project(demo_path)
    initials = search_keys(head).split()[0]
    app = make_app(demo_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        for query in (head, initials, id_number[-8:], household_no):
            shown = await _palette_pick(app, pilot, query, f"户 {head}")
            assert any(s.startswith(f"户 {head}") for s in shown), (query, shown)
            await pilot.press("escape")
            await until(pilot, lambda: not on(app, "FupinPalette"), "面板关闭")
        for query in (project, search_keys(project).split()[0], file_no):
            shown = await _palette_pick(app, pilot, query, f"项目 {project}")
            assert any(s.startswith(f"项目 {project}") for s in shown), (query, shown)
            await pilot.press("escape")
            await until(pilot, lambda: not on(app, "FupinPalette"), "面板关闭")
        shown = await _palette_pick(app, pilot, "P13", "规则 P13", first=True)  # the exact id on top
        assert shown[0].startswith("规则 P13")
        await pilot.press("enter")
        await _ready(app, pilot)
        assert app.current_mode == "check"
        assert app.screen.query_one("#check-filter").value == "P13"
        assert {f.rule for f in app.screen.source.rows} <= {"P13"}


async def test_remapped_key_works_and_a_clash_is_reported_at_start(demo_path, tmp_path, monkeypatch):
    import os
    from pathlib import Path

    config = Path(os.environ["FUPIN_TUI_HOME"]) / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "keymap.toml").write_text('[keys]\ncheck = "f10"\nsort = "ctrl+n"\n', encoding="utf-8")
    app = make_app(demo_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        assert any("sort" in p and "冲突" in p for p in app.keymap_problems)
        assert any("冲突" in n.message for n in app._notifications)
        await app.switch_mode("check")
        await _ready(app, pilot)
        assert meanings_on(app.screen).get("f10") == "check"
        assert "ctrl+t" not in meanings_on(app.screen)
        await pilot.press("f1")
        await until(pilot, lambda: on(app, "KeyHelpScreen"), "F1 按键一览")
        assert "F10" in str(app.screen.query_one("#key-help-here").render())


@pytest.mark.slow  # 30-90 s: a whole job at the keyboard / every workbook rendered
async def test_no_english_on_any_screen_at_80x24(demo_path):
    """Every job screen, the screens opened from them, F1, the palette and its "nothing found"."""
    from textual.command import CommandPalette

    app = make_app(demo_path, operator="张会计")
    found: dict[str, set[str]] = {}

    def look(where):
        words = english_words(screen_text(app))
        if words:
            found[where] = words

    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        for mode in JOBS:
            await app.switch_mode(mode)
            await _ready(app, pilot)
            look(mode)
            await pilot.press("f1")
            await until(pilot, lambda: on(app, "KeyHelpScreen"), f"{mode} F1")
            look(f"{mode} F1")
            await pilot.press("escape")
            await until(pilot, lambda: not on(app, "KeyHelpScreen"), "F1 关闭")
        await app.switch_mode("registry")
        await _ready(app, pilot)
        await pilot.press("enter", "enter")
        await _ready(app, pilot)
        look("household form")
        await pilot.press("escape")
        await _ready(app, pilot)
        await app.switch_mode("projects")
        await _ready(app, pilot)
        await pilot.press("down", "enter")
        await _ready(app, pilot)
        for tab in "123456789":
            await pilot.press(tab)
            await _ready(app, pilot)
            look(f"dossier tab {tab}")
        await pilot.press("escape")
        await _ready(app, pilot)
        await pilot.press("ctrl+k")
        await _ready(app, pilot)
        look("library")
        await pilot.press("escape")
        await _ready(app, pilot)
        await app.switch_mode("check")
        await _ready(app, pilot)
        await pilot.press("ctrl+z")
        await _ready(app, pilot)
        look("evaluation")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app), "命令面板")
        look("palette")
        await pilot.press(*"zzzzqqq")
        await until(pilot, lambda: "没有找到" in screen_text(app), "没有找到")
        assert CommandPalette.is_open(app)
        text = screen_text(app)
        words = english_words(text) - {"zzzzqqq"}  # what the clerk typed
        assert not words, words
    assert not found, found
