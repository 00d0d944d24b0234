"""Rank stacks: people (or job roles, or teams) ordered by one KPI over a range of its periods, each
with its band. Shared by the page and the JSON API, so both obey the same visibility rules.

Choices (issue 4, point 5):

- The range is a run of the KPI's own periods. Without one, it is the **last 4 complete periods**
  (the period in progress is left out: its values are usually not all in yet). A range is never
  later than the period in progress: a later end (or start) is brought back to it (issue 13, item 5).
- A range that holds the period in progress says so, and a summed KPI's lines then cover only the
  part of it that has passed: the complete periods plus the share of the current one's days gone
  by (today included), so it is judged against the target so far, not a whole period's.
- Each person's value over the range is rolled up **in SQL** with the KPI's roll-up (SUM, AVG, MIN,
  MAX; "last" is the value of the latest period of the range that has one, through a subquery on
  ``MAX(period_start)``).
- The stack holds the **active people with at least one value in the range** (not every person whose
  scorecard has the KPI: someone with no data has no place to show).
- Each person is taken with the job role, level and team they held on the range's first day (their
  assignment then: a later promotion or move does not re-colour a past range), and the benchmark is
  the line for that role and level in force on that day; for a summed KPI its lines are multiplied
  by the number of the KPI's periods in the range
  (so far).
- Bands always come from the KPI's band rule (:func:`dualdash.kpis.bands.judge`).
- Visibility (DESIGN.md): an admin sees everyone; a manager sees themselves and the people below them
  (aggregates are computed over those people only); a member sees the whole organization with every
  other person unnamed, unless the organization names everyone, and aggregates over fewer than the
  minimum group size are hidden from them.
- The page shows a stack by person a page at a time (ranked among everyone, the viewer's own place
  always shown): every value is rolled up, benchmarked and ranked, but only the rows shown are judged
  by the band rule and named. The JSON API returns every row.

Every stack runs a fixed number of queries, whatever the number of people or periods."""
import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import Optional

from peewee import JOIN, fn

from dualdash.db import database
from dualdash.kpis import benchmarks, periods
from dualdash.kpis.bands import Judgement, judge
from dualdash.kpis.models import Measurement
from dualdash.kpis.scorecards import kpi_info
from dualdash.kpis.values_text import attainment_text, value_text
from dualdash.org import access, assignments
from dualdash.org import settings as org_settings
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.plugins.types import BenchmarkInfo, Period, PersonInfo

BY = ("person", "role", "team")
ORDERS = ("value", "attainment")
#: Periods in the default range.
DEFAULT_PERIODS = 4
#: The longest range one stack covers (a guard against typing 0001-01-01).
MAX_PERIODS = 1000
SQL_ROLLUPS = {"sum": "SUM", "mean": "AVG", "min": "MIN", "max": "MAX"}
NO_GROUP = {"role": "No job role", "team": "No team"}


