"""The database: one peewee ``Database`` per app, bound to the models through a proxy,
a connection per request, and the schema migrations."""
import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import DatabaseProxy, Model, sort_models
from playhouse import db_url
from playhouse.migrations import Runner

#: Every model is bound to this proxy; ``init_app`` points it at the app's database.
database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HISTORY_TABLE = "schema_migration"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # Wait for a writer instead of failing at once with "database is locked".
    "busy_timeout": 5000,
    "synchronous": "normal",
}



def utcnow():
    """Naive UTC time: what every timestamp column stores."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    """The base of every table, in every domain package and plugin: bound to :data:`database`."""

    class Meta:
        database = database
        legacy_table_names = False



def tables():
    """Every table the app has loaded, in dependency order (a table after those it references): each
    domain package's and each loaded plugin's, found as the subclasses of :class:`BaseModel`. The
    whole-database tools (export, import-all) use it, so a plugin's tables travel too."""
    found, stack = [], list(BaseModel.__subclasses__())
    while stack:
        model = stack.pop()
        stack.extend(model.__subclasses__())
        if model not in found:
            found.append(model)
    return sort_models(found)

def connect(url):
    """Open a peewee database for a ``DATABASE_URL`` (``sqlite:///…`` or ``postgresql://…``)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return db_url.connect(url, pragmas=SQLITE_PRAGMAS)
    return db_url.connect(url)


def init_app(app):
    """Create the app's database and open/close a connection around each request."""
    db = connect(app.config["DATABASE_URL"])
    app.extensions["dualdash.db"] = db
    bind(db)

    @app.before_request
    def _open():
        bind(db)
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()

    app.cli.add_command(init_command)
    app.cli.add_command(migrate_command)


def bind(db):
    """Point the models at ``db`` (a no-op when they already are)."""
    if database.obj is not db:
        database.initialize(db)


def get_db(app=None):
    """The peewee database of ``app`` (default: the current app)."""
    return (app or current_app).extensions["dualdash.db"]


def reset_id_sequences(db, tables):
    """PostgreSQL: move each table's id sequence past its highest id, after rows were loaded with
    their ids given (which does not advance a sequence). ``tables``: ``(table, primary-key column)``
    pairs from the models or checked against the database; a key without a sequence is left alone."""
    for table, key in tables:
        sequence = db.execute_sql("SELECT pg_get_serial_sequence(%s, %s)", (f'"{table}"', key)).fetchone()[0]
        if sequence:
            # Safe: the names come from the models or the database, never from input.
            highest = f'SELECT COALESCE(MAX("{key}"), 0) + 1 FROM "{table}"'  # nosec B608
            db.execute_sql(f"SELECT setval(%s, ({highest}), false)", (sequence,))


def runner(db):
    """The migration runner: numbered scripts in ``dualdash/migrations``, history in a table."""
    return Runner(db, directory=str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def schema_status(db):
    """``(applied, pending)`` lists of migration names."""
    rows = runner(db).status()
    return [m.name for m in rows if m.applied], [m.name for m in rows if not m.applied and m.path]


def is_empty(db):
    """True when the database holds no table at all (a new install)."""
    return not db.get_tables()


def upgrade(db, target=None):
    """Apply pending migrations (up to ``target``) and return their names."""
    with db.connection_context():
        return runner(db).up(target)


@click.command("init")
@with_appcontext
def init_command():
    """Create the database (all tables) for a new install."""
    db = get_db()
    with db.connection_context():
        applied, pending = schema_status(db)
        if applied and not pending:
            click.echo(f"The database is already initialised (schema {applied[-1]}).")
            return
        if applied:
            raise click.ClickException(
                f"The database exists at schema {applied[-1]}; run 'dualdash migrate' to upgrade it.")
        if not is_empty(db):
            raise click.ClickException(
                "The database has tables but no Dual Dash schema history: refusing to touch it.")
    names = upgrade(db)
    click.echo(f"Initialised the database ({len(names)} migrations, schema {names[-1]}).")


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Upgrade an existing database to the current schema, keeping its data."""
    db = get_db()
    names = upgrade(db)
    if names:
        click.echo("Applied: " + ", ".join(names))
    else:
        click.echo("The database is up to date.")


def ensure_schema(app):
    """For ``serve``: create an empty database, refuse to run on an outdated one."""
    db = get_db(app)
    with db.connection_context():
        applied, pending = schema_status(db)
        empty = is_empty(db)
    if not applied and empty:
        upgrade(db)
        return "created"
    if pending:
        raise click.ClickException(
            f"The database schema is out of date ({', '.join(pending)} pending): run 'dualdash migrate'.")
    return "ok"
