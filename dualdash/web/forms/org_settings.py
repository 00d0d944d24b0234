"""The organization settings form."""
import calendar

from babel.numbers import list_currencies
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from dualdash.shared.form_fields import choice

GROUP_MAX = 1000
WEEKDAYS = [choice(str(i), calendar.day_name[i]) for i in range(7)]   # 0 = Monday, as OrgSettings
MONTHS = [choice(str(i), calendar.month_name[i]) for i in range(1, 13)]


def _int_or_none(value):
    """A select's value as a number; None (not one of the choices) when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def currency_code(text):
    """The ISO 4217 code typed, in capitals and without spaces ("usd " → "USD")."""
    return (text or "").strip().upper()


def _known_currency(form, field):
    code = currency_code(field.data)
    if code not in list_currencies():
        raise ValidationError(f"“{field.data.strip()}” is not a currency code: use the three letters of "
                              "ISO 4217, such as USD, EUR or GBP.")


class OrgSettingsForm(FlaskForm):
    """Every field of :class:`dualdash.org.settings.OrgSettings`, plus the confirmation asked for
    when a change would leave stored values outside the new weeks, quarters or years."""

    week_start = SelectField("Weeks start on", coerce=_int_or_none, choices=WEEKDAYS,
                             invalid_choice_message="Choose a day of the week from the list.")
    fiscal_year_start_month = SelectField("The fiscal year starts in", coerce=_int_or_none, choices=MONTHS,
                                          invalid_choice_message="Choose a month from the list.")
    self_reporting = BooleanField("Members may enter their own values (self-reporting)")
    rank_stacks_name_everyone = BooleanField("Rank stacks show everyone's name to members")
    min_group_size = IntegerField(
        "Minimum group size", invalid_value_message=f"Use a whole number from 1 to {GROUP_MAX}.",
        validators=[InputRequired("Give a minimum group size (1 or more)."),
                    NumberRange(min=1, max=GROUP_MAX, message=f"Use a whole number from 1 to {GROUP_MAX}.")])
    admin_sees_private_notes = BooleanField("Admins may read managers' private 1:1 notes")
    currency = StringField("Currency of currency KPIs", validators=[
        DataRequired("Give a currency code, such as USD, EUR or GBP."), _known_currency],
        render_kw={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"})
    confirm_periods = BooleanField("Change it anyway: I understand that the values stored for the old "
                                   "periods will not be shown until the setting is changed back")
