"""The benchmark's database: a synthetic organization of N people and W weeks, built once and reused.

- Without a database URL it is an SQLite file in the instance folder named after the people, weeks
  and seed. It is built under a temporary name and renamed when complete, so a file with the final
  name is always whole; one without the benchmark's mark is rebuilt.
- With a database URL (PostgreSQL, or another SQLite file) the database is reused when it holds
  the synthetic organization asked for, built when it is empty, and refused when it holds anything
  else: the benchmark never writes over an organization it did not build.

The mark is one row of the ``setting`` table (the organization's settings ignore keys they do not
know), written last, in the same transaction as the organization."""
import json
import time
from pathlib import Path

from dualdash.bench.pages import BenchError
from dualdash.db import get_db, is_empty, schema_status, upgrade, write_transaction

MARK = "benchmark.organization"


def sqlite_path(instance_path, people, weeks, seed):
    """Where the cached SQLite database of this organization lives."""
    return Path(instance_path) / f"bench-{people}-people-{weeks}-weeks-seed-{seed}.sqlite3"


def app_config(base, url):
    """The benchmark app's configuration: ``base`` (instance folder, secret key) on database ``url``,
    with the built-in plugins only, so that every install measures the same thing."""
    return {**base, "DATABASE_URL": url, "PLUGINS_DIR": "", "LOAD_ENTRY_POINTS": False, "PLUGINS": [],
            "DISABLED_PLUGINS": []}


def read_mark(db):
    """The mark's dict, or None when the database has none."""
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    rows = db.execute_sql(f"SELECT value FROM setting WHERE key = {db.param}", (MARK,)).fetchall()  # nosec B608
    return json.loads(rows[0][0]) if rows else None


def _matches(mark, people, weeks, seed):
    return bool(mark) and (mark.get("people"), mark.get("weeks"), mark.get("seed")) == (people, weeks, seed)


def prepare(base_config, people, weeks, seed, database_url=None, echo=print, create_app=None):
    """Make sure the synthetic organization exists; returns ``(app, config, built_seconds or None)``.

    ``create_app`` is the app factory (``app.extensions["dualdash.create_app"]``; by default the one of
    the current app), so that the benchmark needs no import of the composition root."""
    from flask import current_app
    create_app = create_app or current_app.extensions["dualdash.create_app"]
    if database_url:
        config = app_config(base_config, database_url)
        app = create_app(config)
        return app, config, _prepare_given(app, people, weeks, seed, database_url, echo)
    path = sqlite_path(base_config["INSTANCE_PATH"], people, weeks, seed)
    config = app_config(base_config, f"sqlite:///{path}")
    if path.exists():
        app = create_app(config)
        db = get_db(app)
        with app.app_context(), db.connection_context():
            applied, pending = schema_status(db)
            mark = read_mark(db) if applied else None
        db.close()
        if _matches(mark, people, weeks, seed):
            _upgrade_own(app, pending, echo)
            echo(f"Reusing {path.name} ({people} people, {weeks} weeks).")
            return app, config, None
        echo(f"{path.name} is incomplete: building it again.")
    partial = path.with_name(path.name + ".partial")
    _remove_sqlite(partial)
    partial_app = create_app(app_config(base_config, f"sqlite:///{partial}"))
    seconds = _build(partial_app, people, weeks, seed, echo)
    get_db(partial_app).close()
    _remove_sqlite(path)
    partial.rename(path)
    return create_app(config), config, seconds


def _prepare_given(app, people, weeks, seed, url, echo):
    db = get_db(app)
    shown = url.split("@")[-1]  # never print a password
    with app.app_context(), db.connection_context():
        applied, pending = schema_status(db)
        empty = is_empty(db)
        if not empty and not applied:
            raise BenchError(f"The database {shown} has tables but no Dual Dash schema: refusing to touch it.")
        if applied:
            mark = read_mark(db)
            if _matches(mark, people, weeks, seed):
                _upgrade_own(app, pending, echo)
                echo(f"Reusing the synthetic organization in {shown} ({people} people, {weeks} weeks).")
                return None
            if pending:
                raise BenchError(f"The database {shown} has an outdated schema: run 'dualdash migrate' on it first.")
            people_now = db.execute_sql("SELECT COUNT(*) FROM person").fetchone()[0]
            if mark or people_now:
                what = (f"a synthetic organization of {mark['people']} people and {mark['weeks']} weeks (seed "
                        f"{mark['seed']})" if mark else f"another organization ({people_now} people)")
                raise BenchError(f"The database {shown} holds {what}: the benchmark only fills an empty database "
                                 "or reuses the synthetic organization it asked for.")
    return _build(app, people, weeks, seed, echo)


def _upgrade_own(app, pending, echo):
    """Bring the benchmark's own database to the current schema (its data stays)."""
    if pending:
        echo(f"Upgrading the benchmark's database ({', '.join(pending)}).")
        upgrade(get_db(app))


def _build(app, people, weeks, seed, echo):
    """Migrate and fill the app's empty database; returns the seconds it took."""
    from dualdash.demo.scale import build_synthetic
    db = get_db(app)
    echo(f"Building a synthetic organization of {people} people over {weeks} weeks (seed {seed})…")
    started = time.perf_counter()
    with app.app_context():
        if not schema_status(db)[0]:
            upgrade(db)
        with db.connection_context():
            build_synthetic(people, weeks=weeks, seed=seed)
            with write_transaction(db):
                first = db.execute_sql(
                    "SELECT MIN((SELECT MIN(m.period_start) FROM measurement m WHERE m.kpi_id = k.id)) FROM kpi k"
                ).fetchone()[0]
                mark = {"people": people, "weeks": weeks, "seed": seed,
                        "first_week": str(first)[:10] if first else None}
                # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                db.execute_sql(f"INSERT INTO setting (key, value) VALUES ({db.param}, {db.param})",  # nosec B608
                               (MARK, json.dumps(mark)))
    seconds = time.perf_counter() - started
    echo(f"Built in {seconds:.0f} s.")
    return seconds


def _remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
