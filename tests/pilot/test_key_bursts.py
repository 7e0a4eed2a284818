"""Keys that arrive together, as a terminal delivers a quick typist's (or tmux send-keys') burst,
each reach the widget focused once the keys before them are done (``fupin_tui.key_order``).

``pilot.press`` waits for the app after every key, so it never showed this: in tmux, with a key
log, every key of a burst went to the widget focused before the first was handled: the name and
Enter after F3 went to 工作台's menu (which opened the first household, not the one searched
for), the characters after Tabs into the field the Tabs were leaving.
"""

from decimal import Decimal

from textual import events

from fupin_tui.app import make_app
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages

from tests.pilot.ready import app_ready, dashboard_settled, until
from tests.pilot.test_dialog_kit import seen
from tests.pilot.test_registry_screens import HEAD_ID, WIFE_ID


def burst(app, *keys: str) -> int:
    """Post every key before the app handles the first, as a terminal's read does; the count."""
    for key in keys:
        char = {"space": " ", "tab": "\t", "enter": "\r"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))
    return len(keys)


def _household(ctx, name, id_number, **data):
    return reg.save_household(ctx, reg.HouseholdInput(village_id=villages(ctx)[0].id, main_cause="因病", **data),
                              [reg.MemberInput(name, id_number, "户主")])


async def test_f3_ctrl_f_a_name_and_enter_at_once_open_that_household(ctx, db_path):
    _household(ctx, "王五", HEAD_ID)
    _household(ctx, "杨开秀", WIFE_ID)
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        await dashboard_settled(pilot)
        burst(app, "f3", "ctrl+f", *"杨开秀", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen" and app.screen.title, "户表打开")
        assert "杨开秀" in str(app.screen.title)  # her household, not the list's first (王五)
        registry = app.screen_stack[-2]
        assert registry.query_one("#search").value == "杨开秀"


async def test_tabs_end_backspaces_digits_and_ctrl_s_at_once_save_the_typed_income(ctx, db_path):
    saved = _household(ctx, "王五", HEAD_ID, address="新寨村二组", wage_income=Decimal("3200.00"))
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        app.open_record(f"household:{saved.id}")
        await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen"
                    and app.focused is not None and app.focused.id == "village_id", "户表，光标在「村」")
        form = app.screen
        chain = [w.id for w in form.focus_chain]
        tabs = chain.index("wage_income") - chain.index("village_id")
        assert form.query_one("#wage_income").value == "3200.00"
        keys = burst(app, *["tab"] * tabs, "end", *["backspace"] * 7, *"12000", "ctrl+s")
        await until(pilot, lambda: any(n.message == "已保存" for n in app._notifications), "已保存")
        detail = reg.load_household(ctx, saved.id)
        assert detail.values["wage_income"] == Decimal("12000")
        assert detail.values["address"] == "新寨村二组"  # no key landed in a field the Tabs went past
        field = form.query_one("#wage_income")
        assert field.value == "12000.00" and seen(field) and app.focused is field
        print(f"\n{keys} keys at once: {tabs} Tab, End, 7 Backspace, 5 digits, Ctrl+S")
