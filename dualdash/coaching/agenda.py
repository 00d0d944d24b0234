"""The self-building 1:1 agenda: what to talk about, each item linked to its source, and the coaching
questions for each item's situation (always from the coaching-question hook).

An item's ``source`` says where it came from: ``kpi:<key>:<situation>``, ``driver:<key>``,
``skill:<key>``, ``action:<id>``, ``opening``, ``closing``; talking points and items added by hand
have none."""
import datetime
from dataclasses import dataclass

from dualdash.coaching import skills
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting
from dualdash.db import utcnow
from dualdash.kpis import periods, scorecards
from dualdash.org import audit
from dualdash.org import settings as org_settings
from dualdash.plugins import manager as plugins
from dualdash.plugins.types import Band, Situation
from dualdash.shared.formats import date_text

#: A driver not rated for this long is due for discussion.
DRIVER_DUE_AFTER = datetime.timedelta(days=28)
KINDS = ("opening", "kpi", "driver", "skill", "action_item", "talking_point", "custom", "closing")
SITUATION_OF = {"exceeds": Situation.KPI_EXCEEDS, "meets": Situation.KPI_MEETS, "fails": Situation.KPI_FAILS,
                "trending_up": Situation.KPI_TRENDING_UP, "trending_down": Situation.KPI_TRENDING_DOWN}


@dataclass(frozen=True)
class Proposed:
    """An agenda item the builder proposes (not stored yet)."""

    kind: str
    title: str
    source: str = None


def review_period(day):
    """The week a 1:1 on ``day`` looks back on: the one holding the day before, so a Monday 1:1 reviews
    last week (complete) and a Friday one this week so far."""
    settings = org_settings.get()
    return periods.containing(day - datetime.timedelta(days=1), "weekly", settings.week_start,
                              settings.fiscal_year_start_month)


def last_held_before(meeting):
    """The pair's previous held 1:1, or None."""
    return (Meeting.select()
            .where((Meeting.report == meeting.report_id) & (Meeting.status == "held")
                   & (Meeting.scheduled_for < meeting.scheduled_for) & (Meeting.id != meeting.id))
            .order_by(Meeting.scheduled_for.desc()).first())


def propose(meeting, report, today=None, with_numbers=True):
    """What the agenda should hold for ``meeting`` with ``report`` (loaded with team, role, level).
    ``with_numbers`` False proposes only the opening and the close: nothing drawn from the report's
    scorecard, ratings, skills or action items (for a leader who may not see the report any more)."""
    today = today or datetime.date.today()
    items = [Proposed("opening", "Opening: how are things?", "opening")]
    closing = Proposed("closing", "Close: commitments until next time", "closing")
    if not with_numbers:
        return items + [closing]
    items += _kpi_items(meeting, report, today)
    items += _driver_items(report, today)
    items += [Proposed("skill", f"Skill to grow: {s.skill.name} ({s.current_label}, expected "
                       f"{s.expected_label})", f"skill:{s.skill.key}") for s in skills.gaps(report)]
    for action in (ActionItem.select().where((ActionItem.owner == report.id) & (ActionItem.status == "open"))
                   .order_by(ActionItem.due_date.is_null(), ActionItem.due_date, ActionItem.id)):
        due = f" (due {date_text(action.due_date)})" if action.due_date else ""
        items.append(Proposed("action_item", f"Follow up: {action.description}{due}", f"action:{action.id}"))
    items.append(closing)
    return items


def _kpi_items(meeting, report, today):
    """KPIs that changed band since the last 1:1, are failing, or exceed (to recognise)."""
    view = review_period(meeting.scheduled_for.date())
    current = scorecards.build([report], view, history=3, today=today)[0]
    previous_meeting = last_held_before(meeting)
    before = {}
    if previous_meeting is not None:
        then = review_period(previous_meeting.scheduled_for.date())
        rows = scorecards.build([report], then, history=1, today=today)[0].rows
        before = {row.kpi.id: row.current.band for row in rows}
    found = []
    for row in current.rows:
        band, old = row.current.band, before.get(row.kpi.id)
        if band is None:
            continue
        if old is not None and old != band:
            found.append(Proposed("kpi", f"{row.kpi.name}: now {band.label} (was {old.label})",
                                  f"kpi:{row.kpi.key}:{band.value}"))
        elif band == Band.FAILS:
            found.append(Proposed("kpi", f"{row.kpi.name}: Fails — get curious", f"kpi:{row.kpi.key}:fails"))
        elif band == Band.EXCEEDS:
            found.append(Proposed("kpi", f"{row.kpi.name}: Exceeds — recognise it", f"kpi:{row.kpi.key}:exceeds"))
        elif row.trend == "down":
            found.append(Proposed("kpi", f"{row.kpi.name}: trending down", f"kpi:{row.kpi.key}:trending_down"))
    return found


