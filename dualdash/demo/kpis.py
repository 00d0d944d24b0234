"""The demo organization's KPIs: scorecards per job role, level-tiered benchmarks (one target raised
half-way) and weekly measurements with believable variation.

The value model (:func:`measurement_rows`) and the loading of a :class:`Catalogue` serve the
40-person demo and the large synthetic organizations alike; only the catalogue differs."""
import datetime
import math
from dataclasses import dataclass

from dualdash.kpis import periods
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI

#: Weeks of measurements in the 40-person demo.
WEEKS = 52
FOREVER = datetime.date(1970, 1, 1)

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

# (key, role or None, level rank or None): (meets, exceeds) — the lines in force from the start.
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
#: The target raised half-way through the weeks shown: earlier weeks keep the old line.
RAISED = (("calls_made", None, None), (50, 70))

# What a typical person at each level produces, relative to their level's Meets line.
LEVEL_FORM = {1: 1.05, 2: 1.12, 3: 1.2}
# Some people improve over the weeks, some slip, most hold steady…
DRIFTS = [-0.35, -0.2, 0, 0, 0, 0.15, 0.3]
# …and some are simply stronger than others at the same level.
TALENTS = [0.8, 0.9, 1.0, 1.0, 1.1, 1.25, 1.45]


@dataclass
class Catalogue:
    """What an organization measures: ``kpis`` (key → (name, unit, direction, rollup, category,
    decimals)), ``scorecards`` (role name → KPI keys), ``lines`` ((key, role or None, rank or None)
    → (meets, exceeds), in force from the start) and ``raised`` (one such line raised half-way)."""

    kpis: dict
    scorecards: dict
    lines: dict
    raised: tuple

    def line(self, key, role_name, rank):
        """The (meets, exceeds) line for a person of ``role_name`` at level ``rank``."""
        for wanted in ((key, role_name, rank), (key, role_name, None), (key, None, None)):
            if wanted in self.lines:
                return self.lines[wanted]
        return (1, 2)


DEMO_CATALOGUE = Catalogue(KPIS, SCORECARDS, LINES, RAISED)


def load_kpis(loader, catalogue, roles, levels, this_week, weeks):
    """Create the catalogue's KPIs, role scorecards and benchmarks; return ``{key: kpi id}``.

    ``roles``: role name → id; ``levels``: role name → level ids by rank."""
    first = loader.take_ids(KPI, len(catalogue.kpis))
    kpi_ids = {key: first + i for i, key in enumerate(catalogue.kpis)}
    loader.insert(KPI, ("id", "key", "name", "unit", "direction", "rollup", "category", "decimals", "cadence"),
                  [(kpi_ids[key], key, *spec[:4], spec[4], spec[5], "weekly")
                   for key, spec in catalogue.kpis.items()])
    first = loader.take_ids(Scorecard, len(catalogue.scorecards))
    loader.insert(Scorecard, ("id", "name", "role"),
                  [(first + i, name, roles[name]) for i, name in enumerate(catalogue.scorecards)])
    loader.insert(ScorecardKPI, ("scorecard", "kpi", "position"),
                  [(first + i, kpi_ids[key], position) for i, keys in enumerate(catalogue.scorecards.values())
                   for position, key in enumerate(keys, 1)])
    raised_from = periods.shift(this_week, -(weeks // 2)).start
    rows = [(kpi_ids[key], roles.get(role_name), levels[role_name][rank - 1] if rank else None, meets, exceeds,
             FOREVER) for (key, role_name, rank), (meets, exceeds) in catalogue.lines.items()]
    (key, role_name, rank), (meets, exceeds) = catalogue.raised
    rows.append((kpi_ids[key], roles.get(role_name), levels[role_name][rank - 1] if rank else None, meets, exceeds,
                 raised_from))
    loader.insert(Benchmark, ("kpi", "role", "level", "meets", "exceeds", "effective_from"), rows)
    return kpi_ids


def load_measurements(loader, rng, people, catalogue, kpi_ids, first_week, weeks):
    """Insert ``weeks`` weekly values from ``first_week`` of each person's scorecard KPIs; return how many."""
    starts = [(first_week + datetime.timedelta(weeks=w)).isoformat() for w in range(weeks)]
    return loader.insert(Measurement, ("person", "kpi", "period_start", "value"),
                         measurement_rows(rng, people, catalogue, kpi_ids, starts), prepared=True)


def measurement_rows(rng, people, catalogue, kpi_ids, starts):
    """The value model: ``(person id, kpi id, period start, value)`` for each week of ``starts``
    (period starts as text) and each KPI of each person's role scorecard, people in order.

    A person's values follow their level's Meets line, scaled by their talent, drifting up or down
    over the weeks, with a seasonal swing and noise; a few weeks have no data (a holiday of three
    weeks for some people, a missed week now and then, the weeks before they started): missing rows,
    never zeros."""
    weeks = len(starts)
    random, sin, log, sqrt, cos = rng.random, math.sin, math.log, math.sqrt, math.cos
    # rng.gauss(0, 0.1), inlined (this loop makes millions of values): the same numbers from the
    # same stream, including the second value each draw keeps for the next call.
    spare = rng.gauss_next
    rng.gauss_next = None
    for person in people:
        keys = catalogue.scorecards.get(person.role)
        if not keys:
            continue
        drift = rng.choice(DRIFTS)
        talent = rng.choice(TALENTS)
        gap_start = rng.randrange(weeks) if rng.random() < 0.3 else None
        gap_end = gap_start + 3 if gap_start is not None else -1
        rank = person.rank if person.rank is not None else 2
        # No values for a week that ended before the person started.
        hired = (person.start_date - datetime.timedelta(days=6)).isoformat() if person.start_date else ""
        strength = LEVEL_FORM.get(rank, 1.1) * talent
        person_id = person.id
        # The parts of a week's form that are the same for all of the person's KPIs.
        trend = [strength * (1 + drift * ((week / (weeks - 1) if weeks > 1 else 1.0) - 0.5))
                 for week in range(weeks)]
        swing = [1 + 0.12 * sin(week / 4 + person_id) for week in range(weeks)]
        for key in keys:
            meets, _ = catalogue.line(key, person.role, rank)
            _, unit, direction, _, _, decimals = catalogue.kpis[key]
            lower, percent, kpi_id = direction == "lower", unit == "percent", kpi_ids[key]
            for week in range(weeks):
                if gap_end > week >= gap_start or starts[week] < hired:
                    continue  # a holiday, or before they started: no data, never zero
                if random() < 0.04:
                    continue
                if spare is None:
                    angle = random() * math.tau
                    radius = sqrt(-2.0 * log(1.0 - random()))
                    z, spare = cos(angle) * radius, sin(angle) * radius
                else:
                    z, spare = spare, None
                form = trend[week] * (swing[week] + z * 0.1)
                value = meets / form if lower else meets * form
                if percent:
                    value = min(100.0, value)
                yield person_id, kpi_id, starts[week], round(value if value > 0 else 0, decimals)
    rng.gauss_next = spare
