"""Every route of the app, walked as five people against objects of each kind, must answer what the
access table below says (DESIGN.md, "Who may see what"). A route missing from the table fails.

The walk asks whether a request gets past the access check, not whether its form is valid: the app
runs with CSRF on and the walk never sends a token, so a POST that passes the check stops at the CSRF
check (400) and changes nothing, while one that does not is refused before it (302 to the sign-in
page, 401, 403 or 404). One app and database serve the whole walk; nothing in it changes data, so
the tests do not depend on their order."""
import datetime
import re
import types
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Blueprint, g

from dualdash.coaching.models import ActionItem, AgendaItem, Meeting, PrivateNote, RoleSkill
from dualdash.db import get_db, upgrade
from dualdash.plugins.manager import PluginsFailed
from dualdash.shared import access as access_rules
from dualdash.shared.access import AccessUndeclared, allow
from dualdash.testing import fresh_postgres, login, make_app, make_sample_kpis, make_sample_org, postgres_url
from dualdash.web.tokens import issue_token

ACTORS = ("anonymous", "member", "manager", "other_manager", "admin")
#: Arguments naming an object that belongs to someone: such routes are walked twice, on the
#: member's objects ("mine") and on objects of someone outside the member's line ("others").
OWNED_ARGS = {"person_id", "meeting_id", "item_id", "action_id", "token_id", "team_id", "email", "owner_id"}

# --- the access table -----------------------------------------------------------------------------
# Each expectation lists the answer for anonymous, the member, the member's manager, another manager
# (not above the member: the manager of peer_report) and an admin:
#   ok     got past the access check (any answer but the four below)
#   login  anonymous: sent to the sign-in page (pages) or 401 (API)
#   403    refused
#   404    not found (the object does not exist for this viewer)
# A pair is (on the member's objects, on someone else's: peer_report and theirs).

PUBLIC = "ok ok ok ok ok"
SIGNED_IN = "login ok ok ok ok"
ADMIN = "login 403 403 403 ok"
MANAGERS = "login 403 ok ok ok"                                     # admins and anyone with people below
OWN_AND_ABOVE = ("login ok ok 403 ok", "login 403 403 ok ok")       # the person, anyone above them, admins
ABOVE = ("login 403 ok 403 ok", "login 403 403 ok ok")              # anyone above the person, admins
OWN_TOKEN = ("login ok 404 404 404", "login 404 404 404 404")       # someone else's token does not exist
RESULTS_DRIVERS = ("login 403 ok 403 ok", "login 403 403 ok ok")    # someone below them in that team
TEAM_PAGE = RESULTS_DRIVERS  # every team page: admins, and managers with someone below them in that team

