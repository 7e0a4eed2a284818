"""Issue 12 item 7: a roster near the limits is read with its repeated short texts (村, 性别, 民族,
关系 …) held once, not once per cell: 199,999 rows peak at 409 MB instead of 550 MB."""

from openpyxl import Workbook

from fupin_tui.excel.readers import read_sheets


def test_repeated_short_texts_of_a_roster_are_one_object(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["村", "姓名", "性别", "住址"])
    for i in range(50):
        ws.append(["新寨村", f"成员{i}", "男", "新寨村一组某某路某某号附近的一个很长的地方"])
    wb.save(tmp_path / "花名册.xlsx")
    rows = read_sheets(tmp_path / "花名册.xlsx")[0].rows
    assert rows[1][0] == rows[50][0] == "新寨村" and rows[1][0] is rows[50][0]
    assert rows[1][2] is rows[50][2]
    assert rows[1][3] == "新寨村一组某某路某某号附近的一个很长的地方"  # long texts kept as read


def test_the_ids_met_in_a_roster_are_kept_in_a_compact_table_that_finds_each_first_row():
    """Duplicates within a file name the first row (与第N行的身份证号重复) however many IDs it has,
    in 12 bytes a slot, not a dict of int objects (~125 bytes an ID, 25 MB at 200,000 rows)."""
    import random
    from array import array

    from fupin_tui.excel.roster_import import SeenIds

    rng = random.Random(7)
    keys = [rng.randrange(10 ** 17, 10 ** 18) * 11 + rng.randrange(11) for _ in range(20_000)]
    keys += [k + 1 for k in keys[:50]]  # neighbours: same slot region, different IDs
    seen = SeenIds(bits=4)  # grows many times on the way
    first: dict[int, int] = {}
    for row, key in enumerate(keys, start=3):
        assert seen.first_row(key, row) == first.get(key, 0)
        first.setdefault(key, row)
    for row, key in enumerate(keys[:200], start=100_000):  # each again: the row it was first met on
        assert seen.first_row(key, row) == first[key]
    assert len(seen) == len(first)
    slots = len(seen._keys)
    assert isinstance(seen._keys, array) and slots < 3 * len(first), "a third to two thirds full"
    assert seen._keys.itemsize + seen._rows.itemsize == 12


def test_a_roster_of_different_short_names_keeps_no_object_per_name():
    """Two- and three-character names are short texts too: only the first ``SHARED`` short texts
    (村名, 性别, 关系 … come first) are kept decoded, the rest are read from the blob."""
    from fupin_tui.excel.xlsx_stream import SharedStrings

    strings = SharedStrings()
    names = [chr(0x4E00 + i // 90) + chr(0x4E00 + i % 90 + 200) for i in range(SharedStrings.SHARED + 5000)]
    for name in ["新寨村", "男", *names]:
        strings.append(name)
    assert len(strings._short) == SharedStrings.SHARED
    assert strings[0] is strings[0] and strings[1] == "男"
    assert [strings[i + 2] for i in range(len(names))] == names
    assert strings._ends.itemsize == 4
