"""Forms of the measurement pages: the grid's choice of period, the grid itself, the CSV upload.

The grid's cells are not WTForms fields: which cells exist depends on the people and their
scorecards, so the view reads them from the request and checks them with
:mod:`dualdash.kpis.measurements`, like the CSV import and the API."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField

from dualdash.kpis.periods import CADENCES
from dualdash.shared.uploads import CsvText

CADENCE_LABELS = {"daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly",
                  "annual": "Annual"}
#: The team choice meaning "everyone I enter values for".
ALL_TEAMS = "all"


class GridFilterForm(FlaskForm):
    """Which grid to show (read from the query string; no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    period = StringField("Period", render_kw={"autocomplete": "off", "spellcheck": "false"})
    cadence = SelectField("KPIs measured", choices=[SelectChoice(c, CADENCE_LABELS[c]) for c in CADENCES],
                          default="weekly", validate_choice=False)
    team = SelectField("Team", choices=[], validate_choice=False)


class GridSaveForm(FlaskForm):
    """The grid's form: only the CSRF token is a field (the cells are read by the view)."""


class MeasurementImportForm(FlaskForm):
    """The upload of a measurements CSV file."""

    file = FileField("CSV file", validators=[
        FileRequired("Choose a CSV file to upload."),
        FileAllowed(["csv"], "Upload a .csv file (in Excel: Save As, CSV UTF-8)."), CsvText()],
        render_kw={"accept": ".csv,text/csv"})