TABLE = {
    "static": None,  # files, not pages: not walked
    "auth.login": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.logout": {"GET": "login ok ok ok ok", "POST": PUBLIC},  # GET asks to confirm; nobody to sign out
    "home.index": {"GET": SIGNED_IN},
    "search.results": {"GET": SIGNED_IN},  # each finds only the people they may see
    "people.index": {"GET": SIGNED_IN},
    "people.show": {"GET": OWN_AND_ABOVE},
    "profile.show": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "profile.sign_out_everywhere": {"POST": SIGNED_IN},
    "profile.create_token": {"POST": SIGNED_IN},
    "profile.revoke_token": {"POST": OWN_TOKEN},
    "framework.drivers": {"GET": SIGNED_IN},
    "framework.plugin_list": {"GET": ADMIN},
    "dashboard.manager": {"GET": SIGNED_IN},  # members are sent to their own 1:1s
    "dashboard.follow_through": {"GET": ADMIN},
    "action_items.index": {"GET": SIGNED_IN},
    "action_items.done": {"POST": OWN_AND_ABOVE},
    "action_items.reopen": {"POST": OWN_AND_ABOVE},
    "driver_ratings.person": {"GET": OWN_AND_ABOVE, "POST": OWN_AND_ABOVE},  # the person self-rates
    "skills_pages.person": {"GET": OWN_AND_ABOVE, "POST": OWN_AND_ABOVE},    # the person self-assesses
    "skills_pages.matrix": {"GET": TEAM_PAGE},
    "scorecard_pages.person": {"GET": OWN_AND_ABOVE},
    "scorecard_pages.team": {"GET": TEAM_PAGE},
    "scorecard_pages.subtree": {"GET": SIGNED_IN},  # members are sent to their own scorecard
    "scorecard_pages.person_trend": {"GET": OWN_AND_ABOVE},
    "scorecard_pages.team_trend": {"GET": TEAM_PAGE},  # a team's own values: as the team pages
    "scorecard_pages.team_bands": {"GET": TEAM_PAGE},
    "scorecard_pages.subtree_bands": {"GET": MANAGERS},
    "results_drivers.show": {"GET": RESULTS_DRIVERS},
    "rank_stacks.index": {"GET": SIGNED_IN},
    "rank_stacks.show": {"GET": SIGNED_IN},
    "measurement_entry.index": {"GET": SIGNED_IN},
    "measurement_entry.grid": {"GET": MANAGERS, "POST": MANAGERS},  # no self-reporting by default
    "measurement_entry.import_csv": {"GET": MANAGERS, "POST": MANAGERS},
    "meetings.index": {"GET": SIGNED_IN},
    "meetings.timeline": {"GET": OWN_AND_ABOVE},
    "meetings.new": {"GET": MANAGERS, "POST": MANAGERS},
    "meetings.show": {"GET": OWN_AND_ABOVE},
    "meetings.prepare": {"POST": ABOVE},
    "meetings.save": {"POST": ABOVE},
    "meetings.add_item": {"POST": OWN_AND_ABOVE},  # the report adds talking points to a planned 1:1
    "meetings.remove_item": {"GET": OWN_AND_ABOVE, "POST": OWN_AND_ABOVE},  # their own talking point
    "meetings.move_item": {"POST": ABOVE},
    "meetings.add_action_item": {"POST": ABOVE},
    "meetings.set_action_status": {"POST": OWN_AND_ABOVE},  # the owner ticks their own action item
    "meetings.held": {"POST": ABOVE},
    "meetings.cancel": {"GET": ABOVE, "POST": ABOVE},
    "worksheet.meeting": {"GET": OWN_AND_ABOVE},
    "worksheet.blank": {"GET": ABOVE},
    "api.openapi_document": {"GET": PUBLIC},
    "api.person_scorecard": {"GET": OWN_AND_ABOVE},
    "api.post_measurements": {"POST": MANAGERS},
    "api.rank_stack": {"GET": SIGNED_IN},
    "api.team_scorecard": {"GET": RESULTS_DRIVERS},  # a team's own values: someone below them in that team
}

#: Admin pages: every method of each is for admins only.
ADMIN_PAGES = {
    "admin_audit.index": "GET", "admin_audit.export": "GET",
    "admin_kpis.index": "GET", "admin_kpis.new": "GET POST", "admin_kpis.edit": "GET POST",
    "admin_kpis.deactivate": "GET POST", "admin_kpis.reactivate": "GET POST", "admin_kpis.delete": "GET POST",
    "admin_kpis.library": "GET", "admin_kpis.library_add": "POST", "admin_kpis.library_add_all": "POST",
    "admin_benchmarks.page": "GET POST", "admin_benchmarks.delete_line_set": "GET POST",
    "admin_people.index": "GET", "admin_people.new": "GET POST", "admin_people.edit": "GET POST",
    "admin_people.deactivate": "GET POST", "admin_people.reactivate": "GET POST",
    "admin_people.import_csv": "GET POST",
    "admin_roles.index": "GET", "admin_roles.new": "GET POST", "admin_roles.edit": "GET POST",
    "admin_roles.delete": "GET POST", "admin_roles.add_level": "POST", "admin_roles.rename_level": "POST",
    "admin_roles.move_level": "POST", "admin_roles.delete_level": "GET POST",
    "admin_scorecards.index": "GET", "admin_scorecards.role": "GET", "admin_scorecards.team": "GET",
    "admin_scorecards.person": "GET", "admin_scorecards.add": "POST", "admin_scorecards.remove": "POST",
    "admin_scorecards.move": "POST",
    "admin_settings.edit": "GET POST",
    "admin_skills.index": "GET", "admin_skills.apply_framework": "POST", "admin_skills.role": "GET",
    "admin_skills.add_skill": "POST", "admin_skills.edit_skill": "GET POST", "admin_skills.move_skill": "POST",
    "admin_skills.delete_skill": "GET POST", "admin_skills.expectations": "POST",
    "admin_teams.index": "GET", "admin_teams.new": "GET POST", "admin_teams.edit": "GET POST",
    "admin_teams.delete": "GET POST",
}
TABLE.update({endpoint: {method: ADMIN for method in methods.split()} for endpoint, methods in ADMIN_PAGES.items()})


