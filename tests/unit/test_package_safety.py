"""Incoming county packages cannot lock a township out or pass as another (issue 12 item 5).

Each case was reproduced on the old main: a package of period 9999-99 was taken and the genuine
one then refused as older; a package with the same code under another name replaced the township
without a word; a manifest without ``township`` or with junk row counts gave 程序出错 (exit 3);
``../x`` members were skipped silently. Now each is refused by name with nothing changed.
"""

import io
import json
import sqlite3
import stat
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fupin_tui import cli
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from fupin_tui.package_safety import PackageRefused, check_month, check_span
from datetime import date, datetime

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import excel_sample  # noqa: E402

TODAY = date(2026, 11, 27)


@pytest.fixture
def package(ctx, tmp_path):
    excel_sample.fill(ctx, households=5, projects=1)
    return export_package(ctx, tmp_path / "out").path


def _rewrite(src: Path, dst: Path, change=lambda n, d: d, extra=()) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)
        for info, data in extra:
            zout.writestr(info, data)
    return dst


def _manifest(change):
    def edit(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        change(m)
        return json.dumps(m, ensure_ascii=False).encode()
    return edit


def _a_second_later(m: dict) -> str:
    """A newer export of the same township: its manifest's own time plus a second. A fixed time
    (23:00) was older than the genuine package whenever the suite ran after 23:00, on the
    fixed test date with the clock's time of day, and the newer one was refused as older."""
    return (datetime.fromisoformat(m["exported_at"]) + timedelta(seconds=1)).isoformat(timespec="seconds")


def _households(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(str(db))
    try:
        return con.execute("SELECT count(*) FROM household").fetchone()[0]
    finally:
        con.close()


# --------------------------------------------------------------------------- periods, table-driven


@pytest.mark.parametrize("period,problem", [
    ("9999-99", "不是有效的年月"),
    ("2026-13", "不是有效的年月"),
    ("2026-00", "不是有效的年月"),
    ("26-11", "不是有效的年月"),
    ("", "不是有效的年月"),
    ("2026-12", "在今天（2026-11-27）之后"),
    ("9999-12", "在今天（2026-11-27）之后"),
    ("2013-12", "早于建档立卡开始（2014年）"),
])
def test_impossible_periods_are_refused(period, problem):
    with pytest.raises(PackageRefused, match=problem):
        check_month(period, "x.zip", TODAY)


def test_possible_periods_pass_and_a_period_after_the_export_does_not():
    assert check_month("2026-11", "x.zip", TODAY) == "2026-11"
    assert check_month("2014-01", "x.zip", TODAY) == "2014-01"
    with pytest.raises(PackageRefused, match="晚于导出时间"):
        check_month("2026-11", "x.zip", TODAY, exported=datetime(2026, 10, 31, 9, 0))
    with pytest.raises(PackageRefused, match="晚于结束"):
        check_span("2026-11-02", "2026-11-01", "x.zip", TODAY)
    assert check_span("2026-01-01", "2026-11-27", "x.zip", TODAY) == (date(2026, 1, 1), TODAY)


def test_a_9999_package_is_refused_and_the_genuine_one_still_merges(package, tmp_path):
    bogus = _rewrite(package, tmp_path / "bogus.zip", _manifest(lambda m: m.update(period="9999-99")))
    county = tmp_path / "county.db"
    with pytest.raises(PackageRefused, match="bogus.zip 被拒绝：报送期“9999-99”不是有效的年月"):
        import_packages([bogus], county)
    assert _households(county) == 0
    outcome, = import_packages([package], county)  # not "older" than a package that never got in
    assert outcome.status == "新导入" and _households(county) == 5


# --------------------------------------------------------------------------- another name for the same code


def test_a_package_under_another_name_for_the_same_code_asks_first(package, tmp_path):
    county = tmp_path / "county.db"
    import_packages([package], county)
    impostor = _rewrite(package, tmp_path / "impostor.zip",
                        _manifest(lambda m: m.update(period="2026-11", exported_at=_a_second_later(m),
                                                     township={**m["township"], "name": "冒名镇"})))
    with pytest.raises(PackageRefused, match="乡镇代码 520123101 在汇总库中是“新安镇”，上报包写的是“冒名镇”.*--confirm-rename"):
        import_packages([impostor], county)
    con = sqlite3.connect(str(county))
    assert con.execute("SELECT name FROM township").fetchall() == [("新安镇",)]
    con.close()
    import_packages([impostor], county, confirm_rename=True)  # confirmed: a real renaming goes through
    con = sqlite3.connect(str(county))
    assert con.execute("SELECT name FROM township").fetchall() == [("冒名镇",)]
    con.close()


def test_the_cli_asks_for_confirm_rename_with_exit_2(package, tmp_path, capsys):
    county = tmp_path / "county.db"
    assert cli.main(["--db", str(county), "import-package", str(package)]) == 0
    impostor = _rewrite(package, tmp_path / "impostor.zip", _manifest(
        lambda m: m.update(exported_at=_a_second_later(m), township={**m["township"], "name": "冒名镇"})))
    assert cli.main(["--db", str(county), "import-package", str(impostor)]) == 2
    assert "--confirm-rename" in capsys.readouterr().err
    assert cli.main(["--db", str(county), "import-package", "--confirm-rename", str(impostor)]) == 0


# --------------------------------------------------------------------------- manifests that crashed


@pytest.mark.parametrize("label,change,problem", [
    ("no township", lambda m: m.pop("township"), "清单缺少“township”"),
    ("township without code", lambda m: m["township"].pop("code"), "清单的乡镇缺少“code”"),
    ("bad code", lambda m: m["township"].update(code="52012310X"), "乡镇代码“52012310X”应为 9 位数字"),
    ("rows not a number", lambda m: m["workbooks"][0]["sheets"][0].update(rows="很多"), "的工作表或行数无效"),
    ("negative rows", lambda m: m["workbooks"][0]["sheets"][0].update(rows=-1), "的工作表或行数无效"),
    ("too many rows", lambda m: m["workbooks"][0]["sheets"][0].update(rows=999), "「村表」"),
    ("too few rows", lambda m: m["workbooks"][0]["sheets"][0].update(rows=1), "行数多于清单所写的 1 行"),
    ("version text", lambda m: m.update(format_version="二"), "格式版本“二”无法识别"),
    ("no workbooks", lambda m: m.update(workbooks="无"), "清单的文件列表无效"),
    ("export in the future", lambda m: m.update(exported_at="2027-05-01T08:00:00"), "生成时间 2027-05-01 08:00:00 在今天"),
])
def test_a_broken_manifest_is_refused_with_exit_2_never_a_crash(package, tmp_path, capsys, label, change, problem):
    bad = _rewrite(package, tmp_path / "bad.zip", _manifest(change))
    county = tmp_path / "county.db"
    assert cli.main(["--db", str(county), "import-package", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.zip 被拒绝" in err and problem in err, err
    assert "程序出错" not in err
    assert _households(county) == 0


# --------------------------------------------------------------------------- unsafe members


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _bomb() -> bytes:
    """A workbook-looking zip with one part that inflates 1000-fold (a nested bomb, small on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (20 << 20))
    return buf.getvalue()


@pytest.mark.parametrize("label,extra,problem", [
    ("dot-dot", [("../x", b"evil")], "成员“../x”路径含“..”"),
    ("absolute", [("/etc/cron.d/x", b"evil")], "成员“/etc/cron.d/x”使用绝对路径"),
    ("drive", [("C:/Windows/x", b"evil")], "成员“C:/Windows/x”使用绝对路径"),
    ("symlink", [(_symlink("link"), b"/etc/passwd")], "成员“link”是符号链接"),
    ("unlisted", [("readme.txt", b"hello")], "包中有清单未列出的文件：readme.txt"),
    ("many", [(f"f{i}", b"") for i in range(80)], "超过上限 64"),
])
def test_unsafe_or_extra_members_are_reported_not_skipped(package, tmp_path, label, extra, problem):
    bad = _rewrite(package, tmp_path / "bad.zip", extra=extra)
    county = tmp_path / "county.db"
    with pytest.raises(PackageRefused) as err:
        import_packages([bad], county)
    assert "bad.zip 被拒绝" in str(err.value) and problem in str(err.value)
    assert _households(county) == 0


def test_a_nested_bomb_inside_a_listed_workbook_is_refused(package, tmp_path):
    import hashlib

    bomb = _bomb()
    with zipfile.ZipFile(package) as zf:
        m = json.loads(zf.read("manifest.json"))
    first = m["workbooks"][0]
    first.update(sha256=hashlib.sha256(bomb).hexdigest(), bytes=len(bomb))

    def swap(name, data):
        if name == first["file"]:
            return bomb
        return json.dumps(m, ensure_ascii=False).encode() if name == "manifest.json" else data

    bad = _rewrite(package, tmp_path / "bomb.zip", swap)
    with pytest.raises(PackageRefused, match=f"{first['file']} 中的成员“xl/worksheets/sheet1.xml”压缩比异常"):
        import_packages([bad], tmp_path / "county.db")
