"""The admin people pages: list, search, filters, create, edit, deactivate and reactivate."""
import json
import re

import pytest

from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.org.passwords import check_password


def routes(org):
    """Every admin people page (path, methods)."""
    pid = org.member.id
    return [
        ("/admin/people/", ["GET"]),
        ("/admin/people/new", ["GET", "POST"]),
        (f"/admin/people/{pid}/edit", ["GET", "POST"]),
        (f"/admin/people/{pid}/deactivate", ["GET", "POST"]),
        (f"/admin/people/{pid}/reactivate", ["GET", "POST"]),
        ("/admin/people/import", ["GET", "POST"]),
    ]


def fresh(person):
    return Person.get_by_id(person.id)


def form_data(person=None, **changes):
    """What the person form posts for ``person`` (or an empty new person), with ``changes``."""
    data = {"email": "", "name": "", "team": "", "role": "", "level": "", "manager": "",
            "start_date": "", "active": "y", "password": ""}
    if person is not None:
        data.update(email=person.email, name=person.name, team=person.team_id or "",
                    role=person.role_id or "", level=person.level_id or "",
                    manager=person.manager.email if person.manager_id else "",
                    start_date=person.start_date.isoformat() if person.start_date else "")
        if person.is_admin:
            data["is_admin"] = "y"
        if not person.active:
            del data["active"]
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who may come in -------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, sample_org):
    for path, methods in routes(sample_org):
        for method in methods:
            response = client.open(path, method=method)
            assert response.status_code == 302, (method, path)
            assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["as_member", "as_manager"])
def test_members_and_managers_get_403_everywhere(request, sample_org, who):
    client = request.getfixturevalue(who)
    for path, methods in routes(sample_org):
        for method in methods:
            assert client.open(path, method=method).status_code == 403, (who, method, path)
    assert fresh(sample_org.member).active


def test_there_is_no_delete(as_admin, sample_org):
    response = as_admin.post(f"/admin/people/{sample_org.member.id}/delete")
    assert response.status_code in (404, 405)
    assert Person.select().where(Person.id == sample_org.member.id).exists()


# --- the list --------------------------------------------------------------------------------

def test_list_shows_the_columns(as_admin, sample_org):
    response = as_admin.get("/admin/people/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Maria Manager", "manager@example.com", "Sales", "Account Executive", "Senior",
                 "Dana Director", "New person", "Import from CSV"):
        assert text in html
    # Mo Member's row names his manager.
    row = html[html.index("Mo Member"):]
    row = row[:row.index("</tr>")]
    assert "Maria Manager" in row and "Ramping" in row


def test_list_says_who_can_sign_in(as_admin, app, sample_org):
    Person.create(email="nosignin@example.com", name="Nora No-Sign-In")
    html = as_admin.get("/admin/people/?q=nora").get_data(as_text=True)
    row = html[html.index("Nora No-Sign-In"):]
    # Each cell names its column for the stacked cards of a narrow screen: split on the tag, not its attributes.
    cells = [c.split("</td>")[0].strip() for c in re.split(r"<td[^>]*>", row[:row.index("</tr>")])[1:]]
    assert cells[0] == "nosignin@example.com"
    # email, team, role, level, manager, active, sign-in, admin
    assert cells[5:8] == ["Yes", "No", "No"]


def names_on(response):
    html = response.get_data(as_text=True)
    return {p.name for p in Person.select() if f'/edit">{p.name}</a></th>' in html}


def test_search_by_name_or_email_ignores_case(as_admin, sample_org):
    assert names_on(as_admin.get("/admin/people/?q=MARIA")) == {"Maria Manager"}
    assert names_on(as_admin.get("/admin/people/?q=peer_report@")) == {"Paula Peer-Report"}
    response = as_admin.get("/admin/people/?q=zzz")
    assert response.status_code == 200
    assert "Nobody matches these filters" in response.get_data(as_text=True)


