"""Scorecards computed in the database and assembled in Python: values, benchmarks, bands,
attainment, trends and coaching prompts for one or many people, in a fixed number of queries.

A *view* period may be longer than a KPI's cadence (a weekly KPI seen by month): the KPI's values
inside it are rolled up with the KPI's roll-up, and a summed KPI's lines are multiplied by the
number of its periods inside the view. A view shorter than the KPI's cadence shows the KPI's period
that contains the view's first day."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import Optional

from dualdash.kpis import benchmarks, periods
from dualdash.kpis.bands import Judgement, judge
from dualdash.kpis.models import KPI, Measurement, Scorecard, ScorecardKPI
from dualdash.org import assignments
from dualdash.org import settings as org_settings
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.plugins import manager as plugins
from dualdash.plugins.types import Band, KPIInfo, PersonInfo, Situation

TREND_PERIODS = 3
BAND_SITUATION = {Band.EXCEEDS: Situation.KPI_EXCEEDS, Band.MEETS: Situation.KPI_MEETS,
                  Band.FAILS: Situation.KPI_FAILS}


@dataclass
class Point:
    """One KPI for one person in one period."""

    period: object
    value: Optional[float]
    benchmark: object
    judgement: Judgement
    attainment: Optional[float]
    #: The note entered with the value (for a rolled-up view, the notes of the periods inside it).
    note: Optional[str] = None

    @property
    def band(self):
        return self.judgement.band


@dataclass
class KPIRow:
    """A KPI on a scorecard: the chosen period's point, the history (oldest first) and prompts."""

    kpi: KPI
    current: Point
    history: list
    previous_band: Optional[Band] = None
    trend: Optional[str] = None  # "up" / "down": better / worse over the last periods
    questions: list = field(default_factory=list)

    @property
    def changed_band(self):
        return self.previous_band is not None and self.current.band is not None \
            and self.previous_band != self.current.band


@dataclass
class PersonScorecard:
    person: Person
    period: object
    rows: list

    @property
    def counts(self):
        """``{Band.EXCEEDS: n, Band.MEETS: n, Band.FAILS: n, None: n}`` over the chosen period."""
        tally = {Band.EXCEEDS: 0, Band.MEETS: 0, Band.FAILS: 0, None: 0}
        for row in self.rows:
            tally[row.current.band] += 1
        return tally


def people_with_details(ids):
    """People with their team, role and level, in one query, keyed by id."""
    query = (Person.select(Person, Team, JobRole, Level)
             .join_from(Person, Team, on=(Person.team == Team.id), join_type="LEFT OUTER JOIN")
             .join_from(Person, JobRole, on=(Person.role == JobRole.id), join_type="LEFT OUTER JOIN")
             .join_from(Person, Level, on=(Person.level == Level.id), join_type="LEFT OUTER JOIN")
             .where(Person.id.in_(list(ids))))
    return {p.id: p for p in query}


def kpis_for(people):
    """``{person_id: [KPI, …]}``: their role's scorecard, then KPIs added for them, in order (one query)."""
    role_ids = {p.role_id for p in people if p.role_id}
    person_ids = {p.id for p in people}
    query = (ScorecardKPI.select(ScorecardKPI, Scorecard, KPI)
             .join(Scorecard).switch(ScorecardKPI).join(KPI)
             .where(KPI.active == True  # noqa: E712
                    & ((Scorecard.role.in_(list(role_ids) or [0]) & Scorecard.person.is_null())
                       | Scorecard.person.in_(list(person_ids) or [0])))
             .order_by(Scorecard.person.is_null(False), ScorecardKPI.position, ScorecardKPI.id))
    by_role, by_person = defaultdict(list), defaultdict(list)
    for item in query:
        target = by_person[item.scorecard.person_id] if item.scorecard.person_id else by_role[item.scorecard.role_id]
        target.append(item.kpi)
    result = {}
    for p in people:
        seen, kpis = set(), []
        for kpi in by_role.get(p.role_id, []) + by_person.get(p.id, []):
            if kpi.id not in seen:
                seen.add(kpi.id)
                kpis.append(kpi)
        result[p.id] = kpis
    return result


