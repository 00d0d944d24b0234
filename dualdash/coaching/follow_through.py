"""Follow-through and completion: are 1:1s held, are action items done on time?

Feeds the manager's dashboard and the admins' follow-through report. Every function runs a fixed
number of queries whatever the number of people, meetings or managers (counts are made in SQL with
GROUP BY, never one query per row).

Words used throughout:
- a 1:1 is *missed* when it is still planned and its day has passed (it was neither held nor
  cancelled); it is *upcoming* when it is planned for today or later;
- an action item is *overdue* when it is open and its due date has passed; it is *done on time*
  when it was completed on or before its due date (a done item without a completion time is given
  the benefit of the doubt), *late* when completed after it.
"""
import datetime
from dataclasses import dataclass, field
from typing import Optional

from peewee import JOIN, Case, fn

from dualdash.coaching.models import ActionItem, Meeting
from dualdash.org.models import Person

UPCOMING_DAYS = 14
LATELY_DAYS = 30


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min)


def _count_if(condition):
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END): counts rows meeting ``condition`` in a GROUP BY."""
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _today(today):
    return today or datetime.date.today()


# --- The manager's dashboard ---------------------------------------------------------------------

def upcoming_meetings(manager, today=None, days=UPCOMING_DAYS):
    """The planned 1:1s ``manager`` leads from today to ``days`` days ahead, soonest first, with
    their report."""
    today = _today(today)
    return list(Meeting.select(Meeting, Person)
                .join(Person, on=(Meeting.report == Person.id))
                .where((Meeting.manager == manager.id) & (Meeting.status == "planned")
                       & (Meeting.scheduled_for >= _midnight(today))
                       & (Meeting.scheduled_for < _midnight(today + datetime.timedelta(days=days + 1))))
                .order_by(Meeting.scheduled_for, Meeting.id))


def missed_meetings(manager, today=None):
    """The 1:1s ``manager`` leads that are still planned though their day has passed, oldest first."""
    today = _today(today)
    return list(Meeting.select(Meeting, Person)
                .join(Person, on=(Meeting.report == Person.id))
                .where((Meeting.manager == manager.id) & (Meeting.status == "planned")
                       & (Meeting.scheduled_for < _midnight(today)))
                .order_by(Meeting.scheduled_for, Meeting.id))


@dataclass
class PersonCadence:
    """A person below the manager, with their last held 1:1 and their next planned one."""

    person: Person
    last_held: Optional[datetime.datetime]
    next_planned: Optional[datetime.datetime]


def without_recent_meeting(person_ids, today=None, days=LATELY_DAYS):
    """The active people among ``person_ids`` with no 1:1 held in the last ``days`` days (with
    anyone), by name, each with the date of their last held 1:1 and of their next planned one.

    Two queries: the people (with their manager), and one GROUP BY over their meetings."""
    today = _today(today)
    ids = list(person_ids)
    if not ids:
        return []
    manager = Person.alias()
    people = list(Person.select(Person, manager)
                  .join(manager, JOIN.LEFT_OUTER, on=(Person.manager == manager.id))
                  .where(Person.id.in_(ids) & (Person.active == True))  # noqa: E712
                  .order_by(Person.name, Person.id))
    if not people:
        return []
    dates = meeting_dates([p.id for p in people], today)
    since = _midnight(today - datetime.timedelta(days=days))
    found = []
    for person in people:
        last, nxt = dates.get(person.id, (None, None))
        if last is None or last < since:
            found.append(PersonCadence(person, last, nxt))
    return found


def meeting_dates(person_ids, today=None):
    """``{person id: (last held 1:1, next planned 1:1)}`` of ``person_ids`` as reports (with anyone),
    either None; people with no 1:1 at all are left out. One GROUP BY query."""
    today = _today(today)
    ids = list(person_ids)
    if not ids:
        return {}
    as_datetime = Meeting.scheduled_for.python_value
    held = Case(None, [(Meeting.status == "held", Meeting.scheduled_for)], None)
    ahead = Case(None, [((Meeting.status == "planned") & (Meeting.scheduled_for >= _midnight(today)),
                         Meeting.scheduled_for)], None)
    return {report_id: (last, nxt) for report_id, last, nxt in
            Meeting.select(Meeting.report, fn.MAX(held).python_value(as_datetime),
                           fn.MIN(ahead).python_value(as_datetime))
            .where(Meeting.report.in_(ids))
            .group_by(Meeting.report).tuples()}


def open_action_items(owner_ids):
    """The open action items of ``owner_ids``: overdue first, then by due date (those without one
    last), each with its owner and, when agreed in a 1:1, that meeting. One query."""
    ids = list(owner_ids)
    if not ids:
        return []
    return list(_items_query().where(ActionItem.owner.in_(ids) & (ActionItem.status == "open"))
                .order_by(ActionItem.due_date.is_null(), ActionItem.due_date, ActionItem.id))


def done_action_items(owner_id, limit=20):
    """The ``limit`` action items ``owner_id`` completed last, latest first. One query."""
    return list(_items_query().where((ActionItem.owner == owner_id) & (ActionItem.status == "done"))
                .order_by(ActionItem.completed_at.desc(nulls="LAST"), ActionItem.id.desc()).limit(limit))


def _items_query():
    # Overdue-first ordering needs no CASE: sorting by due date puts past dates first.
    return (ActionItem.select(ActionItem, Person, Meeting)
            .join(Person, on=(ActionItem.owner == Person.id))
            .switch(ActionItem)
            .join(Meeting, JOIN.LEFT_OUTER, on=(ActionItem.meeting == Meeting.id)))


def is_overdue(item, today=None):
    """An open action item whose due date has passed."""
    return item.status == "open" and item.due_date is not None and item.due_date < _today(today)


# --- The follow-through report -------------------------------------------------------------------

@dataclass
class FollowThrough:
    """One manager's numbers over a period (``manager`` None: the totals)."""

    manager: Optional[Person] = None
    planned: int = 0
    held: int = 0
    missed: int = 0
    cancelled: int = 0
    upcoming: int = 0
    items_due: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0
    open_not_due: int = 0

    COUNTS = ("planned", "held", "missed", "cancelled", "upcoming", "items_due", "on_time", "late",
              "open_overdue", "open_not_due")

    @property
    def held_rate(self):
        """Held ÷ (held + missed): of the 1:1s whose day came and that were not cancelled, the
        share actually held; None when there were none."""
        due = self.held + self.missed
        return self.held / due if due else None

    @property
    def on_time_rate(self):
        """Done on time ÷ (done + still open past the due date); None when nothing was due yet."""
        due = self.on_time + self.late + self.open_overdue
        return self.on_time / due if due else None

    def add(self, other):
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    rows: list = field(default_factory=list)
    totals: FollowThrough = field(default_factory=FollowThrough)


