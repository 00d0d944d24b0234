"""``dualdash export`` and ``dualdash import-all``: the demo organization round-trips with nothing lost
(every table, row by row, every column), on SQLite and on PostgreSQL; bad exports and non-empty
databases are refused with nothing written."""
import csv
import datetime
import json

import pytest

from dualdash.coaching.models import DriverRating
from dualdash.data.export import MANIFEST
from dualdash.db import get_db, schema_status, upgrade
from dualdash.demo.organization import build_demo
from dualdash.kpis.models import Benchmark, Measurement
from dualdash.models import ALL_MODELS
from dualdash.org import audit
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person, Setting, Team
from dualdash.testing import make_app, postgres_url, reset_postgres
from dualdash.web.models import ApiToken


def snapshot(app):
    """Every row of every table, in id order, with every column (as Python values)."""
    db = get_db(app)
    with app.app_context(), db.connection_context():
        return {m._meta.table_name: list(m.select().order_by(m._meta.primary_key).tuples()) for m in ALL_MODELS}


def target_url(tmp_path):
    """A database with no tables: a new SQLite file, or the PostgreSQL test database emptied (the source
    was read into memory first)."""
    url = postgres_url()
    if url:
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'target.sqlite3'}"


def awkward_values(org_admin):
    """Values that a careless CSV round trip would change: NULL vs empty text, a backslash, a text that
    reads like the NULL marker, new lines and commas, accents, floats, booleans, far dates."""
    person = Person.create(email="zoe@example.com", name='Zoë "Z" Ångström, Jr.', start_date=None,
                           password_hash=None, is_admin=False)
    sales = Team.get(Team.name == "Sales")
    Person.update(team=sales).where(Person.id == person.id).execute()
    kpi = Measurement.select().first().kpi
    Measurement.create(person=person, kpi=kpi, period_start=datetime.date(1999, 12, 27), value=0.1 + 0.2,
                       note="")
    Measurement.create(person=person, kpi=kpi, period_start=datetime.date(2000, 1, 3), value=-1e-12,
                       note="\\N")
    Measurement.create(person=person, kpi=kpi, period_start=datetime.date(2000, 1, 10), value=1e300,
                       note="line one\nline two, with a comma\r\nand \\backslash \"quotes\"")
    Measurement.create(person=person, kpi=kpi, period_start=datetime.date(2000, 1, 17), value=12, note=None)
    Benchmark.create(kpi=kpi, meets=None, exceeds=3.75, effective_from=datetime.date(2099, 12, 31))
    DriverRating.create(person=person, rated_by=org_admin, driver_key="communication", score=3, comment="",
                        rated_on=datetime.date(2026, 2, 28), is_self=True)
    ApiToken.create(person=person, name="script", token_hash="a" * 64,
                    last_used_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 678901))
    Setting.create(key="self_reporting", value="true")
    audit.record("update", person, {"name": "Zoe"}, {"name": person.name}, actor=org_admin.id)


