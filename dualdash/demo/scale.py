"""Large synthetic organizations: ``dualdash demo --people N`` and the data ``dualdash bench`` measures.

The shape grows with the number of people: a company team over departments (up to eight), the big
departments split into regions, and teams of about 160 people (about 40 teams for 5,000 people);
up to twenty job roles with three levels each; a reporting tree in which every manager has about
8–12 reports. Each role's scorecard has eight KPIs: six of its own and two every role shares, with
benchmarks tiered by level. The values, ratings, skills and 1:1s come from the same models as the
40-person demo (:func:`dualdash.demo.fill_activity`), loaded in bulk (:mod:`dualdash.kpis.bulk_load`).

The demo's sign-ins work here too: ``manager@example.com`` leads a team of about fifty,
``member@example.com`` reports to them and ``admin@example.com`` is an admin."""
import datetime
import math
import random
import time

from dualdash.db import database
from dualdash.demo.kpis import Catalogue
from dualdash.demo.organization import (
    BIG_TABLES,
    DOMAIN,
    FIRST,
    LAST,
    SIGN_INS,
    Member,
    fill_activity,
    load_people,
    load_roles,
    load_teams,
)
from dualdash.kpis.bulk_load import bulk_load
from dualdash.org.models import Person

#: Weeks of measurements of a synthetic organization unless told otherwise (three years).
DEFAULT_WEEKS = 156
COMPANY = "Northwind"
#: People per team, on average.
TEAM_SIZE = 160
#: The size of the team ``manager@example.com`` leads, when the organization is big enough.
MANAGER_TEAM = 50
#: Departments in the order they appear as the organization grows: (name, share of the people,
#: job roles of the people who are not managers).
DEPARTMENTS = [
    ("Sales", 0.26, ["Account Executive", "Sales Development Rep", "Account Manager", "Sales Engineer"]),
    ("Customer Support", 0.2, ["Support Agent", "Support Specialist", "Onboarding Specialist"]),
    ("Operations", 0.08, ["Operations Analyst", "Data Analyst"]),
    ("Engineering", 0.18, ["Software Engineer", "QA Engineer", "Site Reliability Engineer"]),
    ("Customer Success", 0.1, ["Customer Success Manager", "Renewals Specialist"]),
    ("Marketing", 0.08, ["Marketing Specialist", "Content Writer"]),
    ("Finance", 0.05, ["Finance Analyst"]),
    ("People", 0.05, ["Recruiter"]),
]
TEAM_LEAD, HEAD = "Team Lead", "Department Head"
#: admin@example.com works here, as its first role (the 40-person demo has them in Operations too).
ADMIN_DEPARTMENT = "Operations"
LEVELS = {TEAM_LEAD: ["New", "Established", "Senior"], HEAD: ["Head", "Director", "Vice President"]}
IC_LEVELS = ["Junior", "Intermediate", "Senior"]
PLACES = ["Lisbon", "Oslo", "Austin", "Osaka", "Lagos", "Denver", "Porto", "Quito", "Tallinn", "Dublin",
          "Nairobi", "Seoul", "Perth", "Lyon", "Boston", "Krakow", "Accra", "Leeds", "Turin", "Hanoi",
          "Malmo", "Cusco", "Bergen", "Kyoto", "Gdansk", "Bilbao", "Cork", "Ghent", "Graz", "Haifa",
          "Izmir", "Jaipur", "Kobe", "Lille", "Minsk", "Nantes", "Omaha", "Pune", "Riga", "Split"]
REGIONS = ["North", "South", "East", "West"]
MORE_FIRST = ["Ada", "Ben", "Cleo", "Dario", "Elif", "Femi", "Greta", "Hugo", "Iris", "Jude", "Kira", "Lars",
              "Maya", "Nico", "Olga", "Pavel", "Rosa", "Sami", "Tara", "Uma", "Vera", "Wes", "Xena", "Yusuf",
              "Zoe", "Amir", "Bea", "Cyrus", "Dana", "Emil", "Flora", "Gil", "Hedda", "Ivo", "Joy", "Karim",
              "Lena", "Milo", "Nora", "Otto", "Pia", "Rhys", "Suki", "Theo", "Ulla", "Vik", "Wren", "Ximena",
              "Yuki", "Zane", "Aiko", "Bram", "Carmen", "Dev", "Edda", "Fynn", "Gwen", "Hiro", "Isla", "Joel"]
