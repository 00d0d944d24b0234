"""1:1 meeting forms. Every form on the meeting page has its own ``prefix`` (ids stay unique on one
page).

The leader's page has one form for everything typed in the meeting (:class:`MeetingForm`): the notes
and done mark of every agenda item, the shared notes, the check-in and the leader's private note, so
any of its Save buttons saves all of it and nothing typed is lost."""
import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
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
    NumberRange,
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
ADD_ITEM, ACTION = "add", "action"
#: The prefix of the meeting page's one form (:class:`MeetingForm`) and the id of its <form>.
MEETING = "meeting"
#: The largest version a form may carry: the database column is a 32-bit integer on PostgreSQL.
VERSION_MAX = 2**31 - 1


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


def _newlines(text):
    """Line breaks as stored: browsers send a textarea's as CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


def _text(label):
    return TextAreaField(label, filters=[_newlines], validators=[
        Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX} characters.")])


class MeetingItemFields(Form):
    """One agenda item inside :class:`MeetingForm` (which item: ``id``, hidden)."""

    id = IntegerField(widget=HiddenInput(), validators=[
        InputRequired(message="Reload the page and try again."),
        NumberRange(min=1, max=VERSION_MAX, message="Reload the page and try again.")])
    base = HiddenField()  # the item's signature as loaded (see dualdash.coaching.meetings.signature)
    notes = _text("Notes")
    done = BooleanField("Done")


class MeetingForm(FlaskForm):
    """Everything a leader types in a meeting, saved together (prefix :data:`MEETING`): the version
    and, for each shared part (items, shared notes, check-in), its signature as loaded (``…base``),
    so that only what was changed on the page is saved; the private note has its own check
    (``private_based_on``; the private fields are only on the page of a leader who may write one)."""

    version = IntegerField(widget=HiddenInput(), validators=[
        InputRequired(message="Reload the page and try again."),
        NumberRange(min=0, max=VERSION_MAX, message="Reload the page and try again.")])
    items = FieldList(FormField(MeetingItemFields), min_entries=0, max_entries=1000)
    shared_notes_base = HiddenField()
    check_in_base = HiddenField()
    shared_notes = _text("Shared notes")
    score = SelectField("How is it going? (1–5)", choices=[SelectChoice("", "Not given")] + [
        SelectChoice(str(n), str(n)) for n in range(1, 6)], default="")
    word = StringField("In a word", filters=[strip], validators=[
        Length(max=WORD_MAX, message=f"Use at most {WORD_MAX} characters.")])
    private_based_on = HiddenField()
    private_note = _text("My private note")
    def validate_private_based_on(self, field):
        """The private note's ``updated_at`` as loaded (empty: there was no note yet)."""
        if field.data:
            try:
                datetime.datetime.fromisoformat(field.data)
            except ValueError:
                raise ValidationError("Reload the page and try again.") from None

    def score_value(self):
        return int(self.score.data) if self.score.data else None

    def based_on_value(self):
        data = self.private_based_on.data
        return datetime.datetime.fromisoformat(data) if data else None


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
