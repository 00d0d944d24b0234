"""Reading the audit trail: filtering it, what each entry changed (only the fields that changed, with
names instead of ids), links to what still exists, and the entries in batches for downloads.

:mod:`dualdash.org.audit` writes the trail; the admin page (``views/admin_audit.py``) shows it."""
import datetime
import json
import re
from dataclasses import dataclass

from flask import url_for
from peewee import JOIN, Value

from dualdash.coaching.models import (
    ActionItem,
    AgendaItem,
    DriverRating,
    Meeting,
    PrivateNote,
    RoleSkill,
    SkillAssessment,
    SkillExpectation,
)
from dualdash.db import database
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.org.audit import AuditLog
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.web.models import ApiToken

#: What each action is called on the page (the filter offers these; an unknown one is shown as stored).
ACTIONS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "move": "Moved",
    "deactivate": "Deactivated",
    "reactivate": "Reactivated",
    "password": "Password changed",
    "revoke": "Revoked",
    "held": "Marked held",
    "cancel": "Cancelled",
    "prepare": "Agenda prepared",
    "measurements.grid": "Values saved in the grid",
    "import": "Values sent through the API",
    "measurements.import": "Values imported from a CSV file",
}

#: What changed, by the name entries store (a model's name, or "OrgSettings").
OBJECT_TYPES = {
    "Person": "Person",
    "Team": "Team",
    "JobRole": "Job role",
    "Level": "Level",
    "KPI": "KPI",
    "Benchmark": "Benchmark line",
    "Scorecard": "Scorecard",
    "ScorecardKPI": "KPI on a scorecard",
    "Measurement": "Measurement",
    "DriverRating": "Driver rating",
    "RoleSkill": "Role skill",
    "SkillExpectation": "Skill expectation",
    "SkillAssessment": "Skill assessment",
    "Meeting": "1:1",
    "AgendaItem": "Agenda item",
    "PrivateNote": "Private note",
    "ActionItem": "Action item",
    "ApiToken": "API token",
    "OrgSettings": "Settings",
}

#: The models whose rows entries name, to tell whether an object still exists.
MODELS = {m.__name__: m for m in (Person, Team, JobRole, Level, KPI, Benchmark, Scorecard, ScorecardKPI,
                                  Measurement, DriverRating, RoleSkill, SkillExpectation, SkillAssessment,
                                  Meeting, AgendaItem, PrivateNote, ActionItem, ApiToken)}

#: Fields that hold the id of another row, and which model: shown by name.
_PEOPLE = ("person", "manager", "report", "owner", "author", "rated_by", "assessed_by", "entered_by",
           "created_by", "added_by")
REFERENCES = {**{name: Person for name in _PEOPLE}, "team": Team, "parent": Team, "role": JobRole,
              "level": Level, "kpi": KPI, "skill": RoleSkill, "scorecard": Scorecard}
#: The column that names a row of each model (None: shown by its number).
LABELS = {Person: Person.name, Team: Team.name, JobRole: JobRole.name, Level: Level.name, KPI: KPI.name,
          RoleSkill: RoleSkill.name, Scorecard: Scorecard.name}

#: The fields that say which row an entry is about (shown beside it even when they did not change).
IDENTITY = {
    "Person": ("name",), "Team": ("name",), "JobRole": ("name",), "Level": ("role", "name"), "KPI": ("name",),
    "Benchmark": ("kpi", "role", "level", "effective_from"), "Scorecard": ("name",),
    "ScorecardKPI": ("scorecard", "kpi"), "Measurement": ("person", "kpi", "period_start"),
    "DriverRating": ("person", "driver_key"), "RoleSkill": ("role", "name"), "SkillExpectation": ("skill", "level"),
    "SkillAssessment": ("person", "skill"), "Meeting": ("manager", "report"), "AgendaItem": ("title",),
    "PrivateNote": ("author",), "ActionItem": ("owner", "description"), "ApiToken": ("person", "name"),
}
FIELD_NAMES = {"kpi": "KPI", "is_admin": "Admin", "is_self": "Self-assessment", "period_start": "Period",
               "driver_key": "Driver", "check_in_score": "Check-in score", "check_in_word": "Check-in word",
               "repeat_every_days": "Repeats every (days)", "agenda_added": "Agenda items added",
               "scheduled_for": "Scheduled for", "held_at": "Held at"}
#: Longer texts are cut on the page (the downloads keep them whole).
SHOWN_CHARS = 300
_ISO_TIME = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d(:\d\d)?)(\.\d+)?$")


