"""Team values: ``team_measurement`` holds a KPI's value for a team itself (not for a person in
it), for the KPIs on a team's scorecard. One row per team, KPI and period.

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
import datetime

from peewee import *  # noqa: F403 (the frozen models use most field types)

# ruff: noqa: F405


def up(migrator, db):
    class Team(Model):
        class Meta:
            database = db
            table_name = 'team'

    class Kpi(Model):
        class Meta:
            database = db
            table_name = 'kpi'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class TeamMeasurement(Model):
        team = ForeignKeyField(Team, on_delete='CASCADE', index=False)
        kpi = ForeignKeyField(Kpi, on_delete='CASCADE', index=False)
        period_start = DateField()
        value = DoubleField()
        note = TextField(null=True)
        entered_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = 'team_measurement'
            indexes = ((('team', 'kpi', 'period_start'), True), (('kpi', 'period_start'), False))
    db.create_tables([TeamMeasurement])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('team_measurement'))