MORE_LAST = ["Aalto", "Berg", "Costa", "Diaz", "Eriksen", "Ferreira", "Gomez", "Haas", "Ivanova", "Jovanovic",
             "Kowalski", "Larsen", "Meyer", "Nakamura", "Olsen", "Petrov", "Quinn", "Ramos", "Silva", "Torres",
             "Ueda", "Vogel", "Wagner", "Yilmaz", "Zhang", "Adeyemi", "Brandt", "Chen", "Dubois", "Evans",
             "Fontaine", "Greco", "Horvat", "Iqbal", "Jensen", "Kim", "Lopez", "Mensah", "Nowak", "Ortiz",
             "Park", "Richter", "Schmidt", "Thomsen", "Ustinov", "Vidal", "Walsh", "Yamada", "Zuniga", "Aziz",
             "Bauer", "Castillo", "Dunn", "Egger"]

# KPI key: (name, unit, direction, rollup, category, decimals, meets, exceeds) — the Meets and Exceeds
# lines of the middle level; counts and amounts are tiered by level (TIERS).
KPIS = {
    # Every role's scorecard has these two.
    "commitments_kept": ("Commitments kept", "percent", "higher", "mean", "people", 1, 80, 92),
    "learning_hours": ("Learning hours", "count", "higher", "sum", "people", 1, 2, 4),
    "revenue": ("Revenue", "currency", "higher", "sum", "financial", 0, 6000, 9000),
    "deals_closed": ("Deals closed", "count", "higher", "sum", "financial", 0, 1, 3),
    "calls_made": ("Calls made", "count", "higher", "sum", "operational", 0, 40, 60),
    "meetings_booked": ("Meetings booked", "count", "higher", "sum", "operational", 0, 5, 8),
    "pipeline_added": ("Pipeline added", "currency", "higher", "sum", "financial", 0, 20000, 30000),
    "win_rate": ("Win rate", "percent", "higher", "mean", "financial", 1, 25, 35),
    "demos_given": ("Demos given", "count", "higher", "sum", "operational", 0, 4, 6),
    "proposals_sent": ("Proposals sent", "count", "higher", "sum", "operational", 0, 3, 5),
    "expansion_revenue": ("Expansion revenue", "currency", "higher", "sum", "financial", 0, 3000, 5000),
    "renewal_rate": ("Renewal rate", "percent", "higher", "mean", "customer", 1, 85, 92),
    "accounts_reviewed": ("Accounts reviewed", "count", "higher", "sum", "customer", 0, 8, 12),
    "tickets_resolved": ("Tickets resolved", "count", "higher", "sum", "operational", 0, 35, 45),
    "first_response_time": ("First response time (minutes)", "duration", "lower", "mean", "customer", 0, 60, 30),
    "csat": ("Customer satisfaction", "percent", "higher", "mean", "customer", 1, 85, 93),
    "resolution_time": ("Resolution time (minutes)", "duration", "lower", "mean", "customer", 0, 480, 240),
    "escalation_rate": ("Escalation rate", "percent", "lower", "mean", "customer", 1, 10, 5),
    "kb_articles": ("Knowledge base articles", "count", "higher", "sum", "operational", 0, 1, 2),
    "onboardings_completed": ("Onboardings completed", "count", "higher", "sum", "customer", 0, 3, 5),
    "reports_delivered": ("Reports delivered", "count", "higher", "sum", "operational", 0, 3, 5),
    "on_time_rate": ("Delivered on time", "percent", "higher", "mean", "operational", 1, 90, 97),
    "data_quality": ("Data quality", "percent", "higher", "mean", "operational", 1, 95, 99),
    "requests_closed": ("Requests closed", "count", "higher", "sum", "operational", 0, 10, 15),
    "forecast_accuracy": ("Forecast accuracy", "percent", "higher", "mean", "financial", 1, 85, 93),
    "process_improvements": ("Process improvements", "count", "higher", "sum", "operational", 0, 1, 2),
    "stories_completed": ("Stories completed", "count", "higher", "sum", "operational", 0, 5, 8),
    "code_reviews": ("Code reviews", "count", "higher", "sum", "operational", 0, 6, 10),
    "deploys": ("Deploys", "count", "higher", "sum", "operational", 0, 3, 6),
    "bugs_fixed": ("Bugs fixed", "count", "higher", "sum", "operational", 0, 4, 7),
    "incident_response_time": ("Incident response time (minutes)", "duration", "lower", "mean", "customer", 0,
                               30, 15),
    "test_coverage": ("Test coverage", "percent", "higher", "mean", "operational", 1, 70, 85),
    "leads_generated": ("Leads generated", "count", "higher", "sum", "financial", 0, 50, 80),
    "campaigns_launched": ("Campaigns launched", "count", "higher", "sum", "operational", 0, 1, 2),
    "content_published": ("Content published", "count", "higher", "sum", "operational", 0, 2, 4),
    "conversion_rate": ("Conversion rate", "percent", "higher", "mean", "financial", 1, 2, 4),
    "invoices_processed": ("Invoices processed", "count", "higher", "sum", "financial", 0, 60, 90),
    "close_days": ("Days to close the books", "duration", "lower", "mean", "financial", 1, 5, 3),
    "hires_made": ("Hires made", "count", "higher", "sum", "people", 0, 1, 2),
    "interviews_held": ("Interviews held", "count", "higher", "sum", "people", 0, 8, 12),
    "offer_acceptance": ("Offer acceptance", "percent", "higher", "mean", "people", 1, 75, 88),
    "one_on_ones_held": ("1:1s held", "count", "higher", "sum", "people", 0, 4, 6),
    "team_attainment": ("Team attainment", "percent", "higher", "mean", "people", 1, 80, 90),
    "retention": ("Retention", "percent", "higher", "mean", "people", 1, 90, 96),
    "budget_variance": ("Budget variance", "percent", "lower", "mean", "financial", 1, 5, 2),
}
SHARED = ["commitments_kept", "learning_hours"]
#: Each role's own six KPIs (its scorecard adds the two shared ones).
ROLE_KPIS = {
    "Account Executive": ["revenue", "deals_closed", "calls_made", "pipeline_added", "win_rate", "proposals_sent"],
    "Sales Development Rep": ["meetings_booked", "calls_made", "pipeline_added", "leads_generated", "demos_given",
                              "conversion_rate"],
    "Account Manager": ["expansion_revenue", "renewal_rate", "accounts_reviewed", "revenue", "calls_made",
                        "csat"],
    "Sales Engineer": ["demos_given", "proposals_sent", "win_rate", "pipeline_added", "kb_articles", "csat"],
    "Support Agent": ["tickets_resolved", "first_response_time", "csat", "resolution_time", "escalation_rate",
                      "kb_articles"],
    "Support Specialist": ["tickets_resolved", "resolution_time", "escalation_rate", "csat", "kb_articles",
                           "incident_response_time"],
    "Onboarding Specialist": ["onboardings_completed", "csat", "first_response_time", "accounts_reviewed",
                              "kb_articles", "on_time_rate"],
    "Operations Analyst": ["reports_delivered", "on_time_rate", "data_quality", "requests_closed",
                           "process_improvements", "forecast_accuracy"],
    "Data Analyst": ["reports_delivered", "data_quality", "requests_closed", "on_time_rate", "forecast_accuracy",
                     "process_improvements"],
    "Software Engineer": ["stories_completed", "code_reviews", "deploys", "bugs_fixed", "test_coverage",
                          "on_time_rate"],
    "QA Engineer": ["bugs_fixed", "test_coverage", "stories_completed", "code_reviews", "on_time_rate",
                    "incident_response_time"],
    "Site Reliability Engineer": ["incident_response_time", "deploys", "code_reviews", "process_improvements",
                                  "on_time_rate", "data_quality"],
    "Customer Success Manager": ["renewal_rate", "expansion_revenue", "accounts_reviewed", "csat",
                                 "onboardings_completed", "first_response_time"],
    "Renewals Specialist": ["renewal_rate", "revenue", "calls_made", "accounts_reviewed", "proposals_sent",
                            "forecast_accuracy"],
    "Marketing Specialist": ["leads_generated", "campaigns_launched", "conversion_rate", "pipeline_added",
                             "content_published", "on_time_rate"],
    "Content Writer": ["content_published", "leads_generated", "on_time_rate", "conversion_rate", "kb_articles",
                       "campaigns_launched"],
    "Finance Analyst": ["invoices_processed", "close_days", "forecast_accuracy", "reports_delivered",
                        "on_time_rate", "data_quality"],
    "Recruiter": ["hires_made", "interviews_held", "offer_acceptance", "on_time_rate", "csat", "retention"],
    TEAM_LEAD: ["one_on_ones_held", "team_attainment", "retention", "hires_made", "on_time_rate",
                "process_improvements"],
    HEAD: ["team_attainment", "budget_variance", "retention", "one_on_ones_held", "forecast_accuracy",
           "hires_made"],
}
#: Counts and amounts expected at each level, relative to the middle level's lines.
TIERS = {1: 0.75, 2: 1.0, 3: 1.3}
#: The target raised half-way through the weeks (earlier weeks keep the old line).
RAISED = ("learning_hours", (3, 5))
#: Each department's role skills (a role is assessed on the first four, its department's).
SKILLS = {
    "Sales": [("discovery", "Discovery calls"), ("negotiation", "Negotiation"), ("crm_hygiene", "CRM hygiene"),
              ("product_knowledge", "Product knowledge")],
    "Customer Support": [("troubleshooting", "Troubleshooting"), ("written_communication", "Written replies"),
                         ("de_escalation", "De-escalation"), ("product_knowledge", "Product knowledge")],
    "Operations": [("sql", "SQL"), ("reporting", "Reporting"), ("process_mapping", "Process mapping")],
    "Engineering": [("code_quality", "Code quality"), ("testing", "Testing"), ("system_design", "System design"),
                    ("incident_handling", "Incident handling")],
    "Customer Success": [("account_planning", "Account planning"), ("product_knowledge", "Product knowledge"),
                         ("negotiation", "Negotiation")],
    "Marketing": [("copywriting", "Copywriting"), ("analytics", "Analytics"),
                  ("campaign_planning", "Campaign planning")],
    "Finance": [("accounting", "Accounting"), ("spreadsheets", "Spreadsheets"), ("forecasting", "Forecasting")],
    "People": [("interviewing", "Interviewing"), ("sourcing", "Sourcing"), ("employment_law", "Employment law")],
    "Leadership": [("coaching", "Coaching"), ("hiring", "Hiring"), ("planning", "Planning")],
}


