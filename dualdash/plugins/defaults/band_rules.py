"""The default band rules.

- ``thresholds``: Meets and Exceeds lines in the KPI's direction (Fails is below Meets);
- ``target``: a single standard, one target that is met or not (never Exceeds)."""
from dualdash.plugins.hookspecs import hookimpl
from dualdash.plugins.types import Band, BandRule


def reaches(value, line, direction):
    """True when ``value`` is on the good side of ``line`` (or on it) for the KPI's direction."""
    return value <= line if direction == "lower" else value >= line


def thresholds(value, kpi, benchmark, person, period):
    """Exceeds at or past the Exceeds line, Meets at or past the Meets line, else Fails."""
    if value is None or benchmark is None or benchmark.meets is None:
        return None
    if benchmark.exceeds is not None and reaches(value, benchmark.exceeds, kpi.direction):
        return Band.EXCEEDS
    return Band.MEETS if reaches(value, benchmark.meets, kpi.direction) else Band.FAILS


def target(value, kpi, benchmark, person, period):
    """Meets when the target (the Meets line) is reached, else Fails."""
    if value is None or benchmark is None or benchmark.meets is None:
        return None
    return Band.MEETS if reaches(value, benchmark.meets, kpi.direction) else Band.FAILS


@hookimpl
def dualdash_band_rules():
    return [
        BandRule("thresholds", "Thresholds", thresholds,
                 "Fails / Meets / Exceeds by the benchmark's lines, in the KPI's direction."),
        BandRule("target", "Single target", target,
                 "One standard: the target is met or it is not (no Exceeds)."),
    ]
