"""Large synthetic organizations: ``dualdash demo --people N`` and ``build_synthetic``."""
import datetime
import hashlib

import pytest
from playhouse.schema_diff import diff_models

from dualdash.coaching.models import ActionItem, DriverRating, Meeting, SkillAssessment
from dualdash.db import get_db
from dualdash.demo.organization import DEMO_PASSWORD, SIGN_INS
from dualdash.demo.scale import SHARED, build_synthetic
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.models import ALL_MODELS
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.testing import login

TODAY = datetime.date(2026, 3, 11)
#: Columns that hold the time of the load or a salted hash: not part of what a seed decides.
UNSEEDED = {"id", "created_at", "updated_at", "password_hash", "at"}


@pytest.fixture(autouse=True)
def app_context(app):
    """build_synthetic runs inside the app (the plugins' drivers are rated)."""
    with app.app_context():
        yield


def content_digest(db):
    """One digest of every row of every table (without ids and load times), in a stable order."""
    digest = hashlib.sha256()
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = [c.name for c in db.get_columns(table) if c.name not in UNSEEDED]
        rows = db.execute_sql(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
        digest.update(repr((table, sorted(tuple(str(v) for v in row) for row in rows))).encode())
    return digest.hexdigest()


def empty_everything():
    Team.update(parent=None).execute()  # sub-teams hold on to their parents
    for model in reversed(ALL_MODELS):
        model.delete().execute()


def schema(db):
    """The indexes and foreign keys as the database itself defines them."""
    if db.param == "?":
        return sorted(db.execute_sql("SELECT name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'table') "
                                     "AND name NOT LIKE 'sqlite_%'").fetchall())
    indexes = db.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
    keys = db.execute_sql("SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                          "WHERE connamespace = current_schema()::regnamespace")
    return sorted(indexes.fetchall()) + sorted(keys.fetchall())


def test_the_same_seed_builds_the_same_organization(app):
    db = get_db(app)
    build_synthetic(60, weeks=6, seed=3, today=TODAY)
    first = content_digest(db)
    empty_everything()
    build_synthetic(60, weeks=6, seed=3, today=TODAY)
    assert content_digest(db) == first
    empty_everything()
    build_synthetic(60, weeks=6, seed=4, today=TODAY)
    assert content_digest(db) != first


def test_the_shape_of_a_synthetic_organization(app):
    db = get_db(app)
    before = schema(db)
    result = build_synthetic(60, weeks=6, today=TODAY)
    assert schema(db) == before                              # indexes dropped for the load are all back
    assert not diff_models(db, ALL_MODELS)
    if db.param == "?":                                      # SQLite's settings are back to normal
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []

    people = {p.id: p for p in Person.select()}
    assert len(people) == result.people == 60
    # A team tree at least three deep: the company, departments, teams.
    teams = {t.id: t for t in Team.select()}
    assert result.teams == len(teams) >= 5
    assert [t.name for t in teams.values() if t.parent_id is None] == ["Northwind"]
    assert any(teams[t.parent_id].parent_id for t in teams.values() if t.parent_id)
    assert all(p.team_id in teams and p.role_id and p.level_id for p in people.values())
    # Job roles with three levels, each with a scorecard of eight KPIs, two of them shared by all.
    roles = list(JobRole.select())
    assert result.roles == len(roles) >= 5
    for role in roles:
        assert sorted(level.rank for level in Level.select().where(Level.role == role)) == [1, 2, 3]
    cards = {s.role_id: s for s in Scorecard.select()}
    assert set(cards) == {r.id for r in roles}
    keys = {card.id: [i.kpi.key for i in ScorecardKPI.select(ScorecardKPI, KPI).join(KPI)
                      .where(ScorecardKPI.scorecard == card).order_by(ScorecardKPI.position)]
            for card in cards.values()}
    assert all(len(k) == len(set(k)) == 8 and set(SHARED) <= set(k) for k in keys.values())
    assert KPI.select().count() == result.kpis == len({key for k in keys.values() for key in k})
    # Benchmarks tiered by level (the three levels of a role), and one target raised half-way.
    tiered = Benchmark.select().where(Benchmark.level.is_null(False))
    assert tiered.count() > 0 and tiered.count() % 3 == 0
    assert Benchmark.select().where(Benchmark.effective_from > datetime.date(1970, 1, 1)).count() == 1
    # One reporting tree: a single top, no cycles, managers with several reports each.
    tops = [p for p in people.values() if p.manager_id is None]
    assert len(tops) == 1
    for person in people.values():
        seen = set()
        while person.manager_id is not None:
            assert person.id not in seen
            seen.add(person.id)
            person = people[person.manager_id]
        assert person is tops[0]
    reports = {}
    for person in people.values():
        if person.manager_id:
            reports[person.manager_id] = reports.get(person.manager_id, 0) + 1
    assert max(reports.values()) <= 12
    # The demo's sign-ins, the manager leading a real team.
    by_email = {p.email: p for p in people.values()}
    manager, member, admin = (by_email[SIGN_INS[k]] for k in ("manager", "member", "admin"))
    assert member.manager_id == manager.id and admin.is_admin and not manager.is_admin
    below = {manager.id}
    for _ in range(5):
        below |= {p.id for p in people.values() if p.manager_id in below}
    assert len(below) - 1 >= 20
    # Weekly values for the last six weeks, on each person's scorecard only, gaps as missing rows.
    this_monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    weeks = {this_monday - datetime.timedelta(weeks=w) for w in range(6)}
    values = list(Measurement.select(Measurement.person, Measurement.kpi, Measurement.period_start).tuples())
    assert len(values) == result.measurements
    assert {start for _, _, start in values} == weeks
    kpi_keys = {k.id: k.key for k in KPI.select()}
    assert all(kpi_keys[kpi] in keys[cards[people[person].role_id].id] for person, kpi, _ in values)
    assert 0.8 * 60 * 8 * 6 < len(values) < 60 * 8 * 6
    # The coaching history.
    assert DriverRating.select().count() == result.ratings > 0
    assert SkillAssessment.select().count() == result.assessments > 0
    assert Meeting.select().count() == result.meetings > 59 * 6
    assert ActionItem.select().count() == result.action_items > 0
    upcoming = Meeting.select().where((Meeting.manager == manager.id) & (Meeting.held_at.is_null())
                                      & (Meeting.scheduled_for > datetime.datetime.combine(TODAY, datetime.time())))
    assert upcoming.count() == reports[manager.id]


def test_sign_ins_of_a_synthetic_organization(app):
    build_synthetic(40, weeks=2, today=datetime.date.today())
    client = app.test_client()
    for role, email in SIGN_INS.items():
        login(client, Person.get(Person.email == email), password=DEMO_PASSWORD)
        assert f"<strong>{role}</strong>" in client.get("/").get_data(as_text=True)
        client.post("/logout")


def test_build_synthetic_refuses_a_filled_database(app, sample_org):
    with pytest.raises(ValueError, match="already has people"):
        build_synthetic(60, weeks=2)
    with pytest.raises(ValueError, match="at least 20"):
        build_synthetic(5)


def test_demo_command_builds_a_large_organization(app, runner):
    result = runner.invoke(args=["demo", "--people", "60", "--weeks", "4"])
    assert result.exit_code == 0, result.output
    assert "Built 60 people" in result.output and "over 4 weeks" in result.output
    for email in SIGN_INS.values():
        assert email in result.output
    assert Person.select().count() == 60
    weeks = Measurement.select(Measurement.period_start).distinct().count()
    assert weeks == 4
    assert "up to date" in runner.invoke(args=["migrate"]).output
    again = runner.invoke(args=["demo", "--people", "60"])
    assert again.exit_code != 0 and "already has people" in again.output
    assert Person.select().count() == 60


@pytest.mark.parametrize("args,message", [
    (["demo", "--weeks", "4"], "--weeks goes with --people"),
    (["demo", "--people", "5"], "5 is not in the range x>=20"),
])
def test_demo_command_refuses_bad_options(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and message in result.output
    assert Person.select().count() == 0


def test_a_synthetic_measurements_csv_for_the_organization(app, runner, tmp_path):
    from dualdash.demo.values_csv import write_measurements_csv
    build_synthetic(40, weeks=4, today=TODAY)
    path = tmp_path / "values.csv"
    first = write_measurements_csv(path, 500, until=TODAY)
    lines = path.read_text().splitlines()
    assert lines[0] == "person,kpi,period,value" and len(lines) == 501
    this_monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert first == this_monday - datetime.timedelta(weeks=(500 - 1) // (40 * 8))  # 40 people × 8 KPIs a week
    write_measurements_csv(tmp_path / "same.csv", 500, until=TODAY)
    write_measurements_csv(tmp_path / "other.csv", 500, until=TODAY, seed=12)
    assert (tmp_path / "same.csv").read_text() == path.read_text() != (tmp_path / "other.csv").read_text()

    result = runner.invoke(args=["import", "measurements", str(path)])
    assert result.exit_code == 0, result.output
    import re
    new, changed, unchanged, removed = map(int, re.findall(r"(\d+) (?:new|changed|unchanged|removed)", result.stdout))
    # Weeks the organization already has values for: mostly changed, some filling gaps (holidays).
    assert new + changed + unchanged == 500 and removed == 0 and changed > 2 * new
    assert "500 unchanged" in runner.invoke(args=["import", "measurements", str(path)]).stdout
    # Weeks before the organization's first one, a week of everybody at a time: all new values.
    earlier = tmp_path / "earlier.csv"
    write_measurements_csv(earlier, 700, until=this_monday - datetime.timedelta(weeks=4), by="week")
    rows = [line.split(",") for line in earlier.read_text().splitlines()[1:]]
    assert len({period for _, _, period, _ in rows[:320]}) == 1 and rows[320][2] != rows[0][2]
    result = runner.invoke(args=["import", "measurements", str(earlier)])
    assert "700 new, 0 changed, 0 unchanged, 0 removed (700 lines)" in result.stdout
