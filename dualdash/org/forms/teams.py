"""The team form: a name and where the team sits in the tree."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from dualdash.shared.form_fields import NAME_MAX, choice, name_taken, optional_id, strip

#: The label of the parent option that puts a team at the top of the tree.
NO_PARENT = "— none (top level) —"


class TeamForm(FlaskForm):
    """Create or edit a team.

    ``tree`` is every team in display order as ``(team, depth)`` pairs; ``team`` the team being
    edited (None for a new one) and ``excluded`` the ids it may not sit under: itself and its
    descendants."""

    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Give the team a name."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")])
    parent = SelectField("Parent team", coerce=optional_id,
                         invalid_choice_message="Choose a team from the list.")

    def __init__(self, *args, tree=(), team=None, excluded=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.tree = list(tree)
        self.excluded = set(excluded)
        # Teams that would make a cycle stay in the list (disabled) so that a forged or stale
        # choice of one gets the clear message below rather than "not a valid choice".
        self.parent.choices = [choice("", NO_PARENT)] + [
            choice(str(t.id), "\u00a0\u00a0" * depth + t.name,
                   **({"disabled": True} if t.id in self.excluded else {}))
            for t, depth in self.tree]

    def validate_name(self, field):
        others = [t for t, _ in self.tree if self.team is None or t.id != self.team.id]
        clash = name_taken(field.data, others)
        if clash:
            raise ValidationError(f"There is already a team called “{clash.name}”.")

    def validate_parent(self, field):
        if field.data is None or self.team is None:
            return
        if field.data == self.team.id:
            raise ValidationError("A team cannot be its own parent.")
        if field.data in self.excluded:
            raise ValidationError("That team is inside this one: choosing it would make a loop.")
