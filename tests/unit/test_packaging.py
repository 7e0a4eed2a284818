"""The app installs and runs the same from a wheel as from the checkout (data inside the package)."""

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "fupin_tui").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "fupin_tui.data" in listed and (ROOT / "data" / "__init__.py").is_file()


def test_shipped_data_is_found_in_one_place():
    from fupin_tui.config import shipped_data
    from fupin_tui.domain import codes, policy, workdays

    root = shipped_data()
    assert (root / "policy.toml").is_file() and (root / "codes.toml").is_file()
    assert policy.POLICY_FILE.parent == root and codes.SHIPPED_FILE.parent == root
    assert workdays.SHIPPED_DIR == root / "holidays"
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "fupin_tui").rglob("*.py")
                 if p.name != "config.py" and re.search(r"parents?\[?\d?\]?\s*/\s*[\"']data[\"']|parent\.parent\s*/\s*[\"']data", p.read_text("utf-8"))]
    assert offenders == [], "read shipped data through fupin_tui.config.shipped_data()"


@pytest.mark.slow
def test_wheel_installed_outside_the_checkout_runs_demo_check_export_and_the_app(tmp_path):
    """pip wheel . -> a fresh venv outside the tree -> packaging/smoke.py from a folder outside the tree.

    The dependencies come from this test environment (a path in a .pth file), so no network
    is needed; .ci/run does the same with every dependency from the offline kit.
    """
    import shutil

    src = tmp_path / "src"  # a copy: building in the checkout would leave build/ with stale files
    for name in ("fupin_tui", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(src),
                    "-w", str(wheels)], check=True, cwd=tmp_path, timeout=300)
    [wheel] = wheels.glob("fupin_tui-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, cwd=tmp_path, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # dependencies from this environment, after the venv's own site-packages (its .pth files are not run,
    # so the editable install of the checkout stays out)
    Path(site, "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = tmp_path / "outside"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FUPIN_TUI_DB")}
    out = subprocess.run([str(python), str(ROOT / "packaging" / "smoke.py"), "--work", str(work)], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "smoke ok" in out.stdout and str(venv) in out.stdout


def test_a_wheel_built_from_the_sdist_carries_the_same_files(tmp_path):
    """pip and uv install an sdist by building a wheel from it: that wheel must hold what the wheel
    built from the checkout holds (data/ mapped into fupin_tui/data, the .tcss files)."""
    import shutil
    import tarfile
    import zipfile

    src = tmp_path / "src"
    for name in ("fupin_tui", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    build = "from setuptools import build_meta as b; import sys; print(b.{}(sys.argv[1]))"
    dist = tmp_path / "dist"
    sdist = subprocess.run([sys.executable, "-c", build.format("build_sdist"), str(dist)], cwd=src,
                           capture_output=True, text=True, check=True, timeout=300).stdout.split()[-1]
    direct = subprocess.run([sys.executable, "-c", build.format("build_wheel"), str(tmp_path / "direct")],
                            cwd=src, capture_output=True, text=True, check=True, timeout=300).stdout.split()[-1]
    with tarfile.open(dist / sdist) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    [root] = (tmp_path / "unpacked").iterdir()
    again = subprocess.run([sys.executable, "-c", build.format("build_wheel"), str(tmp_path / "again")],
                           cwd=root, capture_output=True, text=True, check=True, timeout=300).stdout.split()[-1]

    def files(wheel: Path) -> set[str]:
        with zipfile.ZipFile(wheel) as z:
            return {n for n in z.namelist() if ".dist-info/" not in n}

    from_checkout, from_sdist = files(tmp_path / "direct" / direct), files(tmp_path / "again" / again)
    assert {"fupin_tui/data/policy.toml", "fupin_tui/data/codes.toml", "fupin_tui/app.tcss"} <= from_checkout
    assert any(n.startswith("fupin_tui/data/holidays/") for n in from_checkout)
    assert from_sdist == from_checkout
