"""Admin scorecards: the ordered KPIs of job roles and teams, and KPIs added for one person."""
import json

import pytest
from html_checks import assert_valid_html

from dualdash.kpis import scorecards
from dualdash.kpis.models import KPI, Scorecard, ScorecardKPI
from dualdash.org.audit import AuditLog
from dualdash.org.models import JobRole, Person, Team
from dualdash.org.passwords import hash_password
from dualdash.testing import PASSWORD, login


def routes(org, kpis):
    """Every admin scorecard page (path, methods)."""
    ae, sales, member2 = org.roles.ae.id, org.teams.sales.id, org.member2.id
    item = ScorecardKPI.get((ScorecardKPI.scorecard == kpis.scorecards.ae.id) & (ScorecardKPI.kpi == kpis.calls.id))
    return [
        ("/admin/scorecards/", ["GET"]),
        (f"/admin/scorecards/role/{ae}", ["GET"]),
        (f"/admin/scorecards/team/{sales}", ["GET"]),
        (f"/admin/scorecards/person/{member2}", ["GET"]),
        (f"/admin/scorecards/role/{ae}/add", ["POST"]),
        (f"/admin/scorecards/team/{sales}/add", ["POST"]),
        (f"/admin/scorecards/person/{member2}/add", ["POST"]),
        (f"/admin/scorecards/role/{ae}/items/{item.id}/remove", ["POST"]),
        (f"/admin/scorecards/role/{ae}/items/{item.id}/move/down", ["POST"]),
    ]


def keys(kind, owner):
    """The keys of an owner's KPIs, in order."""
    column = {"role": Scorecard.role, "team": Scorecard.team, "person": Scorecard.person}[kind]
    return [key for key, in ScorecardKPI.select(KPI.key).join_from(ScorecardKPI, KPI)
            .join_from(ScorecardKPI, Scorecard).where(column == owner.id)
            .order_by(ScorecardKPI.position, ScorecardKPI.id).tuples()]


def item_id(kind, owner, key):
    column = {"role": Scorecard.role, "team": Scorecard.team, "person": Scorecard.person}[kind]
    return (ScorecardKPI.select(ScorecardKPI.id).join_from(ScorecardKPI, KPI).join_from(ScorecardKPI, Scorecard)
            .where((column == owner.id) & (KPI.key == key)).scalar())


def kpis_of(app, person):
    with app.test_request_context():
        p = scorecards.people_with_details([person.id])[person.id]
        return [k.key for k in scorecards.kpis_for([p])[person.id]]


@pytest.fixture
def nps(app, sample_kpis):
    return KPI.create(key="nps", name="Net promoter score", category="customer")


# --- who may come in -----------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, sample_org, sample_kpis):
    for path, methods in routes(sample_org, sample_kpis):
        for method in methods:
            response = client.open(path, method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, path)


@pytest.mark.parametrize("who", ["as_member", "as_manager"])
def test_members_and_managers_get_403_everywhere(request, sample_org, sample_kpis, nps, who):
    client = request.getfixturevalue(who)
    for path, methods in routes(sample_org, sample_kpis):
        for method in methods:
            assert client.open(path, method=method, data={"kpi": nps.id}).status_code == 403, (who, method, path)
    assert keys("role", sample_org.roles.ae) == ["calls", "revenue"]
    assert keys("team", sample_org.teams.sales) == [] and not AuditLog.select().exists()


def test_unknown_owners_and_items_are_404(as_admin, sample_org, sample_kpis):
    assert as_admin.get("/admin/scorecards/role/9999").status_code == 404
    assert as_admin.get("/admin/scorecards/person/9999").status_code == 404
    assert as_admin.get("/admin/scorecards/project/1").status_code == 404
    # An item of another scorecard cannot be moved from this one.
    other = item_id("role", sample_org.roles.agent, "response")
    assert as_admin.post(f"/admin/scorecards/role/{sample_org.roles.ae.id}/items/{other}/remove").status_code == 404
    assert keys("role", sample_org.roles.agent) == ["response"]


# --- the overview --------------------------------------------------------------------------------