def build_synthetic(people, weeks=DEFAULT_WEEKS, seed=7, today=None, progress=None):
    """Create a synthetic organization of ``people`` people in the bound database, which must have
    no people yet; ``weeks`` weekly values per scorecard KPI, up to the week of ``today``.

    Same seed and ``today``, same rows. Everything is written in one transaction (call it outside
    one: on SQLite the durability settings are relaxed for the load and restored afterwards) with
    the big tables' indexes built at the end. ``progress(message)``, when given, hears how it goes.

    Needs the app context (the plugins' drivers are rated) and an open connection to a database at
    the current schema. Returns a :class:`dualdash.demo.DemoResult`: the counts, the sign-ins
    (:data:`dualdash.demo.SIGN_INS`, password :data:`dualdash.demo.DEMO_PASSWORD`) and the seconds
    it took. Raises ValueError when the database already has people or ``people`` is below 20."""
    if people < 20:
        raise ValueError("a synthetic organization needs at least 20 people")
    if Person.select().exists():
        raise ValueError("the database already has people")
    started = time.perf_counter()
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    today = today or datetime.date.today()
    shape = _Shape(rng, people, today)
    catalogue = _catalogue(shape.role_names)
    with bulk_load(database.obj, BIG_TABLES) as loader:
        teams = load_teams(loader, shape.teams)
        roles, levels = load_roles(loader, shape.roles)
        members = shape.people(loader.next_id(Person), teams, roles, levels)
        load_people(loader, members)
        say(f"{len(members):,} people in {len(teams)} teams with {len(roles)} job roles; adding KPIs…")
        result = fill_activity(loader, rng, members, catalogue, shape.skills, roles, levels, today, weeks,
                               progress=say)
    result.teams, result.roles = len(teams), len(roles)
    result.seconds = time.perf_counter() - started
    return result


