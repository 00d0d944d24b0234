"""What needs the signed-in person today: the sections of Home, per role.

Everything comes from the domains' own logic (follow-through, the agenda's drivers due for a rating,
scorecards, periods) and runs a fixed number of queries whatever the number of reports: the people
are loaded once, their scorecards in one build, and every list below is one query over all of them.

Who is counted where:
- the 1:1s are those the manager leads this week: today and the :data:`WEEK_DAYS` after it;
- overdue action items are the manager's own and those of everyone below them;
- KPI changes and drivers due concern the direct reports (the people the manager holds 1:1s with);
- missing values concern everyone below the manager, for the last completed week."""
import datetime
from dataclasses import dataclass, field
from typing import Optional

from dualdash.coaching import agenda, follow_through, meetings
from dualdash.coaching.models import Meeting
from dualdash.kpis import periods, scorecards
from dualdash.kpis.models import KPI, Benchmark
from dualdash.org import access
from dualdash.org import settings as org_settings
from dualdash.org.models import Person
from dualdash.plugins.types import Band

#: How many weeks back the band a KPI had at a person's last 1:1 is looked up; a 1:1 longer ago
#: than that counts as none (the change has not been talked about).
HISTORY_WEEKS = 13
#: How many set-up gaps of each kind, or overdue action items, are listed (the count says how many
#: there are; the page they are dealt with on has them all).
GAPS_SHOWN = 20
ITEMS_SHOWN = 5
#: "This week": today and the days after it, so that on a Friday Monday's 1:1s are there too.
WEEK_DAYS = 6


@dataclass
class BandChange:
    """A direct report's KPI now in ``row.current.band``, which it was not at their last 1:1."""

    person: Person
    row: object
    then: Optional[Band]
    last_held: Optional[datetime.datetime]


@dataclass
class MissingValues:
    """A person's KPIs with no value for the last completed period."""

    person: Person
    kpis: list


@dataclass
class ManagerToday:
    meetings: list
    week_end: datetime.date
    overdue: list
    overdue_count: int
    curious: list
    celebrate: list
    missing: list
    missing_period: object
    #: ``[(cadence, period key)]`` of the entry grids where the missing values are typed in.
    missing_grids: list
    drivers_due: list

    @property
    def missing_count(self):
        return sum(len(m.kpis) for m in self.missing)


@dataclass
class MemberToday:
    next_meeting: Optional[Meeting]
    agenda: list
    scorecard: object
    period: object
    items: list


@dataclass
class SetupGaps:
    kpis: list = field(default_factory=list)
    kpi_count: int = 0
    no_manager: list = field(default_factory=list)
    no_manager_count: int = 0
    no_role: list = field(default_factory=list)
    no_role_count: int = 0

    @property
    def total(self):
        return self.kpi_count + self.no_manager_count + self.no_role_count


def last_completed_week(today=None):
    """The week before the one holding ``today``, by the organization's week start."""
    today = today or datetime.date.today()
    settings = org_settings.get()
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    return periods.shift(periods.containing(today, "weekly", ws, fy), -1, ws, fy)


def for_manager(viewer, today=None):
    """The manager's sections of Home (see the module's docstring for who is counted where)."""
    today = today or datetime.date.today()
    fy = org_settings.get().fiscal_year_start_month
    below = access.my_subtree(viewer)
    people = [p for p in scorecards.people_with_details(below).values() if p.active] if below else []
    people.sort(key=lambda p: (p.name.lower(), p.id))
    direct = [p for p in people if p.manager_id == viewer.id]
    others = [p for p in people if p.manager_id != viewer.id]
    view = last_completed_week(today)
    cards = scorecards.build(direct, view, history=HISTORY_WEEKS, today=today) if direct else []
    cards += scorecards.build(others, view, history=1, today=today) if others else []
    week_end = today + datetime.timedelta(days=WEEK_DAYS)
    overdue = [i for i in follow_through.open_action_items(below | {viewer.id}) if follow_through.is_overdue(i, today)]
    curious, celebrate = _band_changes(cards[:len(direct)], view, today)
    missing = _missing(cards, today)
    grids = sorted({(row.kpi.cadence, periods.key(row.current.period, fy)) for m in missing for row in m.kpis})
    due = agenda.drivers_due(direct, today)
    return ManagerToday(
        meetings=follow_through.upcoming_meetings(viewer, today, days=WEEK_DAYS),
        week_end=week_end,
        overdue=overdue[:ITEMS_SHOWN], overdue_count=len(overdue),
        curious=curious, celebrate=celebrate,
        missing=missing, missing_period=view, missing_grids=grids,
        drivers_due=[(p, due[p.id]) for p in direct if p.id in due],
    )


