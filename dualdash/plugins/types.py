"""The plain values that hooks return and receive.

Plugins may build these dataclasses (``from dualdash import Driver``) or return plain dicts with
the same fields; the core turns dicts into these and validates them either way."""
import datetime
import enum
from dataclasses import dataclass, field
from typing import Callable, Optional


class Band(str, enum.Enum):
    """The three bands. A rule may also answer None: it cannot judge (no data, no benchmark)."""

    FAILS = "fails"
    MEETS = "meets"
    EXCEEDS = "exceeds"

    @property
    def label(self):
        return self.value.capitalize()


#: What a KPI's columns may hold: the values a KPI definition (and the KPI form) chooses from.
UNITS = ("count", "currency", "percent", "duration")
DIRECTIONS = ("higher", "lower")
CADENCES = ("daily", "weekly", "monthly", "quarterly", "annual")
ROLLUPS = ("sum", "mean", "last", "min", "max")
CATEGORIES = ("financial", "operational", "customer", "people")


@dataclass(frozen=True)
class ScalePoint:
    """One step of a driver's rating scale, e.g. ``ScalePoint(3, "Consistently")``."""

    value: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Driver:
    """A Performance Driver: a behaviour the organization rates and coaches.

    ``roles`` names the job roles it applies to; empty means everyone."""

    key: str
    name: str
    description: str
    good_looks_like: str
    scale: tuple = ()
    roles: tuple = ()


@dataclass(frozen=True)
class KPIInfo:
    """What a band rule knows of a KPI."""

    key: str
    name: str
    direction: str  # "higher" or "lower" is better
    unit: str = "count"
    cadence: str = "weekly"


@dataclass(frozen=True)
class BenchmarkInfo:
    """The benchmark line that applies to one person on one date. ``meets``/``exceeds`` may be None."""

    meets: Optional[float]
    exceeds: Optional[float]
    effective_from: Optional[datetime.date] = None
    role: Optional[str] = None
    level: Optional[str] = None


@dataclass(frozen=True)
class PersonInfo:
    """What a band rule knows of the person measured. For a team's own value (a KPI on a team's
    scorecard): ``id`` None, ``email`` empty, ``name`` and ``team`` the team's name."""

    id: Optional[int]
    name: str
    email: str
    role: Optional[str] = None
    level: Optional[str] = None
    team: Optional[str] = None
    start_date: Optional[datetime.date] = None


@dataclass(frozen=True)
class Period:
    """A reporting period: its first and last day and its cadence."""

    start: datetime.date
    end: datetime.date
    cadence: str = "weekly"


@dataclass(frozen=True)
class BandRule:
    """A named way to turn a value and its benchmark into a band.

    ``judge(value, kpi, benchmark, person, period)`` receives a float, a :class:`KPIInfo`, a
    :class:`BenchmarkInfo` (or None when no benchmark applies), a :class:`PersonInfo` and a
    :class:`Period`, and returns a :class:`Band`, one of the strings "fails"/"meets"/"exceeds", or None."""

    name: str
    label: str
    judge: Callable
    description: str = ""


class Situation(str, enum.Enum):
    """When a coaching question is suggested."""

    KPI_EXCEEDS = "kpi_exceeds"
    KPI_MEETS = "kpi_meets"
    KPI_FAILS = "kpi_fails"
    KPI_TRENDING_UP = "kpi_trending_up"
    KPI_TRENDING_DOWN = "kpi_trending_down"
    DRIVER = "driver"
    SKILL_GAP = "skill_gap"
    MEETING_OPEN = "meeting_open"
    MEETING_CLOSE = "meeting_close"

    @property
    def label(self):
        return SITUATION_LABELS[self.value]


SITUATION_LABELS = {
    "kpi_exceeds": "A KPI exceeds its benchmark", "kpi_meets": "A KPI meets its benchmark",
    "kpi_fails": "A KPI fails its benchmark", "kpi_trending_up": "A KPI is trending up",
    "kpi_trending_down": "A KPI is trending down", "driver": "A Performance Driver",
    "skill_gap": "A role skill gap", "meeting_open": "Opening a 1:1", "meeting_close": "Closing a 1:1",
}


@dataclass(frozen=True)
class CoachingQuestion:
    """A question suggested for a situation.

    ``kpi``, ``driver`` and ``skill`` (keys) narrow it to one KPI, driver or skill; left empty, it
    suits every one. A question for the DRIVER situation should name its ``driver``."""

    situation: Situation
    text: str
    kpi: Optional[str] = None
    driver: Optional[str] = None
    skill: Optional[str] = None


@dataclass(frozen=True)
class KPIDefinition:
    """A KPI an organization can adopt in one click, with its default benchmark."""

    key: str
    name: str
    unit: str = "count"
    direction: str = "higher"
    cadence: str = "weekly"
    rollup: str = "sum"
    category: str = "operational"
    band_rule: str = "thresholds"
    decimals: int = 0
    description: str = ""
    meets: Optional[float] = None
    exceeds: Optional[float] = None


@dataclass(frozen=True)
class Skill:
    """A role skill. ``expected`` maps a level name of the role to the proficiency expected there."""

    key: str
    name: str
    description: str = ""
    expected: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SkillFramework:
    """The skills one job role needs (by the role's name)."""

    role: str
    skills: tuple = ()


@dataclass(frozen=True)
class WorksheetSection:
    """An extra section printed on a 1:1 worksheet: a title and its HTML (escaped unless marked safe)."""

    title: str
    html: str
