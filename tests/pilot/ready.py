"""Wait for a condition, not for a moment: a busy CI machine makes every fixed pause too short."""


async def until(pilot, condition, what: str = "", timeout: float = 60.0) -> None:
    """Pause in small steps until ``condition()`` holds; fail naming ``what`` after ``timeout`` s."""
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not reached within {timeout:.0f} s: {what or condition}\n{_screen(pilot)}")


async def shown(pilot, *texts: str, what: str = "") -> str:
    """Wait until every one of ``texts`` is drawn on the screen (a refill repaints on a later frame); return it."""
    from tests.screen_text import screen_text

    await until(pilot, lambda: all(t in screen_text(pilot.app) for t in texts), what or f"on screen: {texts}")
    return screen_text(pilot.app)


def _screen(pilot) -> str:
    """What the clerk would have seen when the wait gave up: a timeout in CI says why by itself."""
    try:
        from tests.screen_text import screen_text

        return f"screen ({type(pilot.app.screen).__name__}):\n{screen_text(pilot.app)}"
    except Exception as exc:  # noqa: BLE001 - the report must not hide the timeout
        return f"(screen not readable: {exc!r})"


async def app_ready(pilot) -> None:
    """The database is open, the operator chosen, borders and title set, the first loads done."""
    app = pilot.app
    await until(pilot, lambda: app.database_is_ready, "数据库就绪")
    await app.workers.wait_for_complete()
    await pilot.pause()


def no_worker_running(app) -> bool:
    return not any(w.is_running or w.state.name == "PENDING" for w in app.workers)


async def check_loaded(pilot) -> None:
    """体检 is on top and shows the result of its latest run (no run still going)."""
    app = pilot.app
    await until(pilot, lambda: type(app.screen).__name__ == "CheckScreen" and app.screen.result is not None
                and "正在体检" not in str(app.screen.query_one("#check-summary").render())
                and no_worker_running(app), "体检结果")


async def dashboard_settled(pilot) -> None:
    """工作台 draws the answer to its latest load in every panel."""
    app = pilot.app
    await until(pilot, lambda: getattr(app.screen, "settled", False) and no_worker_running(app), "工作台就绪")


def toast_seen(app, text: str) -> bool:
    """A notification saying ``text`` is drawn: the toast visible, displayed up its ancestors, with a
    region (the rack and holder are visibility: hidden by design; the toast itself is drawn). Needs
    ``run_test(notifications=True)``."""
    from textual.widgets._toast import Toast

    return any(t.visible and all(n.display for n in t.ancestors_with_self if hasattr(n, "display"))
               and t.region.area > 0 and text in str(t.render())
               for t in app.screen.query(Toast))


async def dossier_open(pilot, project_id: int) -> None:
    """From 项目, the project's 档案 is on top (as Enter on its row would open it)."""
    app = pilot.app
    await app.switch_mode("projects")
    await pilot.pause()
    app.open_record(f"project:{project_id}")
    await until(pilot, lambda: type(app.screen).__name__ == "ProjectDossierScreen", "项目档案")


async def progress_form_open(pilot, search: str = "xzc") -> None:
    """进度 (F5): the project found by ``search`` picked with Enter, the cursor in its 工程量完成比例."""
    app = pilot.app
    await app.switch_mode("progress")
    await pilot.pause()
    await pilot.press(*search, "enter")
    await until(pilot, lambda: app.focused is not None and app.focused.id == "work_share", "进度表单")


async def settled(pilot, *texts: str, what: str = "") -> None:
    """For a snapshot: the database ready, every one of ``texts`` drawn, no worker left running,
    and the same screen on two polls in a row (a refill that lands between the wait and the
    screenshot, as in a busy CI, shows as a changed screen, not as a wrong snapshot)."""
    from tests.screen_text import screen_text

    app = pilot.app
    last: list[str] = []

    def steady() -> bool:
        if not getattr(app, "database_is_ready", True) or not no_worker_running(app):
            last.clear()
            return False
        now = screen_text(app)
        if not all(t in now for t in texts):
            last.clear()
            return False
        same = bool(last) and last[0] == now
        last[:] = [now]
        return same

    await until(pilot, steady, what or f"画面稳定，且有：{texts}")
