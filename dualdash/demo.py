"""The demo organization: a realistic, deterministic company to explore Dual Dash with.

The same generator serves the quick-start demo and, later, large synthetic organizations."""
import datetime
import random
from dataclasses import dataclass

from .demo_coaching import build_coaching
from .demo_kpis import build_kpis
from .models import JobRole, Level, Person, Team
from .passwords import hash_password

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


@dataclass
class DemoResult:
    teams: int
    roles: int
    people: int
    sign_ins: dict
    kpis: int = 0
    measurements: int = 0
    ratings: int = 0
    meetings: int = 0


def _unique_people(rng, count):
    """``count`` distinct (name, email) pairs, the same ones for the same seed."""
    pairs = [(f, last) for f in FIRST for last in LAST]
    rng.shuffle(pairs)
    return [(f"{f} {last}", f"{f}.{last}@{DOMAIN}".lower()) for f, last in pairs[:count]]


def build_demo(seed=7, today=None):
    """Create the demo organization in the bound database (which must have no people).

    Returns counts and the sign-ins. Deterministic for a given ``seed``."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    teams = {}
    for name, parent in TEAMS:
        teams[name] = Team.create(name=name, parent=teams.get(parent))
    roles, levels = {}, {}
    for role_name, level_names in ROLES.items():
        roles[role_name] = role = JobRole.create(name=role_name)
        levels[role_name] = [Level.create(role=role, name=n, rank=i) for i, n in enumerate(level_names, 1)]

    password_hash = hash_password(DEMO_PASSWORD)
    names = iter(_unique_people(rng, 60))

    def hire(team, role=None, manager=None, email=None, name=None, level=None, admin=False, years=None):
        generated_name, generated_email = next(names)
        if name and not email:
            email = f"{name}@{DOMAIN}".replace(" ", ".").lower()
        role_levels = levels.get(role, [])
        if level is None and role_levels:
            level = rng.choice(role_levels)
        days = int((years if years is not None else rng.uniform(0.1, 8)) * 365)
        return Person.create(
            name=name or generated_name, email=email or generated_email, team=teams[team],
            role=roles.get(role), level=level, manager=manager, is_admin=admin,
            start_date=today - datetime.timedelta(days=days), password_hash=password_hash)

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
    Manager = Person.alias()
    everyone = list(Person.select(Person, JobRole, Level, Manager)
                    .join_from(Person, JobRole, join_type="LEFT OUTER JOIN")
                    .join_from(Person, Level, join_type="LEFT OUTER JOIN")
                    .join_from(Person, Manager, on=(Person.manager == Manager.id), join_type="LEFT OUTER JOIN",
                               attr="manager")
                    .order_by(Person.id))
    kpi_count, measurement_count = build_kpis(rng, everyone, roles, levels, today)
    ratings, _, meetings = build_coaching(rng, everyone, roles, levels, today, SIGN_INS["manager"])
    return DemoResult(teams=len(teams), roles=len(roles), people=len(everyone), sign_ins=dict(SIGN_INS),
                      kpis=kpi_count, measurements=measurement_count, ratings=ratings, meetings=meetings)


def format_sign_ins(result):
    """The lines printed after filling the demo."""
    lines = [f"Demo organization: {result.people} people, {result.teams} teams, {result.roles} job roles, "
             f"{result.kpis} KPIs with {result.measurements} weekly values over a year, {result.ratings} driver "
             f"ratings and {result.meetings} 1:1s.",
             f"Sign in with any of these (password: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<8} {email}" for role, email in result.sign_ins.items()]
    return "\n".join(lines)