def _driver_items(report, today):
    """Drivers not rated by the manager lately, or whose last rating is in the lower half of the scale."""
    found = []
    for key, driver, rating in _drivers_to_discuss(report, _last_ratings([report.id]).get(report.id, {}), today):
        if _is_due(rating, today):
            found.append(Proposed("driver", f"{driver.name}: due for a rating", f"driver:{key}"))
        else:
            found.append(Proposed("driver", f"{driver.name}: last rated low ({rating.score})", f"driver:{key}"))
    return found


def drivers_due(reports, today=None):
    """``{person id: [Driver, …]}``: for each of ``reports`` (loaded with their role), the drivers of
    their role that their managers have not rated lately (:data:`DRIVER_DUE_AFTER`) or ever; people
    with none due are left out. One query whatever the number of reports."""
    today = today or datetime.date.today()
    last = _last_ratings([r.id for r in reports])
    found = {}
    for report in reports:
        due = [driver for _, driver, rating in _drivers_to_discuss(report, last.get(report.id, {}), today)
               if _is_due(rating, today)]
        if due:
            found[report.id] = due
    return found


def _last_ratings(person_ids):
    """``{person id: {driver key: their managers' latest DriverRating}}``, in one query."""
    last = {}
    if not person_ids:
        return last
    for r in (DriverRating.select().where(DriverRating.person.in_(list(person_ids))
                                          & (DriverRating.is_self == False))  # noqa: E712
              .order_by(DriverRating.rated_on, DriverRating.id)):
        last.setdefault(r.person_id, {})[r.driver_key] = r
    return last


def _is_due(rating, today):
    return rating is None or today - rating.rated_on > DRIVER_DUE_AFTER


def _drivers_to_discuss(report, last, today):
    """``(key, driver, latest rating or None)`` of the drivers of ``report``'s role that are due for a
    rating or were last rated in the lower half of their scale (``last``: driver key → rating)."""
    fw = plugins.current()
    role = report.role.name if report.role_id else None
    for key, driver in fw.drivers.items():
        if driver.roles and role not in driver.roles:
            continue
        rating = last.get(key)
        values = [p.value for p in driver.scale]
        if _is_due(rating, today) or rating.score < (min(values) + max(values)) / 2:
            yield key, driver, rating


def prepare(meeting, report, today=None, with_numbers=True):
    """Build and store the agenda once (the items stay editable); talking points already added stay,
    after the built items but before the close (``with_numbers``: see :func:`propose`). Returns the
    number of items added."""
    if meeting.prepared_at is not None:
        return 0
    existing = list(AgendaItem.select().where(AgendaItem.meeting == meeting.id).order_by(AgendaItem.position))
    proposed = propose(meeting, report, today, with_numbers)
    body, closing = proposed[:-1], proposed[-1:]
    position = 0
    for p in body:
        position += 1
        AgendaItem.create(meeting=meeting.id, position=position, kind=p.kind, title=p.title, source=p.source)
    for item in existing:
        position += 1
        AgendaItem.update(position=position).where(AgendaItem.id == item.id).execute()
    for p in closing:
        position += 1
        AgendaItem.create(meeting=meeting.id, position=position, kind=p.kind, title=p.title, source=p.source)
    stamp = utcnow()
    Meeting.update(prepared_at=stamp).where(Meeting.id == meeting.id).execute()
    meeting.prepared_at = stamp
    audit.record("prepare", meeting, {"prepared_at": None},
                 {"prepared_at": stamp, "agenda_added": [p.title for p in proposed]})
    return len(proposed)


def kpi_key(item):
    """The KPI an agenda item (stored or proposed) is about, from its source; None for other items."""
    kind, _, rest = (item.source or "").partition(":")
    return rest.partition(":")[0] or None if kind == "kpi" else None


def value_notes(report, day, today=None):
    """``{kpi key: note}``: the notes entered with ``report``'s values of the week a 1:1 on ``day``
    reviews (the KPI's period holding it), so a KPI's agenda item shows the note of its value.
    A fixed number of queries (one scorecard)."""
    card = scorecards.build([report], review_period(day), history=1, today=today)[0]
    return {row.kpi.key: row.current.note for row in card.rows if row.current.note}


def questions(item):
    """The coaching questions for an agenda item's situation (a list of CoachingQuestion)."""
    fw = plugins.current()
    source = item.source or ""
    kind, _, rest = source.partition(":")
    if kind == "kpi":
        key, _, situation = rest.partition(":")
        if situation in SITUATION_OF:
            return fw.questions_for(SITUATION_OF[situation], kpi=key)
    elif kind == "driver":
        return fw.questions_for(Situation.DRIVER, driver=rest)
    elif kind == "skill":
        return fw.questions_for(Situation.SKILL_GAP, skill=rest)
    elif kind == "opening":
        return fw.questions_for(Situation.MEETING_OPEN)
    elif kind == "closing":
        return fw.questions_for(Situation.MEETING_CLOSE)
    elif kind == "action":
        return [q for q in fw.questions_for(Situation.DRIVER, driver="follow_through") if q.driver]
    return []
