"""Drivers, role skills and 1:1 meetings."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from dualdash.db import BaseModel, utcnow
from dualdash.org.models import JobRole, Level, Person

MEETING_STATUSES = ("planned", "held", "cancelled")
#: Role-skill proficiency levels (stored as 1–4).
PROFICIENCIES = {1: "Not trained", 2: "Trained", 3: "Advanced", 4: "Expert"}


class Meeting(BaseModel):
    """A 1:1 between a manager and a report. ``version`` guards against lost updates."""

    manager = ForeignKeyField(Person, backref="meetings_led", on_delete="CASCADE")
    report = ForeignKeyField(Person, backref="meetings", on_delete="CASCADE")
    scheduled_for = DateTimeField()
    status = CharField(default="planned")
    held_at = DateTimeField(null=True)
    shared_notes = TextField(default="")
    check_in_score = IntegerField(null=True)
    check_in_word = CharField(null=True)
    repeat_every_days = IntegerField(null=True)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    prepared_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("report", "scheduled_for"), False), (("manager", "scheduled_for"), False))


class PrivateNote(BaseModel):
    """A meeting note seen by its author alone."""

    meeting = ForeignKeyField(Meeting, backref="private_notes", on_delete="CASCADE")
    author = ForeignKeyField(Person, on_delete="CASCADE")
    text = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("meeting", "author"), True),)


class AgendaItem(BaseModel):
    """One item of a meeting's agenda; ``source`` links it to what raised it (e.g. ``kpi:revenue``)."""

    meeting = ForeignKeyField(Meeting, backref="agenda", on_delete="CASCADE")
    position = IntegerField(default=0)
    kind = CharField(default="custom")
    title = CharField()
    source = CharField(null=True)
    added_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    notes = TextField(default="")
    done = BooleanField(default=False)


class ActionItem(BaseModel):
    """A commitment with an owner and a due date, carried from meeting to meeting until done."""

    owner = ForeignKeyField(Person, backref="action_items", on_delete="CASCADE")
    description = TextField()
    due_date = DateField(null=True)
    status = CharField(default="open")
    meeting = ForeignKeyField(Meeting, null=True, backref="action_items", on_delete="SET NULL")
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    completed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("owner", "status"), False),)


class DriverRating(BaseModel):
    """A rating of one Performance Driver (by its plugin key) for one person."""

    person = ForeignKeyField(Person, backref="driver_ratings", on_delete="CASCADE")
    rated_by = ForeignKeyField(Person, on_delete="CASCADE")
    driver_key = CharField()
    score = IntegerField()
    comment = TextField(default="")
    meeting = ForeignKeyField(Meeting, null=True, on_delete="SET NULL")
    rated_on = DateField()
    is_self = BooleanField(default=False)

    class Meta:
        indexes = ((("person", "driver_key", "rated_on"), False),)


class RoleSkill(BaseModel):
    """A skill a job role needs."""

    role = ForeignKeyField(JobRole, backref="skills", on_delete="CASCADE")
    key = CharField()
    name = CharField()
    description = TextField(default="")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("role", "key"), True),)


class SkillExpectation(BaseModel):
    """The proficiency a role skill expects at one level of the role."""

    skill = ForeignKeyField(RoleSkill, backref="expectations", on_delete="CASCADE")
    level = ForeignKeyField(Level, on_delete="CASCADE")
    proficiency = IntegerField()

    class Meta:
        indexes = ((("skill", "level"), True),)


class SkillAssessment(BaseModel):
    """A person's proficiency in a role skill on a date (``is_self``: their own assessment)."""

    person = ForeignKeyField(Person, backref="skill_assessments", on_delete="CASCADE")
    skill = ForeignKeyField(RoleSkill, on_delete="CASCADE")
    proficiency = IntegerField()
    assessed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    assessed_on = DateField()
    note = TextField(default="")
    is_self = BooleanField(default=False)

    class Meta:
        indexes = ((("person", "skill", "assessed_on"), False),)
