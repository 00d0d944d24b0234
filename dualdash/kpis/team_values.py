"""Team values: the KPIs on a team's own scorecard (Admin → Scorecards → a team), measured for the
team itself rather than for a person in it, judged against the KPI's line for everyone (a benchmark
with no role and no level) and banded through the KPI's band rule like any other value.

Read by the team scorecard page, entered in the grid, the CSV import (a ``team`` column instead of
``person``) and the API, and carried by export/import-all (the table is a :class:`BaseModel`).
Who may see and enter them: :func:`dualdash.org.access.team_value_ids`."""
import datetime
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple, Optional

from dualdash.db import utcnow, write_transaction
from dualdash.kpis import benchmarks, periods
from dualdash.kpis import scorecards as person_scorecards
from dualdash.kpis.measurements import Counts, Problem, parse_value
from dualdash.kpis.models import KPI, Scorecard, ScorecardKPI, TeamMeasurement
from dualdash.org import assignments, audit
from dualdash.org import settings as org_settings
from dualdash.org.access import team_value_ids
from dualdash.org.models import Team
from dualdash.plugins import manager as plugins
from dualdash.plugins.types import PersonInfo

AUDIT_OBJECT = "TeamMeasurement"


class TeamEntry(NamedTuple):
    """A valid team value to store; ``value`` None means "no data" (a stored value is removed)."""

    team_id: int
    kpi_id: int
    period_start: datetime.date
    value: Optional[float]
    note: Optional[str] = None


@dataclass
class TeamScorecard:
    """A team's own KPIs for one period: rows are :class:`dualdash.kpis.scorecards.KPIRow`."""

    team: Team
    period: object
    rows: list

    @property
    def counts(self):
        tally = {band: 0 for band in person_scorecards.BAND_SITUATION}
        tally[None] = 0
        for row in self.rows:
            tally[row.current.band] += 1
        return tally


def kpis_for_teams(team_ids=None):
    """``{team_id: [KPI, …]}``: the active KPIs on each team's own scorecard, in order (one query).
    ``team_ids`` None: every team."""
    query = (ScorecardKPI.select(ScorecardKPI, Scorecard, KPI)
             .join(Scorecard).switch(ScorecardKPI).join(KPI)
             .where((KPI.active == True) & Scorecard.team.is_null(False)  # noqa: E712
                    & Scorecard.role.is_null() & Scorecard.person.is_null())
             .order_by(ScorecardKPI.position, ScorecardKPI.id))
    if team_ids is not None:
        query = query.where(Scorecard.team.in_(sorted(team_ids) or [0]))
    found = defaultdict(list)
    for item in query:
        kpis = found[item.scorecard.team_id]
        if all(k.id != item.kpi.id for k in kpis):
            kpis.append(item.kpi)
    return dict(found)


def team_info(team):
    """What a band rule knows of the team measured: a :class:`PersonInfo` with no id, email, role
    or level, named after the team (so a rule written for people judges a team by its line alone)."""
    return PersonInfo(id=None, name=team.name, email="", team=team.name)


def build(teams, view, history=13, kpis_by_team=None, today=None):
    """The :class:`TeamScorecard` of each of ``teams`` for the ``view`` period, with ``history``
    periods of trend. A fixed number of queries: the KPIs (unless given), their benchmarks and the
    values."""
    settings = org_settings.get()
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    today = today or datetime.date.today()
    kpis_by_team = kpis_by_team if kpis_by_team is not None else kpis_for_teams([t.id for t in teams])
    all_kpis = {k.id: k for ks in kpis_by_team.values() for k in ks}
    views = periods.series(view, max(1, history), ws, fy)
    lines = benchmarks.load(all_kpis)
    values = _values([t.id for t in teams if kpis_by_team.get(t.id)], all_kpis.values(), views, ws, fy)
    fw = plugins.current()
    shared, cards = {}, []
    for team in teams:
        # The team stands where a person would: no role and no level, so the line for everyone applies.
        subject = SimpleNamespace(id=team.id, role_id=None, level_id=None)
        info = _Always(assignments.Held(None, None, None, team.id), team_info(team))
        rows = []
        for kpi in kpis_by_team.get(team.id, []):
            points = [person_scorecards._point(kpi, subject, info, v, values, lines, ws, fy, today, shared)
                      for v in views]
            row = person_scorecards.KPIRow(kpi=kpi, current=points[-1], history=points)
            if len(points) > 1:
                row.previous_band = points[-2].band
            row.trend = person_scorecards._trend(points, kpi.direction)
            row.questions = person_scorecards._questions(fw, row)
            rows.append(row)
        cards.append(TeamScorecard(team=team, period=view, rows=rows))
    return cards


