"""One way of writing dates, times and numbers on every page, in emails and on the worksheet.

Everything goes through Babel (the Unicode CLDR data) with one locale, so the locale work that follows
changes a setting, not every template. Templates use the filters :func:`register` installs:

- ``{{ day|date_text }}`` → "4 Dec 2026"; ``date_text('short')`` → "4 Dec"; ``date_text('weekday')`` →
  "Fri 4 Dec 2026"; ``date_text('month')`` → "Dec 2026".
- ``{{ moment|datetime_text }}`` → "Fri 4 Dec 2026, 09:30"; ``{{ moment|time_text }}`` → "09:30".
- ``{{ n|number_text(1) }}`` → "1,234.5" (a fixed number of decimals, thousands grouped).
- ``{{ moment|iso_text }}`` → "2026-12-04T09:30", for ``<time datetime>`` and ``<input>`` values.
"""
import datetime

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal

#: The locale every page is written in until people choose their own.
LOCALE = "en"

#: Date patterns by style (CLDR pattern letters: d day, MMM month, y year, EEE weekday).
DATE_PATTERNS = {"long": "d MMM y", "short": "d MMM", "weekday": "EEE d MMM y", "month": "MMM y",
                 "full_month": "MMMM y"}
TIME_PATTERN = "HH:mm"


def date_text(value, style="long", locale=LOCALE):
    """A date (or the date of a datetime) as people read it: "4 Dec 2026"; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return format_date(value, DATE_PATTERNS[style], locale=locale)


def datetime_text(value, seconds=False, locale=LOCALE):
    """A date and time: "Fri 4 Dec 2026, 09:30" ("…, 09:30:15" with ``seconds``, as the audit trail
    shows them); "" for None."""
    if value is None:
        return ""
    time_pattern = TIME_PATTERN + (":ss" if seconds else "")
    return format_datetime(value, f"{DATE_PATTERNS['weekday']}, {time_pattern}", locale=locale)


def time_text(value, locale=LOCALE):
    """A time of day: "09:30"; "" for None."""
    return "" if value is None else format_time(value, TIME_PATTERN, locale=locale)


def iso_text(value, seconds=False):
    """The machine-readable form for ``datetime`` attributes and form values (minutes, or seconds)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")
    return value.isoformat()


def number_text(value, decimals=0, grouping=True, locale=LOCALE):
    """A number with exactly ``decimals`` decimals, thousands grouped: "1,234.5"; "" for None.
    Never "-0": a value that rounds to zero is written without its sign."""
    if value is None:
        return ""
    decimals = max(0, int(decimals or 0))
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    text = format_decimal(round(value, decimals) or 0, format=pattern, locale=locale)
    return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text


def currency_text(value, currency, decimals=0, locale=LOCALE):
    """An amount with its currency's symbol: "$1,234", "€1,234.50"; "" for None."""
    if value is None:
        return ""
    decimals = max(0, int(decimals or 0))
    pattern = "¤#,##0" + ("." + "0" * decimals if decimals else "")
    return format_currency(value, currency, format=pattern, currency_digits=False, locale=locale)


def register(app):
    """Install the filters above in ``app``'s templates."""
    for function in (date_text, datetime_text, time_text, iso_text, number_text, currency_text):
        app.add_template_filter(function)
