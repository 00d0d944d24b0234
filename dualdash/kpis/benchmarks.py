"""Which benchmark line applies to a person for a KPI on a date.

The most specific line applies: the person's role and level, then their role, then the KPI's
default (no role). Lines are effective-dated: a period is judged by the line in force on its first
day, so changing a target from a date on leaves every earlier period as it was judged."""
from collections import defaultdict

from dualdash.kpis.models import Benchmark
from dualdash.plugins.types import BenchmarkInfo


def load(kpi_ids):
    """Every benchmark line of these KPIs, in one query: ``{kpi_id: [row, …]}``, newest first.

    A row is ``(role_id, level_id, effective_from, meets, exceeds)``."""
    lines = defaultdict(list)
    if not kpi_ids:
        return lines
    query = (Benchmark.select(Benchmark.kpi, Benchmark.role, Benchmark.level, Benchmark.effective_from,
                              Benchmark.meets, Benchmark.exceeds)
             .where(Benchmark.kpi.in_(list(kpi_ids)))
             .order_by(Benchmark.effective_from.desc(), Benchmark.id.desc())
             .tuples())
    for kpi_id, role_id, level_id, effective_from, meets, exceeds in query:
        lines[kpi_id].append((role_id, level_id, effective_from, meets, exceeds))
    return lines


def applicable(lines, role_id, level_id, on_date):
    """The line of ``lines`` (one KPI's, from :func:`load`) that applies on ``on_date`` to someone
    with this role and level, as a (row, specificity) pair; (None, None) when none does.

    A line with neither Meets nor Exceeds ends the lines of its specificity from its date on: the
    next less specific one applies (how the benchmark form removes, say, a level's own line from a
    date on without touching the periods before it)."""
    for specificity, wanted in ((2, (role_id, level_id)), (1, (role_id, None)), (0, (None, None))):
        if specificity and role_id is None:
            continue
        if specificity == 2 and level_id is None:
            continue
        for row in lines:  # newest first: the first one in force wins
            if (row[0], row[1]) == wanted and row[2] <= on_date:
                if row[3] is None and row[4] is None:
                    break
                return row, specificity
    return None, None


def info(row, role_name=None, level_name=None):
    """A benchmark row as the :class:`BenchmarkInfo` band rules receive (None stays None)."""
    if row is None:
        return None
    return BenchmarkInfo(meets=row[3], exceeds=row[4], effective_from=row[2],
                         role=role_name if row[0] else None, level=level_name if row[1] else None)


def scaled(benchmark, factor):
    """The benchmark with its lines multiplied by ``factor`` (a summed KPI seen over several periods)."""
    if benchmark is None or factor == 1:
        return benchmark
    return BenchmarkInfo(meets=None if benchmark.meets is None else benchmark.meets * factor,
                         exceeds=None if benchmark.exceeds is None else benchmark.exceeds * factor,
                         effective_from=benchmark.effective_from, role=benchmark.role, level=benchmark.level)


def attainment(value, benchmark, direction):
    """A value relative to its own Meets line (1.0 = on the line; above 1 is better, either direction)."""
    if value is None or benchmark is None or not benchmark.meets:
        return None
    if direction == "lower":
        return benchmark.meets / value if value > 0 else None
    return value / benchmark.meets
