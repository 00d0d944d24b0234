"""Forms of the admin KPI pages: a KPI's definition and its benchmark lines from a date on."""
import math
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError

from dualdash.kpis.models import CADENCES, CATEGORIES, DIRECTIONS, KPI, ROLLUPS, UNITS
from dualdash.shared.dates import within_window
from dualdash.shared.form_fields import choice, strip

KEY_MAX = 64
NAME_MAX = 200
DESCRIPTION_MAX = 5000
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"

#: How each choice reads in the pages (the stored value is the key).
UNIT_LABELS = {"count": "Count", "currency": "Currency", "percent": "Percent", "duration": "Duration"}
DIRECTION_LABELS = {"higher": "Higher is better", "lower": "Lower is better"}
CADENCE_LABELS = {"daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly",
                  "annual": "Annual"}
ROLLUP_LABELS = {"sum": "Sum (the total)", "mean": "Mean (the average)", "last": "Last value",
                 "min": "Minimum", "max": "Maximum"}
CATEGORY_LABELS = {"financial": "Financial", "operational": "Operational", "customer": "Customer",
                   "people": "People"}


def _choices(values, labels):
    return [choice(v, labels.get(v, v)) for v in values]


def band_rule_label(name, rules):
    """"Thresholds (thresholds)": a rule's label and the name KPIs store; flags a rule no plugin defines."""
    rule = rules.get(name)
    return f"{rule.label} ({name})" if rule is not None else f"{name} (no loaded plugin defines it)"


class KPIForm(FlaskForm):
    """Create or edit a KPI.

    ``band_rules`` are the loaded plugins' rules (name → BandRule); ``kpi`` the KPI being edited
    (None for a new one). The view removes ``key`` when the KPI's key may no longer change."""

    key = StringField("Key", filters=[strip], validators=[
        DataRequired("Give the KPI a key."),
        Length(max=KEY_MAX, message=f"Use at most {KEY_MAX} characters."),
        Regexp(KEY_PATTERN, message="Use lowercase letters, digits and _ only, starting with a letter "
                                    "(for example calls_made).")])
    name = StringField("Name", filters=[strip], validators=[
        DataRequired("Give the KPI a name."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")])
    description = TextAreaField("Description", filters=[strip], validators=[
        Length(max=DESCRIPTION_MAX, message=f"Use at most {DESCRIPTION_MAX} characters.")])
    unit = SelectField("Unit", choices=_choices(UNITS, UNIT_LABELS),
                       invalid_choice_message="Choose a unit from the list.")
    direction = SelectField("Direction", choices=_choices(DIRECTIONS, DIRECTION_LABELS),
                            invalid_choice_message="Choose a direction from the list.")
    cadence = SelectField("Cadence", choices=_choices(CADENCES, CADENCE_LABELS),
                          invalid_choice_message="Choose a cadence from the list.")
    rollup = SelectField("Roll-up to longer periods", choices=_choices(ROLLUPS, ROLLUP_LABELS),
                         invalid_choice_message="Choose a roll-up from the list.")
    category = SelectField("Category", choices=_choices(CATEGORIES, CATEGORY_LABELS),
                           invalid_choice_message="Choose a category from the list.")
    band_rule = SelectField("Band rule", invalid_choice_message="Choose a band rule from the list.")
    decimals = IntegerField("Decimals", invalid_value_message="Use a whole number from 0 to 6.", validators=[
        InputRequired("Say how many decimals to show (0 to 6)."),
        NumberRange(min=0, max=6, message="Use a whole number from 0 to 6.")])
    active = BooleanField("Active: on scorecards and open for new values")

    def __init__(self, *args, band_rules=None, kpi=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.band_rules = dict(band_rules or {})
        options = [choice(name, band_rule_label(name, self.band_rules)) for name in self.band_rules]
        current = kpi.band_rule if kpi is not None else None
        if current is not None and current not in self.band_rules:
            # Kept visible (not selectable) so that the page says what the KPI uses today.
            options.insert(0, choice(current, band_rule_label(current, self.band_rules), disabled=True))
        self.band_rule.choices = options

    def validate_key(self, field):
        query = KPI.select(KPI.id).where(KPI.key == field.data)
        if self.kpi is not None:
            query = query.where(KPI.id != self.kpi.id)
        if query.exists():
            raise ValidationError(f"There is already a KPI with the key “{field.data}”.")

    def validate_band_rule(self, field):
        if field.data not in self.band_rules:
            raise ValidationError(f"No loaded plugin defines the band rule “{field.data}”: choose one "
                                  "from the list.")


# --- benchmarks ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
NUMBER_MESSAGE = "Enter a number, like 12 or 12.5 (no thousands separators)."


def parse_number(text):
    """A float from what was typed; None when empty; ValueError (with a message) when not a number."""
    text = (text or "").strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(NUMBER_MESSAGE)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(NUMBER_MESSAGE)
    return value


def format_number(value):
    """A stored line as a person would type it: 10 rather than 10.0."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


class LineField(StringField):
    """One threshold of a benchmark line: empty (no line) or a number. ``number`` holds the value
    once the form has validated; the typed text stays in ``data`` so it is shown again as typed."""

    number = None


class BenchmarkForm(FlaskForm):
    """The benchmark lines of a KPI from one effective date on.

    The rows (the KPI's default line, then each role's line and each of its levels') are fields
    added by :func:`benchmark_form`; ``rows`` lists them as :class:`BenchmarkRow`-like objects
    with ``key``. ``roles`` carries the ids of the roles shown, so a form sent back with errors
    shows the same rows."""

    effective_from = DateField("Effective from", invalid_value_message="Enter a date like 2026-11-16.",
                               validators=[InputRequired("Give the date these lines take effect."), within_window])
    roles = HiddenField()

    direction = "higher"
    rows = ()

    def line(self, row, which):
        """The Meets or Exceeds field of a row."""
        return self[f"line_{row.key}_{which}"]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for row in self.rows:
            meets, exceeds = self.line(row, "meets"), self.line(row, "exceeds")
            for f in (meets, exceeds):
                try:
                    f.number = parse_number(f.data)
                except ValueError as exc:
                    f.errors = list(f.errors) + [str(exc)]
                    f.number = None
                    ok = False
            if meets.errors or exceeds.errors or exceeds.number is None:
                continue
            if meets.number is None:
                exceeds.errors = list(exceeds.errors) + [
                    "Give a Meets line too: an Exceeds line alone is not a benchmark."]
                ok = False
            elif self.direction == "lower" and not exceeds.number < meets.number:
                exceeds.errors = list(exceeds.errors) + [
                    "Lower is better for this KPI: Exceeds must be lower than Meets."]
                ok = False
            elif self.direction != "lower" and not exceeds.number > meets.number:
                exceeds.errors = list(exceeds.errors) + [
                    "Higher is better for this KPI: Exceeds must be higher than Meets."]
                ok = False
        return ok


def benchmark_form(rows, direction, **kwargs):
    """A :class:`BenchmarkForm` with a Meets and an Exceeds field for each of ``rows`` (objects
    with ``key`` and ``label``), for a KPI whose ``direction`` is "higher" or "lower"."""

    class Form(BenchmarkForm):
        pass

    for row in rows:
        setattr(Form, f"line_{row.key}_meets", LineField(f"Meets — {row.label}", filters=[strip]))
        setattr(Form, f"line_{row.key}_exceeds", LineField(f"Exceeds — {row.label}", filters=[strip]))
    form = Form(**kwargs)
    form.rows = list(rows)
    form.direction = direction
    return form