@dataclass(frozen=True)
class Filters:
    """What the admin asked for; None means any. Dates are whole days (UTC), both included."""

    actor_id: int | None = None
    who: str | None = None
    object_type: str | None = None
    action: str | None = None
    object_id: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def chosen(self):
        """Is any filter set?"""
        return any(v not in (None, "") for v in vars(self).values())


def entries(filters, columns=None):
    """The entries that match ``filters``, newest first, each with its ``actor`` (a Person or None)
    joined in; with ``columns``, just those columns (see :func:`export_batches`)."""
    query = (AuditLog.select(*(columns or (AuditLog, Person.id, Person.name, Person.email)))
             .join_from(AuditLog, Person, JOIN.LEFT_OUTER))
    if filters.actor_id is not None:
        query = query.where(AuditLog.actor == filters.actor_id)
    if filters.who:
        # contains() is LIKE on SQLite and ILIKE on PostgreSQL: case-insensitive on both.
        query = query.where(Person.name.contains(filters.who) | Person.email.contains(filters.who))
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type)
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.object_id:
        query = query.where(AuditLog.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditLog.at >= datetime.datetime.combine(filters.date_from, datetime.time()))
    if filters.date_to:
        query = query.where(AuditLog.at < datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time()))
    # Ids grow with time, and unlike the times they never tie.
    return query.order_by(AuditLog.id.desc())


#: The columns of the downloads, in order (``before`` and ``after`` as their stored JSON).
EXPORT_COLUMNS = ("id", "at", "actor_id", "actor_email", "actor_name", "action", "object_type", "object_id",
                  "before", "after")


def export_batches(filters, size=2000):
    """The entries that match ``filters`` as plain tuples of :data:`EXPORT_COLUMNS` (times in ISO 8601,
    UTC), newest first, a batch at a time: one query per batch and never the whole trail in memory."""
    query = entries(filters, columns=(AuditLog.id, AuditLog.at, AuditLog.actor, Person.email, Person.name,
                                      AuditLog.action, AuditLog.object_type, AuditLog.object_id,
                                      AuditLog.before, AuditLog.after))
    last = None
    while True:
        # The driver's rows as they come (peewee's conversion per value would double the time); a time
        # is a datetime from PostgreSQL and text ("2026-11-18 14:03:09.123456") from SQLite.
        page = (query if last is None else query.where(AuditLog.id < last)).limit(size)
        batch = database.execute(page).fetchall()
        if not batch:
            return
        yield [(row[0], _iso(row[1])) + tuple(row[2:]) for row in batch]
        last = batch[-1][0]


def _iso(at):
    if at is None or isinstance(at, str):
        return at and at.replace(" ", "T", 1)
    return at.isoformat()


def values_of(text):
    """An entry's ``before`` or ``after`` as a dict (None when empty)."""
    if not text:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return {"value": text}
    return values if isinstance(values, dict) else {"value": values}


@dataclass
class Change:
    field: str
    label: str
    before: object
    after: object


def changes(entry):
    """The fields ``entry`` changed, as :class:`Change` (raw values), in a stable order.

    A field present on one side only counts as changed; for a creation, fields left empty are not
    listed (nothing changed there)."""
    before, after = values_of(entry.before), values_of(entry.after)
    if before is None and after is None:
        return []
    b, a = before or {}, after or {}
    found = []
    for name in list(a) + [k for k in b if k not in a]:
        old, new = b.get(name), a.get(name)
        if name == "id" or old == new or (before is None and new in (None, "")):
            continue
        if after is None and old in (None, ""):
            continue
        found.append(Change(name, field_label(name), old, new))
    return found


def field_label(name):
    return FIELD_NAMES.get(name) or name.replace("_", " ").capitalize()