class BadRequest(ValueError):
    """The request names a range, grouping or order that cannot be used.

    ``errors`` is a list of ``(field, message)``; ``str()`` is one sentence for them all."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(f"{name}: {message}." for name, message in errors))


@dataclass(frozen=True)
class Request:
    """What a stack is asked for: the KPI, its first and last period, grouping and order."""

    kpi: object
    first: Period
    last: Period
    by: str = "person"
    order: str = "value"


@dataclass(frozen=True)
class Audience:
    """Who looks at the stack: ``kind`` is "admin", "manager" or "member"; ``visible`` the ids a
    manager may see (None: everyone, named for admins and unnamed for members)."""

    person: Person
    kind: str
    visible: Optional[frozenset] = None


@dataclass
class Row:
    """One line of a stack: a person, or a job role or team (``people`` of them).

    ``id`` and ``name`` are None when the viewer may not know who it is; ``hidden`` rows (an
    aggregate over too few people, for a member) carry no figures at all."""

    rank: Optional[int]
    id: Optional[int]
    name: Optional[str]
    value: Optional[float]
    attainment: Optional[float]
    benchmark: Optional[BenchmarkInfo]
    judgement: Optional[Judgement]
    people: Optional[int]
    is_you: bool = False
    hidden: bool = False
    #: Breaks ties: a person's id (never their name, which would hint at who an unnamed row is),
    #: a group's name.
    tiebreak: str = field(default="", repr=False)

    @property
    def band(self):
        return self.judgement.band if self.judgement else None

    @property
    def named(self):
        return self.name is not None


@dataclass
class Stack:
    """A computed rank stack."""

    request: Request
    audience: Audience
    span: Period
    period_count: int
    rows: list = field(default_factory=list)
    min_group_size: int = 3
    #: The viewer has no value in the range (so no row of their own).
    you_missing: bool = False
    #: Rows in the whole stack; ``rows`` holds one page of them when the stack is paged.
    total: int = 0
    page: int = 1
    pages: int = 1
    #: The viewer's own row when the page shown does not hold it (their place is always shown).
    you: Optional[Row] = None
    #: The range holds the period in progress (its last period has not ended).
    in_progress: bool = False
    #: What a summed KPI's lines are multiplied by: ``period_count``, less the part of the period
    #: in progress that is still to come.
    target_share: float = 1.0

    @property
    def kpi(self):
        return self.request.kpi

    @property
    def hidden_count(self):
        return sum(1 for row in self.rows if row.hidden)


def audience(person, subtree=None):
    """The :class:`Audience` for ``person``; ``subtree`` (the ids below them) saves a query when
    already known (the pages pass :func:`dualdash.org.access.my_subtree`)."""
    if person.is_admin:
        return Audience(person, "admin")
    below = subtree if subtree is not None else access.subtree_ids(person.id)
    if below:
        return Audience(person, "manager", frozenset(set(below) | {person.id}))
    return Audience(person, "member")


def current_period(kpi, settings, today=None):
    """The KPI's period in progress (the one holding today)."""
    return periods.containing(today or datetime.date.today(), kpi.cadence, settings.week_start,
                              settings.fiscal_year_start_month)


def default_range(kpi, settings, today=None):
    """The last :data:`DEFAULT_PERIODS` complete periods of the KPI's cadence, oldest first."""
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    current = periods.containing(today or datetime.date.today(), kpi.cadence, ws, fy)
    last = periods.shift(current, -1, ws, fy)
    return periods.shift(last, -(DEFAULT_PERIODS - 1), ws, fy), last


def read_request(kpi, args, settings, today=None):
    """A :class:`Request` from query arguments ``from``, ``to``, ``by``, ``order`` (any may be
    missing); raises :class:`BadRequest` listing every bad one.

    Only ``from``: the range runs to the default last period (or is that one period when it is
    later). Only ``to``: the :data:`DEFAULT_PERIODS` periods ending there."""
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    errors = []
    by = (args.get("by") or "person").strip()
    order = (args.get("order") or "value").strip()
    if by not in BY:
        errors.append(("by", "choose person, role or team"))
    if order not in ORDERS:
        errors.append(("order", "choose value or attainment"))
    parsed = {}
    for name in ("from", "to"):
        text = (args.get(name) or "").strip()
        if text:
            try:
                parsed[name] = periods.parse(text, kpi.cadence, ws, fy)
            except ValueError as exc:
                errors.append((name, str(exc)))
    default_first, default_last = default_range(kpi, settings, today)
    first, last = parsed.get("from"), parsed.get("to")
    if not errors:
        try:
            if first is None and last is None:
                first, last = default_first, default_last
            elif last is None:
                last = max(default_last, first, key=lambda p: p.start)
            elif first is None:
                first = periods.shift(last, -(DEFAULT_PERIODS - 1), ws, fy)
        except (OverflowError, ValueError):
            errors.append(("from" if first is None else "to", "this period is too far from any other"))
    if not errors:
        # Never later than the period in progress: there is nothing to rank yet.
        current = current_period(kpi, settings, today)
        if last.start > current.start:
            last = current
        if first.start > current.start:
            first = current
    if not errors and first.start > last.start:
        errors.append(("to", f"the range ends ({periods.key(last, fy)}) before it starts "
                             f"({periods.key(first, fy)})"))
    if not errors and count_periods(first, last) > MAX_PERIODS:
        errors.append(("from", f"the range holds {count_periods(first, last)} periods: "
                               f"choose at most {MAX_PERIODS}"))
    if errors:
        raise BadRequest(errors)
    return Request(kpi=kpi, first=first, last=last, by=by, order=order)