def test_the_demo_round_trips_with_nothing_lost(app, runner, tmp_path):
    with app.app_context():
        build_demo()
        awkward_values(Person.get(Person.email == "admin@example.com"))
    before = snapshot(app)
    assert len(before["measurement"]) > 1000 and len(before["person"]) > 30 and before["audit_log"]
    # Each person's role, level and team history travels too (Zoë, added by hand, has none).
    assert len(before["person_assignment"]) == len(before["person"]) - 1
    folder = tmp_path / "export"
    result = runner.invoke(args=["export", str(folder)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / MANIFEST).read_text())
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == {k: len(v) for k, v in before.items()}
    assert manifest["schema"]["migrations"] == schema_status(get_db(app))[0]
    with open(folder / "person.csv", newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [c["name"] for c in manifest["tables"][3]["columns"]] and "manager_id" in header

    target = make_app(tmp_path / "target", target_url(tmp_path))
    result = target.test_cli_runner().invoke(args=["import-all", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{sum(len(v) for v in before.values()):,} rows" in result.output
    after = snapshot(target)
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs after the round trip"
    # New rows get new ids (PostgreSQL's sequences were moved past the loaded ids).
    db = get_db(target)
    with target.app_context(), db.connection_context():
        assert Team.create(name="After the import").id == max(r[0] for r in before["team"]) + 1
        zoe = Person.get(Person.email == "zoe@example.com")
        notes = [m.note for m in Measurement.select().where(Measurement.person == zoe.id).order_by(Measurement.id)]
        assert notes[0] == "" and notes[1] == "\\N" and notes[3] is None
        assert Measurement.get(Measurement.note == "").value == 0.1 + 0.2


def test_teams_and_managers_that_refer_forward_are_loaded(app, runner, tmp_path):
    """A parent team or a manager with a higher id than the row pointing at it."""
    with app.app_context():
        child = Team.create(name="Child")
        parent = Team.create(name="Parent")
        Team.update(parent=parent.id).where(Team.id == child.id).execute()
        report = Person.create(email="report@example.com", name="Report")
        boss = Person.create(email="boss@example.com", name="Boss", manager=None)
        Person.update(manager=boss.id).where(Person.id == report.id).execute()
        Person.update(manager=report.id).where(Person.id == boss.id).execute()  # even a cycle
    before = snapshot(app)
    folder = tmp_path / "export"
    assert runner.invoke(args=["export", str(folder)]).exit_code == 0
    target = make_app(tmp_path / "target", target_url(tmp_path))
    result = target.test_cli_runner().invoke(args=["import-all", str(folder)])
    assert result.exit_code == 0, result.output
    assert snapshot(target) == before


def test_export_refuses_a_folder_that_is_not_empty_unless_forced(app, runner, sample_org, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = runner.invoke(args=["export", str(folder)])
    assert result.exit_code != 0 and "is not empty" in result.output and "--force" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    result = runner.invoke(args=["export", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    assert (folder / MANIFEST).is_file() and (folder / "notes.txt").read_text() == "keep me"


@pytest.fixture
def exported(app, runner, sample_org, tmp_path):
    """An export of the sample organization (with an audit entry), and an empty target app."""
    with app.app_context():
        audit.record("update", sample_org.member, {"name": "A"}, {"name": "B"})
    folder = tmp_path / "export"
    assert runner.invoke(args=["export", str(folder)]).exit_code == 0
    return folder


def empty_target(tmp_path):
    return make_app(tmp_path / "target", target_url(tmp_path))


def rows_in(app):
    db = get_db(app)
    with db.connection_context():
        tables = set(db.get_tables())
        return sum(m.select().count() for m in ALL_MODELS if m._meta.table_name in tables)


def refused(app, folder, *phrases):
    result = app.test_cli_runner().invoke(args=["import-all", str(folder)])
    assert result.exit_code != 0, result.output
    for phrase in phrases:
        assert phrase in result.output, result.output
    assert "Nothing was written." in result.output and "Traceback" not in result.output
    assert rows_in(app) == 0


def test_import_refuses_a_database_with_rows(app, exported):
    result = app.test_cli_runner().invoke(args=["import-all", str(exported)])
    assert result.exit_code != 0 and "The database is not empty" in result.output
    assert Person.select().count() == 8  # untouched


def test_import_refuses_an_export_from_a_newer_schema(exported, tmp_path):
    manifest = json.loads((exported / MANIFEST).read_text())
    manifest["schema"]["migrations"].append("0999_from_the_future")
    manifest["schema"]["level"] = "0999_from_the_future"
    (exported / MANIFEST).write_text(json.dumps(manifest))
    refused(empty_target(tmp_path), exported, "newer Dual Dash", "0999_from_the_future")


def test_import_refuses_missing_and_broken_files(exported, tmp_path):
    target = empty_target(tmp_path)
    (exported / "measurement.csv").rename(tmp_path / "measurement.csv")
    refused(target, exported, "measurement.csv", "no such file")
    (tmp_path / "measurement.csv").rename(exported / "measurement.csv")

    text = (exported / "person.csv").read_text()
    (exported / "person.csv").write_text(text.replace("start_date", "started", 1))
    refused(target, exported, "person.csv", "the header")
    (exported / "person.csv").write_text(text)

    manifest = (exported / MANIFEST).read_text()
    (exported / MANIFEST).write_text("{not json")
    refused(target, exported, "not valid JSON")
    (exported / MANIFEST).unlink()
    refused(target, exported, "not a Dual Dash export")
    (exported / MANIFEST).write_text(manifest)


def test_a_bad_value_names_its_file_line_and_column_and_writes_nothing(exported, tmp_path):
    target = empty_target(tmp_path)
    lines = (exported / "person.csv").read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[3].rstrip("\n").split(",")
    cells[header.index("created_at")] = "yesterday"
    lines[3] = ",".join(cells) + "\n"
    (exported / "person.csv").write_text("".join(lines))
    refused(target, exported, "person.csv, line 4, column created_at", "“yesterday” is not a date and time")
    # The failed import left no tables behind either: the schema was created in the same transaction.
    db = get_db(target)
    with db.connection_context():
        assert not set(db.get_tables()) & {m._meta.table_name for m in ALL_MODELS}


def test_a_date_outside_the_accepted_window_is_refused_and_writes_nothing(exported, tmp_path):
    target = empty_target(tmp_path)
    lines = (exported / "person.csv").read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[2].rstrip("\n").split(",")
    cells[header.index("start_date")] = "9999-12-31"
    lines[2] = ",".join(cells) + "\n"
    (exported / "person.csv").write_text("".join(lines))
    refused(target, exported, "person.csv, line 3, column start_date",
            "“9999-12-31” is outside the dates Dual Dash accepts")
    db = get_db(target)
    with db.connection_context():
        assert not set(db.get_tables()) & {m._meta.table_name for m in ALL_MODELS}


def test_a_broken_reference_or_a_short_file_writes_nothing(exported, tmp_path):
    target = empty_target(tmp_path)
    original = (exported / "level.csv").read_text()
    lines = original.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    cells[header.index("role_id")] = "999"
    (exported / "level.csv").write_text("".join([lines[0], ",".join(cells) + "\n"] + lines[2:]))
    refused(target, exported, "level.csv", "the database refused")
    (exported / "level.csv").write_text("".join(lines[:-1]))  # the last row is missing
    refused(target, exported, "level.csv has 4 rows; the manifest says 5")
    (exported / "level.csv").write_text(original)
    assert target.test_cli_runner().invoke(args=["import-all", str(exported)]).exit_code == 0
    assert rows_in(target) > 0


def test_an_export_from_an_older_schema_loads_into_a_newer_empty_database(exported, tmp_path):
    """The target was created by ``dualdash init`` (the current schema) and the export is one schema
    older: the empty database steps back to the export's schema, loads it, and migrates forward."""
    source = json.loads((exported / MANIFEST).read_text())
    older = source["schema"]["migrations"][:-1]
    # What the schema looked like one migration ago, from a scratch database.
    scratch = make_app(tmp_path / "scratch", f"sqlite:///{tmp_path / 'scratch.sqlite3'}")
    db = get_db(scratch)
    upgrade(db, target=older[-1])
    with db.connection_context():
        shape = {t: [c.name for c in db.get_columns(t)] for t in db.get_tables()}
    tables = []
    for table in source["tables"]:
        if table["table"] not in shape:
            (exported / table["file"]).unlink()
            continue
        keep = [i for i, c in enumerate(table["columns"]) if c["name"] in shape[table["table"]]]
        with open(exported / table["file"], newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        with open(exported / table["file"], "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
        tables.append({**table, "columns": [table["columns"][i] for i in keep]})
    (exported / MANIFEST).write_text(json.dumps({**source, "tables": tables,
                                                 "schema": {"level": older[-1], "migrations": older}}))
    target = empty_target(tmp_path)
    assert target.test_cli_runner().invoke(args=["init"]).exit_code == 0
    result = target.test_cli_runner().invoke(args=["import-all", str(exported)])
    assert result.exit_code == 0, result.output
    assert f"then migrated: {source['schema']['migrations'][-1]}" in result.output
    with target.app_context(), get_db(target).connection_context():
        assert schema_status(get_db(target)) == (source["schema"]["migrations"], [])
        assert Person.select().count() == 8 and AuditLog.select().count() == 1


def test_import_creates_the_schema_of_a_brand_new_database(exported, tmp_path):
    target = empty_target(tmp_path)
    result = target.test_cli_runner().invoke(args=["import-all", str(exported)])
    assert result.exit_code == 0, result.output
    db = get_db(target)
    with target.app_context(), db.connection_context():
        assert schema_status(db)[1] == [] and Person.select().count() == 8
        highest = max(p.id for p in Person.select(Person.id))
        # New rows get new ids: PostgreSQL's sequences were moved past the loaded ids.
        assert Person.create(email="later@example.com", name="Later").id == highest + 1
        assert AuditLog.select().count() == 1


def test_team_values_travel(app, runner, sample_org, sample_kpis, tmp_path):
    """A team's own values (``team_measurement``) are exported and imported like every table."""
    from dualdash.kpis.models import Scorecard, ScorecardKPI, TeamMeasurement
    with app.app_context():
        card = Scorecard.create(name="Sales", team=sample_org.teams.sales)
        ScorecardKPI.create(scorecard=card, kpi=sample_kpis.calls, position=1)
        TeamMeasurement.create(team=sample_org.teams.sales, kpi=sample_kpis.calls,
                               period_start=datetime.date(2026, 11, 16), value=42.5, note="team, \"own\"",
                               entered_by=sample_org.manager)
    before = snapshot(app)
    assert len(before["team_measurement"]) == 1
    folder = tmp_path / "export"
    assert runner.invoke(args=["export", str(folder)]).exit_code == 0
    assert (folder / "team_measurement.csv").exists()
    target = make_app(tmp_path / "target", target_url(tmp_path))
    result = target.test_cli_runner().invoke(args=["import-all", str(folder)])
    assert result.exit_code == 0, result.output
    assert snapshot(target) == before
