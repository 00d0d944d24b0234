"""The demo organization: a realistic, deterministic company to explore Dual Dash with.

The same generator builds the 40-person quick-start demo (:func:`build_demo`) and large synthetic
organizations (:mod:`dualdash.demo.scale`): this module holds what both share — the people, the
sign-ins, loading the organization through :mod:`dualdash.kpis.bulk_load`, and :func:`fill_activity`,
which adds KPIs with weekly values (:mod:`dualdash.demo.kpis`) and the coaching history
(:mod:`dualdash.demo.coaching`); only the shape of the organization differs."""
import datetime
import random
from dataclasses import dataclass
from typing import Optional

from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting, PrivateNote, SkillAssessment
from dualdash.db import database
from dualdash.demo.coaching import SKILLS, load_coaching
from dualdash.demo.kpis import DEMO_CATALOGUE, WEEKS, load_kpis, load_measurements
from dualdash.kpis import periods
from dualdash.kpis.bulk_load import bulk_load
from dualdash.kpis.models import Measurement
from dualdash.org.assignments import EARLIEST
from dualdash.org.models import JobRole, Level, Person, PersonAssignment, Team
from dualdash.org.passwords import hash_password

#: Every demo person signs in with this password (the demo is for trying things out).
DEMO_PASSWORD = "dualdash-demo"
DOMAIN = "example.com"

TEAMS = [  # (name, parent)
    ("Northwind", None),
    ("Sales", "Northwind"),
    ("Sales East", "Sales"),
    ("Sales West", "Sales"),
    ("Customer Support", "Northwind"),
    ("Operations", "Northwind"),
]

ROLES = {
    "Account Executive": ["Ramping", "Established", "Senior"],
    "Sales Development Rep": ["Ramping", "Established", "Senior"],
    "Support Agent": ["Junior", "Intermediate", "Senior"],
    "Operations Analyst": ["Junior", "Senior"],
    "Team Lead": ["New", "Established"],
}

FIRST = ["Avery", "Blake", "Casey", "Devon", "Elliot", "Finley", "Harper", "Jamie", "Jordan", "Kai",
         "Logan", "Micah", "Noel", "Parker", "Quinn", "Reese", "Rowan", "Sage", "Skyler", "Taylor",
         "Alina", "Bruno", "Chiara", "Dmitri", "Esme", "Farah", "Goran", "Hana", "Ines", "Jonas",
         "Kenji", "Leila", "Mateo", "Nadia", "Omar", "Priya", "Rafael", "Sofia", "Tomas", "Yara"]
LAST = ["Abbott", "Bishop", "Carver", "Dalton", "Ellis", "Fischer", "Garcia", "Hughes", "Ibsen",
        "Jansen", "Keller", "Lindqvist", "Moreau", "Novak", "Okafor", "Patel", "Quintero", "Rossi",
        "Santos", "Tanaka", "Umar", "Varga", "Weber", "Xu", "Young", "Zielinski"]

#: The sign-ins printed by ``dualdash demo`` (role shown -> email).
SIGN_INS = {"admin": f"admin@{DOMAIN}", "manager": f"manager@{DOMAIN}", "member": f"member@{DOMAIN}"}

#: The tables that grow with the organization: their indexes are built after the load.
BIG_TABLES = (Measurement, DriverRating, SkillAssessment, Meeting, PrivateNote, AgendaItem, ActionItem)


@dataclass
class DemoResult:
    """What a demo or synthetic build created, and how to sign in."""

    teams: int
    roles: int
    people: int
    sign_ins: dict
    kpis: int = 0
    measurements: int = 0
    ratings: int = 0
    meetings: int = 0
    weeks: int = WEEKS
    assessments: int = 0
    action_items: int = 0
    seconds: float = 0.0


@dataclass
class Member:
    """One person of a generated organization: what the value models need to know about them."""

    id: int
    name: str
    email: str
    team_id: int
    role: Optional[str] = None          # the job role's name
    role_id: Optional[int] = None
    level_id: Optional[int] = None
    rank: Optional[int] = None          # the level's rank (1 = lowest)
    manager_id: Optional[int] = None
    is_admin: bool = False
    start_date: Optional[datetime.date] = None


