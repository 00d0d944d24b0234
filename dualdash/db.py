"""The database: one peewee ``Database`` per app, bound to the models through a proxy,
a connection per request, and the schema migrations."""
import datetime
import random
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import DatabaseProxy, Model, OperationalError, SqliteDatabase, sort_models
from peewee import _savepoint as PeeweeSavepoint
from peewee import _transaction as PeeweeTransaction
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

#: A write transaction that cannot take the write lock (after SQLite's busy_timeout) is tried again
#: this many times in all, waiting a little longer each time; then the request is answered 503.
WRITE_ATTEMPTS = 4
WRITE_BACKOFF = 0.05  # seconds before the second attempt, doubled each time, with jitter
#: What a 503 over a busy database tells the client to wait (seconds).
RETRY_AFTER = 2


class DatabaseBusy(OperationalError):
    """The database stayed locked by other writers through every attempt: try again shortly."""


#: The operational errors of the drivers as well as peewee's: the measurement store uses the driver's
#: own cursor, so its errors are not wrapped by peewee.
OPERATIONAL_ERRORS = (OperationalError, sqlite3.OperationalError)
try:  # pragma: no cover - PostgreSQL installs only
    import psycopg2
    OPERATIONAL_ERRORS += (psycopg2.OperationalError,)
except ImportError:  # pragma: no cover
    pass


def is_busy(exc):
    """True when ``exc`` is the database saying another connection holds the lock."""
    text = str(exc).lower()
    return isinstance(exc, OPERATIONAL_ERRORS) and ("database is locked" in text or "database is busy" in text
                                                  or "database table is locked" in text)


#: What an import says when the database ran out of disk space (SQLite rolls the import back whole).
DISK_FULL_IMPORT = ("The disk is full; nothing was imported (the data stored before is safe). "
                    "Free some disk space and import again.")


def is_disk_full(exc):
    """True when ``exc`` is the database running out of disk space."""
    text = str(exc).lower()
    return isinstance(exc, OPERATIONAL_ERRORS) and ("disk is full" in text or "no space left" in text
                                                  or "could not extend file" in text)


def _sqlite_in_transaction(db):
    return not db.is_closed() and db.connection().in_transaction


class _SqliteWriteTransaction(PeeweeTransaction):
    """peewee's transaction, begun with ``BEGIN IMMEDIATE``, whose rollback does not hide the cause
    of the failure: when SQLite has already rolled the transaction back itself (a full disk, an I/O
    error), there is nothing left to roll back, and the original error is what the caller sees."""

    def rollback(self, begin=True):
        if not _sqlite_in_transaction(self.db):
            self.db._clear_commit_callbacks()
            if begin:
                self._begin()
            return
        super().rollback(begin)


class _SqliteSavepoint(PeeweeSavepoint):
    """A savepoint inside a write transaction, with the same care: once SQLite has rolled the whole
    transaction back, the savepoint is gone and rolling back to it would only hide the cause."""

    def rollback(self, begin=True):
        if _sqlite_in_transaction(self.db):
            super().rollback(begin)


@contextmanager
def write_transaction(db=None):
    """A transaction that reads and then writes: every write path uses it instead of ``atomic()``.

    On SQLite it takes the write lock from the start (``BEGIN IMMEDIATE``): a deferred transaction
    that has read and then writes fails at once with "database is locked" when another connection
    wrote meanwhile, whatever the busy_timeout. Taking the lock waits up to busy_timeout; a lock that
    stays taken is tried again :data:`WRITE_ATTEMPTS` times with a growing pause, then raises
    :class:`DatabaseBusy` (the app answers 503 with Retry-After). Inside another transaction it is a
    savepoint, and on PostgreSQL it is plain ``atomic()``. Yields the transaction (``rollback()``)."""
    db = db if db is not None else database.obj
    if not isinstance(db, SqliteDatabase):
        with db.atomic() as transaction:
            yield transaction
        return
    if db.transaction_depth() > 0:
        with _SqliteSavepoint(db) as savepoint:
            yield savepoint
        return
    transaction = _SqliteWriteTransaction(db, lock_type="IMMEDIATE")
    pause = WRITE_BACKOFF
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            transaction.__enter__()
            break
        except OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == WRITE_ATTEMPTS:
                raise DatabaseBusy("The database is busy with other writes; try again in a moment.") from exc
            # Jitter, so that the waiting writers do not all come back at once (not security).
            time.sleep(pause * (1 + random.random()))  # nosec B311
            pause *= 2
    try:
        yield transaction
    except BaseException as exc:
        transaction.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        transaction.__exit__(None, None, None)


@contextmanager
def without_waiting(db=None):
    """Run a write that may be skipped: on SQLite it does not wait for a lock held elsewhere
    (busy_timeout 0 for the duration). A busy database raises at once, for the caller to skip."""
    db = db if db is not None else database.obj
    if not isinstance(db, SqliteDatabase):
        yield
        return
    waited = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    db.execute_sql("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {int(waited)}")



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

    @app.errorhandler(OperationalError)
    @app.errorhandler(sqlite3.OperationalError)
    def _busy(exc):
        # A database that stayed locked through every attempt (or a lock met outside
        # write_transaction): the request can be sent again in a moment. Anything else is a failure.
        if isinstance(exc, DatabaseBusy) or is_busy(exc):
            return busy_response()
        raise exc

    app.cli.add_command(init_command)
    app.cli.add_command(migrate_command)


def busy_response():
    """503 with Retry-After, as plain text (the API answers in JSON itself)."""
    return ("The database is busy with other changes; nothing was changed. Try again in a moment.\n",
            503, {"Retry-After": str(RETRY_AFTER), "Content-Type": "text/plain; charset=utf-8"})


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