def format_summary(result):
    """One line of what a synthetic build made, and how long it took."""
    return (f"Built {result.people:,} people, {result.teams} teams, {result.roles} job roles, {result.kpis} KPIs, "
            f"{result.measurements:,} measurements over {_weeks(result.weeks)}, {result.ratings:,} driver ratings, "
            f"{result.assessments:,} skill assessments and {result.meetings:,} 1:1s in {result.seconds:.1f} s.")


def _weeks(count):
    return f"{count} week{'s' if count != 1 else ''}"


def _catalogue(role_names):
    """The KPIs, eight-KPI scorecards and level-tiered lines of the roles in use."""
    scorecards = {role: ROLE_KPIS[role] + SHARED for role in role_names}
    used = {key for keys in scorecards.values() for key in keys}
    kpis = {key: spec[:6] for key, spec in KPIS.items() if key in used}
    lines = {}
    for key in kpis:
        lines[(key, None, None)] = KPIS[key][6:]
    for role, keys in scorecards.items():
        for key in keys:
            _, unit, direction, *_, meets, exceeds = KPIS[key]
            if unit in ("count", "currency") and key not in SHARED:
                for rank, factor in TIERS.items():
                    lines[(key, role, rank)] = (_tier(meets, factor), _tier(exceeds, factor))
    key, line = RAISED
    return Catalogue(kpis, scorecards, lines, ((key, None, None), line))


