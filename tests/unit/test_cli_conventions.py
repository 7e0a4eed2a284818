"""The command line follows the conventions: global options anywhere, Chinese help, exit codes."""

import argparse
import re

import pytest

from fupin_tui.cli import _parser, main
from fupin_tui.cli_args import EXIT_CODES, chinese


@pytest.fixture
def demo_db(tmp_path, capsys):
    path = tmp_path / "d.db"
    assert main(["--db", str(path), "demo", "--households", "5"]) == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize("order", ["before", "after"])
def test_global_options_before_or_after_the_subcommand(demo_db, order, capsys):
    args = ["--db", str(demo_db), "check", "--rule", "P05"] if order == "before" else \
        ["check", "--rule", "P05", "--db", str(demo_db)]
    assert main(args) in (0, 1)
    assert "体检日期" in capsys.readouterr().out


def test_an_option_after_the_subcommand_does_not_reset_the_one_before(tmp_path):
    with chinese():
        args = _parser().parse_args(["--db", "a.db", "--operator", "张三", "check"])
    assert str(args.db) == "a.db" and args.operator == "张三"


def test_demo_and_db_together_are_refused(tmp_path, capsys):
    assert main(["--demo", "--db", str(tmp_path / "x.db"), "check"]) == 2
    assert "不能同时使用" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_import_package_needs_an_explicit_database(tmp_path, capsys):
    assert main(["import-package", str(tmp_path / "a.zip")]) == 2
    assert "--db" in capsys.readouterr().err
    # the same --db as every other command, before or after
    for argv in (["--db", str(tmp_path / "c.db"), "import-package", str(tmp_path / "a.zip")],
                 ["import-package", str(tmp_path / "a.zip"), "--db", str(tmp_path / "c.db")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "required" not in err and "unrecognized" not in err and "a.zip" in err


def _all_parsers():
    with chinese():
        root = _parser()
    sub = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    return root, sub


ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|invalid|choose from|required|"
                     r"unrecognized|error:|expected|show program", re.I)


def test_every_help_text_is_chinese_and_every_command_and_argument_is_described(capsys):
    root, sub = _all_parsers()
    described = {a.dest: a.help for a in sub._choices_actions}
    helps = []
    for name, parser in [("", root), *sub.choices.items()]:
        if name:
            assert described.get(name), f"命令 {name} 没有说明"
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name or 'fupin-tui'} {action.option_strings or action.dest} 没有说明"
        assert main([*([name] if name else []), "--help"]) == 0
        helps.append(capsys.readouterr().out)
    for text in helps:
        assert not ENGLISH.search(text), ENGLISH.search(text).group(0) + "\n" + text
        assert "用法：" in text and "退出码" in text and "130" in text


@pytest.mark.parametrize("argv, expected", [
    (["demo", "--households", "abc"], "不是有效的整数"),
    (["nosuch"], "没有 'nosuch' 这一项"),
    (["check", "--nosuch"], "无法识别的参数"),
    (["restore"], "缺少必需的参数"),
    (["demo", "--households"], "需要一个值"),
])
def test_usage_errors_are_chinese_with_exit_2(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err and not ENGLISH.search(err.replace("--help", "")), err


def test_argparse_is_english_again_outside_our_parser():
    with chinese():
        pass
    assert argparse._("usage: ") == "usage: "


def test_exit_codes_are_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2", "3", "130"):
        line = next(l for l in EXIT_CODES.splitlines() if l.strip().startswith(code + " "))
        assert line.split(None, 1)[1].split("（")[0] in readme, code


def test_a_gbk_console_gets_replacement_never_a_crash(demo_db, tmp_path):
    """``check > out.txt`` on a GBK (cp936) console, a project named with a character GBK lacks:
    the line is written with a replacement mark, exit 0 or 1 (findings), never 3."""
    import os
    import sqlite3
    import subprocess
    import sys

    rare = "𠮷"  # U+20BB7: in GB18030, not in GBK
    con = sqlite3.connect(demo_db)
    pid, name = con.execute("SELECT id, name FROM project ORDER BY id LIMIT 1").fetchone()
    con.execute("UPDATE project SET name = ? WHERE id = ?", (rare + name, pid))
    con.commit()
    con.close()
    with pytest.raises(UnicodeEncodeError):
        rare.encode("gbk")  # the case is real
    out = tmp_path / "out.txt"
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    with out.open("wb") as f:
        done = subprocess.run([sys.executable, "-m", "fupin_tui", "--db", str(demo_db), "check"],
                              stdout=f, stderr=subprocess.PIPE, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr.decode("gbk", "replace")
    text = out.read_bytes().decode("gbk")
    assert "体检日期" in text
    assert "?" + name in text  # the project's line is there, its rare character replaced


def test_check_piped_into_head_stops_quietly(demo_db):
    """``fupin-tui check | head -3``: the reader closes the pipe; no 错误 line, no traceback."""
    import subprocess
    import sys

    done = subprocess.run(f"{sys.executable} -m fupin_tui --db '{demo_db}' check | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_building_the_command_line_imports_no_orm():
    """The parser is built on every start, the screens' too: the ORM there delays the first paint (issue 18)."""
    import subprocess
    import sys

    code = ("import sys; from fupin_tui import cli; cli._parser(); "
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'fupin_tui.models') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
