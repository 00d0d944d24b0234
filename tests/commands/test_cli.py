"""The command line: create-user, demo, serve."""
import pytest

from dualdash.db import get_db
from dualdash.demo.organization import DEMO_PASSWORD, SIGN_INS
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.testing import login, make_app


def test_create_user_creates_a_person_who_can_sign_in(app, runner):
    result = runner.invoke(args=["create-user", "New.Admin@Example.com", "--password", "long-enough-pw", "--admin"])
    assert result.exit_code == 0, result.output
    person = Person.get(Person.email == "new.admin@example.com")
    assert person.is_admin and person.name == "New Admin"
    r = app.test_client().post("/login", data={"email": "new.admin@example.com", "password": "long-enough-pw"})
    assert r.status_code == 302


def test_create_user_gives_an_existing_person_a_new_password(app, runner, sample_org):
    before = Person.select().count()
    result = runner.invoke(args=["create-user", "member@example.com", "--password", "another-password"])
    assert result.exit_code == 0 and "Set the password of Mo Member" in result.output
    assert Person.select().count() == before
    member = Person.get_by_id(sample_org.member.id)
    assert not member.is_admin and member.manager_id == sample_org.manager.id
    login(app.test_client(), member, password="another-password")


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(args=["create-user", "kim@example.com"], input="typed-password\ntyped-password\n")
    assert result.exit_code == 0, result.output
    login(app.test_client(), Person.get(Person.email == "kim@example.com"), password="typed-password")


