"""pytest fixtures for Dual Dash and for plugins written for it.

Use them from a ``conftest.py`` with ``pytest_plugins = ["dualdash.testing"]``.

Fixtures:
- ``app``: a Dual Dash app on a fresh, migrated database (SQLite in a temporary folder, or the
  PostgreSQL server named by ``DUALDASH_TEST_DATABASE_URL``); CSRF checks off, cheap password hashing;
  the built-in plugins plus those of the ``dualdash_plugins`` fixture, and no others;
- ``dualdash_plugins``: override it to return your plugin modules (or import paths);
- ``app_config``: override it to return extra settings (e.g. ``{"DISABLED_PLUGINS": [...]}``);
- ``client`` / ``runner``: Flask's test client and CLI runner for ``app``;
- ``sample_org``: a small organization (see :func:`make_sample_org`);
- ``as_admin`` / ``as_manager`` / ``as_member``: test clients already signed in as those people;
- ``login``: ``login(client, person)`` signs a client in;
- ``sample_kpis``: KPIs, scorecards and benchmarks on top of ``sample_org`` (see
  :func:`make_sample_kpis`);
- ``count_queries``: ``count_queries(fn)`` calls ``fn`` and returns how many SQL statements it ran
  (for "a fixed number of queries per page" tests).
"""
import os
from types import SimpleNamespace

import pytest
from peewee import AutoField, sort_models

from dualdash.app import create_app
from dualdash.db import connect, get_db, schema_status, upgrade
from dualdash.models import ALL_MODELS
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.org.passwords import hash_password

#: The password of every person in the sample organization.
PASSWORD = "password-123"
#: Set in CI to run the whole suite against PostgreSQL as well.
TEST_DATABASE_URL_ENV = "DUALDASH_TEST_DATABASE_URL"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Only the built-in plugins and those a test names: nothing from the environment.
    "PLUGINS_DIR": "",
    "LOAD_ENTRY_POINTS": False,
}


def postgres_url():
    """The PostgreSQL server to test against, or None to test on SQLite."""
    return os.environ.get(TEST_DATABASE_URL_ENV) or None


def reset_postgres(url):
    """Drop everything in the test database's public schema."""
    db = connect(url)
    with db.connection_context():
        db.execute_sql("DROP SCHEMA public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
    db.close()


def fresh_postgres(url):
    """A migrated PostgreSQL database with no rows.

    The rows are deleted, dependents first, and the id sequences restarted, in one round trip: on the few
    rows a test leaves, that is several times faster than TRUNCATE (which makes new files for every
    table), and much faster than recreating the schema."""
    db = connect(url)
    with db.connection_context():
        applied, pending = schema_status(db)
        if applied and not pending:
            models = list(reversed(sort_models(ALL_MODELS)))
            # The table and column names are the models' own, never input.
            deletes = "".join(f'DELETE FROM "{m._meta.table_name}";' for m in models)  # nosec B608
            restarts = ", ".join(
                f"setval(pg_get_serial_sequence('\"{m._meta.table_name}\"', '{m._meta.primary_key.column_name}'), "
                "1, false)" for m in models if isinstance(m._meta.primary_key, AutoField))
            db.execute_sql(deletes + (f"SELECT {restarts}" if restarts else ""))
            return
    reset_postgres(url)
    upgrade(db)
    db.close()


@pytest.fixture
def empty_database_url(tmp_path):
    """A database URL with no tables at all (for tests of ``init`` and migrations)."""
    url = postgres_url()
    if url:
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


def make_app(tmp_path, database_url, **config):
    """An app for tests on ``database_url``, with an instance folder under ``tmp_path``."""
    return create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "DATABASE_URL": database_url, **config})


@pytest.fixture
def app_config():
    """Extra configuration for the ``app`` fixture: override it in a test module."""
    return {}


@pytest.fixture
def dualdash_plugins():
    """Plugins for the ``app`` fixture (modules or import paths): override it to test yours."""
    return []


