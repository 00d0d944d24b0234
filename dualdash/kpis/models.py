"""KPIs, scorecards, benchmarks and measurements."""
import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from dualdash.db import BaseModel, utcnow
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.plugins.types import CADENCES, CATEGORIES, DIRECTIONS, ROLLUPS, UNITS  # noqa: F401 (the KPI columns' choices)


class KPI(BaseModel):
    """A measurable outcome. ``band_rule`` names a rule provided by a plugin."""

    key = CharField(unique=True)
    name = CharField()
    description = TextField(default="")
    unit = CharField(default="count")
    direction = CharField(default="higher")
    cadence = CharField(default="weekly")
    rollup = CharField(default="sum")
    category = CharField(default="operational")
    band_rule = CharField(default="thresholds")
    decimals = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        table_name = "kpi"


class Scorecard(BaseModel):
    """The KPIs a job role, a team or one person is measured on."""

    name = CharField()
    role = ForeignKeyField(JobRole, null=True, backref="scorecards", on_delete="CASCADE")
    team = ForeignKeyField(Team, null=True, backref="scorecards", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="scorecards", on_delete="CASCADE")


class ScorecardKPI(BaseModel):
    scorecard = ForeignKeyField(Scorecard, backref="items", on_delete="CASCADE")
    kpi = ForeignKeyField(KPI, on_delete="CASCADE")
    position = IntegerField(default=0)

    class Meta:
        table_name = "scorecard_kpi"
        indexes = ((("scorecard", "kpi"), True),)


class Benchmark(BaseModel):
    """What good looks like for a KPI from ``effective_from`` on: for everyone (no role),
    a role, or one level of a role."""

    kpi = ForeignKeyField(KPI, backref="benchmarks", on_delete="CASCADE")
    role = ForeignKeyField(JobRole, null=True, on_delete="CASCADE")
    level = ForeignKeyField(Level, null=True, on_delete="CASCADE")
    meets = DoubleField(null=True)
    exceeds = DoubleField(null=True)
    effective_from = DateField(default=datetime.date(1970, 1, 1))
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kpi", "role", "level", "effective_from"), False),)


class Measurement(BaseModel):
    """One value of one KPI for one person in one period (``period_start`` names the period)."""

    # Not indexed alone: the two indexes below begin with them (migration 0006).
    person = ForeignKeyField(Person, backref="measurements", on_delete="CASCADE", index=False)
    kpi = ForeignKeyField(KPI, backref="measurements", on_delete="CASCADE", index=False)
    period_start = DateField()
    value = DoubleField()
    note = TextField(null=True)
    entered_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("person", "kpi", "period_start"), True),
            (("kpi", "period_start"), False),
        )


class TeamMeasurement(BaseModel):
    """One value of one KPI for a team itself (not for any person in it) in one period: what a
    KPI on the team's scorecard is measured with (migration 0008)."""

    team = ForeignKeyField(Team, backref="measurements", on_delete="CASCADE", index=False)
    kpi = ForeignKeyField(KPI, backref="team_measurements", on_delete="CASCADE", index=False)
    period_start = DateField()
    value = DoubleField()
    note = TextField(null=True)
    entered_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "team_measurement"
        indexes = (
            (("team", "kpi", "period_start"), True),
            (("kpi", "period_start"), False),
        )