def _band_changes(cards, view, today):
    """KPIs of the direct reports now Fails ("get curious") or Exceeds ("celebrate") that were not in
    that band at the person's last held 1:1 (the week that 1:1 reviewed, as its agenda did). A 1:1
    held after the period ended has seen it already; no 1:1 in :data:`HISTORY_WEEKS` counts as none."""
    settings = org_settings.get()
    views = periods.series(view, HISTORY_WEEKS, settings.week_start, settings.fiscal_year_start_month)
    index = {v.start: i for i, v in enumerate(views)}
    dates = follow_through.meeting_dates([c.person.id for c in cards], today)
    curious, celebrate = [], []
    for card in cards:
        last_held = dates.get(card.person.id, (None, None))[0]
        if last_held is not None and last_held.date() > view.end:
            continue
        at = index.get(agenda.review_period(last_held.date()).start) if last_held else None
        for row in card.rows:
            band = row.current.band
            then = row.history[at].band if at is not None and at < len(row.history) else None
            if band == then or band not in (Band.FAILS, Band.EXCEEDS):
                continue
            (curious if band == Band.FAILS else celebrate).append(BandChange(card.person, row, then, last_held))
    return curious, celebrate


def _missing(cards, today):
    """Per person, the KPIs whose period has ended with no value, from their start date on."""
    found = []
    for card in cards:
        start = card.person.start_date
        rows = [row for row in card.rows if row.current.value is None and row.current.period.end < today
                and not (start and start > row.current.period.end)]
        if rows:
            found.append(MissingValues(card.person, rows))
    return found


def for_member(viewer, today=None):
    """A member's sections of Home: their next 1:1 and its agenda, their scorecard for the last
    completed week, their open action items."""
    today = today or datetime.date.today()
    manager = Person.alias()
    upcoming = (Meeting.select(Meeting, manager)
                .join(manager, on=(Meeting.manager == manager.id))
                .where((Meeting.report == viewer.id) & (Meeting.status == "planned")
                       & (Meeting.scheduled_for >= meetings.now()))
                .order_by(Meeting.scheduled_for, Meeting.id).first())
    view = last_completed_week(today)
    me = scorecards.people_with_details([viewer.id]).get(viewer.id)
    card = scorecards.build([me], view, history=1, today=today)[0] if me else None
    return MemberToday(next_meeting=upcoming, agenda=meetings.agenda_of(upcoming) if upcoming else [],
                       scorecard=card, period=view, items=follow_through.open_action_items([viewer.id]))


def setup_gaps():
    """For admins: active KPIs without any benchmark, and active people without a manager (other than
    the head of a reporting line: someone with reports) or without a job role. Three queries."""
    gaps = SetupGaps()
    kpis = KPI.select().where((KPI.active == True) & KPI.id.not_in(Benchmark.select(Benchmark.kpi)))  # noqa: E712
    gaps.kpis = list(kpis.order_by(KPI.name, KPI.id).limit(GAPS_SHOWN))
    gaps.kpi_count = len(gaps.kpis) if len(gaps.kpis) < GAPS_SHOWN else kpis.count()
    reports = Person.alias()
    heads = reports.select(reports.manager).where(reports.manager.is_null(False) & (reports.active == True))  # noqa: E712
    is_head = Person.id.in_(heads)
    lacking = list(Person.select(Person, is_head.alias("is_head"))
                   .where((Person.active == True)  # noqa: E712
                          & ((Person.manager.is_null() & ~is_head) | Person.role.is_null()))
                   .order_by(Person.name, Person.id))
    no_manager = [p for p in lacking if p.manager_id is None and not p.is_head]
    no_role = [p for p in lacking if p.role_id is None]
    gaps.no_manager, gaps.no_manager_count = no_manager[:GAPS_SHOWN], len(no_manager)
    gaps.no_role, gaps.no_role_count = no_role[:GAPS_SHOWN], len(no_role)
    return gaps
