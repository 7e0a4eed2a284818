"""Wait for a condition, not for a moment: a busy CI machine makes every fixed pause too short."""


async def until(pilot, condition, what: str = "", timeout: float = 60.0) -> None:
    """Pause in small steps until ``condition()`` holds; fail naming ``what`` after ``timeout`` s."""
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not reached within {timeout:.0f} s: {what or condition}")


async def app_ready(pilot) -> None:
    """The database is open, the operator chosen, borders and title set, the first loads done."""
    app = pilot.app
    await until(pilot, lambda: app.database_is_ready, "数据库就绪")
    await app.workers.wait_for_complete()
    await pilot.pause()