@pytest.fixture
def app(tmp_path, app_config, dualdash_plugins):
    url = postgres_url()
    if url:
        fresh_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = make_app(tmp_path, url, **{"PLUGINS": list(dualdash_plugins), **app_config})
    db = get_db(app)
    if not url.startswith("postgres"):
        upgrade(db)
    db.connect(reuse_if_open=True)
    yield app
    db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_sample_org():
    """A small organization for tests.

    Teams: Company > Sales, Company > Support. Job roles: Account Executive (Ramping,
    Established, Senior) and Support Agent (Junior, Senior). People (all with :data:`PASSWORD`):
    ``admin``; ``director`` managing ``manager`` and ``peer``; ``manager`` managing ``member``
    and ``member2``; ``member2`` managing ``indirect``; ``peer`` managing ``peer_report``."""
    company = Team.create(name="Company")
    sales = Team.create(name="Sales", parent=company)
    support = Team.create(name="Support", parent=company)
    ae = JobRole.create(name="Account Executive")
    levels = {name: Level.create(role=ae, name=name, rank=i) for i, name in
              enumerate(["Ramping", "Established", "Senior"], start=1)}
    agent = JobRole.create(name="Support Agent")
    Level.create(role=agent, name="Junior", rank=1)
    Level.create(role=agent, name="Senior", rank=2)
    pw = hash_password(PASSWORD)

    def person(key, name, **kw):
        return Person.create(email=f"{key}@example.com", name=name, password_hash=pw, **kw)

    admin = person("admin", "Ada Admin", is_admin=True, team=company)
    director = person("director", "Dana Director", team=company)
    manager = person("manager", "Maria Manager", team=sales, manager=director, role=ae,
                     level=levels["Senior"])
    peer = person("peer", "Pete Peer", team=support, manager=director, role=agent)
    member = person("member", "Mo Member", team=sales, manager=manager, role=ae, level=levels["Ramping"])
    member2 = person("member2", "Mia Member", team=sales, manager=manager, role=ae,
                     level=levels["Established"])
    indirect = person("indirect", "Ian Indirect", team=sales, manager=member2, role=ae,
                      level=levels["Ramping"])
    peer_report = person("peer_report", "Paula Peer-Report", team=support, manager=peer, role=agent)
    return SimpleNamespace(admin=admin, director=director, manager=manager, peer=peer, member=member,
                           member2=member2, indirect=indirect, peer_report=peer_report,
                           teams=SimpleNamespace(company=company, sales=sales, support=support),
                           roles=SimpleNamespace(ae=ae, agent=agent), levels=levels)


@pytest.fixture
def sample_org(app):
    with app.app_context():
        return make_sample_org()


def make_sample_kpis(org):
    """KPIs for the sample organization, without measurements.

    - ``calls``: weekly count, higher is better, summed; default line Meets 10 / Exceeds 20, Ramping
      Account Executives 5 / 8;
    - ``revenue``: weekly currency, higher is better, summed, 2 decimals; 1000 / 1500 for everyone;
    - ``response``: weekly duration (minutes), lower is better, averaged; 60 / 30, band rule ``target``.
    The Account Executive scorecard has calls and revenue (in that order); the Support Agent one has
    response; ``member2`` has response added for them alone."""
    from dualdash.kpis.models import KPI, Benchmark, Scorecard, ScorecardKPI
    calls = KPI.create(key="calls", name="Calls made", cadence="weekly", rollup="sum", category="operational")
    revenue = KPI.create(key="revenue", name="Revenue", unit="currency", cadence="weekly", rollup="sum",
                         category="financial", decimals=2)
    response = KPI.create(key="response", name="First response time", unit="duration", direction="lower",
                          cadence="weekly", rollup="mean", category="customer", band_rule="target")
    ae = Scorecard.create(name="Account Executive", role=org.roles.ae)
    ScorecardKPI.create(scorecard=ae, kpi=calls, position=1)
    ScorecardKPI.create(scorecard=ae, kpi=revenue, position=2)
    agent = Scorecard.create(name="Support Agent", role=org.roles.agent)
    ScorecardKPI.create(scorecard=agent, kpi=response, position=1)
    extra = Scorecard.create(name=f"Added for {org.member2.name}", person=org.member2)
    ScorecardKPI.create(scorecard=extra, kpi=response, position=1)
    Benchmark.create(kpi=calls, meets=10, exceeds=20)
    Benchmark.create(kpi=calls, role=org.roles.ae, level=org.levels["Ramping"], meets=5, exceeds=8)
    Benchmark.create(kpi=revenue, meets=1000, exceeds=1500)
    Benchmark.create(kpi=response, meets=60, exceeds=30)
    return SimpleNamespace(calls=calls, revenue=revenue, response=response,
                           scorecards=SimpleNamespace(ae=ae, agent=agent, member2=extra))


@pytest.fixture
def sample_kpis(app, sample_org):
    with app.app_context():
        return make_sample_kpis(sample_org)


def login(client, person, password=PASSWORD):
    """Sign ``client`` in as ``person``; fails the test if that does not work."""
    response = client.post("/login", data={"email": person.email, "password": password})
    assert response.status_code == 302, f"could not sign in as {person.email}"
    return client


@pytest.fixture(name="login")
def login_fixture():
    return login


@pytest.fixture
def as_admin(app, sample_org):
    return login(app.test_client(), sample_org.admin)


@pytest.fixture
def as_manager(app, sample_org):
    return login(app.test_client(), sample_org.manager)


@pytest.fixture
def as_member(app, sample_org):
    return login(app.test_client(), sample_org.member)


@pytest.fixture
def count_queries(app, monkeypatch):
    """``count_queries(fn)`` calls ``fn`` and returns how many SQL statements it ran."""
    db = get_db(app)
    calls = []
    original = db.execute_sql

    def counting(sql, *args, **kwargs):
        calls.append(sql)
        return original(sql, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", counting)

    def run(fn):
        calls.clear()
        fn()
        return len(calls)
    return run
