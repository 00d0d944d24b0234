"""The filters above the audit trail (a GET form: it changes nothing, so no CSRF token)."""
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from dualdash.shared.dates import within_window
from dualdash.web.audit_trail import ACTIONS, OBJECT_TYPES, Filters


def _strip(value):
    return value.strip() if isinstance(value, str) else value


#: What a date filter says when its text is not a date.
BAD_DATE = "Enter a date as YYYY-MM-DD, such as 2026-11-18."


def _actor_id(value):
    """The ``actor`` parameter of the links "changes by this person": an id, or None."""
    value = _strip(value)
    return int(value) if isinstance(value, str) and value.isdigit() else None


class AuditFilterForm(FlaskForm):
    """Who, what kind of object, which action, which object, and a range of days."""

    class Meta:
        csrf = False

    actor = HiddenField(filters=[_actor_id])
    who = StringField("Changed by (name or email)", filters=[_strip], validators=[Length(max=200)])
    object_type = SelectField("Object", choices=[SelectChoice("", "Any")]
                              + [SelectChoice(k, label) for k, label in OBJECT_TYPES.items()], default="")
    action = SelectField("Action", choices=[SelectChoice("", "Any")]
                         + [SelectChoice(k, label) for k, label in ACTIONS.items()], default="")
    object_id = StringField("Object id", filters=[_strip], validators=[Length(max=40)],
                            render_kw={"inputmode": "numeric", "size": 8})
    date_from = DateField("From (UTC)", validators=[Optional(), within_window], invalid_value_message=BAD_DATE)
    date_to = DateField("To (UTC)", validators=[Optional(), within_window], invalid_value_message=BAD_DATE)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def filters(self):
        """The :class:`Filters` asked for (call after ``validate``: a field in error counts as empty)."""
        def value(name):
            field = self[name]
            return None if field.errors or field.data in ("", None) else field.data
        return Filters(actor_id=value("actor"), who=value("who"), object_type=value("object_type"),
                       action=value("action"), object_id=value("object_id"), date_from=value("date_from"),
                       date_to=value("date_to"))
