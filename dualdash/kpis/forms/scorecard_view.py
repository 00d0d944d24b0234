"""The small GET forms above the scorecard pages: which period, seen by which cadence, over how many
periods, for which people. They change nothing, so they carry no CSRF token."""
import datetime

from wtforms import Form, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from dualdash.kpis import periods
from dualdash.org import settings as org_settings
from dualdash.org.forms.people import id_or_none

#: The cadences a scorecard can be seen by (a daily KPI is rolled up into them).
VIEW_CADENCES = (("weekly", "Week"), ("monthly", "Month"), ("quarterly", "Quarter"), ("annual", "Year"))
DEFAULT_CADENCE = "weekly"
DEFAULT_RANGE, MIN_RANGE, MAX_RANGE = 13, 4, 52
SCOPES = (("all", "This team and its sub-teams"), ("team", "This team only"))
#: Periods side by side on the team scorecard (1: one period, people × KPIs) and in band counts.
GRID_PERIODS, MAX_GRID_PERIODS = 1, 13
BAND_PERIODS, MIN_BAND_PERIODS, MAX_BAND_PERIODS = 8, 2, 26


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def read_period(text, cadence, ws=0, fy=1):
    """The period of ``cadence`` named by ``text``: a date inside it, or a week, month, quarter or
    year (2026-W47, 2026-11, 2026-Q4, 2026). A period of another cadence is seen by the ``cadence``
    period holding its first day (2026-W47 by month is November 2026). Raises ValueError."""
    try:
        return periods.parse(text, cadence, ws, fy)
    except ValueError as first:
        problem = first
    for other, _ in VIEW_CADENCES:
        try:
            named = periods.parse(text, other, ws, fy)
        except ValueError:
            continue
        return periods.containing(named.start, cadence, ws, fy)
    raise problem


def named_cadence(text, ws=0, fy=1):
    """The cadence ``text`` names when it is a week, month, quarter or year (not a date), else None."""
    try:
        periods.parse(text, "daily", ws, fy)
        return None  # a date: every cadence holds it
    except ValueError:
        pass
    for cadence, _ in VIEW_CADENCES:
        try:
            periods.parse(text, cadence, ws, fy)
            return cadence
        except ValueError:
            continue
    return None


class PeriodForm(Form):
    """The period and cadence of a scorecard page.

    After :meth:`validate`, :attr:`view` is the chosen period; a field that is not valid falls back
    to its default (the current period of the cadence, seen by week), so the page still shows
    something beside the error."""

    period = StringField("Period", filters=[_strip])
    cadence = SelectField("View by", choices=[SelectChoice(v, label) for v, label in VIEW_CADENCES],
                          default=DEFAULT_CADENCE)

    def __init__(self, formdata=None, today=None, **kwargs):
        super().__init__(formdata, **kwargs)
        self.today = today or datetime.date.today()
        # Without an explicit cadence, a month asked for is seen by month, a quarter by quarter.
        self.cadence_given = bool(formdata and formdata.get("cadence"))
        self.view = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.view is None:
            settings = org_settings.get()
            self.view = periods.containing(self.today, self.cadence_value(), settings.week_start,
                                           settings.fiscal_year_start_month)
        return valid

    def cadence_value(self):
        """The chosen cadence, or the default when what was asked for is not one."""
        return self.cadence.data if self.cadence.data in dict(VIEW_CADENCES) else DEFAULT_CADENCE

    def validate_period(self, field):
        if not field.data:
            return  # the current period
        settings = org_settings.get()
        ws, fy = settings.week_start, settings.fiscal_year_start_month
        if not self.cadence_given:
            named = named_cadence(field.data, ws, fy)
            if named:
                self.cadence.data = named
        try:
            self.view = read_period(field.data, self.cadence_value(), ws, fy)
        except ValueError as exc:
            raise ValidationError(f"{exc}.") from None


class PersonScorecardForm(PeriodForm):
    range = IntegerField("Periods in the trend", default=DEFAULT_RANGE,
                         validators=[Optional(), NumberRange(MIN_RANGE, MAX_RANGE,
                                                             f"Choose from {MIN_RANGE} to {MAX_RANGE} periods.")],
                         render_kw={"min": MIN_RANGE, "max": MAX_RANGE, "inputmode": "numeric"})

    def range_value(self):
        """The number of periods in the trend, or the default when what was asked for is not valid."""
        return self.range.data if self.range.data is not None and not self.range.errors else DEFAULT_RANGE


def periods_field(label, default, low, high):
    """How many periods to show, ending with the chosen one: a whole number from ``low`` to ``high``."""
    return IntegerField(label, default=default,
                        validators=[Optional(), NumberRange(low, high, f"Choose from {low} to {high} periods.")],
                        render_kw={"min": low, "max": high, "inputmode": "numeric"})


class PeriodsMixin:
    """A ``periods`` field: :meth:`periods_value` is what was asked for, or the default when that is
    not valid (the page still shows something beside the message)."""

    def periods_value(self):
        field = self.periods
        return field.data if field.data is not None and not field.errors else field.default


class TeamScorecardForm(PeriodsMixin, PeriodForm):
    scope = SelectField("People", choices=[SelectChoice(v, label) for v, label in SCOPES], default="all")
    periods = periods_field("Periods side by side", GRID_PERIODS, 1, MAX_GRID_PERIODS)

    def scope_value(self):
        return self.scope.data if self.scope.data in dict(SCOPES) else "all"


class TeamBandsForm(TeamScorecardForm):
    periods = periods_field("Periods", BAND_PERIODS, MIN_BAND_PERIODS, MAX_BAND_PERIODS)


class SubtreeScorecardForm(PeriodForm):
    team = SelectField("Team", coerce=id_or_none)

    def __init__(self, formdata=None, team_choices=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.team.choices = [SelectChoice("", "All teams")] + [SelectChoice(str(id_), label)
                                                                 for id_, label in team_choices]

    def team_value(self):
        return self.team.data if not self.team.errors else None


class SubtreeBandsForm(PeriodsMixin, SubtreeScorecardForm):
    periods = periods_field("Periods", BAND_PERIODS, MIN_BAND_PERIODS, MAX_BAND_PERIODS)