def _values(team_ids, kpis, views, ws, fy):
    """``{(team_id, kpi_id): {period_start: (value, note)}}`` over the whole range, one query."""
    kpis = list(kpis)
    if not team_ids or not kpis:
        return {}
    first = min(periods.containing(views[0].start, k.cadence, ws, fy).start for k in kpis)
    query = (TeamMeasurement.select(TeamMeasurement.team, TeamMeasurement.kpi, TeamMeasurement.period_start,
                                    TeamMeasurement.value, TeamMeasurement.note)
             .where(TeamMeasurement.team.in_(team_ids) & TeamMeasurement.kpi.in_([k.id for k in kpis])
                    & (TeamMeasurement.period_start >= first) & (TeamMeasurement.period_start <= views[-1].end))
             .tuples())
    found = defaultdict(dict)
    for team_id, kpi_id, start, value, note in query:
        found[(team_id, kpi_id)][start] = (value, note)
    return found


def stored(team_ids, kpi_ids, period_start):
    """``{(team_id, kpi_id): (value, note)}`` stored for one period (one query): for the grid."""
    if not team_ids or not kpi_ids:
        return {}
    query = (TeamMeasurement.select(TeamMeasurement.team, TeamMeasurement.kpi, TeamMeasurement.value,
                                    TeamMeasurement.note)
             .where(TeamMeasurement.team.in_(sorted(team_ids)) & TeamMeasurement.kpi.in_(sorted(kpi_ids))
                    & (TeamMeasurement.period_start == period_start))
             .tuples())
    return {(team_id, kpi_id): (value, note) for team_id, kpi_id, value, note in query}


# --- writing ------------------------------------------------------------------------------------

class TeamWriter:
    """Checks raw team values for one actor, with the lookups loaded once: the teams (by name, or
    id for the grid), the active KPIs, each team's own scorecard, and the teams the actor may enter
    values for (admins: every team; managers: teams with someone below them)."""

    def __init__(self, actor, noun="line"):
        self.noun = noun
        self.settings = org_settings.get()
        self.teams = {t.name.strip().lower(): t for t in Team.select(Team.id, Team.name)}
        self.team_names = {t.id: t.name for t in self.teams.values()}
        self.kpis = {k.key: k for k in KPI.select().where(KPI.active == True)}  # noqa: E712
        self.on_card = {team_id: {k.id for k in kpis} for team_id, kpis in kpis_for_teams().items()}
        self.allowed = None if actor.is_admin else team_value_ids(actor)
        self.seen = {}

    def entry(self, where, team, kpi, period, value, note=None):
        """A :class:`TeamEntry` from raw texts (``team``: a team's name, or its id as an int), or the
        list of :class:`Problem` found in them."""
        problems = []
        team_id = None
        if isinstance(team, int):
            team_id = team if team in self.team_names else None
            name = self.team_names.get(team_id, str(team))
            if team_id is None:
                problems.append(Problem(where, "team", f"there is no team with id {team}"))
        else:
            name = (team or "").strip()
            found = self.teams.get(name.lower())
            if not name:
                problems.append(Problem(where, "team", "the team's name is missing"))
            elif found is None:
                problems.append(Problem(where, "team", f"there is no team named “{name}”"))
            else:
                team_id, name = found.id, found.name
        if team_id is not None and self.allowed is not None and team_id not in self.allowed:
            problems.append(Problem(where, "team", f"you may not enter values for the team {name}"))
            team_id = None
        key = (kpi or "").strip()
        kpi_obj = self.kpis.get(key)
        if kpi_obj is None:
            problems.append(Problem(where, "kpi", f"no active KPI has the key “{key}”" if key
                                    else "the KPI key is missing"))
        elif team_id is not None and kpi_obj.id not in self.on_card.get(team_id, ()):
            problems.append(Problem(where, "kpi", f"{kpi_obj.name} ({key}) is not on the scorecard of the "
                                                  f"team {name}: add it under Admin → Scorecards first"))
        period_start = None
        if kpi_obj is not None:
            try:
                period_start = periods.parse(str(period or ""), kpi_obj.cadence, self.settings.week_start,
                                             self.settings.fiscal_year_start_month).start
            except ValueError as exc:
                problems.append(Problem(where, "period", str(exc)))
        number, message = parse_value(value, kpi_obj)
        if message:
            problems.append(Problem(where, "value", message))
        note = (note or "").strip() or None
        if note and len(note) > 2000:
            problems.append(Problem(where, "note", "the note is longer than 2,000 characters"))
        if problems:
            return problems
        entry_key = (team_id, kpi_obj.id, period_start)
        if entry_key in self.seen:
            return [Problem(where, "period", f"the same team, KPI and period as {self.noun} {self.seen[entry_key]}")]
        self.seen[entry_key] = where
        return TeamEntry(team_id, kpi_obj.id, period_start, number, note)


