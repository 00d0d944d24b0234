"""The tables of signing in: failed sign-ins (kept for a short while, so that throttling works across app
processes) and personal API tokens."""
from peewee import CharField, DateTimeField, ForeignKeyField

from dualdash.db import BaseModel, utcnow
from dualdash.org.models import Person


class SignInFailure(BaseModel):
    """One failed sign-in: when, for which email (known or not) and from which network address.

    Rows older than the throttling window are deleted as new failures come in."""

    at = DateTimeField(default=utcnow, index=True)
    email = CharField()
    address = CharField()

    class Meta:
        indexes = ((("email", "at"), False), (("address", "at"), False))


class ApiToken(BaseModel):
    """A personal API token; only its hash is stored."""

    person = ForeignKeyField(Person, backref="api_tokens", on_delete="CASCADE")
    name = CharField()
    token_hash = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
