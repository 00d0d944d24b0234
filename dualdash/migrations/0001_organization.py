"""The first schema: teams, job roles with their levels, and people (accounts).

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
from peewee import *  # noqa: F403 (the frozen models use most field types)

# ruff: noqa: F405


def up(migrator, db):
    class JobRole(Model):
        name = CharField(unique=True)
        description = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'job_role'
    db.create_tables([JobRole])

    class Level(Model):
        role = ForeignKeyField(JobRole, on_delete='CASCADE')
        name = CharField()
        rank = IntegerField()
        class Meta:
            database = db
            table_name = 'level'
            indexes = ((('role', 'name'), True),)
    db.create_tables([Level])

    class Team(Model):
        name = CharField(unique=True)
        parent = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'team'
    db.create_tables([Team])

    class Person(Model):
        email = CharField(unique=True)
        name = CharField()
        team = ForeignKeyField(Team, null=True, on_delete='SET NULL')
        role = ForeignKeyField(JobRole, null=True, on_delete='SET NULL')
        level = ForeignKeyField(Level, null=True, on_delete='SET NULL')
        manager = ForeignKeyField('self', null=True, on_delete='SET NULL')
        start_date = DateField(null=True)
        active = BooleanField(default=True)
        is_admin = BooleanField(default=False)
        password_hash = CharField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'person'
            indexes = ((('manager',), False), (('team',), False))
    db.create_tables([Person])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('person'))
    migrator.migrate(migrator.drop_table('team'))
    migrator.migrate(migrator.drop_table('level'))
    migrator.migrate(migrator.drop_table('job_role'))
