"""The demo organization's KPIs: scorecards per job role, level-tiered benchmarks (one target raised
mid-year) and a year of weekly measurements with believable variation."""
import datetime
import math

from . import periods
from .models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI

WEEKS = 52

# key: (name, unit, direction, rollup, category, decimals)
KPIS = {
    "revenue": ("Revenue", "currency", "higher", "sum", "financial", 0),
    "deals_closed": ("Deals closed", "count", "higher", "sum", "financial", 0),
    "calls_made": ("Calls made", "count", "higher", "sum", "operational", 0),
    "meetings_booked": ("Meetings booked", "count", "higher", "sum", "operational", 0),
    "tickets_resolved": ("Tickets resolved", "count", "higher", "sum", "operational", 0),
    "first_response_time": ("First response time (minutes)", "duration", "lower", "mean", "customer", 0),
    "csat": ("Customer satisfaction", "percent", "higher", "mean", "customer", 1),
    "reports_delivered": ("Reports delivered", "count", "higher", "sum", "operational", 0),
    "on_time_rate": ("Delivered on time", "percent", "higher", "mean", "operational", 1),
    "one_on_ones_held": ("1:1s held", "count", "higher", "sum", "people", 0),
}

SCORECARDS = {
    "Account Executive": ["revenue", "deals_closed", "calls_made"],
    "Sales Development Rep": ["meetings_booked", "calls_made"],
    "Support Agent": ["tickets_resolved", "first_response_time", "csat"],
    "Operations Analyst": ["reports_delivered", "on_time_rate"],
    "Team Lead": ["one_on_ones_held", "on_time_rate"],
}

# (key, role or None, level rank or None): (meets, exceeds) — the lines in force a year ago.
LINES = {
    ("revenue", "Account Executive", 1): (3000, 5000),
    ("revenue", "Account Executive", 2): (6000, 9000),
    ("revenue", "Account Executive", 3): (9000, 13000),
    ("deals_closed", None, None): (1, 3),
    ("calls_made", None, None): (40, 60),
    ("calls_made", "Sales Development Rep", None): (60, 90),
    ("meetings_booked", "Sales Development Rep", 1): (3, 5),
    ("meetings_booked", "Sales Development Rep", 2): (5, 8),
    ("meetings_booked", "Sales Development Rep", 3): (7, 10),
    ("tickets_resolved", "Support Agent", 1): (25, 35),
    ("tickets_resolved", "Support Agent", 2): (35, 45),
    ("tickets_resolved", "Support Agent", 3): (40, 55),
    ("first_response_time", None, None): (60, 30),
    ("csat", None, None): (85, 93),
    ("reports_delivered", None, None): (3, 5),
    ("on_time_rate", None, None): (90, 97),
    ("one_on_ones_held", None, None): (4, 6),
}
#: The target raised half-way through the year: earlier weeks keep the old line.
RAISED = (("calls_made", None, None), (50, 70))

# What a typical person at each level produces, relative to their level's Meets line.
LEVEL_FORM = {1: 1.05, 2: 1.12, 3: 1.2}


def build_kpis(rng, people, roles, levels, today):
    """Create KPIs, scorecards, benchmarks and a year of weekly measurements for ``people``."""
    kpis = {key: KPI.create(key=key, name=n, unit=u, direction=d, rollup=r, category=c, decimals=dec,
                            cadence="weekly")
            for key, (n, u, d, r, c, dec) in KPIS.items()}
    for role_name, keys in SCORECARDS.items():
        card = Scorecard.create(name=role_name, role=roles[role_name])
        for position, key in enumerate(keys, 1):
            ScorecardKPI.create(scorecard=card, kpi=kpis[key], position=position)
    this_week = periods.containing(today, "weekly")
    first_week = periods.shift(this_week, -(WEEKS - 1))
    raised_from = periods.shift(this_week, -(WEEKS // 2)).start
    for (key, role_name, rank), (meets, exceeds) in LINES.items():
        Benchmark.create(kpi=kpis[key], role=roles.get(role_name), meets=meets, exceeds=exceeds,
                         level=levels[role_name][rank - 1] if rank else None,
                         effective_from=datetime.date(1970, 1, 1))
    (key, role_name, rank), (meets, exceeds) = RAISED
    Benchmark.create(kpi=kpis[key], meets=meets, exceeds=exceeds, effective_from=raised_from)

    rows = []
    for person in people:
        keys = SCORECARDS.get(person.role.name if person.role_id else None, [])
        if not keys:
            continue
        # Some people improve over the year, some slip, most hold steady.
        drift = rng.choice([-0.35, -0.2, 0, 0, 0, 0.15, 0.3])
        # …and some are simply stronger than others at the same level.
        talent = rng.choice([0.8, 0.9, 1.0, 1.0, 1.1, 1.25, 1.45])
        gap_start = rng.randrange(WEEKS) if rng.random() < 0.3 else None
        rank = person.level.rank if person.level_id else 2
        for key in keys:
            meets, _ = _line(key, person.role.name, rank)
            lower = KPIS[key][2] == "lower"
            for week in range(WEEKS):
                if gap_start is not None and gap_start <= week < gap_start + 3:
                    continue  # a holiday: no data, never zero
                if rng.random() < 0.04:
                    continue
                progress = week / (WEEKS - 1)
                form = LEVEL_FORM.get(rank, 1.1) * talent * (1 + drift * (progress - 0.5))
                form *= 1 + 0.12 * math.sin(week / 4 + person.id) + rng.gauss(0, 0.1)
                value = meets / form if lower else meets * form
                if KPIS[key][1] == "percent":
                    value = min(100.0, value)
                decimals = KPIS[key][5]
                rows.append({"person": person.id, "kpi": kpis[key].id,
                             "period_start": first_week.start + datetime.timedelta(weeks=week),
                             "value": round(max(value, 0), decimals)})
    for start in range(0, len(rows), 500):
        Measurement.insert_many(rows[start:start + 500]).execute()
    return len(kpis), len(rows)


def _line(key, role_name, rank):
    for wanted in ((key, role_name, rank), (key, role_name, None), (key, None, None)):
        if wanted in LINES:
            return LINES[wanted]
    return (1, 2)
