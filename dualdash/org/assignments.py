"""Each person's job role, level and team over time (issue 13: "a promotion re-colours the past").

A person's history is a list of :class:`~dualdash.org.models.PersonAssignment` rows, each in force
from its ``effective_from`` until the next one. A period is judged by the assignment in force on its
first day; before their first assignment a person is taken as their first assignment says, and a
person with no history at all (created before it existed, or by a bulk load) as their current values
say. ``Person.role``/``level``/``team`` always hold the latest assignment's values, so code that
only needs "now" keeps reading them."""
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from peewee import JOIN

from dualdash.org.models import JobRole, Level, Person, PersonAssignment, Team
from dualdash.shared import dates
from dualdash.shared.dates import EARLIEST


@dataclass(frozen=True)
class Held:
    """What a person held from ``effective_from`` on: ids and names (None: none)."""

    effective_from: Optional[datetime.date]
    role_id: Optional[int]
    level_id: Optional[int]
    team_id: Optional[int]
    role: Optional[str] = None
    level: Optional[str] = None
    team: Optional[str] = None


def date_problem(value):
    """Why ``value`` cannot be an effective date (None: it can)."""
    if value is None:
        return "Enter the date the change takes effect from, like 2026-11-16."
    if not dates.in_window(value):
        return dates.message(value) + "."
    return None


def current(person):
    """A person's current values as a :class:`Held` (their names when loaded with the person)."""
    def name(attr):
        return getattr(person, attr).name if getattr(person, attr + "_id") else None
    return Held(None, person.role_id, person.level_id, person.team_id,
                name("role"), name("level"), name("team"))


def load(person_ids=None):
    """The histories of these people (None: everyone), oldest first, with names, in one query:
    ``{person_id: [Held, …]}`` (people without a history are left out)."""
    histories = defaultdict(list)
    query = (PersonAssignment.select(PersonAssignment.person, PersonAssignment.effective_from,
                                     PersonAssignment.role, PersonAssignment.level, PersonAssignment.team,
                                     JobRole.name, Level.name, Team.name)
             .join_from(PersonAssignment, JobRole, JOIN.LEFT_OUTER)
             .join_from(PersonAssignment, Level, JOIN.LEFT_OUTER)
             .join_from(PersonAssignment, Team, JOIN.LEFT_OUTER)
             .order_by(PersonAssignment.person, PersonAssignment.effective_from)
             .tuples())
    if person_ids is not None:
        ids = sorted(set(person_ids))
        if not ids:
            return histories
        query = query.where(PersonAssignment.person.in_(ids))
    for person_id, effective_from, role_id, level_id, team_id, role, level, team in query:
        histories[person_id].append(Held(effective_from, role_id, level_id, team_id, role, level, team))
    return histories


def in_force(history, on_date, fallback=None):
    """The :class:`Held` of ``history`` (oldest first) in force on ``on_date``: the latest one that
    starts on or before it, else the first one; ``fallback`` when there is no history."""
    if not history:
        return fallback
    found = history[0]
    for held in history:
        if held.effective_from <= on_date:
            found = held
        else:
            break
    return found


def history_of(person):
    """One person's history, oldest first (one query)."""
    return load([person.id]).get(person.id, [])


def change(person, effective_from, role_id, level_id, team_id):
    """Record that ``person`` holds this role, level and team from ``effective_from`` on (replacing
    an assignment starting that same day), then set the person's current values from their latest
    assignment. A person without a history first gets one from their current values, effective from
    their start date (or :data:`EARLIEST`). Returns the fields of ``person`` that changed (unsaved)."""
    if not PersonAssignment.select().where(PersonAssignment.person == person.id).exists():
        seed(person, before=effective_from)
    existing = PersonAssignment.get_or_none((PersonAssignment.person == person.id)
                                            & (PersonAssignment.effective_from == effective_from))
    if existing is None:
        PersonAssignment.create(person=person.id, role=role_id, level=level_id, team=team_id,
                                effective_from=effective_from)
    else:
        existing.role, existing.level, existing.team = role_id, level_id, team_id
        existing.save()
    return sync(person)


def seed(person, held=None, effective_from=None, before=None):
    """Give ``person`` a first assignment from their current values (or ``held``, a
    ``(role_id, level_id, team_id)`` triple), effective from ``effective_from`` (default: their
    start date, or :data:`EARLIEST`). With ``before`` (the date of a change about to be recorded),
    nothing is written unless that first assignment starts before it: what they held until the
    change is only history when it held for a while."""
    role_id, level_id, team_id = held or (person.role_id, person.level_id, person.team_id)
    since = effective_from or person.start_date or EARLIEST
    if before is not None and since >= before:
        return
    PersonAssignment.create(person=person.id, role=role_id, level=level_id, team=team_id, effective_from=since)


def sync(person):
    """Set ``person``'s role, level and team to their latest assignment's; the fields that changed."""
    latest = (PersonAssignment.select()
              .where(PersonAssignment.person == person.id)
              .order_by(PersonAssignment.effective_from.desc()).first())
    changed = []
    if latest is None:
        return changed
    for field, value in ((Person.role, latest.role_id), (Person.level, latest.level_id),
                         (Person.team, latest.team_id)):
        if getattr(person, field.name + "_id") != value:
            setattr(person, field.name, value)
            changed.append(field)
    return changed