def test_overview_lists_roles_teams_and_people_with_their_kpis(as_admin, sample_org, sample_kpis):
    r = as_admin.get("/admin/scorecards/")
    assert r.status_code == 200
    assert_valid_html(r)
    html = r.get_data(as_text=True)
    roles = html.split("<h2>Job roles</h2>", 1)[1].split("<h2>", 1)[0]
    assert '<ol class="scorecard-kpis"><li>Calls made</li><li>Revenue</li></ol>' in roles
    assert f'href="/admin/scorecards/role/{sample_org.roles.agent.id}">Support Agent</a>' in roles
    teams = html.split("<h2>Teams</h2>", 1)[1].split("<h2>", 1)[0]
    assert f'href="/admin/scorecards/team/{sample_org.teams.sales.id}">Sales</a>' in teams
    assert "No KPIs yet" in teams
    people = html.split("<h2>KPIs added for one person</h2>", 1)[1]
    assert f'href="/admin/scorecards/person/{sample_org.member2.id}">Mia Member</a>' in people
    assert "<li>First response time</li>" in people


def test_overview_without_kpis(as_admin):
    html = as_admin.get("/admin/scorecards/").get_data(as_text=True)
    assert "Nobody has KPIs of their own" in html and html.count("No KPIs yet") == 5  # 2 roles, 3 teams


def test_overview_empty_states(app, client):
    with app.app_context():
        solo = Person.create(email="solo@example.com", name="Solo", is_admin=True,
                             password_hash=hash_password(PASSWORD))
    login(client, solo)
    html = client.get("/admin/scorecards/").get_data(as_text=True)
    assert "There are no job roles yet." in html and "There are no teams yet." in html


def test_overview_runs_a_fixed_number_of_queries(as_admin, sample_org, sample_kpis, count_queries):
    small = count_queries(lambda: as_admin.get("/admin/scorecards/"))
    for i in range(15):
        role = JobRole.create(name=f"Role {i}")
        team = Team.create(name=f"Team {i}")
        person = Person.create(email=f"p{i}@example.com", name=f"P {i}", role=role, team=team)
        kpi = KPI.create(key=f"k{i}", name=f"KPI {i}")
        for owner in ({"role": role}, {"team": team}, {"person": person}):
            card = Scorecard.create(name="x", **owner)
            ScorecardKPI.create(scorecard=card, kpi=kpi, position=1)
    large = count_queries(lambda: as_admin.get("/admin/scorecards/"))
    assert 0 < large == small


# --- a role's and a team's scorecard ---------------------------------------------------------------

def test_add_move_and_remove_on_a_role_scorecard(app, as_admin, sample_org, sample_kpis, nps):
    ae = sample_org.roles.ae
    page = as_admin.get(f"/admin/scorecards/role/{ae.id}")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    options = html.split('name="kpi"', 1)[1].split("</select>", 1)[0]
    assert "Net promoter score (nps)" in options and "First response time (response)" in options
    assert "Calls made" not in options  # already on it
    r = as_admin.post(f"/admin/scorecards/role/{ae.id}/add", data={"kpi": nps.id})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/scorecards/role/{ae.id}#kpis")
    assert keys("role", ae) == ["calls", "revenue", "nps"]
    assert kpis_of(app, sample_org.member) == ["calls", "revenue", "nps"]
    as_admin.post(f"/admin/scorecards/role/{ae.id}/items/{item_id('role', ae, 'nps')}/move/up")
    assert keys("role", ae) == ["calls", "nps", "revenue"]
    as_admin.post(f"/admin/scorecards/role/{ae.id}/items/{item_id('role', ae, 'calls')}/move/down")
    assert keys("role", ae) == ["nps", "calls", "revenue"]
    assert kpis_of(app, sample_org.member) == ["nps", "calls", "revenue"]
    # Already first: nothing moves, and the page says so.
    r = as_admin.post(f"/admin/scorecards/role/{ae.id}/items/{item_id('role', ae, 'nps')}/move/up",
                      follow_redirects=True)
    assert "is already the first" in r.get_data(as_text=True) and keys("role", ae)[0] == "nps"
    as_admin.post(f"/admin/scorecards/role/{ae.id}/items/{item_id('role', ae, 'calls')}/remove")
    assert keys("role", ae) == ["nps", "revenue"]
    positions = [p for p, in ScorecardKPI.select(ScorecardKPI.position)
                 .where(ScorecardKPI.scorecard == sample_kpis.scorecards.ae.id)
                 .order_by(ScorecardKPI.position).tuples()]
    assert positions == [1, 2]
    assert KPI.get_or_none(KPI.key == "calls")  # the KPI itself stays
    item_audit = AuditLog.select().where(AuditLog.object_type == "ScorecardKPI")
    assert item_audit.where(AuditLog.action == "create").count() == 1
    assert item_audit.where(AuditLog.action == "delete").count() == 1