def _unique_people(rng, count):
    """``count`` distinct (name, email) pairs, the same ones for the same seed."""
    pairs = [(f, last) for f in FIRST for last in LAST]
    rng.shuffle(pairs)
    return [(f"{f} {last}", f"{f}.{last}@{DOMAIN}".lower()) for f, last in pairs[:count]]


def build_demo(seed=7, today=None):
    """Create the 40-person demo organization in the bound database (which must have no people).

    Returns a :class:`DemoResult` (counts and the sign-ins). Deterministic for a given ``seed``
    and ``today``. Needs the app context (the plugins' drivers are rated)."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    with bulk_load(database.obj, BIG_TABLES) as loader:
        teams = load_teams(loader, TEAMS)
        roles, levels = load_roles(loader, ROLES)
        people = _demo_people(loader, rng, teams, roles, levels, today)
        load_people(loader, people)
        result = fill_activity(loader, rng, people, DEMO_CATALOGUE, SKILLS, roles, levels, today, WEEKS)
    result.teams, result.roles = len(teams), len(roles)
    return result


def _demo_people(loader, rng, teams, roles, levels, today):
    """The demo's 40 people: a CEO, the admin, a head of sales, four team leads and their teams."""
    names = iter(_unique_people(rng, 60))
    people = []
    next_id = loader.next_id(Person)

    def hire(team, role=None, manager=None, email=None, name=None, level=None, admin=False, years=None):
        generated_name, generated_email = next(names)
        if name and not email:
            email = f"{name}@{DOMAIN}".replace(" ", ".").lower()
        role_levels = levels.get(role, [])
        if level is None and role_levels:
            level = rng.choice(role_levels)
        days = int((years if years is not None else rng.uniform(0.1, 8)) * 365)
        person = Member(id=next_id + len(people), name=name or generated_name, email=email or generated_email,
                        team_id=teams[team], role=role, role_id=roles.get(role), level_id=level,
                        rank=role_levels.index(level) + 1 if level else None,
                        manager_id=manager.id if manager else None, is_admin=admin,
                        start_date=today - datetime.timedelta(days=days))
        people.append(person)
        return person

    ceo = hire("Northwind", name="Morgan Reyes", years=9)
    hire("Operations", name="Alex Admin", email=SIGN_INS["admin"], manager=ceo, admin=True,
         role="Operations Analyst", level=levels["Operations Analyst"][1], years=5)
    head_of_sales = hire("Sales", "Team Lead", ceo, level=levels["Team Lead"][1], years=7)
    leads = {
        "Sales East": hire("Sales East", "Team Lead", head_of_sales, email=SIGN_INS["manager"],
                           name="Sam Manager", level=levels["Team Lead"][1], years=4),
        "Sales West": hire("Sales West", "Team Lead", head_of_sales, level=levels["Team Lead"][0], years=2),
        "Customer Support": hire("Customer Support", "Team Lead", ceo, level=levels["Team Lead"][1], years=6),
        "Operations": hire("Operations", "Team Lead", ceo, level=levels["Team Lead"][0], years=3),
    }
    hire("Sales East", "Account Executive", leads["Sales East"], email=SIGN_INS["member"],
         name="Riley Member", level=levels["Account Executive"][0], years=0.2)
    plan = [("Sales East", ["Account Executive"] * 5 + ["Sales Development Rep"] * 3),
            ("Sales West", ["Account Executive"] * 5 + ["Sales Development Rep"] * 3),
            ("Customer Support", ["Support Agent"] * 12),
            ("Operations", ["Operations Analyst"] * 4)]
    for team, role_names in plan:
        for role_name in role_names:
            hire(team, role_name, leads[team])
    return people


