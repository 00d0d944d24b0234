"""Person assignments: each person's job role, level and team, effective-dated, so that a past
period is judged by what held then (issue 13). Seeds one row per existing person from their current
values, effective from their start date (or 1900-01-01, the earliest date Dual Dash accepts, when
they have none).

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
from peewee import *  # noqa: F403 (the frozen models use most field types)

# ruff: noqa: F405

EARLIEST = '1900-01-01'


def up(migrator, db):
    class JobRole(Model):
        class Meta:
            database = db
            table_name = 'job_role'

    class Level(Model):
        class Meta:
            database = db
            table_name = 'level'

    class Team(Model):
        class Meta:
            database = db
            table_name = 'team'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class PersonAssignment(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        role = ForeignKeyField(JobRole, null=True, on_delete='SET NULL')
        level = ForeignKeyField(Level, null=True, on_delete='SET NULL')
        team = ForeignKeyField(Team, null=True, on_delete='SET NULL')
        effective_from = DateField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'person_assignment'
            indexes = ((('person', 'effective_from'), True),)
    db.create_tables([PersonAssignment])
    columns = 'person_id, role_id, level_id, team_id, effective_from, created_at'
    # Safe: only the driver's parameter placeholder is formatted in; the date is a bound parameter.
    select = f'SELECT id, role_id, level_id, team_id, COALESCE(start_date, {db.param}), created_at FROM person'  # nosec B608
    db.execute_sql(f'INSERT INTO person_assignment ({columns}) {select}', (EARLIEST,))


def down(migrator, db):
    migrator.migrate(migrator.drop_table('person_assignment'))