def expected(expectation, target):
    """``{actor: answer}`` of one expectation on one target ("mine", "others" or None)."""
    if isinstance(expectation, tuple):
        expectation = expectation[0 if target in (None, "mine") else 1]
    answers = expectation.split()
    assert len(answers) == len(ACTORS), expectation
    return dict(zip(ACTORS, answers))


# --- the objects walked on -------------------------------------------------------------------------

def make_access_objects(org, kpis):
    """What the walk needs beyond the sample organization and KPIs: for the member and for
    peer_report (below the other manager), a planned 1:1 a month away (so opening it prepares
    nothing) with a talking point of theirs, an action item of theirs, the manager's private note,
    and an API token; plus a role skill."""
    when = datetime.datetime.now().replace(microsecond=0) + datetime.timedelta(days=30)

    def objects_of(report, manager):
        meeting = Meeting.create(manager=manager, report=report, scheduled_for=when)
        point = AgendaItem.create(meeting=meeting, position=1, kind="talking_point", title="My topic",
                                  added_by=report)
        action = ActionItem.create(owner=report, description="Call the customer back", meeting=meeting,
                                   created_by=manager)
        PrivateNote.create(meeting=meeting, author=manager, text="Only for the manager")
        token, _ = issue_token(report, "walked on")
        return types.SimpleNamespace(person=report, meeting=meeting, agenda_item=point, action_item=action,
                                     token=token)

    skill = RoleSkill.create(role=org.roles.ae, key="discovery", name="Discovery calls", position=1)
    return types.SimpleNamespace(mine=objects_of(org.member, org.manager),
                                 others=objects_of(org.peer_report, org.peer), skill=skill)


@dataclass
class Walk:
    app: object
    url: str
    org: object
    kpis: object
    objects: object
    clients: dict
    tokens: dict


def _csrf_token(client):
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _signed_in(app, person):
    """A client signed in through the sign-in form, CSRF token and all."""
    client = app.test_client()
    response = client.post("/login", data={"email": person.email, "password": "password-123",
                                           "csrf_token": _csrf_token(client)})
    assert response.status_code == 302, f"could not sign in as {person.email}"
    return client


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """One app (CSRF on) and one database for the whole module, with the sample organization, its
    KPIs and :func:`make_access_objects`; a signed-in client and an API token per actor."""
    folder = tmp_path_factory.mktemp("access-walk")
    url = postgres_url()
    if url:
        fresh_postgres(url)
    else:
        url = f"sqlite:///{folder / 'walk.sqlite3'}"
    app = make_app(folder, url, WTF_CSRF_ENABLED=True)
    db = get_db(app)
    if not url.startswith("postgres"):
        upgrade(db)
    db.connect(reuse_if_open=True)
    with app.app_context():
        org = make_sample_org()
        kpis = make_sample_kpis(org)
        objects = make_access_objects(org, kpis)
        people = {"member": org.member, "manager": org.manager, "other_manager": org.peer, "admin": org.admin}
        tokens = {actor: issue_token(person, "walk")[1] for actor, person in people.items()}
    clients = {actor: _signed_in(app, person) for actor, person in people.items()}
    clients["anonymous"] = app.test_client()
    yield Walk(app, url, org, kpis, objects, clients, tokens)
    db.close()