def count_periods(first, last):
    """How many periods of one cadence run from ``first`` to ``last`` (both included)."""
    if first.cadence == "daily":
        return (last.start - first.start).days + 1
    if first.cadence == "weekly":
        return (last.start - first.start).days // 7 + 1
    months = (last.start.year - first.start.year) * 12 + last.start.month - first.start.month
    return months // {"monthly": 1, "quarterly": 3, "annual": 12}[first.cadence] + 1


def target_share(first, last, today=None):
    """How many of the range's periods have passed: all of them for a past range; for one that holds
    the period in progress, the complete ones plus the share of the last one's days gone by (today
    included). A summed KPI's lines are multiplied by it (the target so far)."""
    today = today or datetime.date.today()
    count = count_periods(first, last)
    if today > last.end:
        return float(count)
    days = (last.end - last.start).days + 1
    passed = min(days, max(0, (today - last.start).days + 1))
    return count - 1 + passed / days


def build(req, viewer, settings=None, page=None, per_page=None, today=None):
    """The :class:`Stack` for ``req`` as ``viewer`` (an :class:`Audience`) may see it.

    A stack by person is paged when ``page`` and ``per_page`` are given: ``rows`` holds that page
    (ranked among everyone), and ``you`` the viewer's own row when it is on another page. Every
    value, benchmark and attainment is computed to rank the whole stack, but only the rows shown
    are judged by the band rule and named, so a page of 50 costs little more than the one
    aggregate query, however many people the stack holds. ``today`` (default: the real today)
    decides whether the range is in progress and how much of it a summed KPI's lines cover."""
    settings = settings or org_settings.get()
    today = today or datetime.date.today()
    kpi = req.kpi
    span = Period(req.first.start, req.last.end, kpi.cadence)
    count = count_periods(req.first, req.last)
    share = target_share(req.first, req.last, today)
    found = held_on(person_values(kpi, span, viewer.visible), span.start, viewer.visible)
    lines = benchmarks.load([kpi.id]).get(kpi.id, []) if found else []
    entries = _entries(kpi, found, lines, span, share)
    stack = Stack(request=req, audience=viewer, span=span, period_count=count,
                  min_group_size=settings.min_group_size,
                  you_missing=not any(e.id == viewer.person.id for e in entries),
                  in_progress=today <= req.last.end, target_share=share)
    if req.by == "person":
        _person_page(stack, entries, viewer, settings, page, per_page)
    else:
        stack.rows = _ranked(_group_rows(kpi, entries, req.by, span, viewer, settings), req.order, kpi.direction)
        stack.total = len(stack.rows)
    return stack


#: Positions in a row of :func:`person_values` (tuples straight from the cursor: thousands of rows).
ID, VALUE, NAME, EMAIL, START_DATE, ROLE_ID, LEVEL_ID, TEAM_ID, TEAM, ROLE, LEVEL = range(11)


def person_values(kpi, span, visible=None):
    """Each active person's value over ``span``, rolled up with the KPI's roll-up in SQL, with what
    ranking, naming and judging their row needs, in one query (only people with a value in the
    span; only ``visible`` ids if given). Rows are tuples: ``(id, value, name, email, start_date,
    role_id, level_id, team_id, team name, role name, level name)``, indexed by the names below."""
    where = (Measurement.kpi == kpi.id) & (Measurement.period_start >= span.start) \
        & (Measurement.period_start <= span.end)
    if visible is not None:
        where &= Measurement.person.in_(sorted(visible))
    if kpi.rollup in SQL_ROLLUPS:
        aggregate = getattr(fn, SQL_ROLLUPS[kpi.rollup])(Measurement.value)
        values = (Measurement.select(Measurement.person.alias("pid"), aggregate.alias("value"))
                  .where(where).group_by(Measurement.person))
    else:  # "last": each person's value in the latest period of the span that has one
        latest = (Measurement.select(Measurement.person.alias("pid"),
                                     fn.MAX(Measurement.period_start).alias("latest"))
                  .where(where).group_by(Measurement.person))
        values = (Measurement.select(Measurement.person.alias("pid"), Measurement.value.alias("value"))
                  .join(latest, on=((Measurement.person == latest.c.pid)
                                    & (Measurement.period_start == latest.c.latest)))
                  .where(Measurement.kpi == kpi.id))
    query = (Person.select(Person.id, values.c.value, Person.name, Person.email, Person.start_date, Person.role,
                           Person.level, Person.team, Team.name, JobRole.name, Level.name)
             .join(values, on=(values.c.pid == Person.id))
             .join_from(Person, Team, JOIN.LEFT_OUTER)
             .join_from(Person, JobRole, JOIN.LEFT_OUTER)
             .join_from(Person, Level, JOIN.LEFT_OUTER)
             .where(Person.active == True))  # noqa: E712
    # Thousands of rows: read straight from the cursor (no conversion per value); the few rows
    # shown convert what they use (see _Entry.info).
    return [row for row in database.execute(query).fetchall() if row[VALUE] is not None]


