"""Two exports or printouts at once, in two threads (the app writes them in worker threads), each list
only the cells they removed control characters from: one never lists, nor takes away, the other's
(issue 12: the collector was one list of the process)."""

import threading

from fupin_tui.excel import xlsx_tables
from fupin_tui.excel.styles import SAMPLE_ROWS, Column, collect_stripped, pending_stripped, report_stripped

TIMEOUT = 10


def _in_turns(*steps_of_threads):
    """Run each list of steps in its own thread, the steps of all threads strictly in turn
    (thread 0's first step, thread 1's first, thread 0's second, ...); the results of each thread."""
    turn = threading.Condition()
    state = {"next": 0}
    results = [None] * len(steps_of_threads)
    errors = []
    order = [(t, i) for i in range(max(map(len, steps_of_threads)))
             for t in range(len(steps_of_threads)) if i < len(steps_of_threads[t])]

    def wait_turn(t, i):
        with turn:
            assert turn.wait_for(lambda: order[state["next"]] == (t, i), TIMEOUT), f"thread {t} step {i} never came"

    def done():
        with turn:
            state["next"] += 1
            turn.notify_all()

    def run(t):
        try:
            results[t] = steps_of_threads[t](wait_turn, done, t)
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread (the other one times out)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(len(steps_of_threads))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(TIMEOUT)
    assert not errors, errors
    return results


class _Steps:
    """A thread's steps as one function with ``len`` (how many turns it takes)."""

    def __init__(self, n, body):
        self.n, self.body = n, body

    def __len__(self):
        return self.n

    def __call__(self, wait_turn, done, t):
        return self.body(lambda i: wait_turn(t, i), done)


def _printout(name):
    """Enter the collector, report one cell, leave: three turns."""
    def body(turn, done):
        turn(0)
        with collect_stripped() as stripped:
            done()
            turn(1)
            report_stripped(name, 1, "姓名", "王\x07大山")
            done()
            turn(2)
        done()
        return [c.table for c in stripped]
    return _Steps(3, body)


def test_two_printouts_in_two_threads_list_each_its_own():
    a, b = _in_turns(_printout("甲表"), _printout("乙表"))
    assert (a, b) == (["甲表"], ["乙表"])
    assert pending_stripped() == []


def _table_printout(path, title):
    """A real table written through the package's writer, its rows handed out a turn at a time:
    the clean sample rows it measures widths from, then the one cell it must report, then the end."""
    columns = [Column("户编号", kind="id"), Column("姓名")]

    def body(turn, done):
        turn(0)
        with collect_stripped() as stripped:
            def rows():
                for n in range(SAMPLE_ROWS):
                    yield [f"{title}-{n}", "张三"]
                done()
                turn(1)
                yield [f"{title}-x", "李\x07小梅"]  # written and reported before the next row is asked for
                done()
                turn(2)
            book = xlsx_tables.TableBook(path)
            book.add_table(f"{title}表", title=title, columns=columns, rows=rows(),
                           record_of=lambda v: ("household:1", f"户编号 {v[0]}"))
            book.close()
        done()
        return [(c.table, c.column, c.number) for c in stripped]
    return _Steps(3, body)


def test_two_table_writers_in_two_threads_keep_their_own_cells(tmp_path):
    a, b = _in_turns(_table_printout(tmp_path / "a.xlsx", "甲"), _table_printout(tmp_path / "b.xlsx", "乙"))
    assert a == [("甲表", "姓名", "户编号 甲-x")]
    assert b == [("乙表", "姓名", "户编号 乙-x")]


def test_a_pool_thread_starts_with_nothing_pending():
    """Reports left outside any collector in one thread are not another thread's."""
    report_stripped("本线程", 1, "姓名", "\x07")
    seen = []
    th = threading.Thread(target=lambda: seen.append(list(pending_stripped())))
    th.start()
    th.join(TIMEOUT)
    assert seen == [[]]
    pending_stripped().clear()