def url_values(walk, endpoint, target):
    """The value of every URL argument of ``endpoint`` on ``target`` ("mine" or "others")."""
    org, kpis, objects = walk.org, walk.kpis, walk.objects
    own = objects.others if target == "others" else objects.mine
    team = org.teams.support if target == "others" else org.teams.sales
    role = org.roles.agent if target == "others" else org.roles.ae
    scorecard_item = kpis.scorecards.ae.items[0]
    blueprint = endpoint.partition(".")[0]
    values = {
        "person_id": own.person.id, "email": own.person.email, "meeting_id": own.meeting.id,
        "action_id": own.action_item.id, "token_id": own.token.id, "team_id": team.id,
        "item_id": {"action_items": own.action_item.id, "meetings": own.agenda_item.id,
                    "admin_scorecards": scorecard_item.id}.get(blueprint),
        "owner_id": {"admin_scorecards.role": role.id, "admin_scorecards.team": team.id}.get(
            endpoint, own.person.id),
        "kind": "person", "kpi_id": kpis.calls.id, "kpi_key": kpis.calls.key, "key": kpis.calls.key,
        "role_id": org.roles.ae.id, "level_id": org.levels["Ramping"].id, "skill_id": objects.skill.id,
        "date": "1970-01-01", "index": 0, "direction": "up", "status": "done", "fmt": "csv",
    }
    return values


def answer(response):
    """What a response says about the access check: ok, login, 403 or 404."""
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status == 401:
        return "login"
    if 300 <= status < 400 and urlsplit(response.headers.get("Location", "")).path == "/login":
        return "login"
    if status in (403, 404):
        return str(status)
    return "ok"


def request(walk, actor, method, url):
    if url.startswith("/api/"):
        # The API is signed in by its bearer token alone: a fresh client, no session cookie.
        headers = {"Authorization": f"Bearer {walk.tokens[actor]}"} if actor != "anonymous" else {}
        return walk.app.test_client().open(url, method=method, headers=headers)
    return walk.clients[actor].open(url, method=method, data={} if method != "GET" else None)


def walked_methods(url_rule):
    return sorted(url_rule.methods - {"HEAD", "OPTIONS"})


# --- the walk --------------------------------------------------------------------------------------

def test_every_route_is_in_the_access_table(walk):
    missing = []
    for url_rule in walk.app.url_map.iter_rules():
        entry = TABLE.get(url_rule.endpoint, {})
        if entry is None:
            continue
        missing += [f"add {url_rule.endpoint} {method} ({url_rule.rule}) to the access table"
                    for method in walked_methods(url_rule) if method not in entry]
    assert not missing, "\n".join(missing)


def test_the_access_table_names_only_routes_that_exist(walk):
    routes = {(r.endpoint, m) for r in walk.app.url_map.iter_rules() for m in walked_methods(r)}
    stale = [f"{endpoint} {method}" for endpoint, entry in TABLE.items() if entry
             for method in entry if (endpoint, method) not in routes]
    assert not stale, "no such route any more: remove it from the access table: " + ", ".join(stale)


@pytest.mark.parametrize("endpoint", sorted(e for e, entry in TABLE.items() if entry))
def test_route(walk, endpoint):
    rules = [r for r in walk.app.url_map.iter_rules() if r.endpoint == endpoint]
    if not rules:
        pytest.skip(f"{endpoint} is not registered")  # reported by the test above
    adapter = walk.app.url_map.bind("localhost")
    wrong = []
    for url_rule in rules:
        targets = ("mine", "others") if set(url_rule.arguments) & OWNED_ARGS else (None,)
        for method in walked_methods(url_rule):
            expectation = TABLE[endpoint].get(method)
            if expectation is None:
                continue  # reported by test_every_route_is_in_the_access_table
            for target in targets:
                values = url_values(walk, endpoint, target)
                url = adapter.build(endpoint, {a: values[a] for a in url_rule.arguments}, method=method)
                for actor, wanted in expected(expectation, target).items():
                    got = answer(request(walk, actor, method, url))
                    if got != wanted:
                        wrong.append(f"{method} {url} ({target or 'no object'}) as {actor}: {got}, "
                                     f"the table says {wanted}")
    assert not wrong, "\n".join(wrong)


# --- objects named in the query string, and objects that do not exist --------------------------------

def test_objects_named_in_the_query_string(walk):
    org, mine, others = walk.org, walk.objects.mine, walk.objects.others
    manager, member, other = (walk.clients[a] for a in ("manager", "member", "other_manager"))
    assert answer(manager.get(f"/meetings/new?report={org.member.id}")) == "ok"
    assert answer(other.get(f"/meetings/new?report={org.member.id}")) == "403"    # not below them
    assert answer(manager.get(f"/meetings/new?report={org.manager.id}")) == "403"  # not with themselves
    assert answer(manager.get("/meetings/new?report=999999")) == "404"
    drivers = f"/people/{org.member.id}/drivers"
    assert answer(manager.get(f"{drivers}?meeting={mine.meeting.id}")) == "ok"
    assert answer(member.get(f"{drivers}?meeting={mine.meeting.id}")) == "403"    # a self-rating is not the 1:1's
    assert answer(manager.get(f"{drivers}?meeting={others.meeting.id}")) == "404"  # not the member's 1:1
    assert answer(manager.post(f"{drivers}?meeting={others.meeting.id}")) == "404"


