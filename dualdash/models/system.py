"""Records about the install itself: the audit log, API tokens and organization settings."""
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, utcnow
from .org import Person


class AuditLog(BaseModel):
    """Who changed what and when; ``before``/``after`` hold JSON."""

    at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    action = CharField()
    object_type = CharField()
    object_id = CharField(null=True)
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)


class ApiToken(BaseModel):
    """A personal API token; only its hash is stored."""

    person = ForeignKeyField(Person, backref="api_tokens", on_delete="CASCADE")
    name = CharField()
    token_hash = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


class Setting(BaseModel):
    """An organization setting (JSON value) changed from the admin pages."""

    key = CharField(unique=True)
    value = TextField()
