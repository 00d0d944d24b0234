"""Admin pages for teams: the tree, create, edit, delete, and who may use them."""
import json
import re
from html.parser import HTMLParser

import pytest

from dualdash.kpis.models import Scorecard
from dualdash.org.audit import AuditLog
from dualdash.org.forms.teams import TeamForm
from dualdash.org.models import Person, Team
from dualdash.org.passwords import hash_password
from dualdash.testing import PASSWORD, login


class TreeParser(HTMLParser):
    """Collects ``(team name, depth)`` of each team's edit link in the page's nested lists."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.link = None
        self.teams = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "ul" and ("class", "tree") in attrs or tag == "ul" and self.depth:
            self.depth += 1
        elif tag == "a" and href.startswith("/admin/teams/") and href.endswith("/edit"):
            self.link = ""

    def handle_endtag(self, tag):
        if tag == "ul" and self.depth:
            self.depth -= 1
        elif tag == "a" and self.link is not None:
            self.teams.append((self.link, self.depth))
            self.link = None

    def handle_data(self, data):
        if self.link is not None:
            self.link += data


def tree_of(response):
    parser = TreeParser()
    parser.feed(response.get_data(as_text=True))
    return parser.teams


def audit_entries(action, obj):
    return list(AuditLog.select().where((AuditLog.action == action) & (AuditLog.object_type == "Team")
                                        & (AuditLog.object_id == str(obj.id))))


# --- the tree ------------------------------------------------------------------------------------

def test_index_shows_the_tree_with_active_people(as_admin, sample_org):
    Person.update(active=False).where(Person.id == sample_org.indirect.id).execute()
    r = as_admin.get("/admin/teams/")
    assert r.status_code == 200
    assert tree_of(r) == [("Company", 1), ("Sales", 2), ("Support", 2)]
    html = r.get_data(as_text=True)
    # Sales: manager, member, member2 active; indirect deactivated.
    assert re.search(r"Sales</a>\s*· 3 active people", html)
    assert re.search(r"Support</a>\s*· 2 active people", html)
    assert 'href="/admin/teams/new"' in html
    assert 'aria-current="page">Teams</a>' in html


def test_index_counts_people_in_one_query(as_admin, sample_org, count_queries):
    before = count_queries(lambda: as_admin.get("/admin/teams/"))
    for i in range(10):
        team = Team.create(name=f"Squad {i}", parent=sample_org.teams.sales)
        Person.create(email=f"squad{i}@example.com", name=f"Squad member {i}", team=team)
    after = count_queries(lambda: as_admin.get("/admin/teams/"))
    assert 0 < after == before


def test_index_empty_state(app, client):
    with app.app_context():
        admin = Person.create(email="solo@example.com", name="Solo Admin", is_admin=True,
                              password_hash=hash_password(PASSWORD))
    login(client, admin)
    r = client.get("/admin/teams/")
    assert r.status_code == 200
    assert "There are no teams yet." in r.get_data(as_text=True)
    assert 'href="/admin/teams/new"' in r.get_data(as_text=True)


# --- create and edit ------------------------------------------------------------------------------

def test_create_team_under_a_parent(as_admin, sample_org):
    company = sample_org.teams.company
    form = as_admin.get(f"/admin/teams/new?parent={company.id}").get_data(as_text=True)
    assert f'<option selected value="{company.id}">' in form
    assert "— none (top level) —" in form
    r = as_admin.post("/admin/teams/new", data={"name": "  Marketing ", "parent": str(company.id)})
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/admin/teams/")
    team = Team.get(Team.name == "Marketing")
    assert team.parent_id == company.id
    [entry] = audit_entries("create", team)
    assert entry.actor_id == sample_org.admin.id
    assert json.loads(entry.after)["name"] == "Marketing"
    assert "Team “Marketing” created." in as_admin.get("/admin/teams/").get_data(as_text=True)


def test_create_top_level_team(as_admin, sample_org):
    r = as_admin.post("/admin/teams/new", data={"name": "Board", "parent": ""})
    assert r.status_code == 302
    assert Team.get(Team.name == "Board").parent_id is None


@pytest.mark.parametrize("name, message", [
    ("", "Give the team a name."),
    ("   ", "Give the team a name."),
    ("sALES", "There is already a team called “Sales”."),
    ("x" * 201, "Use at most 200 characters."),
])
def test_create_refuses_bad_names_and_keeps_what_was_typed(as_admin, sample_org, name, message):
    support = sample_org.teams.support
    r = as_admin.post("/admin/teams/new", data={"name": name, "parent": str(support.id)})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert f'<p class="error" id="name-error">{message}</p>' in html
    assert f'value="{name.strip()}"' in html
    assert f'<option selected value="{support.id}">' in html
    assert Team.select().count() == 3
    assert not AuditLog.select().exists()


def test_create_refuses_a_parent_that_does_not_exist(as_admin, sample_org):
    r = as_admin.post("/admin/teams/new", data={"name": "Ghosts", "parent": "9999"})
    assert r.status_code == 400
    assert "Choose a team from the list." in r.get_data(as_text=True)
    assert not Team.select().where(Team.name == "Ghosts").exists()


def test_edit_renames_and_moves_a_team(as_admin, sample_org):
    support = sample_org.teams.support
    form = as_admin.get(f"/admin/teams/{support.id}/edit")
    assert form.status_code == 200
    assert 'value="Support"' in form.get_data(as_text=True)
    r = as_admin.post(f"/admin/teams/{support.id}/edit",
                      data={"name": "Customer Support", "parent": str(sample_org.teams.sales.id)})
    assert r.status_code == 302
    support = Team.get_by_id(support.id)
    assert (support.name, support.parent_id) == ("Customer Support", sample_org.teams.sales.id)
    [entry] = audit_entries("update", support)
    assert json.loads(entry.before)["name"] == "Support"
    assert json.loads(entry.after)["parent"] == sample_org.teams.sales.id


def test_edit_may_change_the_case_of_its_own_name(as_admin, sample_org):
    sales = sample_org.teams.sales
    r = as_admin.post(f"/admin/teams/{sales.id}/edit",
                      data={"name": "SALES", "parent": str(sample_org.teams.company.id)})
    assert r.status_code == 302
    assert Team.get_by_id(sales.id).name == "SALES"


def test_edit_refuses_a_name_taken_by_another_team(as_admin, sample_org):
    sales = sample_org.teams.sales
    r = as_admin.post(f"/admin/teams/{sales.id}/edit", data={"name": "support", "parent": ""})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "There is already a team called “Support”." in html
    assert 'value="support"' in html
    assert '<option selected value="">' in html
    assert Team.get_by_id(sales.id).name == "Sales"


def test_a_name_taken_at_the_last_moment_is_refused_cleanly(as_admin, sample_org, monkeypatch):
    # As if another admin created the same name between the form's check and the save.
    monkeypatch.setattr(TeamForm, "validate_name", lambda form, field: None)
    sales = sample_org.teams.sales
    r = as_admin.post(f"/admin/teams/{sales.id}/edit", data={"name": "Support", "parent": ""})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "There is already a team called “Support”." in html
    assert "Edit team “Sales”" in html
    assert Team.get_by_id(sales.id).name == "Sales"
    assert not AuditLog.select().exists()


def test_edit_unknown_team_is_404(as_admin, sample_org):
    assert as_admin.get("/admin/teams/9999/edit").status_code == 404
    assert as_admin.post("/admin/teams/9999/edit", data={"name": "X"}).status_code == 404


# --- cycles ---------------------------------------------------------------------------------------

def test_a_team_cannot_be_its_own_parent(as_admin, sample_org):
    sales = sample_org.teams.sales
    r = as_admin.post(f"/admin/teams/{sales.id}/edit", data={"name": "Sales", "parent": str(sales.id)})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert '<p class="error" id="parent-error">A team cannot be its own parent.</p>' in html
    assert Team.get_by_id(sales.id).parent_id == sample_org.teams.company.id


def test_a_team_cannot_move_under_its_own_descendant(as_admin, sample_org):
    company, sales = sample_org.teams.company, sample_org.teams.sales
    east = Team.create(name="Sales East", parent=sales)
    form = as_admin.get(f"/admin/teams/{company.id}/edit").get_data(as_text=True)
    # The teams below Company are offered but disabled.
    assert f'<option disabled value="{east.id}">' in form
    for parent in (sales, east):
        r = as_admin.post(f"/admin/teams/{company.id}/edit",
                          data={"name": "Company", "parent": str(parent.id)})
        assert r.status_code == 400
        html = r.get_data(as_text=True)
        assert ('<p class="error" id="parent-error">That team is inside this one: '
                'choosing it would make a loop.</p>') in html
        assert Team.get_by_id(company.id).parent_id is None
    assert not audit_entries("update", company)


# --- delete ---------------------------------------------------------------------------------------

def test_delete_asks_then_deletes(as_admin, sample_org):
    team = Team.create(name="Temporary", parent=sample_org.teams.company)
    r = as_admin.get(f"/admin/teams/{team.id}/delete")
    assert r.status_code == 200
    assert "Delete team “Temporary”?" in r.get_data(as_text=True)
    assert Team.select().where(Team.id == team.id).exists()
    r = as_admin.post(f"/admin/teams/{team.id}/delete")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/admin/teams/")
    assert not Team.select().where(Team.id == team.id).exists()
    [entry] = audit_entries("delete", team)
    assert json.loads(entry.before)["name"] == "Temporary"
    assert entry.after is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_refused_while_the_team_has_people(as_admin, sample_org, method):
    sales = sample_org.teams.sales
    r = getattr(as_admin, method)(f"/admin/teams/{sales.id}/delete", follow_redirects=True)
    assert r.request.path == f"/admin/teams/{sales.id}/edit"
    assert "“Sales” cannot be deleted: it still has 4 people (active or not)." in r.get_data(as_text=True)
    assert Team.select().where(Team.id == sales.id).exists()


def test_delete_refused_while_the_team_has_inactive_people(as_admin, sample_org):
    team = Team.create(name="Alumni")
    Person.create(email="gone@example.com", name="Gone Person", team=team, active=False)
    r = as_admin.post(f"/admin/teams/{team.id}/delete", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "“Alumni” cannot be deleted: it still has 1 person (active or not)." in html
    assert Team.select().where(Team.id == team.id).exists()
    assert not audit_entries("delete", team)


def test_delete_refused_while_the_team_has_sub_teams(as_admin, sample_org):
    parent = Team.create(name="Region")
    Team.create(name="Region North", parent=parent)
    r = as_admin.post(f"/admin/teams/{parent.id}/delete", follow_redirects=True)
    assert r.request.path == f"/admin/teams/{parent.id}/edit"
    assert "“Region” cannot be deleted: it still has 1 sub-team." in r.get_data(as_text=True)
    assert Team.select().where(Team.id == parent.id).exists()


def test_delete_refused_while_the_team_has_scorecards(as_admin, sample_org):
    team = Team.create(name="Measured")
    Scorecard.create(name="Team card", team=team)
    r = as_admin.post(f"/admin/teams/{team.id}/delete", follow_redirects=True)
    assert "“Measured” cannot be deleted: it is still used by 1 scorecard." in r.get_data(as_text=True)
    assert Team.select().where(Team.id == team.id).exists()


# --- who may use these pages ---------------------------------------------------------------------

ROUTES = [
    ("get", "/admin/teams/"),
    ("get", "/admin/teams/new"),
    ("post", "/admin/teams/new"),
    ("get", "/admin/teams/{sales}/edit"),
    ("post", "/admin/teams/{sales}/edit"),
    ("get", "/admin/teams/{empty}/delete"),
    ("post", "/admin/teams/{empty}/delete"),
]


def _url(template, sample_org):
    empty = Team.get_or_create(name="Empty")[0]
    return template.format(sales=sample_org.teams.sales.id, empty=empty.id)


@pytest.mark.parametrize("who", ["as_member", "as_manager"])
@pytest.mark.parametrize("method, url", ROUTES)
def test_members_and_managers_get_403(request, sample_org, who, method, url):
    client = request.getfixturevalue(who)
    data = {"name": "Hacked", "parent": ""}
    r = getattr(client, method)(_url(url, sample_org), data=data if method == "post" else None)
    assert r.status_code == 403
    assert Team.select().count() == 4
    assert not Team.select().where(Team.name == "Hacked").exists()


@pytest.mark.parametrize("method, url", ROUTES)
def test_anonymous_is_sent_to_login(client, sample_org, method, url):
    r = getattr(client, method)(_url(url, sample_org), data={"name": "Hacked"} if method == "post" else None)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login")
    assert Team.select().count() == 4