def load_teams(loader, teams):
    """Create ``teams`` ([(name, parent name or None)], parents first); return ``{name: id}``."""
    first = loader.take_ids(Team, len(teams))
    ids = {name: first + i for i, (name, _) in enumerate(teams)}
    loader.insert(Team, ("id", "name", "parent"), [(ids[name], name, ids.get(parent)) for name, parent in teams])
    return ids


def load_roles(loader, roles):
    """Create the job roles (name → level names, lowest first); return ``({name: id}, {name: [level
    ids by rank]})``."""
    first = loader.take_ids(JobRole, len(roles))
    role_ids = {name: first + i for i, name in enumerate(roles)}
    loader.insert(JobRole, ("id", "name"), [(role_ids[name], name) for name in roles])
    first = loader.take_ids(Level, sum(len(names) for names in roles.values()))
    levels, rows = {}, []
    for name, level_names in roles.items():
        for rank, level_name in enumerate(level_names, 1):
            rows.append((first + len(rows), role_ids[name], level_name, rank))
            levels.setdefault(name, []).append(rows[-1][0])
    loader.insert(Level, ("id", "role", "name", "rank"), rows)
    return role_ids, levels


def load_people(loader, people):
    """Create ``people`` (:class:`Member`, managers first), every one signing in with :data:`DEMO_PASSWORD`."""
    password_hash = hash_password(DEMO_PASSWORD)
    loader.take_ids(Person, len(people))
    loader.insert(Person, ("id", "name", "email", "team", "role", "level", "manager", "is_admin", "start_date",
                           "password_hash"),
                  [(p.id, p.name, p.email, p.team_id, p.role_id, p.level_id, p.manager_id, p.is_admin, p.start_date,
                    password_hash) for p in people])
    # Each person's history starts with what they hold now, from their start date.
    first = loader.take_ids(PersonAssignment, len(people))
    loader.insert(PersonAssignment, ("id", "person", "role", "level", "team", "effective_from"),
                  [(first + i, p.id, p.role_id, p.level_id, p.team_id, p.start_date or EARLIEST)
                   for i, p in enumerate(people)])


def fill_activity(loader, rng, people, catalogue, skills, roles, levels, today, weeks, progress=None):
    """KPIs, benchmarks and ``weeks`` weekly values up to this week, then the coaching history, for
    ``people`` (in order: the random stream follows it). Returns a :class:`DemoResult` without the
    team and role counts."""
    say = progress or (lambda message: None)
    this_week = periods.containing(today, "weekly")
    kpi_ids = load_kpis(loader, catalogue, roles, levels, this_week, weeks)
    say(f"{len(kpi_ids)} KPIs, {len(catalogue.scorecards)} scorecards; writing {weeks} weeks of values…")
    first_week = periods.shift(this_week, -(weeks - 1)).start
    measurements = load_measurements(loader, rng, people, catalogue, kpi_ids, first_week, weeks)
    say(f"{measurements:,} measurements; writing the coaching history…")
    manager = next((p.id for p in people if p.email == SIGN_INS["manager"]), None)
    ratings, assessments, meetings, actions = load_coaching(loader, rng, people, skills, roles, levels, today,
                                                            manager)
    say(f"{ratings:,} driver ratings, {assessments:,} skill assessments, {meetings:,} 1:1s; building indexes…")
    return DemoResult(teams=0, roles=0, people=len(people), sign_ins=dict(SIGN_INS), kpis=len(kpi_ids),
                      measurements=measurements, ratings=ratings, meetings=meetings, weeks=weeks,
                      assessments=assessments, action_items=actions)


def format_sign_ins(result):
    """The lines printed after filling the demo."""
    span = "over a year" if result.weeks == WEEKS else f"over {result.weeks} week{'s' if result.weeks != 1 else ''}"
    lines = [f"Demo organization: {result.people} people, {result.teams} teams, {result.roles} job roles, "
             f"{result.kpis} KPIs with {result.measurements} weekly values {span}, {result.ratings} driver "
             f"ratings and {result.meetings} 1:1s.",
             f"Sign in with any of these (password: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<8} {email}" for role, email in result.sign_ins.items()]
    return "\n".join(lines)
