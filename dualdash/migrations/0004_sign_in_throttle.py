"""Failed sign-ins by email and by network address, for log-in throttling.

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
from peewee import *  # noqa: F403 (the frozen models use most field types)

# ruff: noqa: F405


def up(migrator, db):
    class SignInFailure(Model):
        at = DateTimeField(index=True)
        email = CharField()
        address = CharField()

        class Meta:
            database = db
            table_name = 'sign_in_failure'
            indexes = ((('email', 'at'), False), (('address', 'at'), False))
    db.create_tables([SignInFailure])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('sign_in_failure'))
