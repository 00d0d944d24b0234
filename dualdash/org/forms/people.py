"""Forms of the admin people pages: the person form, the list filters and the CSV upload."""
import datetime

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from peewee import fn
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from dualdash.org import assignments, team_tree
from dualdash.org.access import subtree_ids
from dualdash.org.models import JobRole, Level, Person
from dualdash.org.passwords import LongEnough
from dualdash.shared.dates import within_window
from dualdash.shared.uploads import CsvText

NONE_LABEL = "— none —"
STATUSES = (("active", "Active"), ("inactive", "Inactive"), ("all", "All"))


def id_or_none(value):
    """Coerce a select's value: "" (the "none" choice) is None, anything else an id."""
    if value is None or value == "" or value == "None":
        return None
    return int(value)


def _email_filter(value):
    return value.strip().lower() if isinstance(value, str) else value


def team_choices():
    """Every team, labelled with its path in the tree ("Company / Sales"), in tree order."""
    teams = team_tree.load()
    return [SelectChoice(str(team_id), team_tree.path(teams, team_id)) for team_id in team_tree.tree_order(teams)]


def role_choices():
    """Every job role by name."""
    roles = JobRole.select(JobRole.id, JobRole.name).order_by(fn.LOWER(JobRole.name)).tuples()
    return [SelectChoice(str(id_), name) for id_, name in roles]


def level_choices():
    """Every level, grouped by job role (one optgroup per role), lowest rank first."""
    levels = (Level.select(Level.id, Level.name, JobRole.name)
              .join(JobRole)
              .order_by(fn.LOWER(JobRole.name), Level.rank, Level.name)
              .tuples())
    return [SelectChoice(str(id_), name, optgroup=role) for id_, name, role in levels]


class PersonForm(FlaskForm):
    """Create or edit a person. ``person`` is the one being edited (None for a new person).

    The checks against the database (unique email, level within the role, a manager that exists
    and does not make a cycle) are validators here, so their messages sit beside the field."""

    email = EmailField("Email", filters=[_email_filter], validators=[
        DataRequired("Enter an email address."),
        Email("Enter an email address like name@example.com."), Length(max=254)])
    name = StringField("Name", filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[DataRequired("Enter a name."), Length(max=255)])
    team = SelectField("Team", coerce=id_or_none)
    role = SelectField("Job role", coerce=id_or_none)
    level = SelectField("Level", coerce=id_or_none)
    manager = StringField("Manager’s email", filters=[_email_filter], validators=[Optional(), Length(max=254)],
                          render_kw={"autocomplete": "off", "inputmode": "email"})
    start_date = DateField("Start date", validators=[Optional(), within_window])
    #: Checked only when the team, role or level changes (see validate_effective_from).
    effective_from = DateField("From which date?")
    active = BooleanField("Active (may sign in and shows in lists)")
    is_admin = BooleanField("Admin (may change the organization set-up and everyone’s data)")
    password = PasswordField("Set a new password", validators=[Optional(), LongEnough()],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        #: The manager found by ``validate_manager`` (None: no manager).
        self.manager_person = None
        none = SelectChoice("", NONE_LABEL)
        self.team.choices = [none] + team_choices()
        self.role.choices = [none] + role_choices()
        self.level.choices = [none] + level_choices()

    def validate_email(self, field):
        query = Person.select().where(fn.LOWER(Person.email) == field.data)
        if self.person is not None:
            query = query.where(Person.id != self.person.id)
        if query.exists():
            raise ValidationError("Someone else already has this email.")

    def validate_level(self, field):
        if field.data is None:
            return
        level = Level.get_or_none(Level.id == field.data)
        if level is None:
            raise ValidationError("Choose a level from the list.")
        if level.role_id != self.role.data:
            role = JobRole.get_or_none(JobRole.id == self.role.data) if self.role.data else None
            owner = f"the job role {role.name}" if role else "no job role"
            raise ValidationError(f"“{level.name}” is a level of {level.role.name}, not of {owner}: "
                                  "choose one of the chosen job role’s levels, or none.")

    def validate_start_date(self, field):
        if field.data is not None and not field.process_errors:
            problem = assignments.date_problem(field.data)
            if problem:
                raise ValidationError(problem)

    @property
    def assignment_changed(self):
        """True when the job role, level or team differs from the person's current one."""
        p = self.person
        return p is not None and (self.role.data, self.level.data, self.team.data) != (
            p.role_id, p.level_id, p.team_id)

    def validate_effective_from(self, field):
        if self.person is None or not self.assignment_changed:
            field.errors[:] = []  # not asked for: whatever it holds does not matter
            return
        if not field.raw_data:  # not sent at all (a form without the field): today, its default
            field.errors[:] = []
            field.data = datetime.date.today()
        elif not field.raw_data[0].strip():
            field.errors[:] = []
            field.data = None
        elif field.process_errors:
            return  # "Not a valid date value." is already beside the field
        problem = assignments.date_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_manager(self, field):
        if not field.data:
            return
        manager = Person.get_or_none(fn.LOWER(Person.email) == field.data)
        if manager is None:
            raise ValidationError(f"Nobody has the email {field.data}.")
        if self.person is not None:
            if manager.id == self.person.id:
                raise ValidationError("A person cannot be their own manager.")
            if manager.id in subtree_ids(self.person.id):
                raise ValidationError(f"{manager.name} reports to {self.person.name} (directly or through "
                                      "others): that would make a manager cycle.")
        self.manager_person = manager

    def validate_active(self, field):
        if self._is_self() and not field.data:
            raise ValidationError("You cannot deactivate yourself.")

    def validate_is_admin(self, field):
        # Keeps an admin from locking themselves (and perhaps everyone) out of the admin pages.
        if self._is_self() and not field.data:
            raise ValidationError("You cannot remove your own admin rights: ask another admin.")

    def _is_self(self):
        return (self.person is not None and current_user.is_authenticated
                and self.person.id == current_user.id)


class PeopleFilterForm(FlaskForm):
    """The search and filters above the people list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or email", filters=[lambda v: v.strip() if isinstance(v, str) else v])
    team = SelectField("Team", coerce=id_or_none)
    role = SelectField("Job role", coerce=id_or_none)
    status = SelectField("Status", choices=[SelectChoice(v, label) for v, label in STATUSES], default="active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anything = SelectChoice("", "Any")
        self.team.choices = [anything] + team_choices()
        self.role.choices = [anything] + role_choices()

    def value(self, name):
        """A filter's value, or its default when what was asked for is not valid."""
        field = self[name]
        return field.default if field.errors else field.data


class PeopleImportForm(FlaskForm):
    """The upload of a people CSV file."""

    file = FileField("CSV file", validators=[
        FileRequired("Choose a CSV file to upload."),
        FileAllowed(["csv"], "Upload a .csv file (in Excel: Save As, CSV UTF-8)."), CsvText()],
        render_kw={"accept": ".csv,text/csv"})
