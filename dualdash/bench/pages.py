"""The pages the benchmark measures: who opens them, on which objects, and the targets they must meet.

The objects are chosen from the database the same way every time, so two runs on the same
organization measure the same pages: the demo sign-ins (``admin@``, ``manager@`` and ``member@``
``example.com``), the team whose people (with its sub-teams) number closest to
:data:`TEAM_SIZE`, the KPI on the most role scorecards (every person has it), the latest week with
values of that KPI, and the manager's latest held 1:1 with the member."""
import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Callable, Optional

from dualdash.bench import floors
from dualdash.kpis import periods
from dualdash.org import settings as org_settings

#: The size of team the team pages are measured on.
TEAM_SIZE = 50
#: Weeks in the rank stacks' range (the page's default length).
STACK_WEEKS = 4
#: The name of the API token the benchmark creates for itself (replaced on every run).
TOKEN_NAME = "dualdash bench"
#: The most a page may take relative to its floor.
MAX_RATIO = 2.5


class BenchError(Exception):
    """The benchmark cannot run: a clear message, no stack trace."""


@dataclass
class Subjects:
    """The people and objects every page is opened on."""

    emails: dict
    ids: dict
    team_id: int
    team_name: str
    team_people: int
    kpi_id: int
    kpi_key: str
    kpi_rollup: str
    week: datetime.date
    first_week: datetime.date
    meeting_id: int
    meeting_report_id: int
    meeting_review_week: datetime.date
    people: int = 0
    measurements: int = 0
    token: str = field(default="", repr=False)
    stack_weeks: int = STACK_WEEKS
    password: str = field(default="", repr=False)

    @property
    def token_hash(self):
        return hashlib.sha256(self.token.encode()).hexdigest()

    def week_start(self, offset=0):
        """The first day of the week ``offset`` weeks from the measured one."""
        return self.week + datetime.timedelta(weeks=offset)

    def week_end(self):
        return self.week + datetime.timedelta(days=6)


@dataclass(frozen=True)
class Page:
    """One measured page: ``url(subjects)`` opened by ``who`` ("admin", "manager" or "api": the
    manager's token); ``floor(raw, subjects)`` fetches the same rows with raw SQL."""

    key: str
    title: str
    who: str
    url: Callable
    floor: Optional[Callable]
    target_ms: Optional[float] = None
    max_ratio: Optional[float] = MAX_RATIO
    status: int = 200


def _stack(by=None):
    def url(s):
        by_arg = f"&by={by}" if by else ""
        return f"/rank-stacks/{s.kpi_key}?from={s.week_start(-(s.stack_weeks - 1))}&to={s.week}{by_arg}"
    return url


PAGES = [
    Page("person_scorecard", "Person scorecard", "manager",
         lambda s: f"/people/{s.ids['member']}/scorecard?period={s.week}", floors.person_scorecard, 15),
    Page("team_scorecard", "Team scorecard", "admin",
         lambda s: f"/teams/{s.team_id}/scorecard?period={s.week}", floors.team_scorecard, 50),
    Page("subtree_scorecard", "Manager subtree scorecard", "manager",
         lambda s: f"/scorecards/?period={s.week}", floors.subtree_scorecard),
    Page("rank_stack", "Rank stack, whole organization", "admin", _stack(), floors.rank_stack, 150),
    Page("rank_stack_team", "Rank stack by team", "admin", _stack("team"), floors.rank_stack),
    Page("rank_stack_role", "Rank stack by role", "admin", _stack("role"), floors.rank_stack),
    Page("results_drivers", "Results × drivers", "admin",
         lambda s: f"/teams/{s.team_id}/results-drivers?from={s.week_start(-12)}&to={s.week}",
         floors.results_drivers),
    Page("meeting", "1:1 meeting page", "manager", lambda s: f"/meetings/{s.meeting_id}", floors.meeting, 40),
    Page("worksheet", "1:1 worksheet (HTML)", "manager", lambda s: f"/meetings/{s.meeting_id}/worksheet",
         floors.worksheet, 40),
    Page("api_scorecard", "API: person scorecard", "api",
         lambda s: f"/api/v1/people/{s.emails['member']}/scorecard?period={s.week}", floors.api_scorecard),
    # What any signed-in request costs (session, viewer, redirect): the floor under every page above.
    Page("fixed_cost", "Signed-in redirect (fixed cost)", "manager", lambda s: "/login", floors.fixed_cost,
         max_ratio=None, status=302),
]


