"""DESIGN.md's "who may see what" on the pages of the foundation."""
import pytest

from dualdash.testing import login

ADMIN_PAGES = ["/admin/people/", "/admin/teams/", "/admin/roles/"]


@pytest.mark.parametrize("who", ["member", "manager", "director"])
def test_non_admins_get_403_on_admin_pages(app, sample_org, who):
    client = login(app.test_client(), getattr(sample_org, who))
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url


def test_admin_sees_admin_pages(as_admin):
    for url in ADMIN_PAGES:
        assert as_admin.get(url).status_code == 200, url


def test_member_sees_only_themselves(as_member, sample_org):
    assert as_member.get(f"/people/{sample_org.member.id}").status_code == 200
    for other in ["manager", "member2", "indirect", "peer", "admin", "director"]:
        assert as_member.get(f"/people/{getattr(sample_org, other).id}").status_code == 403, other


def test_manager_sees_whole_subtree_but_not_a_peer(as_manager, sample_org):
    for below in ["member", "member2", "indirect"]:  # indirect reports to member2
        assert as_manager.get(f"/people/{getattr(sample_org, below).id}").status_code == 200, below
    for outside in ["peer", "peer_report", "director", "admin"]:
        assert as_manager.get(f"/people/{getattr(sample_org, outside).id}").status_code == 403, outside


def test_director_sees_two_levels_down(app, sample_org):
    client = login(app.test_client(), sample_org.director)
    for below in ["manager", "member", "indirect", "peer", "peer_report"]:
        assert client.get(f"/people/{getattr(sample_org, below).id}").status_code == 200, below
    assert client.get(f"/people/{sample_org.admin.id}").status_code == 403


def test_admin_sees_everyone(as_admin, sample_org):
    for who in ["member", "peer_report", "director"]:
        assert as_admin.get(f"/people/{getattr(sample_org, who).id}").status_code == 200


def test_missing_person_is_404(as_admin):
    assert as_admin.get("/people/999999").status_code == 404


def test_people_list_is_limited_to_the_subtree(as_manager):
    page = as_manager.get("/people/").get_data(as_text=True)
    for name in ["Mo Member", "Mia Member", "Ian Indirect"]:
        assert name in page
    for name in ["Pete Peer", "Paula Peer-Report", "Ada Admin"]:
        assert name not in page


def test_member_list_shows_only_themselves(as_member):
    page = as_member.get("/people/").get_data(as_text=True)
    assert "Mo Member" in page and "Mia Member" not in page


def test_role_is_shown(as_admin, as_manager, as_member):
    assert b"<strong>admin</strong>" in as_admin.get("/").data
    assert b"<strong>manager</strong>" in as_manager.get("/").data
    assert b"<strong>member</strong>" in as_member.get("/").data


# --- the checks behind the access rules, for a viewer other than the signed-in person ----------------

def test_self_reporting_opens_measurement_entry_to_members(app, as_member):
    from dualdash.org import settings as org_settings
    assert as_member.get("/measurements/grid").status_code == 403
    assert as_member.get("/measurements/import").status_code == 403
    org_settings.save(org_settings.OrgSettings(self_reporting=True))
    assert as_member.get("/measurements/grid").status_code == 200
    assert as_member.get("/measurements/import").status_code == 200


def test_meeting_checks(app, sample_org):
    import datetime

    from dualdash.coaching import access as meeting_access
    from dualdash.coaching.models import ActionItem, AgendaItem, Meeting
    org = sample_org
    with app.test_request_context():
        meeting = Meeting.create(manager=org.manager, report=org.member, scheduled_for=datetime.datetime(2026, 12, 1))
        point = AgendaItem.create(meeting=meeting, kind="talking_point", title="Mine", added_by=org.member)
        custom = AgendaItem.create(meeting=meeting, kind="custom", title="The manager's", added_by=org.manager)
        action = ActionItem.create(owner=org.member, description="Do it", meeting=meeting)
        # Private notes: leaders write their own, the report never (not even an admin who is the report).
        assert meeting_access.can_write_private_note(meeting, org.manager)
        assert meeting_access.can_write_private_note(meeting, org.director)
        assert not meeting_access.can_write_private_note(meeting, org.member)
        assert not meeting_access.can_write_private_note(meeting, org.peer)
        admin_report = Meeting.create(manager=org.director, report=org.admin, scheduled_for=meeting.scheduled_for)
        assert not meeting_access.can_write_private_note(admin_report, org.admin)
        # The report adds and removes their own talking points while the 1:1 is planned, nothing else.
        assert meeting_access.can_add_to_agenda(meeting, org.member)
        assert not meeting_access.can_add_to_agenda(meeting, org.peer)
        assert meeting_access.can_remove_agenda_item(meeting, point, org.member)
        assert not meeting_access.can_remove_agenda_item(meeting, custom, org.member)
        assert meeting_access.can_remove_agenda_item(meeting, custom, org.manager)
        meeting.status = "held"
        assert not meeting_access.can_add_to_agenda(meeting, org.member)
        assert not meeting_access.can_remove_agenda_item(meeting, point, org.member)
        assert meeting_access.can_add_to_agenda(meeting, org.manager)
        # Action items: the owner and anyone above them.
        for who in (org.member, org.manager, org.director, org.admin):
            assert meeting_access.can_update_action_item(action, who), who
        for who in (org.member2, org.peer):
            assert not meeting_access.can_update_action_item(action, who), who


def test_people_and_team_checks(app, sample_org):
    from dualdash.org import access
    org = sample_org
    with app.test_request_context():
        assert access.can_assess_person(org.member, org.member)      # a self-rating
        assert access.can_assess_person(org.member, org.manager)
        assert not access.can_assess_person(org.member, org.member2)
        assert not access.can_assess_person(org.member, org.peer)
        assert access.leads_people(org.admin) and access.leads_people(org.manager)
        assert access.leads_people(org.member2)                    # indirect reports to them
        assert not access.leads_people(org.member)
        sales, support = org.teams.sales, org.teams.support
        assert access.can_view_team_results(sales, org.manager)
        assert not access.can_view_team_results(support, org.manager)
        assert access.can_view_team_results(org.teams.company, org.peer)  # Support is below Company
        assert not access.can_view_team_results(sales, org.member)
        assert access.can_view_team_results(support, org.admin)
        # Nobody signed in: nothing passes.
        assert not access.can_assess_person(org.member) and not access.leads_people()


def test_the_older_admin_required_name_declares_the_admin_rule():
    from dualdash.org.access import admin_required
    from dualdash.shared.access import declaration_of

    def page():
        return "admins"
    admin_required(page)
    app = type("App", (), {"view_functions": {"x.page": page}})()
    assert declaration_of(app, "x.page").rule_for("GET") == "admin"
