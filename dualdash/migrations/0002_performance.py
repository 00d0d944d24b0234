"""KPIs, scorecards, benchmarks, measurements, meetings, ratings, role skills, the audit log,
API tokens and settings.

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
from peewee import *  # noqa: F403 (the frozen models use most field types)

# ruff: noqa: F405


def up(migrator, db):
    class JobRole(Model):
        class Meta:
            database = db
            table_name = 'job_role'

    class Level(Model):
        class Meta:
            database = db
            table_name = 'level'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Team(Model):
        class Meta:
            database = db
            table_name = 'team'

    class Meeting(Model):
        manager = ForeignKeyField(Person, on_delete='CASCADE')
        report = ForeignKeyField(Person, on_delete='CASCADE')
        scheduled_for = DateTimeField()
        status = CharField(default='planned')
        held_at = DateTimeField(null=True)
        shared_notes = TextField(default='')
        check_in_score = IntegerField(null=True)
        check_in_word = CharField(null=True)
        repeat_every_days = IntegerField(null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'
            indexes = ((('report', 'scheduled_for'), False), (('manager', 'scheduled_for'), False))
    db.create_tables([Meeting])

    class ActionItem(Model):
        owner = ForeignKeyField(Person, on_delete='CASCADE')
        description = TextField()
        due_date = DateField(null=True)
        status = CharField(default='open')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        completed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'action_item'
            indexes = ((('owner', 'status'), False),)
    db.create_tables([ActionItem])

    class AgendaItem(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        position = IntegerField(default=0)
        kind = CharField(default='custom')
        title = CharField()
        source = CharField(null=True)
        added_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        notes = TextField(default='')
        done = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'agenda_item'
    db.create_tables([AgendaItem])

    class ApiToken(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        name = CharField()
        token_hash = CharField(unique=True)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'api_token'
    db.create_tables([ApiToken])

    class AuditLog(Model):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        action = CharField()
        object_type = CharField()
        object_id = CharField(null=True)
        before = TextField(null=True)
        after = TextField(null=True)
        class Meta:
            database = db
            table_name = 'audit_log'
            indexes = ((('object_type', 'object_id'), False),)
    db.create_tables([AuditLog])

    class KPI(Model):
        key = CharField(unique=True)
        name = CharField()
        description = TextField(default='')
        unit = CharField(default='count')
        direction = CharField(default='higher')
        cadence = CharField(default='weekly')
        rollup = CharField(default='sum')
        category = CharField(default='operational')
        band_rule = CharField(default='thresholds')
        decimals = IntegerField(default=0)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'kpi'
    db.create_tables([KPI])

    class Benchmark(Model):
        kpi = ForeignKeyField(KPI, on_delete='CASCADE')
        role = ForeignKeyField(JobRole, null=True, on_delete='CASCADE')
        level = ForeignKeyField(Level, null=True, on_delete='CASCADE')
        meets = DoubleField(null=True)
        exceeds = DoubleField(null=True)
        effective_from = DateField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'benchmark'
            indexes = ((('kpi', 'role', 'level', 'effective_from'), False),)
    db.create_tables([Benchmark])

    class DriverRating(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        rated_by = ForeignKeyField(Person, on_delete='CASCADE')
        driver_key = CharField()
        score = IntegerField()
        comment = TextField(default='')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        rated_on = DateField()
        is_self = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'driver_rating'
            indexes = ((('person', 'driver_key', 'rated_on'), False),)
    db.create_tables([DriverRating])

    class Measurement(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        kpi = ForeignKeyField(KPI, on_delete='CASCADE')
        period_start = DateField()
        value = DoubleField()
        note = TextField(null=True)
        entered_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'measurement'
            indexes = ((('person', 'kpi', 'period_start'), True), (('kpi', 'period_start'), False))
    db.create_tables([Measurement])

    class PrivateNote(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        author = ForeignKeyField(Person, on_delete='CASCADE')
        text = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'private_note'
            indexes = ((('meeting', 'author'), True),)
    db.create_tables([PrivateNote])

    class RoleSkill(Model):
        role = ForeignKeyField(JobRole, on_delete='CASCADE')
        key = CharField()
        name = CharField()
        description = TextField(default='')
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'role_skill'
            indexes = ((('role', 'key'), True),)
    db.create_tables([RoleSkill])

    class Scorecard(Model):
        name = CharField()
        role = ForeignKeyField(JobRole, null=True, on_delete='CASCADE')
        team = ForeignKeyField(Team, null=True, on_delete='CASCADE')
        person = ForeignKeyField(Person, null=True, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'scorecard'
    db.create_tables([Scorecard])

    class ScorecardKPI(Model):
        scorecard = ForeignKeyField(Scorecard, on_delete='CASCADE')
        kpi = ForeignKeyField(KPI, on_delete='CASCADE')
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'scorecard_kpi'
            indexes = ((('scorecard', 'kpi'), True),)
    db.create_tables([ScorecardKPI])

    class Setting(Model):
        key = CharField(unique=True)
        value = TextField()
        class Meta:
            database = db
            table_name = 'setting'
    db.create_tables([Setting])

    class SkillAssessment(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        skill = ForeignKeyField(RoleSkill, on_delete='CASCADE')
        proficiency = IntegerField()
        assessed_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        assessed_on = DateField()
        note = TextField(default='')
        class Meta:
            database = db
            table_name = 'skill_assessment'
            indexes = ((('person', 'skill', 'assessed_on'), False),)
    db.create_tables([SkillAssessment])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('skill_assessment'))
    migrator.migrate(migrator.drop_table('setting'))
    migrator.migrate(migrator.drop_table('scorecard_kpi'))
    migrator.migrate(migrator.drop_table('scorecard'))
    migrator.migrate(migrator.drop_table('role_skill'))
    migrator.migrate(migrator.drop_table('private_note'))
    migrator.migrate(migrator.drop_table('measurement'))
    migrator.migrate(migrator.drop_table('driver_rating'))
    migrator.migrate(migrator.drop_table('benchmark'))
    migrator.migrate(migrator.drop_table('kpi'))
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('api_token'))
    migrator.migrate(migrator.drop_table('agenda_item'))
    migrator.migrate(migrator.drop_table('action_item'))
    migrator.migrate(migrator.drop_table('meeting'))
