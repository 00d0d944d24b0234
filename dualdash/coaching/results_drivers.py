"""Results × drivers: where each person of a team stands on what they produce (KPI attainment) and
on how they show up (Performance Driver ratings), over a window of weeks.

- **x, attainment**: for each KPI of the person's scorecard, the mean attainment of its periods that
  start inside the window and have a value (each judged against the line in force for that period
  and the job role and level the person held then: no data is no data, never zero); then the mean
  over those KPIs, so every KPI weighs the same whatever its cadence. 1.0 is "on the Meets line".
- **y, drivers**: the mean of the person's driver ratings rated inside the window, each put on its
  driver's scale as 0 (lowest point) to 1 (highest point). Self-ratings and ratings of drivers no
  loaded plugin defines are left out.
- **quadrants**: split at attainment 100% and at the middle of the driver scale (0.5).

Who is shown: admins see every active person of the team and its sub-teams; a manager sees the
people below them in it (not themselves: this is a view for coaching one's people). Everything is
read in a fixed number of queries, whatever the number of people."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import Optional

from peewee import JOIN, fn

from dualdash.coaching.models import DriverRating
from dualdash.db import database
from dualdash.kpis import benchmarks, periods
from dualdash.kpis.models import Measurement
from dualdash.kpis.scorecards import kpis_for
from dualdash.org import assignments
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.plugins import manager as plugins

#: Weeks in the default window (ending with the current week).
DEFAULT_WEEKS = 13
MAX_WEEKS = 520
ATTAINMENT_SPLIT = 1.0
DRIVER_SPLIT = 0.5

#: The quadrants, by key: their name on the page and their corner of the chart.
QUADRANTS = {
    "sustainable": ("Sustainable", "top_right"),
    "at_risk": ("Results without drivers — at risk", "bottom_right"),
    "building": ("Drivers without results yet — building", "top_left"),
    "needs_support": ("Needs support", "bottom_left"),
}


class BadWindow(ValueError):
    """A window that cannot be used: ``errors`` is ``{field: message}``."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def quadrant(attainment, drivers):
    """The quadrant key of a point (None when either coordinate is missing)."""
    if attainment is None or drivers is None:
        return None
    results = attainment >= ATTAINMENT_SPLIT
    strong = drivers >= DRIVER_SPLIT
    if results:
        return "sustainable" if strong else "at_risk"
    return "building" if strong else "needs_support"


@dataclass
class Placement:
    """One person: their mean attainment (over ``kpis`` KPIs) and driver score (over ``ratings``)."""

    person: Person
    attainment: Optional[float] = None
    kpis: int = 0
    drivers: Optional[float] = None
    ratings: int = 0

    @property
    def quadrant(self):
        return quadrant(self.attainment, self.drivers)

    @property
    def status(self):
        """The quadrant's name, or why the person has no place yet."""
        if self.quadrant:
            return QUADRANTS[self.quadrant][0]
        if self.attainment is not None:
            return "Not rated yet"
        if self.drivers is not None:
            return "No KPI results yet"
        return "No KPI results and not rated yet"


@dataclass
class TeamView:
    """The team's people placed over the window ``first``..``last`` (weeks)."""

    team: Team
    first: object
    last: object
    placements: list = field(default_factory=list)
    #: (lowest, highest) when every known driver uses the same scale, else None.
    scale: Optional[tuple] = None

    @property
    def placed(self):
        return [p for p in self.placements if p.quadrant]

    @property
    def any_ratings(self):
        return any(p.ratings for p in self.placements)

    def driver_text(self, placement):
        """The driver score as people read it: "3.8 of 5" on a shared scale, else a share of it."""
        if placement.drivers is None:
            return "not rated yet"
        if self.scale:
            low, high = self.scale
            return f"{low + placement.drivers * (high - low):.1f} of {high}"
        return f"{placement.drivers * 100:.0f}% of the scale"


def default_window(settings, today=None):
    """The :data:`DEFAULT_WEEKS` weeks ending with the current one (so today's ratings count)."""
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    last = periods.containing(today or datetime.date.today(), "weekly", ws, fy)
    return periods.shift(last, -(DEFAULT_WEEKS - 1), ws, fy), last


def read_window(args, settings, today=None):
    """The window's first and last week from ``from``/``to`` (a week like 2026-W47 or a date);
    raises :class:`BadWindow`. Only ``from``: up to the current week (or that one week when it is
    later); only ``to``: the :data:`DEFAULT_WEEKS` weeks ending there."""
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    errors, parsed = {}, {}
    for name in ("from", "to"):
        text = (args.get(name) or "").strip()
        if not text:
            continue
        try:
            parsed[name] = periods.parse(text, "weekly", ws, fy)
        except ValueError as exc:
            message = str(exc)
            errors[name] = (f"“{text}” is not a week: give a week like 2026-W47 or a date inside one"
                            if "this KPI" in message else message)
    if errors:
        raise BadWindow(errors)
    default_first, default_last = default_window(settings, today)
    first, last = parsed.get("from"), parsed.get("to")
    try:
        if first is None and last is None:
            first, last = default_first, default_last
        elif first is None:
            first = periods.shift(last, -(DEFAULT_WEEKS - 1), ws, fy)
        elif last is None:
            last = max(default_last, first, key=lambda p: p.start)
    except (OverflowError, ValueError):
        raise BadWindow({"from" if first is None else "to": "this week is too far from any other"}) from None
    if first.start > last.start:
        raise BadWindow({"to": f"the window ends ({periods.key(last)}) before it starts ({periods.key(first)})"})
    if (last.start - first.start).days // 7 + 1 > MAX_WEEKS:
        raise BadWindow({"from": f"choose a window of at most {MAX_WEEKS} weeks"})
    return first, last