def validate(actor, rows, noun="line"):
    """Check raw rows ``(where, team, kpi, period, value, note)``: ``(entries, problems)``."""
    writer = TeamWriter(actor, noun)
    entries, problems = [], []
    for row in rows:
        result = writer.entry(*row)
        if isinstance(result, TeamEntry):
            entries.append(result)
        else:
            problems.extend(result)
    return entries, problems


def _audited(key, value, note):
    team_id, kpi_id, period_start = key
    return {"team": team_id, "kpi": kpi_id, "period_start": period_start, "value": value, "note": note or None}


def write(entries, actor_id, audit_each=False, counts=None):
    """Store valid team entries in one transaction (insert, update, or remove for "no data");
    writing the same entries twice changes nothing. With ``audit_each`` every change gets its own
    audit entry. Returns the :class:`Counts` (added to ``counts`` when given)."""
    counts = counts if counts is not None else Counts()
    if not entries:
        return counts
    now = utcnow()
    changes = []
    with write_transaction():
        existing = {}
        for start in range(0, len(entries), 300):
            part = entries[start:start + 300]
            query = (TeamMeasurement.select(TeamMeasurement.id, TeamMeasurement.team, TeamMeasurement.kpi,
                                            TeamMeasurement.period_start, TeamMeasurement.value,
                                            TeamMeasurement.note)
                     .where(TeamMeasurement.team.in_(sorted({e.team_id for e in part}))
                            & TeamMeasurement.kpi.in_(sorted({e.kpi_id for e in part}))
                            & TeamMeasurement.period_start.in_(sorted({e.period_start for e in part})))
                     .tuples())
            for row_id, team_id, kpi_id, day, value, note in query:
                existing[(team_id, kpi_id, day)] = (row_id, value, note)
        for e in entries:
            key = (e.team_id, e.kpi_id, e.period_start)
            old = existing.get(key)
            if e.value is None:
                if old is not None:
                    TeamMeasurement.delete().where(TeamMeasurement.id == old[0]).execute()
                    counts.removed += 1
                    changes.append(("delete", old[0], _audited(key, old[1], old[2]), None))
                continue
            if old is None:
                row_id = TeamMeasurement.insert(team=e.team_id, kpi=e.kpi_id, period_start=e.period_start,
                                                value=e.value, note=e.note, entered_by=actor_id,
                                                updated_at=now).execute()
                counts.created += 1
                changes.append(("create", row_id, None, _audited(key, e.value, e.note)))
            elif old[1] == e.value and (old[2] or None) == e.note:
                counts.unchanged += 1
            else:
                TeamMeasurement.update(value=e.value, note=e.note, entered_by=actor_id, updated_at=now) \
                    .where(TeamMeasurement.id == old[0]).execute()
                counts.updated += 1
                changes.append(("update", old[0], _audited(key, old[1], old[2]), _audited(key, e.value, e.note)))
        if audit_each and changes:
            audit.record_many([audit.entry(action, AUDIT_OBJECT, before, after, actor=actor_id, at=now,
                                           object_id=row_id) for action, row_id, before, after in changes])
    return counts


class _Always:
    """What a team "holds" on any date, as a person's scorecard asks it (``on(day)``): no role, no level,
    so every period is judged against the KPI's line for everyone."""

    def __init__(self, held, info):
        self.held, self.info = held, info

    def on(self, day):
        """``(held, PersonInfo)``: the same on every day."""
        return self.held, self.info
