"""The period of the follow-through report: a small GET form (it changes nothing, so no CSRF token)."""
import datetime

from wtforms import DateField, Form
from wtforms.validators import Optional, ValidationError

from dualdash.shared.dates import within_window

DEFAULT_DAYS = 90


class _Date(DateField):
    """A date field saying how to write a date when what was typed is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a date as YYYY-MM-DD, e.g. 2026-03-31.") from None


class FollowThroughForm(Form):
    """``?from=&to=`` (both optional: the last :data:`DEFAULT_DAYS` days up to today).

    The fields are named ``from`` and ``to`` as in the address, so they are set below the class
    (``from`` is a Python keyword); read the chosen period from :meth:`period`."""

    def __init__(self, formdata=None, today=None, **kwargs):
        super().__init__(formdata, **kwargs)
        self.today = today or datetime.date.today()

    def period(self):
        """(start, end) once valid, defaults filled in."""
        end = self["to"].data or self.today
        start = self["from"].data or (end - datetime.timedelta(days=DEFAULT_DAYS - 1))
        return start, end

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        start, end = self.period()
        if start > end:
            self["to"].errors = list(self["to"].errors) + ["Must be on or after the start of the period."]
            return False
        return True


def _no_later_than_ten_years(form, field):
    if field.data and abs((field.data - form.today).days) > 3660:
        raise ValidationError("Choose a date within ten years of today.")


# Set after the class: FormMeta collects fields assigned this way too. ("from" is a keyword; "to" is set
# the same way to read alike.)
setattr(FollowThroughForm, "from", _Date("From", validators=[Optional(), within_window,
                                                                   _no_later_than_ten_years],
                                         format="%Y-%m-%d"))
# ("to" had its validators inside the noqa comment, so it took any date at all: 9999-12-31 answered 500.)
setattr(FollowThroughForm, "to", _Date("To", validators=[Optional(), within_window,  # noqa: B010
                                                         _no_later_than_ten_years],
                                       format="%Y-%m-%d"))
