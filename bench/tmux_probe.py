"""Timing what a clerk sees: a program run in a real terminal (tmux), the screen read with
``tmux capture-pane`` until the text shows.  No Pilot, no hooks inside the app.

    from tmux_probe import Terminal
    with Terminal([python, "-m", "fupin_tui", "--db", db, "--operator", "张会计"]) as term:
        painted = term.wait_for("建档立卡")          # seconds since the program was started
        t = term.press("f3"); term.wait_for("共 20,000 户", since=t)

Times are wall seconds from the moment tmux was told to start the program (or to send the
key) until a capture showed the text; a capture costs a few milliseconds, which bounds the
resolution.  A private tmux server (-L) is kept running for the whole benchmark, so its own
start is not counted.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time

SOCKET = f"fupin-bench-{os.getpid()}"


def _tmux(*args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check).stdout


def start_server() -> None:
    """A idle session keeps the private server up between measurements."""
    if subprocess.run(["tmux", "-L", SOCKET, "has-session", "-t", "keep"], capture_output=True).returncode:
        _tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 100000")


def stop_server() -> None:
    subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)


class Terminal:
    """One program in a fresh tmux window of ``width`` x ``height`` cells."""

    count = 0

    def __init__(self, argv: list[str], *, width: int = 120, height: int = 40, env: dict | None = None) -> None:
        Terminal.count += 1
        self.name = f"t{Terminal.count}"
        self.argv, self.width, self.height = argv, width, height
        self.env = env or {}

    def __enter__(self) -> "Terminal":
        start_server()
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        cmd = f"exec env {exports} {shlex.join(self.argv)}"
        self.started = time.perf_counter()
        _tmux("new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height), cmd)
        return self

    def __exit__(self, *exc) -> None:
        _tmux("kill-session", "-t", self.name, check=False)

    def pid(self) -> str:
        if not getattr(self, "_pid", None):
            self._pid = _tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip()
        return self._pid

    def cpu(self) -> float:
        """CPU seconds (user + system, all threads) the program has used so far: what a loaded
        machine's wall times hide (six engineers share two cores)."""
        try:
            fields = open(f"/proc/{self.pid()}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name, check=False)

    def press(self, *keys: str) -> float:
        """Send keys (tmux names: Enter, Escape, Down, F3, C-s or literal text); the time they went."""
        t = time.perf_counter()
        _tmux("send-keys", "-t", self.name, *keys)
        return t

    def type(self, text: str) -> float:
        t = time.perf_counter()
        _tmux("send-keys", "-t", self.name, "-l", text)
        return t

    def wait_for(self, *texts: str, absent: tuple[str, ...] = (), since: float | None = None,
                 timeout: float = 60.0) -> float:
        """Seconds from ``since`` (default: the start) until every text shows and none of ``absent`` does."""
        since = self.started if since is None else since
        deadline = time.perf_counter() + timeout
        while True:
            shown = self.screen()
            now = time.perf_counter()
            if all(t in shown for t in texts) and not any(a in shown for a in absent):
                return now - since
            if now > deadline:
                raise TimeoutError(f"not shown within {timeout:.0f} s: {texts} (absent {absent})\n{shown}")
            time.sleep(0.002)

    def wait_change(self, before: str, since: float, timeout: float = 30.0) -> float:
        """Seconds from ``since`` until the screen differs from ``before``."""
        deadline = time.perf_counter() + timeout
        while True:
            shown = self.screen()
            now = time.perf_counter()
            if shown != before:
                return now - since
            if now > deadline:
                raise TimeoutError("the screen did not change")
            time.sleep(0.001)

    def settled(self, before: str, since: float, quiet: float = 0.4, timeout: float = 10.0) -> float:
        """Seconds from ``since`` to the last change of the screen, once it has stayed the same ``quiet`` s."""
        last_change, shown = None, before
        deadline = time.perf_counter() + timeout
        while True:
            now_shown = self.screen()
            now = time.perf_counter()
            if now_shown != shown:
                shown, last_change = now_shown, now
            if last_change is not None and now - last_change >= quiet:
                return last_change - since
            if now > deadline:
                if last_change is None:
                    raise TimeoutError("the screen did not change")
                return last_change - since
            time.sleep(0.001)
