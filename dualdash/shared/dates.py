"""The window of dates Dual Dash accepts, in one place: 1900-01-01 to 2100-12-31.

Every date that comes in (forms, CSV imports, the API, query strings, periods named in a URL) must
fall inside it. Outside it the answer is a 400 with :func:`message` (beside the field, on a form):
dates at the very ends of the calendar (0001-01-01, 9999-12-31) cannot be moved a week or a month
without leaving what Python's ``date`` can hold, and nobody coaches anyone in those years anyway."""
import datetime

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def in_window(value):
    """True when the date (or datetime) ``value`` is inside the window."""
    return EARLIEST <= _day(value) <= LATEST


def message(value=None):
    """What to say about a date outside the window."""
    shown = f"“{_day(value).isoformat()}” is" if value is not None else "The date is"
    return f"{shown} outside the dates Dual Dash accepts: use a date from {EARLIEST} to {LATEST}"


def check(value):
    """``value`` itself when it is inside the window; raises ValueError with :func:`message`."""
    if value is not None and not in_window(value):
        raise ValueError(message(value))
    return value


def within_window(form, field):
    """A WTForms validator for a date or date-and-time field (an empty field passes)."""
    if field.data is not None and not in_window(field.data):
        from wtforms.validators import StopValidation
        raise StopValidation(message(field.data) + ".")
