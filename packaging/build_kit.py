"""Build the offline install kit: a folder a county copies to a USB stick for township offices.

    python packaging/build_kit.py --out DIR [--platform win linux] [--python 3.11 3.12] [--wheel FILE]

DIR gets:
    wheels/          the app's wheel and every dependency's wheel, for each platform and Python
    install.sh       Linux (incl. 统信 UOS, 麒麟 Kylin): venv + pip --no-index --find-links wheels
    install.bat      Windows 10/11 x64: the same, plus fupin-tui.bat on the desktop and in the start menu
    fupin-tui.bat    starts the installed app (install.bat copies it)
    安装说明.txt      short instructions in Chinese
    kit.json         what is inside: files, sizes, sha256, platforms, Python versions

Downloading the dependency wheels needs the network (pip's cache is used); installing from
the kit never does. ``--check`` lists the kit and fails unless every dependency has a wheel
for every platform and Python asked for.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = {
    "win": ["win_amd64"],
    "linux": ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_28_x86_64"],
}
TAG_OF = {"win": "win_amd64", "linux": "manylinux"}

INSTALL_SH = r"""#!/bin/sh
# fupin-tui offline install (Linux x86_64: 统信 UOS, 麒麟 Kylin, Ubuntu, Debian ...). No network needed.
set -e
KIT="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.12 python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY="$c"; break
    fi
  done
fi
if [ -z "$PY" ] || ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "需要 Python 3.11 或 3.12（可用 PYTHON=/路径/python3.11 sh install.sh 指定）。" >&2
  exit 2
fi
TARGET="${FUPIN_TUI_VENV:-$HOME/.local/share/fupin-tui/venv}"
echo "安装到 $TARGET ……"
"$PY" -m venv "$TARGET"
PIP_NO_INDEX=1 "$TARGET/bin/python" -m pip install --no-index --find-links "$KIT/wheels" --upgrade fupin-tui
mkdir -p "$HOME/.local/bin"
ln -sf "$TARGET/bin/fupin-tui" "$HOME/.local/bin/fupin-tui"
if [ -d "$HOME/.local/share/applications" ] || mkdir -p "$HOME/.local/share/applications" 2>/dev/null; then
  cat > "$HOME/.local/share/applications/fupin-tui.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=扶贫项目与建档立卡管理
Exec=$TARGET/bin/fupin-tui
Terminal=true
Categories=Office;
EOF
  for d in "$HOME/Desktop" "$HOME/桌面"; do
    [ -d "$d" ] && cp "$HOME/.local/share/applications/fupin-tui.desktop" "$d/" && chmod +x "$d/fupin-tui.desktop" || true
  done
fi
"$TARGET/bin/fupin-tui" --version
echo "安装完成。在终端输入 fupin-tui 启动（或双击桌面上的图标）；先试用可输入 fupin-tui --demo。"
"""

INSTALL_BAT = r"""@echo off
rem fupin-tui offline install for Windows 10/11 x64. No network needed.
setlocal
set "KIT=%~dp0"
set "TARGET=%LOCALAPPDATA%\fupin-tui\venv"
set "PY="
where py >nul 2>nul && (py -3.12 -c "" >nul 2>nul && set "PY=py -3.12")
if not defined PY where py >nul 2>nul && (py -3.11 -c "" >nul 2>nul && set "PY=py -3.11")
if not defined PY where python >nul 2>nul && set "PY=python"
if not defined PY (
  echo 没有找到 Python 3.11 或 3.12。请先安装 Python（安装时勾选 Add Python to PATH），再运行本文件。
  pause
  exit /b 2
)
%PY% -c "import sys; sys.exit(sys.version_info < (3, 11))" || (
  echo 需要 Python 3.11 或 3.12。
  pause
  exit /b 2
)
echo 安装到 %TARGET% ……
%PY% -m venv "%TARGET%" || (pause & exit /b 3)
set PIP_NO_INDEX=1
"%TARGET%\Scripts\python.exe" -m pip install --no-index --find-links "%KIT%wheels" --upgrade fupin-tui || (pause & exit /b 3)
copy /y "%KIT%fupin-tui.bat" "%USERPROFILE%\Desktop\fupin-tui.bat" >nul 2>nul
copy /y "%KIT%fupin-tui.bat" "%APPDATA%\Microsoft\Windows\Start Menu\Programs\fupin-tui.bat" >nul 2>nul
"%TARGET%\Scripts\fupin-tui.exe" --version
echo 安装完成。双击桌面上的 fupin-tui.bat 启动；先试用可在命令行输入 fupin-tui --demo。
pause
"""

APP_BAT = r"""@echo off
rem Starts fupin-tui installed by install.bat.
"%LOCALAPPDATA%\fupin-tui\venv\Scripts\fupin-tui.exe" %*
if errorlevel 1 pause
"""

GUIDE = """扶贫项目与建档立卡管理（fupin-tui）离线安装包
================================================

本文件夹可以复制到 U 盘，在没有网络的电脑上安装。详细用法见《用户手册》。