def build(people, view, history=13, kpis_by_person=None, today=None):
    """Scorecards of ``people`` (with team/role/level loaded) for the ``view`` period.

    ``history`` periods of the view's cadence end with ``view`` (the trend). Runs a fixed number of
    queries: the KPIs (unless given), their benchmarks and the measurements. ``today`` (default: the
    real today) decides how much of a period still in progress a summed KPI's target covers."""
    settings = org_settings.get()
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    today = today or datetime.date.today()
    kpis_by_person = kpis_by_person if kpis_by_person is not None else kpis_for(people)
    all_kpis = {k.id: k for ks in kpis_by_person.values() for k in ks}
    views = periods.series(view, max(1, history), ws, fy)
    lines = benchmarks.load(all_kpis)
    values = _values(people, all_kpis.values(), views, ws, fy)
    # Each period is judged by the role and level the person held then (one query for everyone).
    histories = assignments.load([p.id for p in people]) if people else {}
    fw = plugins.current()
    # What many points share is worked out once: the KPI's period holding a view, what a band rule
    # knows of each KPI, the line for a role and level on a date (a team shares a few roles and levels).
    shared = {}
    cards = []
    for person in people:
        held = _Held(person, histories.get(person.id))
        rows = []
        for kpi in kpis_by_person.get(person.id, []):
            points = [_point(kpi, person, held, v, values, lines, ws, fy, today, shared) for v in views]
            row = KPIRow(kpi=kpi, current=points[-1], history=points)
            if len(points) > 1:
                row.previous_band = points[-2].band
            row.trend = _trend(points, kpi.direction)
            row.questions = _questions(fw, row)
            rows.append(row)
        cards.append(PersonScorecard(person=person, period=view, rows=rows))
    return cards


def person_info(person, held=None):
    """What a band rule knows of a person: their current role, level and team, or those of
    ``held`` (an :class:`dualdash.org.assignments.Held`, what they held in a period)."""
    if held is not None:
        return PersonInfo(id=person.id, name=person.name, email=person.email, role=held.role,
                          level=held.level, team=held.team, start_date=person.start_date)
    return PersonInfo(id=person.id, name=person.name, email=person.email,
                      role=person.role.name if person.role_id else None,
                      level=person.level.name if person.level_id else None,
                      team=person.team.name if person.team_id else None, start_date=person.start_date)


class _Held:
    """A person's assignments while their scorecard is built: what they held on a date, and what a
    band rule knows of them then (worked out once per assignment)."""

    def __init__(self, person, history):
        self.person, self.history = person, history or []
        self._infos = {}
        self._now = None

    def on(self, day):
        """``(Held, PersonInfo)`` in force on ``day``."""
        if self.history:
            held = assignments.in_force(self.history, day)
        else:
            if self._now is None:
                self._now = assignments.current(self.person)
            held = self._now
        if held not in self._infos:
            self._infos[held] = person_info(self.person, held)
        return held, self._infos[held]


def kpi_info(kpi):
    return KPIInfo(key=kpi.key, name=kpi.name, direction=kpi.direction, unit=kpi.unit, cadence=kpi.cadence)


def _values(people, kpis, views, ws, fy):
    """``{(person_id, kpi_id): {period_start: (value, note)}}`` over the whole range, one query."""
    kpis = list(kpis)
    if not people or not kpis:
        return {}
    first = min(periods.containing(views[0].start, k.cadence, ws, fy).start for k in kpis)
    query = (Measurement.select(Measurement.person, Measurement.kpi, Measurement.period_start,
                                Measurement.value, Measurement.note)
             .where(Measurement.person.in_([p.id for p in people]) & Measurement.kpi.in_([k.id for k in kpis])
                    & (Measurement.period_start >= first) & (Measurement.period_start <= views[-1].end))
             .tuples())
    found = defaultdict(dict)
    for person_id, kpi_id, start, value, note in query:
        found[(person_id, kpi_id)][start] = (value, note)
    return found