def report(start, end, today=None):
    """Per manager, the 1:1s scheduled from ``start`` to ``end`` (inclusive) and the action items
    due in those days. Every manager (anyone with an active report) has a row, zeros included, as
    has anyone who led a 1:1 or was given its action items in the period. Three queries.

    A 1:1 counts for the manager who leads it; an action item for the manager of the 1:1 where it
    was agreed, or, when it was agreed outside one, for its owner's manager."""
    today = _today(today)
    rows = {}

    def row(manager_id):
        return rows.setdefault(manager_id, FollowThrough())

    planned_status = Meeting.status == "planned"
    meetings = (Meeting.select(Meeting.manager, fn.COUNT(Meeting.id),
                               _count_if(Meeting.status == "held"),
                               _count_if(planned_status & (Meeting.scheduled_for < _midnight(today))),
                               _count_if(Meeting.status == "cancelled"),
                               _count_if(planned_status & (Meeting.scheduled_for >= _midnight(today))))
                .where((Meeting.scheduled_for >= _midnight(start))
                       & (Meeting.scheduled_for < _midnight(end + datetime.timedelta(days=1))))
                .group_by(Meeting.manager).tuples())
    for manager_id, planned, held, missed, cancelled, upcoming in meetings:
        r = row(manager_id)
        r.planned, r.held, r.missed, r.cancelled, r.upcoming = (
            int(planned), int(held or 0), int(missed or 0), int(cancelled or 0), int(upcoming or 0))

    owner = Person.alias()
    responsible = fn.COALESCE(Meeting.manager, owner.manager)
    done = ActionItem.status == "done"
    completed_on = fn.DATE(ActionItem.completed_at)
    items = (ActionItem.select(responsible, fn.COUNT(ActionItem.id),
                               _count_if(done & (ActionItem.completed_at.is_null()
                                                 | (completed_on <= ActionItem.due_date))),
                               _count_if(done & (completed_on > ActionItem.due_date)),
                               _count_if(~done & (ActionItem.due_date < today)),
                               _count_if(~done & (ActionItem.due_date >= today)))
             .join(owner, on=(ActionItem.owner == owner.id))
             .switch(ActionItem)
             .join(Meeting, JOIN.LEFT_OUTER, on=(ActionItem.meeting == Meeting.id))
             .where((ActionItem.due_date >= start) & (ActionItem.due_date <= end) & responsible.is_null(False))
             .group_by(responsible).tuples())
    for manager_id, due, on_time, late, overdue, not_due in items:
        r = row(manager_id)
        r.items_due, r.on_time, r.late, r.open_overdue, r.open_not_due = (
            int(due), int(on_time or 0), int(late or 0), int(overdue or 0), int(not_due or 0))

    has_reports = Person.alias()
    managers = (Person.select()
                .where(Person.id.in_(list(rows))
                       | Person.id.in_(has_reports.select(has_reports.manager)
                                       .where(has_reports.manager.is_null(False)
                                              & (has_reports.active == True))))  # noqa: E712
                .order_by(Person.name, Person.id))
    result = Report(start, end, today)
    for manager in managers:
        r = rows.get(manager.id) or FollowThrough()
        r.manager = manager
        result.rows.append(r)
        result.totals.add(r)
    return result
