"""The audit trail: who changed what, and when, with the values before and after.

Writers call :func:`record` (one entry) or :func:`record_many` (a batch in one statement); the admin
page reads the trail through :mod:`dualdash.web.audit_trail`. Secrets never enter it: password and token
hashes are dropped from snapshots, and a private note's text is never passed in."""
import datetime
import json

from flask import has_request_context
from flask_login import current_user
from peewee import CharField, DateTimeField, ForeignKeyField, TextField
from playhouse.shortcuts import model_to_dict

from dualdash.db import BaseModel, utcnow
from dualdash.org.models import Person

#: Never copied into the audit trail.
SECRET_FIELDS = {"password_hash", "token_hash"}
#: Rows per INSERT when many entries are written at once: a chunk of measurements (500) takes one
#: statement, and 7 columns × 500 stays well under SQLite's limit of 32,766 variables.
BATCH = 500


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


def snapshot(obj):
    """The plain values of a model instance (foreign keys as ids), minus secrets."""
    data = model_to_dict(obj, recurse=False)
    return {k: v for k, v in data.items() if k not in SECRET_FIELDS}


def entry(action, obj, before=None, after=None, actor=None, at=None, object_id=None):
    """The column values of one audit entry (see :func:`record`), ready to insert.

    ``obj`` is a model instance, or the name of what changed (``"OrgSettings"``; ``"Measurement"``
    for a batch, or with ``object_id`` for one row written without loading it)."""
    if object_id is None and getattr(obj, "id", None) is not None:
        object_id = obj.id
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user.id
    return {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "object_type": type(obj).__name__ if not isinstance(obj, str) else obj,
        "object_id": None if object_id is None else str(object_id),
        "before": _dump(before),
        "after": _dump(after),
    }


def record(action, obj, before=None, after=None, actor=None):
    """Write one audit entry, e.g. ``record("update", person, before, snapshot(person))``.

    ``actor`` defaults to the signed-in person (None from the command line)."""
    AuditLog.insert(**entry(action, obj, before, after, actor)).execute()


def record_many(entries):
    """Write many entries made by :func:`entry` in a few statements (not one per entry)."""
    entries = list(entries)
    for start in range(0, len(entries), BATCH):
        AuditLog.insert_many(entries[start:start + BATCH]).execute()


def _dump(values):
    if values is None:
        return None
    return json.dumps(values, default=_jsonable, sort_keys=True)


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
