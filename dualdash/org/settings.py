"""Organization settings an admin changes in the app (stored in the database, not in config files),
so every app server sees the same values."""
import json
from dataclasses import asdict, dataclass, fields

from flask import g, has_app_context

from dualdash.org.models import Setting


@dataclass(frozen=True)
class OrgSettings:
    """The organization's settings with their defaults."""

    #: 0 = Monday … 6 = Sunday: the first day of a week.
    week_start: int = 0
    #: 1 = January … 12: the month a fiscal year (and its first quarter) starts.
    fiscal_year_start_month: int = 1
    #: May members enter their own measurements?
    self_reporting: bool = False
    #: Rank stacks show every name to members (else: their own place, others unnamed).
    rank_stacks_name_everyone: bool = False
    #: Aggregates (by role, by team) over fewer people than this are hidden from members.
    min_group_size: int = 3
    #: Admins may read managers' private 1:1 notes (never the report).
    admin_sees_private_notes: bool = False
    #: The ISO 4217 code of the currency that currency KPIs are written in ("$12,000" for USD).
    currency: str = "USD"


def get():
    """The current settings (read once per request)."""
    if has_app_context() and "org_settings" in g:
        return g.org_settings
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    known = {f.name for f in fields(OrgSettings)}
    settings = OrgSettings(**{k: v for k, v in stored.items() if k in known})
    if has_app_context():
        g.org_settings = settings
    return settings


def save(settings):
    """Store every value of ``settings`` (an :class:`OrgSettings`)."""
    for key, value in asdict(settings).items():
        (Setting.insert(key=key, value=json.dumps(value))
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(value)})
         .execute())
    if has_app_context():
        g.pop("org_settings", None)
