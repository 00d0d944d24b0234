"""1:1 meeting forms. Every form on the meeting page has its own ``prefix`` (ids stay unique on one
page), and every form that edits meeting text carries the version it was based on (hidden)."""
import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from dualdash.coaching.meetings import REPEAT_CHOICES
from dualdash.shared.dates import within_window
from dualdash.shared.form_fields import strip

TEXT_MAX = 20000
TITLE_MAX = 200
WORD_MAX = 60

#: Form prefixes on the meeting page.
NOTES, CHECK_IN, PRIVATE, ADD_ITEM, ACTION = "notes", "checkin", "private", "add", "action"


def item_prefix(item_id):
    """The prefix of one agenda item's notes form."""
    return f"item-{item_id}"


def _repeat_label(days):
    return "Every week" if days == 7 else f"Every {days // 7} weeks"


class ScheduleForm(FlaskForm):
    """Schedule a 1:1: with whom (among the people the manager may manage), when, and how often."""

    report = SelectField("With", coerce=int, validators=[InputRequired(message="Choose the person.")])
    scheduled_for = DateTimeLocalField("Date and time", format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                       validators=[InputRequired(message="Give the date and time."),
                                                   within_window])
    repeat_every_days = SelectField("Repeat", choices=[SelectChoice("", "Does not repeat")] + [
        SelectChoice(str(d), _repeat_label(d)) for d in REPEAT_CHOICES], default="")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.report.choices = [SelectChoice(p.id, p.name) for p in people]


class _Versioned(FlaskForm):
    """A form based on one version of the meeting."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class SharedNotesForm(_Versioned):
    shared_notes = TextAreaField("Shared notes", validators=[
        Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX} characters.")])


class CheckInForm(_Versioned):
    score = SelectField("How is it going? (1–5)", choices=[SelectChoice("", "Not given")] + [
        SelectChoice(str(n), str(n)) for n in range(1, 6)], default="")
    word = StringField("In a word", filters=[strip], validators=[
        Length(max=WORD_MAX, message=f"Use at most {WORD_MAX} characters.")])

    def score_value(self):
        return int(self.score.data) if self.score.data else None


class ItemForm(_Versioned):
    """An agenda item's notes and done mark (prefix :func:`item_prefix`)."""

    notes = TextAreaField("Notes", validators=[Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX} characters.")])
    done = BooleanField("Done")


class PrivateNoteForm(FlaskForm):
    """The signed-in leader's own private note; ``based_on`` is the note's ``updated_at`` as loaded
    (empty: there was no note yet)."""

    based_on = HiddenField()
    text = TextAreaField("My private note", validators=[
        Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX} characters.")])

    def validate_based_on(self, field):
        if field.data:
            try:
                datetime.datetime.fromisoformat(field.data)
            except ValueError:
                raise ValidationError("Reload the page and try again.") from None

    def based_on_value(self):
        return datetime.datetime.fromisoformat(self.based_on.data) if self.based_on.data else None


class AddItemForm(FlaskForm):
    """A custom agenda item (leaders) or a talking point (the report)."""

    title = StringField("Item", filters=[strip], validators=[
        DataRequired(message="Say what to talk about."),
        Length(max=TITLE_MAX, message=f"Use at most {TITLE_MAX} characters.")])


class ActionItemForm(FlaskForm):
    """A new action item: its owner (the report or the manager), what, and by when."""

    owner = SelectField("Owner", coerce=int, validators=[InputRequired(message="Choose the owner.")])
    description = StringField("Action", filters=[strip], validators=[
        DataRequired(message="Say what will be done."),
        Length(max=TITLE_MAX * 2, message=f"Use at most {TITLE_MAX * 2} characters.")])
    due_date = DateField("Due", validators=[Optional(), within_window])

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [SelectChoice(p.id, p.name) for p in owners]