def _point(kpi, person, held_by, view, values, lines, ws, fy, today, shared):
    own = values.get((person.id, kpi.id), {})
    key = ("period", kpi.cadence, kpi.rollup == "sum", view)
    if key not in shared:
        if periods.longer_or_equal(kpi.cadence, view.cadence):
            # The KPI's own period holding the view (the view itself when the cadences match).
            shared[key] = (True, periods.containing(view.start, kpi.cadence, ws, fy), 1)
        else:
            summed = kpi.rollup == "sum"
            shared[key] = (False, view, _periods_inside(view, kpi.cadence, ws, fy, today) if summed else 1)
    one_period, period, factor = shared[key]
    if one_period:
        value, note = own.get(period.start, (None, None))
        note = note or None
    else:
        inside = sorted((start, v) for start, v in own.items() if view.start <= start <= view.end)
        value = rollup(kpi.rollup, [v[0] for _, v in inside])
        note = " · ".join(v[1] for _, v in inside if v[1]) or None
    held, pinfo = held_by.on(period.start)
    line_key = ("line", kpi.id, held.role_id, held.level_id, period.start, factor)
    if line_key not in shared:
        row, _ = benchmarks.applicable(lines.get(kpi.id, []), held.role_id, held.level_id, period.start)
        shared[line_key] = benchmarks.scaled(benchmarks.info(row, held.role, held.level), factor)
    bench = shared[line_key]
    if value is None:
        judgement = Judgement(None, kpi.band_rule)
    else:
        info_key = ("kpi", kpi.id)
        if info_key not in shared:
            shared[info_key] = kpi_info(kpi)
        judgement = judge(kpi.band_rule, value, shared[info_key], bench, pinfo, period)
    return Point(period=period, value=value, benchmark=bench, judgement=judgement,
                 attainment=benchmarks.attainment(value, bench, kpi.direction), note=note)


def rollup(how, numbers):
    """Combine a KPI's values over a longer period (oldest first); None when there are none."""
    if not numbers:
        return None
    if how == "sum":
        return float(sum(numbers))
    if how == "mean":
        return fmean(numbers)
    if how == "min":
        return min(numbers)
    if how == "max":
        return max(numbers)
    return numbers[-1]  # "last"


def _periods_inside(view, cadence, ws, fy, today):
    """How many periods of ``cadence`` start inside ``view`` — so far, for a view still in progress
    (a month half gone is judged against half a month's target)."""
    last_day = min(view.end, today)
    count, period = 0, periods.containing(view.start, cadence, ws, fy)
    if period.start < view.start:
        period = periods.shift(period, 1, ws, fy)
    while period.start <= last_day:
        count += 1
        period = periods.shift(period, 1, ws, fy)
    return max(count, 1)


def _trend(points, direction):
    """"up" when the last few values kept getting better, "down" when they kept getting worse."""
    recent = [p.value for p in points[-TREND_PERIODS:]]
    if len(recent) < TREND_PERIODS or any(v is None for v in recent):
        return None
    rising = all(a < b for a, b in zip(recent, recent[1:]))
    falling = all(a > b for a, b in zip(recent, recent[1:]))
    if direction == "lower":
        rising, falling = falling, rising
    return "up" if rising else "down" if falling else None


def _questions(fw, row):
    """Coaching questions for the row's situation: its band, and its trend."""
    key = row.kpi.key
    found = []
    if row.current.band in BAND_SITUATION and (row.changed_band or row.current.band != Band.MEETS):
        found += fw.questions_for(BAND_SITUATION[row.current.band], kpi=key)
    if row.trend == "up":
        found += fw.questions_for(Situation.KPI_TRENDING_UP, kpi=key)
    elif row.trend == "down":
        found += fw.questions_for(Situation.KPI_TRENDING_DOWN, kpi=key)
    return found


def band_counts(cards, count):
    """How many scorecard cells of ``cards`` (built with ``history=count``) were in each band, period by
    period: a list of ``count`` dicts ``{Band.EXCEEDS: n, Band.MEETS: n, Band.FAILS: n, None: n}``,
    oldest first (None: no data or no benchmark)."""
    tallies = [{Band.EXCEEDS: 0, Band.MEETS: 0, Band.FAILS: 0, None: 0} for _ in range(count)]
    for card in cards:
        for row in card.rows:
            # The history ends with the chosen period: align it on the right.
            for tally, point in zip(tallies[count - len(row.history):], row.history):
                tally[point.band] += 1
    return tallies