def test_filters_by_team_role_and_status(as_admin, sample_org):
    Person.update(active=False).where(Person.id == sample_org.indirect.id).execute()
    sales = sample_org.teams.sales.id
    assert names_on(as_admin.get(f"/admin/people/?team={sales}")) == {"Maria Manager", "Mo Member",
                                                                       "Mia Member"}
    assert names_on(as_admin.get(f"/admin/people/?team={sales}&status=all")) == {
        "Maria Manager", "Mo Member", "Mia Member", "Ian Indirect"}
    assert names_on(as_admin.get("/admin/people/?status=inactive")) == {"Ian Indirect"}
    agent = sample_org.roles.agent.id
    assert names_on(as_admin.get(f"/admin/people/?role={agent}")) == {"Pete Peer", "Paula Peer-Report"}
    # Nonsense filter values are ignored rather than failing.
    assert as_admin.get("/admin/people/?team=abc&status=nope&page=x").status_code == 200


def test_pagination(as_admin, app, sample_org):
    app.config["PEOPLE_PER_PAGE"] = 3
    for i in range(5):
        Person.create(email=f"extra{i}@example.com", name=f"Zed Extra {i}")
    seen = set()
    for number in (1, 2, 3, 4, 5):
        response = as_admin.get(f"/admin/people/?page={number}")
        assert response.status_code == 200
        on_page = names_on(response)
        assert len(on_page) == (3 if number < 5 else 1), number
        seen |= on_page
        if number == 1:
            html = response.get_data(as_text=True)
            assert "Page 1 of 5 (13 in all)" in html and 'rel="next"' in html
    assert len(seen) == 13


def test_list_uses_a_fixed_number_of_queries(as_admin, sample_org, count_queries):
    few = count_queries(lambda: as_admin.get("/admin/people/"))
    for i in range(15):
        Person.create(email=f"more{i}@example.com", name=f"More {i}", manager=sample_org.manager,
                      team=sample_org.teams.sales, role=sample_org.roles.ae,
                      level=sample_org.levels["Senior"])
    page = {}
    assert count_queries(lambda: page.update(r=as_admin.get("/admin/people/"))) == few
    assert "More 14" in page["r"].get_data(as_text=True)


def test_empty_states(as_admin, sample_org):
    html = as_admin.get("/admin/people/?status=inactive").get_data(as_text=True)
    assert "Nobody matches these filters" in html


# --- create ----------------------------------------------------------------------------------

def test_new_form_groups_levels_by_role(as_admin, sample_org):
    html = as_admin.get("/admin/people/new").get_data(as_text=True)
    assert '<optgroup label="Account Executive">' in html
    assert '<optgroup label="Support Agent">' in html
    assert "— none —" in html
    assert 'type="date"' in html


def test_create_a_person(as_admin, sample_org):
    count = Person.select().count()
    response = as_admin.post("/admin/people/new", data=form_data(
        email="  New.Person@Example.com ", name="Nina New", team=sample_org.teams.sales.id,
        role=sample_org.roles.ae.id, level=sample_org.levels["Ramping"].id,
        manager="MANAGER@example.com", start_date="2024-03-18", password="long-enough-1"))
    assert response.status_code == 302
    assert Person.select().count() == count + 1
    nina = Person.get(Person.email == "new.person@example.com")
    assert (nina.name, nina.team_id, nina.role_id, nina.level_id, nina.manager_id) == (
        "Nina New", sample_org.teams.sales.id, sample_org.roles.ae.id, sample_org.levels["Ramping"].id,
        sample_org.manager.id)
    assert nina.start_date.isoformat() == "2024-03-18"
    assert nina.active and not nina.is_admin
    assert check_password(nina, "long-enough-1")
    entry = AuditLog.get((AuditLog.object_type == "Person") & (AuditLog.object_id == str(nina.id)))
    assert entry.action == "create" and entry.actor_id == sample_org.admin.id
    after = json.loads(entry.after)
    assert after["email"] == "new.person@example.com" and after["password"] == "changed"
    assert "password_hash" not in after
    assert "Nina New is added." in as_admin.get("/admin/people/").get_data(as_text=True)