def held_on(found, day, visible=None):
    """The rows of :func:`person_values` with each person's role, level and team (ids and names) as
    their assignment in force on ``day`` says (one query for the histories; a person without one
    keeps their current values)."""
    if not found:
        return found
    histories = assignments.load(visible)
    rows = []
    for row in found:
        history = histories.get(row[ID])
        if history:
            held = assignments.in_force(history, day)
            row = tuple(row[:ROLE_ID]) + (held.role_id, held.level_id, held.team_id, held.team, held.role,
                                          held.level)
        rows.append(row)
    return rows


@dataclass
class _Entry:
    """One person's place in a stack, before it is judged and named."""

    id: int
    value: float
    details: tuple
    benchmark: Optional[BenchmarkInfo]
    attainment: Optional[float]

    @property
    def role_id(self):
        return self.details[ROLE_ID]

    @property
    def team_id(self):
        return self.details[TEAM_ID]

    def info(self):
        """What a band rule knows of the person (as :func:`dualdash.kpis.scorecards.person_info`)."""
        d = self.details
        return PersonInfo(id=d[ID], name=d[NAME], email=d[EMAIL], role=d[ROLE], level=d[LEVEL], team=d[TEAM],
                          start_date=Person.start_date.python_value(d[START_DATE]))


def _entries(kpi, found, lines, span, share):
    """An :class:`_Entry` per row of :func:`person_values`: its line for the person's role and level
    in force on the span's first day (scaled by ``share`` for a summed KPI) and its attainment. The line is looked
    up once per role and level, not once per person."""
    lines_for, entries = {}, []
    for row in found:
        key = (row[ROLE_ID], row[LEVEL_ID])
        if key not in lines_for:
            line, _ = benchmarks.applicable(lines, row[ROLE_ID], row[LEVEL_ID], span.start)
            bench = benchmarks.info(line, row[ROLE], row[LEVEL])
            lines_for[key] = benchmarks.scaled(bench, share) if kpi.rollup == "sum" else bench
        bench = lines_for[key]
        value = float(row[VALUE])
        entries.append(_Entry(row[ID], value, row, bench, benchmarks.attainment(value, bench, kpi.direction)))
    return entries


def _person_page(stack, entries, viewer, settings, page, per_page):
    """Rank every person; name and judge only the rows shown (one page, and the viewer's own)."""
    req, kpi = stack.request, stack.request.kpi
    key = _sort_key(req.order, kpi.direction)
    ordered = sorted(entries, key=lambda e: key(False, e.value, e.attainment, e.id))
    stack.total = len(ordered)
    shown = range(len(ordered))
    if page is not None and per_page:
        stack.pages = max(1, math.ceil(len(ordered) / per_page))
        stack.page = min(max(1, page), stack.pages)
        shown = range((stack.page - 1) * per_page, min(len(ordered), stack.page * per_page))
    anonymous = viewer.kind == "member" and not settings.rank_stacks_name_everyone
    kinfo = kpi_info(kpi)

    def row(index):
        e = ordered[index]
        you = e.id == viewer.person.id
        named = you or not anonymous
        return Row(rank=index + 1, id=e.id if named else None, name=e.details[NAME] if named else None,
                   value=e.value, attainment=e.attainment, benchmark=e.benchmark if named else None,
                   judgement=judge(kpi.band_rule, e.value, kinfo, e.benchmark, e.info(), stack.span),
                   people=1, is_you=you, tiebreak=f"{e.id:012d}")
    stack.rows = [row(i) for i in shown]
    if not any(r.is_you for r in stack.rows):
        mine = next((i for i, e in enumerate(ordered) if e.id == viewer.person.id), None)
        stack.you = row(mine) if mine is not None else None