def find_subjects(db):
    """The :class:`Subjects` of the organization in ``db`` (a peewee database, connected; inside an
    app context)."""
    def rows(sql, params=()):
        return db.execute_sql(sql.replace("?", db.param), params).fetchall()

    def one(sql, params=()):
        found = rows(sql, params)
        return found[0] if found else None

    from dualdash.demo.organization import DEMO_PASSWORD, SIGN_INS
    emails = dict(SIGN_INS)
    ids = {}
    for who, email in emails.items():
        found = one("SELECT id FROM person WHERE email = ?", (email,))
        if found is None:
            raise BenchError(f"The organization has no {email}: the benchmark needs the demo sign-ins.")
        ids[who] = found[0]
    kpi = one("SELECT k.id, k.key, k.rollup FROM kpi k JOIN scorecard_kpi sk ON sk.kpi_id = k.id"
              " JOIN scorecard s ON s.id = sk.scorecard_id WHERE s.role_id IS NOT NULL AND k.active = ?"
              " GROUP BY k.id, k.key, k.rollup ORDER BY COUNT(*) DESC, k.id LIMIT 1", (True,))
    if kpi is None:
        raise BenchError("The organization has no KPI on a role's scorecard.")
    span = one("SELECT MIN(period_start), MAX(period_start) FROM measurement WHERE kpi_id = ?", (kpi[0],))
    if span is None or span[1] is None:
        raise BenchError(f"The KPI {kpi[1]} has no values.")
    first_week, week = (_date(d) for d in span)
    team_id, team_name, team_people = _team_near(rows)
    meeting = one("SELECT id, report_id, scheduled_for FROM meeting WHERE manager_id = ? AND status = 'held'"
                  " ORDER BY report_id = ? DESC, scheduled_for DESC, id DESC LIMIT 1",
                  (ids["manager"], ids["member"]))
    if meeting is None:
        raise BenchError(f"{emails['manager']} has held no 1:1: the benchmark needs one to open.")
    held_on = _date(meeting[2])
    settings = org_settings.get()
    # The week the 1:1 looks back on (see dualdash.coaching.agenda.review_period).
    review = periods.containing(held_on - datetime.timedelta(days=1), "weekly", settings.week_start,
                                settings.fiscal_year_start_month).start
    people = one("SELECT COUNT(*) FROM person")[0]
    return Subjects(emails=emails, ids=ids, team_id=team_id, team_name=team_name, team_people=team_people,
                    kpi_id=kpi[0], kpi_key=kpi[1], kpi_rollup=kpi[2], week=week, first_week=first_week,
                    meeting_id=meeting[0], meeting_report_id=meeting[1], meeting_review_week=review,
                    people=people, password=DEMO_PASSWORD)


def _team_near(rows):
    """(id, name, people) of the team whose people, with its sub-teams', number closest to TEAM_SIZE."""
    teams = {tid: (name, parent) for tid, name, parent in rows("SELECT id, name, parent_id FROM team")}
    own = dict(rows("SELECT team_id, COUNT(*) FROM person WHERE active = ? AND team_id IS NOT NULL"
                    " GROUP BY team_id", (True,)))
    total = dict.fromkeys(teams, 0)
    for tid, count in own.items():
        seen, node = set(), tid
        while node is not None and node in teams and node not in seen:
            seen.add(node)
            total[node] += count
            node = teams[node][1]
    if not any(total.values()):
        raise BenchError("The organization has no team with people in it.")
    best = min((tid for tid in total if total[tid]), key=lambda tid: (abs(total[tid] - TEAM_SIZE), tid))
    return best, teams[best][0], total[best]


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])
