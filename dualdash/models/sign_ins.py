"""Failed sign-ins, kept for a short while so that log-in throttling works across app processes."""
from peewee import CharField, DateTimeField

from .base import BaseModel, utcnow


class SignInFailure(BaseModel):
    """One failed sign-in: when, for which email (known or not) and from which network address.

    Rows older than the throttling window are deleted as new failures come in."""

    at = DateTimeField(default=utcnow, index=True)
    email = CharField()
    address = CharField()

    class Meta:
        indexes = ((("email", "at"), False), (("address", "at"), False))