class Shown:
    """Everything one page of entries shows, read in one query for the names and the existence of
    every row the entries mention, however many entries and kinds of object."""

    def __init__(self, items):
        self.items = items
        self.changes = {e.id: changes(e) for e in items}
        wanted = {}
        for entry in items:
            model = MODELS.get(entry.object_type)
            if model is not None and entry.object_id and entry.object_id.isdigit():
                wanted.setdefault(model, set()).add(int(entry.object_id))
            mentioned = [(c.field, v) for c in self.changes[entry.id] for v in (c.before, c.after)]
            mentioned += list(self._identity(entry).items())
            for name, value in mentioned:
                model = REFERENCES.get(name)
                if model is not None and isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(model, set()).add(value)
        self.names = _names(wanted)

    @staticmethod
    def _identity(entry):
        values = values_of(entry.after) or values_of(entry.before) or {}
        return {name: values[name] for name in IDENTITY.get(entry.object_type, ()) if values.get(name) is not None}

    def subject(self, entry):
        """Which row the entry is about, in words ("Mo Member, Calls made, 2026-11-16"), or ""."""
        return ", ".join(self.shown(Change(name, field_label(name), value, value), "after")
                         for name, value in self._identity(entry).items())

    def exists(self, entry):
        model = MODELS.get(entry.object_type)
        if entry.object_type == "OrgSettings":
            return True
        return (model is not None and bool(entry.object_id) and entry.object_id.isdigit()
                and (model.__name__, int(entry.object_id)) in self.names)

    def link(self, entry):
        """The URL of the object the entry is about, when it still exists and has a page."""
        if not self.exists(entry):
            return None
        values = values_of(entry.after) or values_of(entry.before) or {}
        return object_url(entry.object_type, int(entry.object_id) if entry.object_id else None, values)

    def shown(self, change, side):
        """One side of a change as text for the page."""
        value = change.before if side == "before" else change.after
        model = REFERENCES.get(change.field)
        if model is not None and isinstance(value, int) and not isinstance(value, bool):
            name = self.names.get((model.__name__, value))
            if name is None:
                return f"#{value} (no longer exists)"
            return name or f"#{value}"
        text = readable(value)
        return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def readable(value):
    """A stored value as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "; ".join(readable(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str):
        match = _ISO_TIME.match(value)
        if match:
            return f"{match.group(1)} {match.group(2)}"
    return str(value)


def _names(wanted):
    """``{(model name, id): name or ""}`` for the rows of ``wanted`` ({model: ids}) that exist, in one
    UNION ALL query."""
    selects = []
    for model, ids in sorted(wanted.items(), key=lambda item: item[0].__name__):
        label = LABELS.get(model)
        selects.append(model.select(Value(model.__name__).alias("kind"), model.id.alias("row_id"),
                                    (label if label is not None else Value("")).alias("label"))
                       .where(model.id.in_(sorted(ids))))
    if not selects:
        return {}
    query = selects[0]
    for select in selects[1:]:
        query = query + select  # UNION ALL
    return {(kind, row_id): label or "" for kind, row_id, label in query.tuples()}


def object_url(object_type, object_id, values):
    """Where an object is seen or edited (None when it has no page of its own)."""
    def ref(name):
        value = values.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    simple = {"Person": ("admin_people.edit", "person_id"), "Team": ("admin_teams.edit", "team_id"),
              "JobRole": ("admin_roles.edit", "role_id"), "KPI": ("admin_kpis.edit", "kpi_id"),
              "Meeting": ("meetings.show", "meeting_id")}
    if object_type in simple:
        endpoint, arg = simple[object_type]
        return url_for(endpoint, **{arg: object_id})
    by_value = {"Level": ("admin_roles.edit", "role_id", "role"),
                "Benchmark": ("admin_benchmarks.page", "kpi_id", "kpi"),
                "Measurement": ("scorecard_pages.person", "person_id", "person"),
                "DriverRating": ("driver_ratings.person", "person_id", "person"),
                "SkillAssessment": ("skills_pages.person", "person_id", "person"),
                "RoleSkill": ("admin_skills.role", "role_id", "role"),
                "AgendaItem": ("meetings.show", "meeting_id", "meeting"),
                "PrivateNote": ("meetings.show", "meeting_id", "meeting"),
                "ActionItem": ("meetings.show", "meeting_id", "meeting")}
    if object_type in by_value:
        endpoint, arg, field = by_value[object_type]
        if ref(field) is not None:
            return url_for(endpoint, **{arg: ref(field)})
        return url_for("action_items.index") if object_type == "ActionItem" else None
    if object_type == "Scorecard":
        kind = next((k for k in ("role", "team", "person") if ref(k) is not None), None)
        return url_for(f"admin_scorecards.{kind}", owner_id=ref(kind)) if kind else None
    if object_type in ("ScorecardKPI",):
        return url_for("admin_scorecards.index")
    if object_type == "SkillExpectation":
        return url_for("admin_skills.index")
    if object_type == "OrgSettings":
        return url_for("admin_settings.edit")
    return None
