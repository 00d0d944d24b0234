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
