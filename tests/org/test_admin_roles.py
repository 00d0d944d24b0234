"""Admin pages for job roles and their levels, and who may use them."""
import json
import re

import pytest

from dualdash.kpis.models import KPI, Benchmark
from dualdash.org.audit import AuditLog
from dualdash.org.forms.roles import LevelForm, RoleForm
from dualdash.org.models import JobRole, Level, Person
from dualdash.org.passwords import hash_password
from dualdash.testing import PASSWORD, login


def level_names(role):
    return [lv.name for lv in Level.select().where(Level.role == role.id).order_by(Level.rank)]


def ranks(role):
    return [lv.rank for lv in Level.select().where(Level.role == role.id).order_by(Level.rank)]


def audit_entries(action, object_type, obj_id):
    return list(AuditLog.select().where((AuditLog.action == action) & (AuditLog.object_type == object_type)
                                        & (AuditLog.object_id == str(obj_id))))


def edit_url(role):
    return f"/admin/roles/{role.id}/edit"


# --- the list -------------------------------------------------------------------------------------

def test_index_lists_roles_with_levels_in_order_and_people(as_admin, sample_org):
    Person.update(active=False).where(Person.id == sample_org.indirect.id).execute()
    r = as_admin.get("/admin/roles/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<li>Ramping</li><li>Established</li><li>Senior</li>" in html
    assert "<li>Junior</li><li>Senior</li>" in html
    # Account Executive: manager, member, member2 active; indirect deactivated.
    assert re.search(r"Account Executive</a></th>.*?<td>3 active \(1 inactive\)</td>", html, re.S)
    assert re.search(r"Support Agent</a></th>.*?<td>2 active</td>", html, re.S)
    assert 'aria-current="page">Job roles</a>' in html


def test_index_counts_people_in_one_query(as_admin, sample_org, count_queries):
    before = count_queries(lambda: as_admin.get("/admin/roles/"))
    for i in range(10):
        role = JobRole.create(name=f"Role {i}")
        level = Level.create(role=role, name="Only", rank=1)
        Person.create(email=f"r{i}@example.com", name=f"R {i}", role=role, level=level)
    after = count_queries(lambda: as_admin.get("/admin/roles/"))
    assert 0 < after == before


def test_index_empty_state(app, client):
    with app.app_context():
        admin = Person.create(email="solo@example.com", name="Solo Admin", is_admin=True,
                              password_hash=hash_password(PASSWORD))
    login(client, admin)
    html = client.get("/admin/roles/").get_data(as_text=True)
    assert "There are no job roles yet." in html
    assert 'href="/admin/roles/new"' in html


# --- roles ----------------------------------------------------------------------------------------

def test_create_role_then_go_to_its_levels(as_admin, sample_org):
    assert as_admin.get("/admin/roles/new").status_code == 200
    r = as_admin.post("/admin/roles/new", data={"name": " Sales Engineer ", "description": "Demos."})
    role = JobRole.get(JobRole.name == "Sales Engineer")
    assert role.description == "Demos."
    assert r.status_code == 302
    assert r.headers["Location"].endswith(edit_url(role))
    [entry] = audit_entries("create", "JobRole", role.id)
    assert entry.actor_id == sample_org.admin.id
    assert json.loads(entry.after)["name"] == "Sales Engineer"
    page = as_admin.get(edit_url(role)).get_data(as_text=True)
    assert "This job role has no levels yet." in page


@pytest.mark.parametrize("name, message", [
    ("", "Give the job role a name."),
    ("ACCOUNT executive", "There is already a job role called “Account Executive”."),
])
def test_create_role_refuses_bad_names_and_keeps_what_was_typed(as_admin, sample_org, name, message):
    r = as_admin.post("/admin/roles/new", data={"name": name, "description": "Kept text"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert f'<p class="error" id="name-error">{message}</p>' in html
    assert f'value="{name}"' in html
    assert "Kept text</textarea>" in html
    assert JobRole.select().count() == 2
    assert not AuditLog.select().exists()


def test_edit_role(as_admin, sample_org):
    ae = sample_org.roles.ae
    page = as_admin.get(edit_url(ae))
    assert page.status_code == 200
    assert 'value="Account Executive"' in page.get_data(as_text=True)
    r = as_admin.post(edit_url(ae), data={"name": "Account Manager", "description": "Keeps accounts."})
    assert r.status_code == 302
    ae = JobRole.get_by_id(ae.id)
    assert (ae.name, ae.description) == ("Account Manager", "Keeps accounts.")
    [entry] = audit_entries("update", "JobRole", ae.id)
    assert json.loads(entry.before)["name"] == "Account Executive"
    assert json.loads(entry.after)["description"] == "Keeps accounts."


def test_edit_role_refuses_a_taken_name_and_keeps_what_was_typed(as_admin, sample_org):
    ae = sample_org.roles.ae
    r = as_admin.post(edit_url(ae), data={"name": "support agent", "description": "Typed"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "There is already a job role called “Support Agent”." in html
    assert 'value="support agent"' in html
    assert "Typed</textarea>" in html
    # The level forms on the same page still show the stored names.
    assert f'name="level-{sample_org.levels["Senior"].id}-name" required type="text" value="Senior"' in html
    assert JobRole.get_by_id(ae.id).name == "Account Executive"


def test_unknown_role_is_404(as_admin, sample_org):
    assert as_admin.get("/admin/roles/9999/edit").status_code == 404
    assert as_admin.post("/admin/roles/9999/levels/new", data={"new_level-name": "X"}).status_code == 404


def test_delete_role_with_its_levels(as_admin, sample_org):
    role = JobRole.create(name="Intern")
    levels = [Level.create(role=role, name=n, rank=i) for i, n in enumerate(["Summer", "Year"], 1)]
    r = as_admin.get(f"/admin/roles/{role.id}/delete")
    assert r.status_code == 200
    assert "Its 2 levels (Summer, Year) will be deleted with it." in r.get_data(as_text=True)
    assert JobRole.select().where(JobRole.id == role.id).exists()
    r = as_admin.post(f"/admin/roles/{role.id}/delete")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/admin/roles/")
    assert not JobRole.select().where(JobRole.id == role.id).exists()
    assert not Level.select().where(Level.id.in_([lv.id for lv in levels])).exists()
    assert len(audit_entries("delete", "JobRole", role.id)) == 1
    assert all(len(audit_entries("delete", "Level", lv.id)) == 1 for lv in levels)


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_role_refused_while_people_have_it(as_admin, sample_org, method):
    agent = sample_org.roles.agent
    Person.update(active=False).where(Person.role == agent.id).execute()
    r = getattr(as_admin, method)(f"/admin/roles/{agent.id}/delete", follow_redirects=True)
    assert r.request.path == edit_url(agent)
    assert ("“Support Agent” cannot be deleted: 2 people have this job role (active or not)."
            in r.get_data(as_text=True))
    assert JobRole.select().where(JobRole.id == agent.id).exists()
    assert level_names(agent) == ["Junior", "Senior"]


def test_delete_role_refused_while_benchmarks_use_it(as_admin, sample_org):
    role = JobRole.create(name="Measured")
    kpi = KPI.create(key="calls", name="Calls")
    Benchmark.create(kpi=kpi, role=role, meets=10, exceeds=20)
    r = as_admin.post(f"/admin/roles/{role.id}/delete", follow_redirects=True)
    assert "“Measured” cannot be deleted: it is still used by 1 benchmark." in r.get_data(as_text=True)
    assert Benchmark.select().count() == 1


# --- levels ---------------------------------------------------------------------------------------

def test_add_level_goes_last(as_admin, sample_org):
    ae = sample_org.roles.ae
    r = as_admin.post(f"/admin/roles/{ae.id}/levels/new", data={"new_level-name": " Principal "})
    assert r.status_code == 302
    assert r.headers["Location"].endswith(edit_url(ae) + "#levels")
    assert level_names(ae) == ["Ramping", "Established", "Senior", "Principal"]
    assert ranks(ae) == [1, 2, 3, 4]
    level = Level.get(Level.name == "Principal")
    [entry] = audit_entries("create", "Level", level.id)
    assert json.loads(entry.after)["rank"] == 4


def test_add_first_level_to_a_new_role(as_admin, sample_org):
    role = JobRole.create(name="Analyst")
    as_admin.post(f"/admin/roles/{role.id}/levels/new", data={"new_level-name": "Junior"})
    assert level_names(role) == ["Junior"]
    assert ranks(role) == [1]


@pytest.mark.parametrize("name, message", [
    ("", "Give the level a name."),
    ("established", "This job role already has a level called “Established”."),
])
def test_add_level_refuses_bad_names_and_keeps_what_was_typed(as_admin, sample_org, name, message):
    ae = sample_org.roles.ae
    r = as_admin.post(f"/admin/roles/{ae.id}/levels/new", data={"new_level-name": name})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert f'<p class="error" id="new_level-name-error">{message}</p>' in html
    assert f'name="new_level-name" required type="text" value="{name}"' in html
    # The role's own form is not disturbed by the level's "name".
    assert 'id="name" maxlength="200" name="name" required type="text" value="Account Executive"' in html
    assert level_names(ae) == ["Ramping", "Established", "Senior"]


def test_the_same_level_name_may_exist_in_another_role(as_admin, sample_org):
    agent = sample_org.roles.agent
    r = as_admin.post(f"/admin/roles/{agent.id}/levels/new", data={"new_level-name": "Ramping"})
    assert r.status_code == 302
    assert level_names(agent) == ["Junior", "Senior", "Ramping"]


def test_rename_level(as_admin, sample_org):
    ae, ramping = sample_org.roles.ae, sample_org.levels["Ramping"]
    r = as_admin.post(f"/admin/roles/{ae.id}/levels/{ramping.id}/rename",
                      data={f"level-{ramping.id}-name": "Onboarding"})
    assert r.status_code == 302
    assert level_names(ae) == ["Onboarding", "Established", "Senior"]
    [entry] = audit_entries("update", "Level", ramping.id)
    assert (json.loads(entry.before)["name"], json.loads(entry.after)["name"]) == ("Ramping", "Onboarding")


def test_rename_level_refuses_a_taken_name_and_keeps_what_was_typed(as_admin, sample_org):
    ae, ramping = sample_org.roles.ae, sample_org.levels["Ramping"]
    field = f"level-{ramping.id}-name"
    r = as_admin.post(f"/admin/roles/{ae.id}/levels/{ramping.id}/rename", data={field: "SENIOR"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    message = "This job role already has a level called “Senior”."
    assert f'<p class="error" id="{field}-error">{message}</p>' in html
    assert f'name="{field}" required type="text" value="SENIOR"' in html
    assert level_names(ae) == ["Ramping", "Established", "Senior"]


def test_level_of_another_role_is_404(as_admin, sample_org):
    agent, ramping = sample_org.roles.agent, sample_org.levels["Ramping"]
    base = f"/admin/roles/{agent.id}/levels/{ramping.id}"
    assert as_admin.post(f"{base}/rename", data={f"level-{ramping.id}-name": "X"}).status_code == 404
    assert as_admin.post(f"{base}/move/up").status_code == 404
    assert as_admin.get(f"{base}/delete").status_code == 404
    assert as_admin.post(f"{base}/delete").status_code == 404
    assert level_names(sample_org.roles.ae) == ["Ramping", "Established", "Senior"]


def test_move_levels_up_and_down(as_admin, sample_org):
    ae, levels = sample_org.roles.ae, sample_org.levels
    base = f"/admin/roles/{ae.id}/levels"
    r = as_admin.post(f"{base}/{levels['Senior'].id}/move/up")
    assert r.status_code == 302
    assert level_names(ae) == ["Ramping", "Senior", "Established"]
    as_admin.post(f"{base}/{levels['Ramping'].id}/move/down")
    assert level_names(ae) == ["Senior", "Ramping", "Established"]
    assert ranks(ae) == [1, 2, 3]
    # Both levels of a swap are recorded.
    assert len(audit_entries("update", "Level", levels["Established"].id)) == 1
    assert len(audit_entries("update", "Level", levels["Senior"].id)) == 2


def test_move_past_either_end_changes_nothing(as_admin, sample_org):
    ae, levels = sample_org.roles.ae, sample_org.levels
    base = f"/admin/roles/{ae.id}/levels"
    r = as_admin.post(f"{base}/{levels['Ramping'].id}/move/up", follow_redirects=True)
    assert "Level “Ramping” is already the first." in r.get_data(as_text=True)
    as_admin.post(f"{base}/{levels['Senior'].id}/move/down")
    assert level_names(ae) == ["Ramping", "Established", "Senior"]
    assert ranks(ae) == [1, 2, 3]
    assert not AuditLog.select().exists()


def test_move_mends_ranks_left_with_gaps_or_repeats(as_admin, sample_org):
    role = JobRole.create(name="Legacy")
    a, b, c = (Level.create(role=role, name=n, rank=r) for n, r in (("A", 5), ("B", 5), ("C", 9)))
    as_admin.post(f"/admin/roles/{role.id}/levels/{c.id}/move/up")
    assert level_names(role) == ["A", "C", "B"]
    assert ranks(role) == [1, 2, 3]


def test_a_level_name_taken_at_the_last_moment_is_refused_cleanly(as_admin, sample_org, monkeypatch):
    # As if another admin added the same name between the form's check and the insert.
    monkeypatch.setattr(LevelForm, "validate_name", lambda form, field: None)
    ae = sample_org.roles.ae
    r = as_admin.post(f"/admin/roles/{ae.id}/levels/new", data={"new_level-name": "Senior"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "This job role already has a level with that name." in html
    assert 'name="new_level-name" required type="text" value="Senior"' in html
    assert level_names(ae) == ["Ramping", "Established", "Senior"]


def test_a_role_name_taken_at_the_last_moment_is_refused_cleanly(as_admin, sample_org, monkeypatch):
    monkeypatch.setattr(RoleForm, "validate_name", lambda form, field: None)
    r = as_admin.post("/admin/roles/new", data={"name": "Support Agent", "description": ""})
    assert r.status_code == 400
    assert "There is already a job role with that name." in r.get_data(as_text=True)
    assert JobRole.select().count() == 2


def test_move_with_an_unknown_direction_is_404(as_admin, sample_org):
    ae, senior = sample_org.roles.ae, sample_org.levels["Senior"]
    assert as_admin.post(f"/admin/roles/{ae.id}/levels/{senior.id}/move/sideways").status_code == 404


def test_delete_level_asks_then_deletes_and_closes_the_gap(as_admin, sample_org):
    ae = sample_org.roles.ae
    extra = Level.create(role=ae, name="Mentor", rank=2)
    Level.update(rank=Level.rank + 1).where((Level.role == ae.id) & (Level.id != extra.id)
                                            & (Level.rank >= 2)).execute()
    assert level_names(ae) == ["Ramping", "Mentor", "Established", "Senior"]
    url = f"/admin/roles/{ae.id}/levels/{extra.id}/delete"
    r = as_admin.get(url)
    assert r.status_code == 200
    assert "Delete level “Mentor” of Account Executive?" in r.get_data(as_text=True)
    r = as_admin.post(url)
    assert r.status_code == 302
    assert level_names(ae) == ["Ramping", "Established", "Senior"]
    assert ranks(ae) == [1, 2, 3]
    [entry] = audit_entries("delete", "Level", extra.id)
    assert json.loads(entry.before)["name"] == "Mentor"
    # The levels after it moved up a place, and that is recorded too.
    [moved] = audit_entries("update", "Level", sample_org.levels["Senior"].id)
    assert (json.loads(moved.before)["rank"], json.loads(moved.after)["rank"]) == (4, 3)


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_level_refused_while_people_are_on_it(as_admin, sample_org, method):
    ae, established = sample_org.roles.ae, sample_org.levels["Established"]
    Person.update(active=False).where(Person.level == established.id).execute()
    r = getattr(as_admin, method)(f"/admin/roles/{ae.id}/levels/{established.id}/delete",
                                  follow_redirects=True)
    assert r.request.path == edit_url(ae)
    assert ("Level “Established” cannot be deleted: 1 person is on it (active or not)."
            in r.get_data(as_text=True))
    assert level_names(ae) == ["Ramping", "Established", "Senior"]


# --- who may use these pages ---------------------------------------------------------------------

def _routes(org):
    ae, ramping = org.roles.ae.id, org.levels["Ramping"].id
    spare = JobRole.get_or_create(name="Spare")[0].id
    return [
        ("get", "/admin/roles/"),
        ("get", "/admin/roles/new"),
        ("post", "/admin/roles/new"),
        ("get", f"/admin/roles/{ae}/edit"),
        ("post", f"/admin/roles/{ae}/edit"),
        ("get", f"/admin/roles/{spare}/delete"),
        ("post", f"/admin/roles/{spare}/delete"),
        ("post", f"/admin/roles/{ae}/levels/new"),
        ("post", f"/admin/roles/{ae}/levels/{ramping}/rename"),
        ("post", f"/admin/roles/{ae}/levels/{ramping}/move/down"),
        ("get", f"/admin/roles/{ae}/levels/{ramping}/delete"),
        ("post", f"/admin/roles/{ae}/levels/{ramping}/delete"),
    ]


ROUTE_COUNT = 12


def _unchanged(org):
    assert JobRole.select().count() == 3
    assert JobRole.get_by_id(org.roles.ae.id).name == "Account Executive"
    assert level_names(org.roles.ae) == ["Ramping", "Established", "Senior"]
    assert not AuditLog.select().exists()


@pytest.mark.parametrize("who", ["as_member", "as_manager"])
@pytest.mark.parametrize("route", range(ROUTE_COUNT))
def test_members_and_managers_get_403(request, sample_org, who, route):
    client = request.getfixturevalue(who)
    method, url = _routes(sample_org)[route]
    data = {"name": "Hacked", "new_level-name": "Hacked",
            f"level-{sample_org.levels['Ramping'].id}-name": "Hacked"}
    r = getattr(client, method)(url, data=data if method == "post" else None)
    assert r.status_code == 403
    _unchanged(sample_org)


@pytest.mark.parametrize("route", range(ROUTE_COUNT))
def test_anonymous_is_sent_to_login(client, sample_org, route):
    method, url = _routes(sample_org)[route]
    r = getattr(client, method)(url, data={"name": "Hacked"} if method == "post" else None)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login")
    _unchanged(sample_org)