def test_the_first_kpi_creates_a_team_scorecard(as_admin, sample_org, sample_kpis):
    sales = sample_org.teams.sales
    html = as_admin.get(f"/admin/scorecards/team/{sales.id}").get_data(as_text=True)
    assert "This scorecard has no KPIs yet." in html
    as_admin.post(f"/admin/scorecards/team/{sales.id}/add", data={"kpi": sample_kpis.revenue.id})
    as_admin.post(f"/admin/scorecards/team/{sales.id}/add", data={"kpi": sample_kpis.calls.id})
    [card] = Scorecard.select().where(Scorecard.team == sales.id)
    assert (card.name, card.role_id, card.person_id) == ("Sales", None, None)
    assert keys("team", sales) == ["revenue", "calls"]
    [entry] = AuditLog.select().where((AuditLog.object_type == "Scorecard") & (AuditLog.action == "create"))
    assert json.loads(entry.after)["team"] == sales.id


@pytest.mark.parametrize("value, message", [
    ("", "Choose a KPI to add."),
    ("calls", "Choose a KPI from the list"),  # already on it
    ("inactive", "Choose a KPI from the list"),
    ("nonsense", "Choose a KPI from the list"),
])
def test_add_refuses_a_kpi_not_offered(as_admin, sample_org, sample_kpis, value, message):
    ae = sample_org.roles.ae
    inactive = KPI.create(key="old", name="Old KPI", active=False)
    sent = {"calls": sample_kpis.calls.id, "inactive": inactive.id}.get(value, value)
    r = as_admin.post(f"/admin/scorecards/role/{ae.id}/add", data={"kpi": sent})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html.split('id="kpi-error">', 1)[1].split("</p>", 1)[0]
    assert keys("role", ae) == ["calls", "revenue"]


# --- KPIs added for one person -------------------------------------------------------------------

def test_person_page_shows_the_roles_kpis_and_adds_their_own(app, as_admin, sample_org, sample_kpis, nps):
    member = sample_org.member
    page = as_admin.get(f"/admin/scorecards/person/{member.id}")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    readonly = html.split('class="scorecard-kpis readonly"', 1)[1].split("</ol>", 1)[0]
    assert "Calls made" in readonly and "Revenue" in readonly and "<button" not in readonly
    options = html.split('name="kpi"', 1)[1].split("</select>", 1)[0]
    assert "Net promoter score" in options and "First response time" in options
    assert "Calls made" not in options and "Revenue" not in options  # on their role's already
    assert "No KPI is added for Mo Member alone." in html
    as_admin.post(f"/admin/scorecards/person/{member.id}/add", data={"kpi": sample_kpis.response.id})
    as_admin.post(f"/admin/scorecards/person/{member.id}/add", data={"kpi": nps.id})
    [card] = Scorecard.select().where(Scorecard.person == member.id)
    assert card.name == "Added for Mo Member" and card.role_id is None
    assert keys("person", member) == ["response", "nps"]
    # Their scorecard: the role's KPIs, then their own; nobody else's changes.
    assert kpis_of(app, member) == ["calls", "revenue", "response", "nps"]
    assert kpis_of(app, sample_org.indirect) == ["calls", "revenue"]
    as_admin.post(f"/admin/scorecards/person/{member.id}/items/{item_id('person', member, 'nps')}/move/up")
    assert kpis_of(app, member) == ["calls", "revenue", "nps", "response"]


def test_person_without_a_role(as_admin, sample_org, sample_kpis):
    html = as_admin.get(f"/admin/scorecards/person/{sample_org.director.id}").get_data(as_text=True)
    assert "Dana Director has no job role" in html
    assert "Calls made (calls)" in html  # every active KPI may be added