def people_in(team_ids, visible=None):
    """Active people of these teams (only ``visible`` ids if given), with team, role and level,
    ordered by name, in one query."""
    where = Person.team.in_(sorted(team_ids)) & (Person.active == True)  # noqa: E712
    if visible is not None:
        where &= Person.id.in_(sorted(visible) or [0])
    return list(Person.select(Person, Team, JobRole, Level)
                .join_from(Person, Team, JOIN.LEFT_OUTER)
                .join_from(Person, JobRole, JOIN.LEFT_OUTER)
                .join_from(Person, Level, JOIN.LEFT_OUTER)
                .where(where).order_by(Person.name, Person.id))


def build(team, people, first, last):
    """The :class:`TeamView` of ``people`` (with team, role and level loaded) over weeks
    ``first``..``last``."""
    view = TeamView(team=team, first=first, last=last,
                    placements=[Placement(person=p) for p in people], scale=_shared_scale())
    if not people:
        return view
    _place_results(view, people, first.start, last.end)
    _place_drivers(view, first.start, last.end)
    return view


def _place_results(view, people, start, end):
    kpis_by_person = kpis_for(people)
    kpis = {k.id: k for ks in kpis_by_person.values() for k in ks}
    if not kpis:
        return
    lines = benchmarks.load(kpis)
    query = (Measurement.select(Measurement.person, Measurement.kpi, Measurement.period_start, Measurement.value)
             .where(Measurement.person.in_([p.id for p in people]) & Measurement.kpi.in_(list(kpis))
                    & (Measurement.period_start >= start) & (Measurement.period_start <= end)))
    # Thousands of values (people × KPIs × weeks): read straight from the cursor, and work out each
    # period's date and each role and level's line once, not once per value.
    values = defaultdict(list)
    for person_id, kpi_id, period_start, value in database.execute(query).fetchall():
        values[(person_id, kpi_id)].append((period_start, value))
    histories = assignments.load([p.id for p in people])
    days, benches = {}, {}
    for placement in view.placements:
        person = placement.person
        person_id, role_id, level_id = person.id, person.role_id, person.level_id
        history = histories.get(person_id)
        per_kpi = []
        for kpi in kpis_by_person.get(person_id, []):
            kpi_id, direction = kpi.id, kpi.direction
            found = []
            for period_start, value in values.get((person_id, kpi_id), []):
                if period_start not in days:
                    days[period_start] = Measurement.period_start.python_value(period_start)
                if history:  # the role and level held in that period
                    held = assignments.in_force(history, days[period_start])
                    role_id, level_id = held.role_id, held.level_id
                key = (kpi_id, role_id, level_id, period_start)
                if key not in benches:
                    row, _ = benchmarks.applicable(lines.get(kpi_id, []), role_id, level_id, days[period_start])
                    benches[key] = benchmarks.info(row)
                reached = benchmarks.attainment(value, benches[key], direction)
                if reached is not None:
                    found.append(reached)
            if found:
                per_kpi.append(fmean(found))
        if per_kpi:
            placement.attainment, placement.kpis = fmean(per_kpi), len(per_kpi)


def _place_drivers(view, start, end):
    drivers = plugins.current().drivers
    by_id = {p.person.id: p for p in view.placements}
    # One aggregate per person and driver; scores are put on each driver's own scale afterwards,
    # which gives the same mean as normalising each rating (the scaling is linear).
    query = (DriverRating.select(DriverRating.person, DriverRating.driver_key,
                                 fn.AVG(DriverRating.score), fn.COUNT(DriverRating.id))
             .where(DriverRating.person.in_(list(by_id)) & (DriverRating.is_self == False)  # noqa: E712
                    & (DriverRating.rated_on >= start) & (DriverRating.rated_on <= end))
             .group_by(DriverRating.person, DriverRating.driver_key).tuples())
    totals = defaultdict(lambda: [0.0, 0])
    for person_id, key, mean, count in query:
        driver = drivers.get(key)
        if driver is None or mean is None:
            continue
        low, high = _bounds(driver)
        totals[person_id][0] += (float(mean) - low) / (high - low) * count
        totals[person_id][1] += count
    for person_id, (weighted, count) in totals.items():
        if count:
            by_id[person_id].drivers = min(max(weighted / count, 0.0), 1.0)
            by_id[person_id].ratings = count


def _bounds(driver):
    values = [point.value for point in driver.scale]
    return min(values), max(values)


def _shared_scale():
    scales = {_bounds(d) for d in plugins.current().drivers.values()}
    return scales.pop() if len(scales) == 1 else None