def test_missing_objects_are_404_with_a_message(walk):
    admin = walk.clients["admin"]
    for url in ("/people/999999", "/meetings/999999", "/meetings/999999/worksheet", "/teams/999999/skills",
                "/rank-stacks/no-such-kpi", f"/meetings/{walk.objects.mine.meeting.id}/items/999999/remove"):
        assert admin.get(url).status_code == 404, url
    assert "There is no KPI with the key “no-such-kpi”." in admin.get("/rank-stacks/no-such-kpi").get_data(True)
    api = walk.app.test_client()
    headers = {"Authorization": f"Bearer {walk.tokens['admin']}"}
    response = api.get("/api/v1/people/nobody@example.com/scorecard", headers=headers)
    assert response.status_code == 404 and response.json["message"] == "Nobody has the email “nobody@example.com”."


def test_api_refusals_are_json_and_the_session_does_not_sign_in_the_api(walk):
    url = f"/api/v1/people/{walk.org.peer_report.email}/scorecard"
    response = walk.app.test_client().get(url, headers={"Authorization": f"Bearer {walk.tokens['member']}"})
    assert response.status_code == 403 and response.is_json
    assert response.json["message"] == ("You may not see peer_report@example.com: only yourself and the people "
                                        "below you.")
    signed_in = walk.clients["admin"].get(url)  # a session cookie, no token
    assert signed_in.status_code == 401 and signed_in.is_json


def test_refusals_come_before_the_csrf_check(walk):
    # With CSRF on and no token, only a request that passed the access check meets the CSRF check.
    assert walk.clients["admin"].post("/admin/teams/new").status_code == 400
    assert walk.clients["member"].post("/admin/teams/new").status_code == 403
    assert answer(walk.clients["anonymous"].post("/admin/teams/new")) == "login"


# --- failing closed --------------------------------------------------------------------------------

def test_every_view_declares_a_known_rule(walk):
    app = walk.app
    assert access_rules.problems(app) == {}
    names = set()
    for url_rule in app.url_map.iter_rules():
        declaration = access_rules.declaration_of(app, url_rule.endpoint)
        names |= declaration.names()
    assert names <= set(access_rules.RULES)


def test_an_unknown_rule_name_is_refused_at_import():
    with pytest.raises(ValueError, match="unknown access rule view_peson"):
        allow("view_peson")


def test_the_app_refuses_to_start_with_a_page_that_declares_no_rule(walk, tmp_path, monkeypatch):
    from dualdash import api

    original = api.init_app

    def with_an_undeclared_page(app, csrf):
        original(app, csrf)
        app.add_url_rule("/forgotten", "forgotten", lambda: "anyone?")
    monkeypatch.setattr(api, "init_app", with_an_undeclared_page)
    with pytest.raises(AccessUndeclared, match="forgotten: it does not say who may see it"):
        make_app(tmp_path, walk.url)


def test_a_page_added_later_without_a_rule_answers_403_to_everyone(walk, tmp_path):
    app = make_app(tmp_path, walk.url)
    app.add_url_rule("/late", "late", lambda: "secret")
    assert login(app.test_client(), walk.org.admin).get("/late").status_code == 403
    assert app.test_client().get("/late").status_code == 403


# --- plugin pages ------------------------------------------------------------------------------------

def plugin(name, *blueprints):
    module = types.ModuleType(name)
    from dualdash import hookimpl

    @hookimpl
    def dualdash_blueprints():
        return list(blueprints)
    module.dualdash_blueprints = dualdash_blueprints
    return module


