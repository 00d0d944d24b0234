"""Writing a checked people import: everyone created and updated in one transaction, each change in
the audit trail and in the people's role, level and team history. The checks are in
:mod:`dualdash.org.people_import`."""
import datetime
from dataclasses import dataclass

from dualdash.db import write_transaction
from dualdash.org import assignments
from dualdash.org.audit import record, snapshot
from dualdash.org.models import Person

_FOREIGN_KEYS = {Person.team, Person.role, Person.level, Person.manager}

#: A column absent from the file: the value stays as it is.
KEEP = object()


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    created: int
    updated: int
    unchanged: int


def write(rows):
    """Create and update everyone of the checked ``rows`` in one transaction, recording each change in
    the audit trail; returns an :class:`ImportResult`."""
    created, updated, unchanged = [], [], 0
    with write_transaction():
        ids = dict(_stored_ids())
        late_managers = []
        for row in rows:
            if row.existing is not None:
                continue
            manager_id = ids.get(row.manager) if row.manager not in (KEEP, None) else None
            person = Person.create(
                email=row.email, name=row.name,
                team=_value(row.team), role=_value(row.role), level=_value(row.level),
                manager=manager_id, start_date=_value(row.start_date),
                active=True if row.active in (KEEP, None) else row.active)
            ids[row.email] = person.id
            assignments.seed(person, effective_from=_value(row.effective_from))
            if row.manager not in (KEEP, None) and manager_id is None:
                late_managers.append((person, row.manager))  # defined further down the file
            created.append(person)
        for person, manager_email in late_managers:
            person.manager = ids[manager_email]
            person.save(only=[Person.manager])
        for row in rows:
            if row.existing is None:
                continue
            person = row.existing
            before = snapshot(person)
            held = (person.role_id, person.level_id, person.team_id)
            changed = _apply(person, row, ids)
            if (person.role_id, person.level_id, person.team_id) != held:
                changed = _record_assignment(person, held, row, changed)
            if changed:
                person.save(only=changed)
                record("update", person, before, snapshot(person))
                updated.append(person)
            else:
                unchanged += 1
        for person in created:
            record("create", person, None, snapshot(person))
    return ImportResult(created=len(created), updated=len(updated), unchanged=unchanged)


def _record_assignment(person, held, row, changed):
    """Record ``person``'s new team, role and level in their history (from the row's
    ``effective_from``, or today), seeding it with what they ``held`` before if they had none;
    their current values become the latest assignment's. The fields that changed."""
    since = row.effective_from if row.effective_from not in (KEEP, None) else datetime.date.today()
    if not assignments.history_of(person):
        assignments.seed(person, held, before=since)
    assignments.change(person, since, person.role_id, person.level_id, person.team_id)
    # change() may put back a later assignment's values: a past change is history, not the present.
    # (by name: peewee fields compare into SQL expressions)
    changed = [f for f in changed if f.name not in ("role", "level", "team")]
    return changed + [Person.role, Person.level, Person.team]


def _stored_ids():
    """(lower-case email, id) of everyone stored."""
    return ((email.lower(), id_) for id_, email in Person.select(Person.id, Person.email).tuples())


def _value(value):
    return None if value is KEEP else value


def _apply(person, row, ids):
    """Set the row's values on an existing person; the fields that changed."""
    wanted = {Person.name: row.name}
    for field, value in ((Person.team, row.team), (Person.role, row.role), (Person.level, row.level),
                         (Person.start_date, row.start_date)):
        if value is not KEEP:
            wanted[field] = value
    if row.manager is not KEEP:
        wanted[Person.manager] = ids[row.manager] if row.manager else None
    if row.active not in (KEEP, None):
        wanted[Person.active] = row.active
    changed = []
    for field, value in wanted.items():
        # Foreign keys compare by id, without loading the related row.
        current = getattr(person, field.name + "_id") if field in _FOREIGN_KEYS else getattr(person, field.name)
        if current != value:
            setattr(person, field.name, value)
            changed.append(field)
    return changed
