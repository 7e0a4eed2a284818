"""Child process for bench_startup: prints when the first frame is painted and when
the dashboard's figures are filled, in seconds since the process started."""

import sys
import time

T0 = time.perf_counter()


def mark(label: str) -> None:
    print(f"{label} {time.perf_counter() - T0:.4f}", flush=True)


def bare() -> None:
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        def compose(self):
            yield Label("你好")

        def on_mount(self):
            self.call_after_refresh(self.painted)

        def painted(self):
            mark("paint")
            self.exit()

    Bare().run(headless=True)


def full(db_path: str) -> None:
    from fupin_tui.app import FupinApp

    class Probe(FupinApp):
        def on_mount(self):
            super().on_mount()
            self.call_after_refresh(lambda: mark("paint"))
            self.set_interval(0.005, self.poll)

        def poll(self):
            if getattr(self.screen, "figures_shown", False):
                mark("filled")
                self.exit()

    Probe(db_path, operator="张会计", defer_open=True).run(headless=True)


if __name__ == "__main__":
    import own_peak

    if sys.argv[1] == "bare":
        bare()
    else:
        full(sys.argv[2])
    print(f"rss_mb {own_peak.peak_mb():.1f}", flush=True)