def test_a_plugin_page_follows_the_rule_it_declares(walk, tmp_path):
    bp = Blueprint("acme_people", __name__, url_prefix="/acme")

    @bp.route("/people/<int:person_id>")
    @allow("view_person")
    def person_page(person_id):
        return f"About {g.person.name}"

    app = make_app(tmp_path, walk.url, PLUGINS=[plugin("acme_people", bp)])
    org = walk.org
    member = login(app.test_client(), org.member)
    assert member.get(f"/acme/people/{org.member.id}").get_data(as_text=True) == "About Mo Member"
    assert member.get(f"/acme/people/{org.manager.id}").status_code == 403
    assert member.get("/acme/people/999999").status_code == 404
    assert app.test_client().get(f"/acme/people/{org.member.id}").status_code == 302


def test_a_plugin_page_without_a_rule_stops_the_app_naming_the_plugin(walk, tmp_path):
    bp = Blueprint("acme_open", __name__)
    bp.add_url_rule("/acme/open", "open", lambda: "anyone?")
    wrong = Blueprint("acme_wrong", __name__)
    wrong.add_url_rule("/acme/wrong", "wrong", allow("view_person")(lambda: "whom?"))
    with pytest.raises(PluginsFailed) as failed:
        make_app(tmp_path, walk.url, PLUGINS=[plugin("acme_open", bp, wrong)])
    text = str(failed.value)
    assert "plugin 'acme_open' in hook dualdash_blueprints: the page acme_open.open: it does not say who may " \
           "see it" in text
    assert "the page acme_wrong.wrong: its rule view_person needs the URL argument person_id" in text
    # Without strict plugins (``dualdash plugins``) the app starts, and the page is closed to everyone.
    from dualdash import create_app
    from dualdash.testing import TEST_CONFIG
    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path / "lenient"), "DATABASE_URL": walk.url,
                      "PLUGINS": [plugin("acme_open", bp)]}, strict_plugins=False)
    assert login(app.test_client(), walk.org.admin).get("/acme/open").status_code == 403


def _guide_section(heading):
    guide = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text(encoding="utf-8")
    return guide.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]


def test_the_rules_the_plugin_guide_lists_exist():
    section = _guide_section("`dualdash_blueprints`")
    listed = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert len(listed) >= 10
    assert set(listed) <= set(access_rules.RULES)


def test_the_plugin_guide_example_page_works_as_it_says(walk, tmp_path):
    section = _guide_section("`dualdash_blueprints`")
    code = re.findall(r"^```python\n(.*?)^```", section, re.M | re.S)[0]
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "acme_pages.py").write_text(code)
    app = make_app(tmp_path, walk.url, PLUGINS_DIR=str(folder))
    assert app.test_client().get("/acme/handbook").status_code == 302
    member = login(app.test_client(), walk.org.member)
    assert "coaching handbook" in member.get("/acme/handbook").get_data(as_text=True)
    assert member.get(f"/acme/people/{walk.org.member.id}/notes").status_code == 200
    assert member.get(f"/acme/people/{walk.org.manager.id}/notes").status_code == 403
    assert member.get("/acme/settings").status_code == 403
    assert login(app.test_client(), walk.org.admin).get("/acme/settings").status_code == 200


def test_the_plugin_guide_example_rule_of_its_own_works_as_it_says(walk, tmp_path):
    section = _guide_section("`dualdash_blueprints`")
    code = re.findall(r"^```python\n(.*?)^```", section, re.M | re.S)[1]
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "acme_boards.py").write_text(code)
    app = make_app(tmp_path, walk.url, PLUGINS_DIR=str(folder))
    member, own_team = walk.org.member, walk.org.member.team_id
    other_team = walk.org.peer.team_id
    assert own_team != other_team
    client = login(app.test_client(), member)
    assert "board" in client.get(f"/acme-boards/teams/{own_team}").get_data(as_text=True)
    refused = client.get(f"/acme-boards/teams/{other_team}")
    assert refused.status_code == 403 and "another team&#39;s board" in refused.get_data(as_text=True)
    assert client.get("/acme-boards/teams/999999").status_code == 404
    assert login(app.test_client(), walk.org.admin).get(f"/acme-boards/teams/{other_team}").status_code == 200
    assert app.test_client().get(f"/acme-boards/teams/{own_team}").status_code == 302


def test_a_rule_name_two_packages_define_is_refused():
    from dualdash import Rule, define_rules
    with pytest.raises(ValueError, match="'view_person' of acme is already defined by dualdash.org.access"):
        define_rules({"view_person": Rule("signed_in", "everyone")}, "acme")
