"""The form of the admin scorecard pages: add a KPI to a scorecard."""
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from dualdash.shared.form_fields import choice

PICK = "— choose a KPI —"


def kpi_id(value):
    """A select's value as a KPI id; "" (nothing chosen) is None, and anything else that is not a
    number stays as sent, so that it matches no choice and is refused as one."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


class AddKPIForm(FlaskForm):
    """Pick one of ``kpis`` (the active KPIs not yet on the scorecard) to add at its end."""

    kpi = SelectField("KPI to add", coerce=kpi_id, validators=[InputRequired("Choose a KPI to add.")],
                      invalid_choice_message="Choose a KPI from the list: it may already be on this "
                                             "scorecard, or no longer be active.")

    def __init__(self, *args, kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi.choices = [choice("", PICK)] + [choice(str(k.id), f"{k.name} ({k.key})") for k in kpis]
