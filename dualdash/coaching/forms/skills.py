"""Role skill forms: a skill of a job role, the expectations grid, and skill assessments.

The grid and assessment forms have one field per skill (and level), so they are built for the skills
at hand by :func:`expectations_form` and :func:`assessment_form`."""
import re

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from dualdash.coaching.models import PROFICIENCIES
from dualdash.shared.form_fields import NAME_MAX, choice, strip

KEY_MAX = 60
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000
KEY = re.compile(r"^[a-z][a-z0-9_]*$")

#: The options of an expectation cell: "" (none) or a proficiency.
EXPECTATION_CHOICES = [choice("", "—")] + [choice(str(v), label) for v, label in PROFICIENCIES.items()]
#: The options of an assessment: "" (not assessed now) or a proficiency, shown with its number.
ASSESSMENT_CHOICES = [choice("", "Not assessed now")] + [choice(str(v), f"{v} · {label}")
                                                         for v, label in PROFICIENCIES.items()]


def lower(value):
    """Keys are lowercase: "Discovery" and "discovery" are the same key."""
    return value.strip().lower() if isinstance(value, str) else value


class SkillForm(FlaskForm):
    """Add or edit a role skill. ``others`` are the role's other skills: keys are unique per role."""

    key = StringField("Key", filters=[lower], validators=[
        DataRequired(message="Give the skill a key."),
        Length(max=KEY_MAX, message=f"Use at most {KEY_MAX} characters."),
        Regexp(KEY, message="Use lowercase letters, digits and _ only, starting with a letter.")])
    name = StringField("Name", filters=[strip], validators=[
        DataRequired(message="Give the skill a name."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")])
    description = TextAreaField("Description", filters=[strip], validators=[
        Length(max=DESCRIPTION_MAX, message=f"Use at most {DESCRIPTION_MAX} characters.")])

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.others = list(others)

    def validate_key(self, field):
        if any(o.key == field.data for o in self.others):
            raise ValidationError(f"This job role already has a skill with the key “{field.data}”.")


def cell_name(skill_id, level_id):
    """The field name of one cell of the expectations grid."""
    return f"e_{skill_id}_{level_id}"


def expectations_form(skills, levels, current, formdata=None):
    """A form with a proficiency select per skill × level; ``current`` is ``{(skill_id, level_id): n}``.

    ``formdata=None`` shows what is stored; pass ``request.form`` to read a submission."""
    class ExpectationsForm(FlaskForm):
        pass

    for skill in skills:
        for level in levels:
            setattr(ExpectationsForm, cell_name(skill.id, level.id),
                    SelectField(f"{skill.name} at {level.name}", choices=EXPECTATION_CHOICES,
                                default=str(current.get((skill.id, level.id), ""))))
    return ExpectationsForm(formdata=formdata)


def chosen(field):
    """The proficiency a select holds (int) or None."""
    return int(field.data) if field.data else None


def assessment_form(skills, formdata=None):
    """A form with, per skill, a proficiency select (``p_<id>``) and a note (``n_<id>``).

    A note needs a proficiency beside it, and at least one skill must be assessed."""
    class AssessmentForm(FlaskForm):
        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            if ok and skills and not any(self[f"p_{s.id}"].data for s in skills):
                self[f"p_{skills[0].id}"].errors.append("Choose a proficiency for at least one skill.")
                return False
            return ok

    for skill in skills:
        setattr(AssessmentForm, f"p_{skill.id}",
                SelectField(f"{skill.name}: proficiency", choices=ASSESSMENT_CHOICES, default=""))
        setattr(AssessmentForm, f"n_{skill.id}",
                TextAreaField(f"{skill.name}: note", filters=[strip], validators=[
                    Length(max=NOTE_MAX, message=f"Use at most {NOTE_MAX} characters."),
                    _note_needs_proficiency(skill.id)]))
    return AssessmentForm(formdata=formdata)


def _note_needs_proficiency(skill_id):
    def check(form, field):
        if field.data and not form[f"p_{skill_id}"].data:
            raise ValidationError("A note goes with a proficiency: choose one, or clear the note.")
    return check