def _place(index):
    """The name of a department's ``index``-th team: a city (numbered once every city is used)."""
    rounds, at = divmod(index, len(PLACES))
    return PLACES[at] + (f" {rounds + 1}" if rounds else "")


def _tier(value, factor):
    tiered = value * factor
    return round(tiered) if tiered >= 10 else round(tiered, 1)


def _apportion(total, weights, minimum=0):
    """``total`` split in proportion to ``weights`` (largest remainders), each part at least ``minimum``."""
    count = len(weights)
    spare = total - minimum * count
    if spare < 0:
        raise ValueError("too few to share out")
    scale = sum(weights)
    exact = [spare * w / scale for w in weights]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(count), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[:spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


class _Shape:
    """The organization's teams, roles and reporting tree for ``size`` people (ids come later)."""

    def __init__(self, rng, size, today):
        self.rng, self.size, self.today = rng, size, today
        count = min(len(DEPARTMENTS), max(3, round(size / 600)))
        self.departments = DEPARTMENTS[:count]
        leaves = _apportion(max(count, round(size / TEAM_SIZE)), [share for _, share, _ in self.departments], 1)
        # Everyone but the CEO, shared by the departments; each needs a head and a lead per team.
        headcounts = _apportion(size - 1, [share for _, share, _ in self.departments], 0)
        self.teams = [(COMPANY, None)]
        self.plan = []  # per department: (name, roles, regions, [(team name, region or None, size)])
        for (name, _, role_names), leaf_count, headcount in zip(self.departments, leaves, headcounts):
            self.teams.append((name, COMPANY))
            regions = [f"{name} {r}" for r in REGIONS[:min(len(REGIONS), 2 + leaf_count // 20)]] \
                if leaf_count >= 6 else []
            self.teams += [(region, name) for region in regions]
            places = [_place(i) for i in range(leaf_count)]
            # The head, the regions' heads and (in Operations) the admin are not in a team below.
            below = headcount - 1 - len(regions) - (name == ADMIN_DEPARTMENT)
            if below < leaf_count:
                raise ValueError(f"{size} people are too few for this organization")
            if name == DEPARTMENTS[0][0] and leaf_count > 1 and below - MANAGER_TEAM >= 2 * (leaf_count - 1):
                # manager@example.com's team has a real size however big the organization is.
                sizes = [MANAGER_TEAM] + _apportion(below - MANAGER_TEAM,
                                                    [rng.uniform(0.8, 1.2) for _ in places[1:]], 2)
            else:
                sizes = _apportion(below, [rng.uniform(0.8, 1.2) for _ in places], 1)
            teams = []
            for i, (place, team_size) in enumerate(zip(places, sizes)):
                region = regions[i * len(regions) // leaf_count] if regions else None
                teams.append((f"{name} {place}", region, team_size))
                self.teams.append((f"{name} {place}", region or name))
            self.plan.append((name, role_names, regions, teams))
        self.role_names = [r for _, _, roles in self.departments for r in roles] + [TEAM_LEAD, HEAD]
        self.roles = {role: LEVELS.get(role, IC_LEVELS) for role in self.role_names}
        self.skills = {}
        for name, _, role_names in self.departments:
            for role in role_names:
                self.skills[role] = SKILLS[name][:4]
        self.skills[TEAM_LEAD] = self.skills[HEAD] = SKILLS["Leadership"]

    def people(self, first_id, teams, roles, levels):
        """The people as :class:`Member`, managers before their reports, ids from ``first_id``."""
        rng, today = self.rng, self.today
        names = self._names()
        members = []

        def hire(team, role, manager=None, ranks=(1, 1, 2, 2, 2, 3), name=None, email=None, admin=False,
                 rank=None):
            generated_name, generated_email = next(names)
            rank = rank or rng.choice(ranks)
            person = Member(id=first_id + len(members), name=name or generated_name, email=email or generated_email,
                            team_id=teams[team], role=role, role_id=roles[role], level_id=levels[role][rank - 1],
                            rank=rank, manager_id=manager.id if manager else None, is_admin=admin,
                            start_date=today - datetime.timedelta(days=int(rng.uniform(0.1, 8) * 365)))
            members.append(person)
            return person

        ceo = hire(COMPANY, HEAD, name="Morgan Reyes", rank=3)
        for index, (department, role_names, regions, teams_plan) in enumerate(self.plan):
            head = hire(department, HEAD, ceo, ranks=(2, 3))
            region_heads = {region: hire(region, HEAD, head, ranks=(1, 2)) for region in regions}
            if department == ADMIN_DEPARTMENT:
                hire(department, role_names[0], head, name="Alex Admin", email=SIGN_INS["admin"], admin=True, rank=2)
            for number, (team, region, team_size) in enumerate(teams_plan):
                above = region_heads.get(region, head)
                first_team = index == 0 and number == 0
                lead = hire(team, TEAM_LEAD, above, ranks=(1, 2, 2, 3),
                            **({"name": "Sam Manager", "email": SIGN_INS["manager"], "rank": 2} if first_team else {}))
                primary = role_names[number % len(role_names)]
                others = team_size - 1
                if first_team:
                    hire(team, primary, lead, name="Riley Member", email=SIGN_INS["member"], rank=1)
                    others -= 1
                self._arrange(hire, team, lead, others, primary, role_names)
        return members

    def _arrange(self, hire, team, manager, count, primary, role_names):
        """Hire ``count`` people below ``manager``: up to 12 report to them directly; more are split
        under new team leads (with a few reporting directly) so that every manager has about 8–12
        reports."""
        rng = self.rng

        def role():
            return primary if rng.random() < 0.8 else rng.choice(role_names)
        if count <= 12:
            for _ in range(count):
                hire(team, role(), manager)
            return
        leads = max(1, min(12, count // 12))
        direct = max(0, 8 - leads)
        for _ in range(direct):
            hire(team, role(), manager)
        for share in _apportion(count - leads - direct, [1] * leads, 0):
            lead = hire(team, TEAM_LEAD, manager, ranks=(1, 2, 2, 3))
            self._arrange(hire, team, lead, share, primary, role_names)

    def _names(self):
        """Distinct (name, email) pairs in a shuffled order; past every pair, emails get a number."""
        pairs = [(f, last) for f in FIRST + MORE_FIRST for last in LAST + MORE_LAST]
        self.rng.shuffle(pairs)
        round_ = 0
        while True:
            for first, last in pairs:
                suffix = str(round_ + 1) if round_ else ""
                yield f"{first} {last}", f"{first}.{last}{suffix}@{DOMAIN}".lower()
            round_ += 1
