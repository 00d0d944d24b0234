"""The schema is built and upgraded by migrations, keeping data."""
import datetime

from playhouse.schema_diff import diff_models

from dualdash.db import get_db, schema_status, upgrade
from dualdash.kpis.models import KPI, Measurement
from dualdash.models import ALL_MODELS
from dualdash.org.models import Person, Team
from dualdash.testing import make_app

FIRST = "0001_organization"


def test_init_creates_every_table(tmp_path, empty_database_url):
    app = make_app(tmp_path, empty_database_url)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Initialised the database" in result.output
    db = get_db(app)
    with db.connection_context():
        tables = set(db.get_tables())
        assert {m._meta.table_name for m in ALL_MODELS} <= tables
        assert schema_status(db)[1] == []
    again = app.test_cli_runner().invoke(args=["init"])
    assert again.exit_code == 0 and "already initialised" in again.output


def test_models_match_the_migrated_schema(app):
    """A model changed without a migration fails here."""
    diff = diff_models(get_db(app), ALL_MODELS)
    assert not diff, diff


def test_upgrade_from_the_first_schema_keeps_data(tmp_path, empty_database_url):
    app = make_app(tmp_path, empty_database_url)
    db = get_db(app)
    upgrade(db, target=FIRST)
    p = db.param
    with db.connection_context():
        assert "kpi" not in db.get_tables()
        # Written with plain SQL: the application models may have moved on since the first schema.
        db.execute_sql(f"INSERT INTO team (name, created_at) VALUES ({p}, {p})", ("Sales", "2026-01-01 00:00:00"))
        db.execute_sql(
            "INSERT INTO person (email, name, team_id, active, is_admin, created_at) "
            f"VALUES ({p}, {p}, (SELECT id FROM team WHERE name = {p}), {p}, {p}, {p})",
            ("kim@example.com", "Kim", "Sales", True, False, "2026-01-01 00:00:00"))

    runner = app.test_cli_runner()
    refused = runner.invoke(args=["init"])
    assert refused.exit_code != 0 and "dualdash migrate" in refused.output
    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "0002_performance" in result.output and "0003_skills_and_meetings" in result.output

    with db.connection_context():
        assert schema_status(db)[1] == []
        kim = Person.get(Person.email == "kim@example.com")
        assert kim.team.name == "Sales" and Team.select().count() == 1
        kpi = KPI.create(key="revenue", name="Revenue")
        Measurement.create(person=kim, kpi=kpi, period_start=datetime.date(2026, 11, 16), value=1200)
        assert Measurement.select().count() == 1
    assert "up to date" in runner.invoke(args=["migrate"]).output


def test_serve_refuses_an_outdated_schema(tmp_path, empty_database_url, monkeypatch):
    import waitress
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: None)
    app = make_app(tmp_path, empty_database_url)
    upgrade(get_db(app), target=FIRST)
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code != 0
    assert "dualdash migrate" in result.output
