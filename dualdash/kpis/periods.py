"""Reporting periods: days, weeks, months, quarters and years, following the organization's week
start and fiscal-year start month.

A period is a :class:`dualdash.plugins.types.Period` (start, end, cadence). Quarters and years are
fiscal: with a fiscal year starting in April, Q1 is April–June. A fiscal year is named after the
calendar year it starts in. A longer period contains a shorter one when it contains its first day."""
import datetime
import re

from dualdash.plugins.types import Period
from dualdash.shared import dates
from dualdash.shared.formats import date_text

CADENCES = ("daily", "weekly", "monthly", "quarterly", "annual")
ORDER = {c: i for i, c in enumerate(CADENCES)}
ONE_DAY = datetime.timedelta(days=1)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(?:FY)?(\d{4})-Q([1-4])$", re.I)
_YEAR = re.compile(r"^(?:FY)?(\d{4})$", re.I)


def _add_months(d, months):
    index = d.year * 12 + d.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _fiscal_year_start(d, fy_month):
    year = d.year if d.month >= fy_month else d.year - 1
    return datetime.date(year, fy_month, 1)


def containing(day, cadence, week_start=0, fy_month=1):
    """The period of ``cadence`` that contains ``day``."""
    if cadence == "daily":
        return Period(day, day, cadence)
    if cadence == "weekly":
        start = day - datetime.timedelta(days=(day.weekday() - week_start) % 7)
        return Period(start, start + datetime.timedelta(days=6), cadence)
    if cadence == "monthly":
        start = day.replace(day=1)
        return Period(start, _add_months(start, 1) - ONE_DAY, cadence)
    fy = _fiscal_year_start(day, fy_month)
    if cadence == "quarterly":
        months = (day.year * 12 + day.month - fy.year * 12 - fy.month) // 3 * 3
        start = _add_months(fy, months)
        return Period(start, _add_months(start, 3) - ONE_DAY, cadence)
    if cadence == "annual":
        return Period(fy, _add_months(fy, 12) - ONE_DAY, cadence)
    raise ValueError(f"unknown cadence {cadence!r}")


def shift(period, steps, week_start=0, fy_month=1):
    """The period ``steps`` periods after (negative: before) ``period``."""
    if steps == 0:
        return period
    if period.cadence in ("daily", "weekly"):
        days = 1 if period.cadence == "daily" else 7
        return containing(period.start + datetime.timedelta(days=days * steps), period.cadence, week_start,
                          fy_month)
    months = {"monthly": 1, "quarterly": 3, "annual": 12}[period.cadence]
    return containing(_add_months(period.start, months * steps), period.cadence, week_start, fy_month)


def series(last, count, week_start=0, fy_month=1):
    """``count`` consecutive periods ending with ``last``, oldest first."""
    return [shift(last, -i, week_start, fy_month) for i in range(count - 1, -1, -1)]


def parse(text, cadence, week_start=0, fy_month=1):
    """The period of ``cadence`` named by ``text``: a date inside it (2026-11-18), an ISO week
    (2026-W47), a month (2026-11), a quarter (2026-Q4) or a year (2026).

    A week, month, quarter or year names a period of that cadence only; raises ValueError with a
    message a person can act on otherwise."""
    text = (text or "").strip()
    if not text:
        raise ValueError("the period is empty")
    if _DATE.match(text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"“{text}” is not a real date") from None
        dates.check(day)
        return containing(day, cadence, week_start, fy_month)
    named = _named(text, week_start, fy_month)
    if named is None:
        raise ValueError(f"“{text}” is not a period: use a date (2026-11-18), a week (2026-W47), "
                         "a month (2026-11), a quarter (2026-Q4) or a year (2026)")
    if named.cadence != cadence:
        raise ValueError(f"“{text}” is a {_NOUN[named.cadence]}, but this KPI is {cadence}: "
                         f"give a {_NOUN[cadence]} or a date inside one")
    return named


_NOUN = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year"}


def _named(text, week_start, fy_month):
    if m := _WEEK.match(text):
        year, week = int(m[1]), int(m[2])
        _in_window(year, 1)
        try:
            # The organization's week holding most of the ISO week's days holds its Thursday (the
            # inverse of key(), whatever day weeks start on).
            thursday = datetime.date.fromisocalendar(year, week, 4)
        except ValueError:
            raise ValueError(f"“{text}”: {year} has no week {week}") from None
        dates.check(thursday)
        return containing(thursday, "weekly", week_start, fy_month)
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"“{text}”: there is no month {month}")
        return containing(_in_window(year, month), "monthly", week_start, fy_month)
    if m := _QUARTER.match(text):
        first = _add_months(_in_window(int(m[1]), fy_month), 3 * (int(m[2]) - 1))
        return containing(dates.check(first), "quarterly", week_start, fy_month)
    if m := _YEAR.match(text):
        return containing(_in_window(int(m[1]), fy_month), "annual", week_start, fy_month)
    return None


def _in_window(year, month):
    """The first day of ``month`` of ``year``, when it is inside the accepted window (year 0 is not a
    year at all: it is outside too); raises ValueError otherwise."""
    if not dates.EARLIEST.year <= year <= dates.LATEST.year:
        raise ValueError(f"{year} is outside the years Dual Dash accepts: use a period from "
                         f"{dates.EARLIEST} to {dates.LATEST}")
    return datetime.date(year, month, 1)


def key(period, fy_month=1):
    """The short name of a period, the one :func:`parse` reads back: 2026-11-18, 2026-W47, 2026-11,
    2026-Q4, 2026."""
    if period.cadence == "daily":
        return period.start.isoformat()
    if period.cadence == "weekly":
        # The ISO week that holds most of the period's days (its Thursday, for Monday weeks).
        year, week, _ = (period.start + datetime.timedelta(days=3)).isocalendar()
        return f"{year}-W{week:02d}"
    if period.cadence == "monthly":
        return f"{period.start.year}-{period.start.month:02d}"
    fy = _fiscal_year_start(period.start, fy_month)
    if period.cadence == "quarterly":
        quarter = ((period.start.year - fy.year) * 12 + period.start.month - fy.month) // 3 + 1
        return f"{fy.year}-Q{quarter}"
    return f"{fy.year}"


def label(period, fy_month=1):
    """A person's name for a period: "Week of 16 Nov 2026", "November 2026", "Q4 2026", "FY 2026"."""
    if period.cadence == "daily":
        return date_text(period.start, "weekday")
    if period.cadence == "weekly":
        return "Week of " + date_text(period.start)
    if period.cadence == "monthly":
        return date_text(period.start, "full_month")
    name = key(period, fy_month)
    if period.cadence == "quarterly":
        year, quarter = name.split("-")
        return f"{quarter} {year}" if fy_month == 1 else f"{quarter} FY{year}"
    return name if fy_month == 1 else f"FY{name}"


def in_progress(period, today=None):
    """True while the period has not ended yet."""
    return (today or datetime.date.today()) <= period.end


def longer_or_equal(cadence, other):
    """True when ``cadence`` is at least as long as ``other`` (monthly vs weekly: True)."""
    return ORDER[cadence] >= ORDER[other]
