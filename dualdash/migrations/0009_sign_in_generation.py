"""Person: a sign-in generation, carried in the session and the remember-me cookie.

Signing out (or "Sign out everywhere" on the profile page) adds one to it, so that every cookie made
before, even a copy, stops signing anyone in. Sessions from before this migration name no generation
and are asked to sign in again once.

Models here are frozen copies: they must not follow later changes to dualdash.models.
"""
from peewee import SQL, IntegerField


def up(migrator, db):
    # A default in the database too, so that rows written without naming the column (bulk loads,
    # other tools) get generation 0 instead of failing NOT NULL.
    migrator.migrate(migrator.add_column('person', 'sign_in_generation',
                                         IntegerField(default=0, constraints=[SQL('DEFAULT 0')])))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('person', 'sign_in_generation'))
