"""Start-up against a bare Textual app, in the same run (issue 2's targets):
first paint ≤ 1.5 × bare, dashboard figures filled ≤ 3 × bare.

    python bench/bench_startup.py --db /tmp/demo.db [--runs 5]
"""

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import as_installed  # noqa: E402

PROBE = Path(__file__).with_name("startup_probe.py")


def run(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(PROBE), *args],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    return {k: float(v) for k, v in (line.split() for line in out.splitlines() if line.strip())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    as_installed.compile_app()
    bare, app = [], []
    for _ in range(args.runs):  # interleaved so both see the same machine load
        bare.append(run("bare"))
        app.append(run("app", args.db))
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    b_paint = med(bare, "paint")
    a_paint, a_filled = med(app, "paint"), med(app, "filled")
    print(f"{'measure':<34}{'median s':>10}{'× bare':>9}{'target':>9}{'peak MB':>9}")
    print(f"{'bare Textual app, first paint':<34}{b_paint:>10.3f}{1:>9.2f}{'':>9}{med(bare, 'rss_mb'):>9.0f}")
    print(f"{'fupin-tui, first paint':<34}{a_paint:>10.3f}{a_paint / b_paint:>9.2f}{'1.5':>9}{med(app, 'rss_mb'):>9.0f}")
    print(f"{'fupin-tui, dashboard filled':<34}{a_filled:>10.3f}{a_filled / b_paint:>9.2f}{'3.0':>9}")


if __name__ == "__main__":
    main()
