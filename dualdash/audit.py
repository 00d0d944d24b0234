"""The audit trail: who changed what, and when, with the values before and after."""
import datetime
import json

from flask import has_request_context
from flask_login import current_user
from playhouse.shortcuts import model_to_dict

from .models import AuditLog

#: Never copied into the audit trail.
SECRET_FIELDS = {"password_hash", "token_hash"}


def snapshot(obj):
    """The plain values of a model instance (foreign keys as ids), minus secrets."""
    data = model_to_dict(obj, recurse=False)
    return {k: v for k, v in data.items() if k not in SECRET_FIELDS}


def record(action, obj, before=None, after=None, actor=None):
    """Write one audit entry, e.g. ``record("update", person, before, snapshot(person))``.

    ``actor`` defaults to the signed-in person (None from the command line)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user.id
    AuditLog.create(
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if not isinstance(obj, str) else obj,
        object_id=str(obj.id) if hasattr(obj, "id") else None,
        before=_dump(before),
        after=_dump(after),
    )


def _dump(values):
    if values is None:
        return None
    return json.dumps(values, default=_jsonable, sort_keys=True)


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
