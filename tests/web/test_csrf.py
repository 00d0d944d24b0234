"""CSRF protection refuses forged posts (the other tests switch the check off).

The walk posts to every route that changes something, so a new POST route is covered as soon as it
exists; the JSON API is left out because it never accepts the session cookie (tested below)."""
import datetime
import re

import pytest

from dualdash.coaching.models import ActionItem, AgendaItem, Meeting, PrivateNote, RoleSkill, SkillExpectation
from dualdash.kpis.models import Measurement, ScorecardKPI
from dualdash.models import ALL_MODELS
from dualdash.testing import PASSWORD
from dualdash.web import csrf
from dualdash.web.tokens import issue_token

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def token(client, url):
    """The CSRF token of the form on ``url``."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def signed_in(app, person):
    """A client signed in as ``person`` the way a browser does it: with the sign-in form's token."""
    client = app.test_client()
    r = client.post("/login", data={"email": person.email, "password": PASSWORD,
                                    "csrf_token": token(client, "/login")})
    assert r.status_code == 302, person.email
    return client


@pytest.fixture
def objects(app, sample_org, sample_kpis):
    """One object of every kind a POST route can act on, so that each route has something to change."""
    org = sample_org
    meeting = Meeting.create(manager=org.manager, report=org.member, scheduled_for=datetime.datetime(2026, 11, 16, 10))
    item = AgendaItem.create(meeting=meeting, position=1, title="Pipeline review")
    AgendaItem.create(meeting=meeting, position=2, title="Second item")
    action = ActionItem.create(owner=org.member, description="Call three customers", meeting=meeting)
    PrivateNote.create(meeting=meeting, author=org.manager, text="Manager's own words")
    skill = RoleSkill.create(role=org.roles.ae, key="discovery", name="Discovery", position=1)
    RoleSkill.create(role=org.roles.ae, key="closing", name="Closing", position=2)
    SkillExpectation.create(skill=skill, level=org.levels["Senior"], proficiency=3)
    Measurement.create(person=org.member, kpi=sample_kpis.calls, period_start=datetime.date(2026, 11, 9), value=7)
    api_token, _ = issue_token(org.member, "Nightly sync")
    scorecard_item = ScorecardKPI.get(ScorecardKPI.scorecard == sample_kpis.scorecards.ae)
    return {
        "person_id": org.member.id, "meeting_id": meeting.id, "item_id": item.id, "action_id": action.id,
        "team_id": org.teams.support.id, "role_id": org.roles.ae.id, "level_id": org.levels["Ramping"].id,
        "kpi_id": sample_kpis.calls.id, "kpi_key": sample_kpis.calls.key, "key": "calls", "token_id": api_token.id,
        "skill_id": skill.id, "owner_id": org.roles.ae.id, "kind": "role", "index": 0,
        "date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        "status": "done", "direction": "down", "email": org.member.email, "scorecard_item_id": scorecard_item.id,
    }


#: Arguments whose object differs by area: an item of a scorecard, not of a meeting's agenda.
AREA_VALUES = {"admin_scorecards": lambda objects: {"item_id": objects["scorecard_item_id"]}}


def write_routes(app, objects):
    """``(endpoint, url)`` of every page route that accepts a POST (or another writing method)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.methods & WRITE_METHODS or rule.rule.startswith("/api/"):
            continue
        area = rule.endpoint.split(".")[0]
        values = {**objects, **AREA_VALUES.get(area, lambda _: {})(objects)}
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: give the walk a value for {', '.join(sorted(missing))}"
        yield rule.endpoint, re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m, v=values: str(v[m.group(1)]), rule.rule)


def database_state():
    """Every row of every table, to show that a refused post changed nothing."""
    return {m.__name__: list(m.select().order_by(m._meta.primary_key).tuples()) for m in ALL_MODELS}


def test_every_post_route_without_a_token_is_refused_and_changes_nothing(app, sample_org, objects):
    """Posted by the admin, the member's manager and the member: whoever may reach the route (an admin
    most; the manager their private note; the member their own tokens and self-assessments) gets the
    CSRF refusal, the others are turned away before it (403, or 404 for another person's token: the
    access gate runs first)."""
    clients = {who: signed_in(app, getattr(sample_org, who)) for who in ("admin", "manager", "member")}
    before = database_state()
    routes = list(write_routes(app, objects))
    assert len(routes) > 40  # the walk really found the routes
    for endpoint, url in routes:
        refused_for_csrf = []
        for who, client in clients.items():
            r = client.post(url, data={"name": "Forged", "title": "Forged", "text": "Forged",
                                       "email": "forged@example.com"})
            if r.status_code == 400:
                assert csrf.MESSAGE in r.get_data(as_text=True), (endpoint, url, who)
                refused_for_csrf.append(who)
            else:
                assert r.status_code in (403, 404), (endpoint, url, who, r.status_code)
        assert refused_for_csrf, f"nobody reached {url} ({endpoint}): give the walk an object they may change"
    assert database_state() == before
    for client in clients.values():
        assert client.get("/").status_code == 200  # still signed in: the forged sign-outs did nothing


def test_a_post_with_its_token_works(app, sample_org):
    client = signed_in(app, sample_org.admin)
    r = client.post("/admin/teams/new", data={"name": "Real team", "csrf_token": token(client, "/admin/teams/new")})
    assert r.status_code == 302
    r = client.post("/logout", data={"csrf_token": token(client, "/logout")})
    assert r.status_code == 302 and client.get("/").status_code == 302


def test_login_without_token_is_refused(client, sample_org):
    r = client.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert r.status_code == 400
    assert csrf.MESSAGE in r.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_a_token_from_another_session_is_refused(app, sample_org):
    admin = signed_in(app, sample_org.admin)
    other = app.test_client()
    stolen = token(other, "/login")
    r = admin.post("/admin/teams/new", data={"name": "Forged", "csrf_token": stolen})
    assert r.status_code == 400 and csrf.MESSAGE in r.get_data(as_text=True)


def test_only_the_api_is_exempt(app):
    protect = app.extensions["csrf"]
    assert protect._exempt_views == set()
    assert {bp.name for bp in protect._exempt_blueprints} == {"api"}


class TestTheApiNeverTakesTheSessionCookie:
    """The API is exempt from CSRF because a browser's cookie never signs it in: only a bearer token."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True, "REMOTE_USER_HEADER": "X-Remote-User"}

    def test_a_signed_in_browser_cannot_write_or_read_through_the_api(self, app, sample_org, sample_kpis):
        browser = signed_in(app, sample_org.admin)
        body = {"measurements": [{"person": "member@example.com", "kpi": "calls", "period": "2026-W47",
                                  "value": 12}]}
        r = browser.post("/api/v1/measurements", json=body)
        assert r.status_code == 401 and r.is_json
        r = browser.post("/api/v1/measurements", json=body, headers={"X-Remote-User": "admin@example.com"})
        assert r.status_code == 401
        assert browser.get("/api/v1/people/member@example.com/scorecard").status_code == 401
        assert Measurement.select().count() == 0

    def test_a_bearer_token_still_writes(self, app, client, sample_org, sample_kpis):
        _, bearer = issue_token(sample_org.admin, "sync")
        r = client.post("/api/v1/measurements", headers={"Authorization": f"Bearer {bearer}"},
                        json={"measurements": [{"person": "member@example.com", "kpi": "calls",
                                                "period": "2026-W47", "value": 12}]})
        assert r.status_code == 200, r.get_json()
        assert Measurement.select().count() == 1