def _group_rows(kpi, entries, by, span, viewer, settings):
    """One row per job role or team (people's own team, not its parents).

    The group's value is the mean of its members' values (for a summed KPI: the mean per person).
    Its attainment is the mean of its members' attainments. Its band comes from the KPI's band
    rule, given the group's value, a :class:`BenchmarkInfo` whose Meets and Exceeds are the means of
    the members' own (scaled) lines, and a :class:`PersonInfo` standing for the group (id 0, the
    group's name as name, its role or team filled in): so a group is judged like a typical member,
    and a plugin rule sees that it judges a group. A member does not see the figures of a group of
    fewer than the organization's minimum group size."""
    groups = defaultdict(list)
    for e in entries:
        groups[e.role_id if by == "role" else e.team_id].append(e)
    kinfo = kpi_info(kpi)
    rows = []
    for group_id, members in groups.items():
        if group_id is None:
            name = NO_GROUP[by]
        else:
            name = members[0].details[ROLE] if by == "role" else members[0].details[TEAM]
        you = any(e.id == viewer.person.id for e in members)
        if viewer.kind == "member" and len(members) < settings.min_group_size:
            rows.append(Row(rank=None, id=group_id, name=name, value=None, attainment=None, benchmark=None,
                            judgement=None, people=None, is_you=you, hidden=True, tiebreak=name))
            continue
        value = fmean(e.value for e in members)
        bench = _mean_benchmark(members, name if by == "role" else None)
        ginfo = PersonInfo(id=0, name=name, email="", role=name if by == "role" else None,
                           team=name if by == "team" else None)
        attainments = [e.attainment for e in members if e.attainment is not None]
        rows.append(Row(rank=None, id=group_id, name=name, value=value,
                        attainment=fmean(attainments) if attainments else None, benchmark=bench,
                        judgement=judge(kpi.band_rule, value, kinfo, bench, ginfo, span),
                        people=len(members), is_you=you, tiebreak=name))
    return rows


def _mean_benchmark(members, role_name):
    meets = [e.benchmark.meets for e in members if e.benchmark and e.benchmark.meets is not None]
    exceeds = [e.benchmark.exceeds for e in members if e.benchmark and e.benchmark.exceeds is not None]
    if not meets and not exceeds:
        return None
    return BenchmarkInfo(meets=fmean(meets) if meets else None, exceeds=fmean(exceeds) if exceeds else None,
                         role=role_name)


def _sort_key(order, direction):
    """``key(hidden, value, attainment, tiebreak)``: best first; rows without the measure ordered by
    come after, hidden rows last; ``tiebreak`` settles the rest."""
    sign = -1 if direction == "higher" else 1

    def key(hidden, value, attainment, tiebreak):
        if hidden:
            return (2, 0, 0, tiebreak)
        if order == "attainment":
            if attainment is None:
                return (1, sign * value, 0, tiebreak)
            return (0, -attainment, sign * value, tiebreak)
        return (0, sign * value, -(attainment or 0), tiebreak)
    return key


def _ranked(rows, order, direction):
    """Best first, ranks 1..n; rows without the measure ordered by come after, hidden rows last."""
    key = _sort_key(order, direction)
    ordered = sorted(rows, key=lambda row: key(row.hidden, row.value, row.attainment, row.tiebreak))
    rank = 0
    for row in ordered:
        if not row.hidden:
            rank += 1
            row.rank = rank
    return ordered


def format_value(value, kpi, extra_decimals=0):
    """A value as every page writes it (:func:`dualdash.kpis.values_text.value_text`), "—" when there is none."""
    return value_text(value, kpi, extra_decimals, empty="—")


def format_attainment(attainment):
    """Attainment as a percentage of the Meets line ("112%"), "—" when there is none."""
    return attainment_text(attainment, empty="—")