def test_create_without_password_has_no_sign_in(as_admin, sample_org):
    assert as_admin.post("/admin/people/new", data=form_data(
        email="plain@example.com", name="Plain")).status_code == 302
    assert Person.get(Person.email == "plain@example.com").password_hash is None


def test_validation_errors_keep_what_was_typed(as_admin, sample_org):
    count = Person.select().count()
    response = as_admin.post("/admin/people/new", data=form_data(
        email="not-an-email", name="", manager="typed-manager@example.com", start_date="2024-02-30",
        password="short"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="not-an-email"' in html
    assert 'value="typed-manager@example.com"' in html
    assert "Enter an email address like name@example.com." in html
    assert "Enter a name." in html
    assert "Use at least 12 characters." in html
    assert "Not a valid date value" in html
    assert 'id="name-error"' in html and 'aria-invalid="true"' in html
    assert Person.select().count() == count


def test_email_must_be_unique_ignoring_case(as_admin, sample_org):
    response = as_admin.post("/admin/people/new", data=form_data(email="MEMBER@example.com", name="Dup"))
    assert response.status_code == 400
    assert "Someone else already has this email." in response.get_data(as_text=True)
    # Keeping one's own email is fine.
    member = fresh(sample_org.member)
    assert as_admin.post(f"/admin/people/{member.id}/edit",
                         data=form_data(member, email="Member@Example.com")).status_code == 302


def test_level_must_belong_to_the_role(as_admin, sample_org):
    member = fresh(sample_org.member)
    response = as_admin.post(f"/admin/people/{member.id}/edit", data=form_data(
        member, role=sample_org.roles.agent.id, level=sample_org.levels["Senior"].id, name="Changed"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "is a level of Account Executive, not of the job role Support Agent" in html
    assert 'id="level-error"' in html
    assert 'value="Changed"' in html
    assert fresh(member).role_id == sample_org.roles.ae.id and fresh(member).name == "Mo Member"
    # A level without a role is refused too.
    response = as_admin.post("/admin/people/new", data=form_data(
        email="x@example.com", name="X", level=sample_org.levels["Senior"].id))
    assert response.status_code == 400
    assert "not of no job role" in response.get_data(as_text=True)


# --- edit ------------------------------------------------------------------------------------

def test_edit_a_person(as_admin, sample_org):
    member = fresh(sample_org.member)
    old_hash = member.password_hash
    form = as_admin.get(f"/admin/people/{member.id}/edit").get_data(as_text=True)
    assert 'value="manager@example.com"' in form and 'value="Mo Member"' in form
    response = as_admin.post(f"/admin/people/{member.id}/edit", data=form_data(
        member, name="Mo Moved", team=sample_org.teams.support.id, role=sample_org.roles.agent.id,
        level="", manager="peer@example.com"))
    assert response.status_code == 302
    moved = fresh(member)
    assert (moved.name, moved.team_id, moved.role_id, moved.level_id, moved.manager_id) == (
        "Mo Moved", sample_org.teams.support.id, sample_org.roles.agent.id, None, sample_org.peer.id)
    assert moved.password_hash == old_hash  # empty password field: unchanged
    entry = AuditLog.get((AuditLog.action == "update") & (AuditLog.object_id == str(member.id)))
    assert json.loads(entry.before)["name"] == "Mo Member"
    assert json.loads(entry.after)["manager"] == sample_org.peer.id


def test_edit_sets_a_new_password(as_admin, app, sample_org, login):
    member = fresh(sample_org.member)
    assert as_admin.post(f"/admin/people/{member.id}/edit",
                         data=form_data(member, password="brand-new-pw")).status_code == 302
    login(app.test_client(), member, password="brand-new-pw")


def test_edit_unknown_person_is_404(as_admin, sample_org):
    assert as_admin.get("/admin/people/999999/edit").status_code == 404


def test_manager_must_exist_and_not_be_oneself(as_admin, sample_org):
    member = fresh(sample_org.member)
    response = as_admin.post(f"/admin/people/{member.id}/edit", data=form_data(member, manager="ghost@example.com"))
    assert response.status_code == 400
    assert "Nobody has the email ghost@example.com." in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/people/{member.id}/edit", data=form_data(member, manager="member@example.com"))
    assert response.status_code == 400
    assert "cannot be their own manager" in response.get_data(as_text=True)
    assert fresh(member).manager_id == sample_org.manager.id


def test_manager_cycle_is_refused(as_admin, sample_org):
    # director manages manager, who manages member2, who manages indirect.
    director = fresh(sample_org.director)
    response = as_admin.post(f"/admin/people/{director.id}/edit",
                             data=form_data(director, manager="indirect@example.com"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ian Indirect reports to Dana Director" in html and "manager cycle" in html
    assert 'id="manager-error"' in html
    assert fresh(director).manager_id is None


def test_admin_cannot_lock_themselves_out(as_admin, sample_org):
    admin = fresh(sample_org.admin)
    data = form_data(admin)
    del data["is_admin"]
    del data["active"]
    response = as_admin.post(f"/admin/people/{admin.id}/edit", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "You cannot remove your own admin rights" in html and "You cannot deactivate yourself" in html
    assert fresh(admin).is_admin and fresh(admin).active


# --- deactivate / reactivate -----------------------------------------------------------------

def test_deactivate_asks_first_and_counts_direct_reports(as_admin, app, sample_org, login):
    manager = sample_org.manager
    page = as_admin.get(f"/admin/people/{manager.id}/deactivate")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 people report directly to Maria Manager" in html
    assert "Mo Member" in html and "Mia Member" in html
    assert fresh(manager).active  # a GET changes nothing

    response = as_admin.post(f"/admin/people/{manager.id}/deactivate")
    assert response.status_code == 302
    assert not fresh(manager).active
    assert fresh(sample_org.member).manager_id == manager.id  # reports keep their manager
    assert AuditLog.get((AuditLog.action == "deactivate") & (AuditLog.object_id == str(manager.id)))
    response = app.test_client().post("/login", data={"email": manager.email, "password": "password-123"})
    assert response.status_code != 302  # can no longer sign in
    assert "Maria Manager" not in names_on(as_admin.get("/admin/people/"))
    assert "Maria Manager" in names_on(as_admin.get("/admin/people/?status=inactive"))

    page = as_admin.get(f"/admin/people/{manager.id}/reactivate")
    assert page.status_code == 200 and "Reactivate Maria Manager?" in page.get_data(as_text=True)
    assert as_admin.post(f"/admin/people/{manager.id}/reactivate").status_code == 302
    assert fresh(manager).active
    assert AuditLog.get((AuditLog.action == "reactivate") & (AuditLog.object_id == str(manager.id)))
    login(app.test_client(), manager)


def test_deactivate_without_reports(as_admin, sample_org):
    html = as_admin.get(f"/admin/people/{sample_org.member.id}/deactivate").get_data(as_text=True)
    assert "Nobody reports directly to Mo Member." in html


def test_cannot_deactivate_oneself(as_admin, sample_org):
    html = as_admin.get(f"/admin/people/{sample_org.admin.id}/deactivate").get_data(as_text=True)
    assert "You cannot deactivate yourself" in html
    assert as_admin.post(f"/admin/people/{sample_org.admin.id}/deactivate").status_code == 400
    assert fresh(sample_org.admin).active


def test_a_start_date_outside_the_accepted_dates_is_refused_beside_the_field(as_admin, sample_org):
    response = as_admin.post("/admin/people/new", data=form_data(email="kim@example.com", name="Kim",
                                                                  start_date="9999-12-31"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="start_date-error">“9999-12-31” is outside the dates Dual Dash accepts' in html
    assert 'value="9999-12-31"' in html
    assert Person.get_or_none(Person.email == "kim@example.com") is None