一、Windows 10（1511 及以后版本）/ Windows 11，64 位
  1. 先安装 Python 3.11 或 3.12（64 位），安装时勾选“Add Python to PATH”。
     Windows 7 / 8 无法运行 Python 3.11，不受支持。
  2. 双击 install.bat，等待出现“安装完成”。
  3. 双击桌面上的 fupin-tui.bat 启动（开始菜单中也有）。
     建议在“Windows 终端”中使用；旧版控制台可在 设置 → 显示 中选 ASCII 边框。

二、Linux x86_64（统信 UOS、麒麟 Kylin、Ubuntu 等）
  1. 确认已有 Python 3.11 或 3.12：在终端输入 python3 --version。
  2. 在本文件夹中打开终端，输入：sh install.sh
  3. 在终端输入 fupin-tui 启动（桌面上也有图标）。

三、第一次使用
  - 先试用演示数据：fupin-tui --demo（单独的演示数据库，不影响正式数据）。
  - 正式使用：fupin-tui，按提示填写县、乡镇、乡镇代码和经办人。

四、遇到问题
  - “没有找到 Python”：先安装 Python 3.11 或 3.12。
  - 安装中断：再运行一次 install.bat / install.sh 即可，已登记的数据不受影响。
  - 其他问题请联系县扶贫办的系统管理员，并说明屏幕上的提示文字。
"""


def _wheel_platform(name: str) -> str:
    if "win_amd64" in name:
        return "win"
    if "manylinux" in name and "x86_64" in name:
        return "linux"
    return "any" if name.endswith("-none-any.whl") else "other"


def build_app_wheel(dest: Path) -> Path:
    """``pip wheel`` of a clean copy of the sources (building in the checkout would leave build/)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for name in ("fupin_tui", "data"):
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, src / name)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w", str(dest)],
                       check=True)
    return max(dest.glob("fupin_tui-*.whl"), key=lambda p: p.stat().st_mtime)


def download(app_wheel: Path, dest: Path, platform: str, python: str) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "--implementation", "cp",
           "--python-version", python, "-d", str(dest)]
    for tag in PLATFORMS[platform]:
        cmd += ["--platform", tag]
    subprocess.run(cmd + [str(app_wheel)], check=True)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def check(out: Path, platforms: list[str], pythons: list[str]) -> list[str]:
    """Problems: a project without a wheel usable on a platform/Python of the kit."""
    wheels = sorted((out / "wheels").glob("*.whl"))
    problems = []
    by_project: dict[str, list[str]] = {}
    for w in wheels:
        by_project.setdefault(_norm(w.name.split("-")[0]), []).append(w.name)
    for project, files in sorted(by_project.items()):
        if any(f.endswith("-none-any.whl") or "py3-none" in f for f in files):
            continue
        for platform in platforms:
            for py in pythons:
                tag = "cp" + py.replace(".", "")
                ok = any(TAG_OF[platform] in f and (f"-{tag}-" in f or "-abi3-" in f) for f in files)
                if not ok:
                    problems.append(f"{project}: no wheel for {platform} / CPython {py}")
    return problems


def write_scripts(out: Path) -> None:
    (out / "install.sh").write_text(INSTALL_SH, encoding="utf-8", newline="\n")
    (out / "install.sh").chmod(0o755)
    # cmd.exe reads a batch file in the console's code page: GBK (936) on Chinese Windows
    (out / "install.bat").write_bytes(INSTALL_BAT.replace("\n", "\r\n").encode("gbk"))
    (out / "fupin-tui.bat").write_bytes(APP_BAT.replace("\n", "\r\n").encode("gbk"))
    (out / "安装说明.txt").write_bytes(b"\xef\xbb\xbf" + GUIDE.replace("\n", "\r\n").encode("utf-8"))


def manifest(out: Path, platforms: list[str], pythons: list[str]) -> dict:
    files = []
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.name != "kit.json":
            files.append({"path": p.relative_to(out).as_posix(), "bytes": p.stat().st_size,
                          "sha256": hashlib.sha256(p.read_bytes()).hexdigest()})
    data = {"platforms": platforms, "python": pythons, "files": files,
            "total_bytes": sum(f["bytes"] for f in files)}
    (out / "kit.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the offline install kit (see the module docstring).")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--platform", nargs="+", choices=sorted(PLATFORMS), default=["win", "linux"])
    parser.add_argument("--python", nargs="+", default=["3.11", "3.12"])
    parser.add_argument("--wheel", type=Path, help="use this app wheel instead of building one")
    parser.add_argument("--check", action="store_true", help="only list DIR and check it has every wheel")
    args = parser.parse_args(argv)
    out = args.out
    if not args.check:
        wheels = out / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        if args.wheel:
            shutil.copy2(args.wheel, wheels / args.wheel.name)
            app = wheels / args.wheel.name
        else:
            app = build_app_wheel(wheels)
        for platform in args.platform:
            for py in args.python:
                print(f"downloading wheels for {platform} / CPython {py} ...", flush=True)
                download(app, wheels, platform, py)
        write_scripts(out)
        data = manifest(out, args.platform, args.python)
    else:
        data = json.loads((out / "kit.json").read_text(encoding="utf-8"))
    for f in data["files"]:
        print(f"{f['bytes']:>10}  {f['path']}")
    print(f"{len(data['files'])} files, {data['total_bytes'] / 1e6:.1f} MB")
    problems = check(out, args.platform, args.python)
    for p in problems:
        print("MISSING:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