@pytest.mark.parametrize("args,message", [
    (["create-user", "not-an-email", "--password", "long-enough-pw"], "EMAIL"),
    (["create-user", "kim@example.com", "--password", "short"], "at least 12"),
])
def test_create_user_refuses_bad_input(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output
    assert Person.select().count() == 0


def test_create_user_on_a_new_install_creates_the_database(tmp_path, empty_database_url):
    app = make_app(tmp_path, empty_database_url)
    result = app.test_cli_runner().invoke(args=["create-user", "first@example.com", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    with get_db(app).connection_context():
        assert Person.select().count() == 1


def test_demo_fills_a_realistic_organization(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for email in SIGN_INS.values():
        assert email in result.output
    assert DEMO_PASSWORD in result.output
    assert Team.select().where(Team.parent.is_null(False)).count() >= 2  # a tree, not a list
    assert Team.select().count() >= 3
    assert JobRole.select().count() >= 4
    assert Level.select().count() >= 8
    people = Person.select().count()
    assert 35 <= people <= 45
    with_manager = Person.select().where(Person.manager.is_null(False)).count()
    assert with_manager == people - 1  # everyone but the top has a manager
    # The printed sign-ins work, with the documented roles.
    client = app.test_client()
    for role, email in SIGN_INS.items():
        login(client, Person.get(Person.email == email), password=DEMO_PASSWORD)
        assert f"<strong>{role}</strong>" in client.get("/").get_data(as_text=True)
        client.post("/logout")
    assert runner.invoke(args=["demo"]).exit_code != 0  # never on top of an organization
    assert Person.select().count() == people


def test_demo_is_deterministic(tmp_path, app, runner):
    runner.invoke(args=["demo"])
    first = [(p.name, p.email, p.team_id, p.manager_id) for p in Person.select().order_by(Person.id)]
    other = make_app(tmp_path / "other", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.test_cli_runner().invoke(args=["demo"])
    from dualdash.db import bind
    with get_db(other).connection_context():
        second = [(p.name, p.email, p.team_id, p.manager_id) for p in Person.select().order_by(Person.id)]
    bind(get_db(app))
    assert first == second


def test_serve_demo_fills_then_serves(tmp_path, empty_database_url, monkeypatch):
    import waitress
    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    app = make_app(tmp_path, empty_database_url)
    result = app.test_cli_runner().invoke(args=["serve", "--demo", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert "admin@example.com" in result.output and "http://127.0.0.1:5123/" in result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 5123
    assert served["app"].test_client().get("/login").status_code == 200
    again = app.test_cli_runner().invoke(args=["serve", "--demo"])
    assert again.exit_code == 0 and "leaving it as it is" in again.output


def test_serve_without_users_says_how_to_create_one(tmp_path, empty_database_url, monkeypatch):
    import waitress
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: None)
    app = make_app(tmp_path, empty_database_url)
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 0 and "dualdash create-user" in result.output


def test_dualdash_and_flask_share_commands():
    from click.testing import CliRunner

    from dualdash.cli import main
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ["init", "migrate", "create-user", "import", "demo", "serve"]:
        assert command in result.output


def test_demo_has_kpis_benchmarks_and_a_year_of_weekly_values(app, runner):
    import datetime

    from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard
    assert runner.invoke(args=["demo"]).exit_code == 0
    roles_with_cards = {s.role_id for s in Scorecard.select() if s.role_id}
    assert roles_with_cards == {r.id for r in JobRole.select()}           # every role has a scorecard
    assert Benchmark.select().where(Benchmark.level.is_null(False)).count() >= 6  # tiered by level
    assert Benchmark.select().where(Benchmark.effective_from > datetime.date(1970, 1, 1)).count() == 1
    weeks = {m.period_start for m in Measurement.select(Measurement.period_start).distinct()}
    assert len(weeks) == 52 and all(w.weekday() == 0 for w in weeks)
    kpis = KPI.select().count()
    people_with_roles = Person.select().where(Person.role.is_null(False)).count()
    full = people_with_roles * 52 * 2  # at least two KPIs each
    assert kpis >= 8 and full * 0.8 < Measurement.select().count()
    # Gaps are missing rows, never zeros.
    assert Measurement.select().where(Measurement.value == 0).count() < Measurement.select().count() * 0.01


def test_demo_has_a_coaching_history_and_an_upcoming_1_1(app, runner):
    import datetime

    from dualdash.coaching.models import (
        ActionItem,
        DriverRating,
        Meeting,
        PrivateNote,
        SkillAssessment,
        SkillExpectation,
    )
    assert runner.invoke(args=["demo"]).exit_code == 0
    manager = Person.get(Person.email == SIGN_INS["manager"])
    # The next weekday (a Friday's next 1:1s are on Monday, not on Saturday).
    next_day = datetime.date.today() + datetime.timedelta(days=1)
    while next_day.weekday() >= 5:
        next_day += datetime.timedelta(days=1)
    upcoming = [m for m in Meeting.select().where((Meeting.manager == manager.id) & (Meeting.status == "planned"))
                if m.scheduled_for.date() == next_day]
    assert upcoming and all(m.report.manager_id == manager.id for m in upcoming)
    assert Meeting.select().where(Meeting.status == "held").count() > 100
    assert PrivateNote.select().count() > 100
    overdue = ActionItem.select().where((ActionItem.status == "open") & (ActionItem.due_date < datetime.date.today()))
    assert overdue.count() > 0 and ActionItem.select().where(ActionItem.status == "done").count() > 0
    rating_days = {r.rated_on for r in DriverRating.select(DriverRating.rated_on).distinct()}
    assert max(rating_days) - min(rating_days) > datetime.timedelta(days=300)  # over the year
    assert DriverRating.select().where(DriverRating.is_self == True).count() > 0  # noqa: E712
    assert SkillExpectation.select().count() > 0 and SkillAssessment.select().count() > 0


def test_serve_limits_the_request_body_and_says_where_things_are(tmp_path, empty_database_url, monkeypatch):
    import waitress
    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(kw))
    app = make_app(tmp_path, empty_database_url, MAX_CONTENT_LENGTH=3 * 1024 * 1024)
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    # waitress refuses a larger body itself, before reading it (its default is 1 GiB).
    assert served["max_request_body_size"] == 3 * 1024 * 1024
    assert f"Instance folder: {app.instance_path}" in result.output
    from dualdash.commands.serve import shown_url
    assert f"Database: {shown_url(empty_database_url)}" in result.output
    if empty_database_url.startswith("sqlite"):
        assert f"Database: {empty_database_url.split(':///', 1)[1]}" in result.output


def test_serve_hides_a_database_password():
    from dualdash.commands.serve import body_limit, shown_url
    assert shown_url("postgresql://dd:s3cret@db.example:5433/dualdash") == "postgresql://dd:***@db.example:5433/dualdash"
    assert shown_url("sqlite:////srv/dd/dualdash.sqlite3") == "/srv/dd/dualdash.sqlite3"
    assert body_limit(None) == {}


def test_serve_says_how_to_load_the_example_plugins(tmp_path, empty_database_url, monkeypatch):
    import waitress
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: None)
    (tmp_path / "checkout" / "plugins").mkdir(parents=True)
    (tmp_path / "checkout" / "plugins" / "sales_org.py").write_text("")
    monkeypatch.chdir(tmp_path / "checkout")
    app = make_app(tmp_path, empty_database_url)
    result = app.test_cli_runner().invoke(args=["serve"])
    assert "dualdash serve --demo --plugins-dir plugins" in result.output
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(args=["serve"])
    assert "--plugins-dir" in result.output and "./plugins" not in result.output
    with_plugin = make_app(tmp_path, empty_database_url, PLUGINS_DIR=str(tmp_path / "checkout" / "plugins"))
    result = with_plugin.test_cli_runner().invoke(args=["serve"])
    assert "No organization plugins" not in result.output
