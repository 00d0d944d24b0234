"""Role skills' expected proficiency per level, self-assessments, and when a meeting's agenda was prepared.

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
from peewee import *  # noqa: F403 (the frozen models use most field types)

# ruff: noqa: F405


def up(migrator, db):
    class Level(Model):
        class Meta:
            database = db
            table_name = 'level'

    class RoleSkill(Model):
        class Meta:
            database = db
            table_name = 'role_skill'

    class SkillExpectation(Model):
        skill = ForeignKeyField(RoleSkill, on_delete='CASCADE')
        level = ForeignKeyField(Level, on_delete='CASCADE')
        proficiency = IntegerField()
        class Meta:
            database = db
            table_name = 'skill_expectation'
            indexes = ((('skill', 'level'), True),)
    db.create_tables([SkillExpectation])

    migrator.migrate(migrator.add_column('meeting', 'prepared_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('skill_assessment', 'is_self', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('skill_assessment', 'is_self'))
    migrator.migrate(migrator.drop_column('meeting', 'prepared_at'))
    migrator.migrate(migrator.drop_table('skill_expectation'))
