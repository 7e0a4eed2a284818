"""Print the table of fupin_tui/domain/lunar_dates.py from ``holidays`` (run when the years run out).

    python scripts/lunar_dates_table.py > /tmp/table.txt   # then paste over TABLE's lines
"""

from fupin_tui.domain import lunar_dates, statutory


def main() -> None:
    for year in range(lunar_dates.FIRST, lunar_dates.LAST + 1):
        days = statutory._library_dates(year)
        print(f'    {year}: "{" ".join(days[name].strftime("%m%d") for name in statutory.LUNAR_NAMES)}",')


if __name__ == "__main__":
    main()
