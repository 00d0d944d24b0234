"""The organization: teams, job roles and their levels, people."""
import hashlib

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from dualdash.db import BaseModel, utcnow


class Team(BaseModel):
    """A department or team. Teams nest through ``parent``."""

    name = CharField(unique=True)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class JobRole(BaseModel):
    """A job role, e.g. "Account Executive"."""

    name = CharField(unique=True)
    description = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class Level(BaseModel):
    """A step of progression within a job role ("Ramping", "Established", "Senior").

    ``rank`` orders a role's levels, lowest first."""

    role = ForeignKeyField(JobRole, backref="levels", on_delete="CASCADE")
    name = CharField()
    rank = IntegerField()

    class Meta:
        indexes = ((("role", "name"), True),)


class Person(UserMixin, BaseModel):
    """Someone in the organization. May sign in when ``password_hash`` is set.

    "Manager" is not stored: a person is a manager when someone reports to them."""

    email = CharField(unique=True)
    name = CharField()
    team = ForeignKeyField(Team, null=True, backref="people", on_delete="SET NULL")
    role = ForeignKeyField(JobRole, null=True, backref="people", on_delete="SET NULL")
    level = ForeignKeyField(Level, null=True, backref="people", on_delete="SET NULL")
    manager = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
    start_date = DateField(null=True)
    active = BooleanField(default=True)
    is_admin = BooleanField(default=False)
    password_hash = CharField(null=True)
    created_at = DateTimeField(default=utcnow)
    #: Signing out adds one: every session and remember-me cookie made before stops working.
    sign_in_generation = IntegerField(default=0)

    class Meta:
        indexes = ((("manager",), False), (("team",), False))

    # Flask-Login: a deactivated person cannot sign in, nor keep a session.
    @property
    def is_active(self):
        return bool(self.active)

    def get_id(self):
        """What a session and a remember-me cookie hold: the id, a fingerprint of the password and the
        sign-in generation, so that a new password (or none) ends every sign-in made with the old one,
        and signing out ends every sign-in made before it (:meth:`end_sign_ins`)."""
        return f"{self.id}:{self.password_fingerprint}:{self.sign_in_generation or 0}"

    def end_sign_ins(self):
        """End every sign-in of this person, on every browser: the next generation, in the database
        (so every app process agrees) and on this object."""
        Person.update(sign_in_generation=Person.sign_in_generation + 1).where(Person.id == self.id).execute()
        self.sign_in_generation = (Person.select(Person.sign_in_generation)
                                   .where(Person.id == self.id).scalar())

    @property
    def password_fingerprint(self):
        """A short digest of the password hash: it changes whenever the password does."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    @property
    def can_sign_in(self):
        return bool(self.active and self.password_hash)

    def __str__(self):
        return self.name


class Setting(BaseModel):
    """An organization setting (JSON value) changed from the admin pages."""

    key = CharField(unique=True)
    value = TextField()


class PersonAssignment(BaseModel):
    """What a person's job role, level and team were from ``effective_from`` on (until their next
    assignment): the history that past periods are judged by. ``Person.role``/``level``/``team``
    hold the latest assignment's values (see :mod:`dualdash.org.assignments`)."""

    person = ForeignKeyField(Person, backref="assignments", on_delete="CASCADE")
    role = ForeignKeyField(JobRole, null=True, on_delete="SET NULL")
    level = ForeignKeyField(Level, null=True, on_delete="SET NULL")
    team = ForeignKeyField(Team, null=True, on_delete="SET NULL")
    effective_from = DateField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "person_assignment"
        indexes = ((("person", "effective_from"), True),)
