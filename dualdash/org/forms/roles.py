"""Job role and level forms."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from dualdash.shared.form_fields import NAME_MAX, name_taken, strip

DESCRIPTION_MAX = 5000


class _UniqueNameForm(FlaskForm):
    """A form whose ``name`` may not be that of one of ``others`` in any letter case."""

    #: The error when it is; ``{}`` is the other's name as stored.
    clash_message = ""

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.others = list(others)

    def validate_name(self, field):
        clash = name_taken(field.data, self.others)
        if clash:
            raise ValidationError(self.clash_message.format(clash.name))


class RoleForm(_UniqueNameForm):
    """Create or edit a job role. ``others`` are the other roles (for the unique name check)."""

    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Give the job role a name."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")])
    description = TextAreaField("Description", filters=[strip], validators=[
        Length(max=DESCRIPTION_MAX, message=f"Use at most {DESCRIPTION_MAX} characters.")])
    clash_message = "There is already a job role called “{}”."


class LevelForm(_UniqueNameForm):
    """Add or rename a level. ``others`` are the role's other levels: names are unique within a role.

    Several of these share the role's page, so each gets its own ``prefix``."""

    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Give the level a name."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")])
    clash_message = "This job role already has a level called “{}”."
