"""A synthetic measurements CSV for the organization in the database: a file of any length for
trying and timing ``dualdash import measurements`` (``dualdash bench`` times one of a million rows).

The file holds weekly values of every active person's role-scorecard KPIs, week by week backwards
from the week of ``until``: for an organization built by ``dualdash demo --people N``, weeks it
already has values for (the import changes them) or, with ``until`` before its first week, new
ones. Deterministic for a seed."""
import datetime
import random

from dualdash.kpis import periods
from dualdash.kpis.models import KPI, Benchmark, Scorecard, ScorecardKPI
from dualdash.org import settings as org_settings
from dualdash.org.models import Person

HEADER = "person,kpi,period,value\n"


def write_measurements_csv(path, rows, *, until=None, seed=11, by="person"):
    """Write ``rows`` measurements (plus the header) to ``path`` and return the first day of the
    earliest week written.

    ``by="person"`` writes each person's KPIs over all the weeks the file covers, person after
    person (an export from another system); ``by="week"`` writes every person's values for a week,
    week after week backwards (a weekly load). Values scatter around each KPI's Meets line for
    everyone; weeks are written as ISO weeks (2026-W47). Raises ValueError when nobody has a KPI."""
    if by not in ("person", "week"):
        raise ValueError('by is "person" or "week"')
    pairs = _pairs()
    if not pairs:
        raise ValueError("nobody in the organization has a weekly KPI on their role's scorecard")
    settings = org_settings.get()
    last = periods.containing(until or datetime.date.today(), "weekly", settings.week_start)
    count = -(-rows // len(pairs))  # weeks needed, rounded up
    weeks = [periods.shift(last, -i, settings.week_start) for i in range(count)]
    names = [periods.key(week) for week in weeks]
    rng = random.Random(seed)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        lines = []
        order = ((pair, name) for pair in pairs for name in names) if by == "person" else \
            ((pair, name) for name in names for pair in pairs)
        for (email, key, meets, decimals, percent), name in order:
            value = round(meets * rng.uniform(0.6, 1.5), decimals)
            if percent:
                value = min(value, 100.0)
            lines.append(f"{email},{key},{name},{value}\n")
            written += 1
            if len(lines) == 10_000 or written == rows:
                out.write("".join(lines))
                lines.clear()
            if written == rows:
                break
    return weeks[-1].start


def _pairs():
    """``(email, kpi key, meets, decimals, is a percent)`` of every active person's role-scorecard
    weekly KPIs, people in id order."""
    meets = {kpi: value for kpi, value in Benchmark.select(Benchmark.kpi, Benchmark.meets)
             .where(Benchmark.role.is_null() & Benchmark.level.is_null() & Benchmark.meets.is_null(False))
             .order_by(Benchmark.effective_from).tuples()}
    query = (Person.select(Person.email, KPI.id, KPI.key, KPI.decimals, KPI.unit)
             .join(Scorecard, on=(Scorecard.role == Person.role))
             .join(ScorecardKPI, on=(ScorecardKPI.scorecard == Scorecard.id))
             .join(KPI, on=(KPI.id == ScorecardKPI.kpi))
             .where((Person.active == True) & (KPI.active == True) & (KPI.cadence == "weekly")  # noqa: E712
                    & Scorecard.person.is_null() & Scorecard.team.is_null())
             .order_by(Person.id, ScorecardKPI.position, ScorecardKPI.id)
             .tuples())
    return [(email, key, meets.get(kpi_id) or 10, decimals, unit == "percent")
            for email, kpi_id, key, decimals, unit in query]
