"""Every 403 says why in words a member understands, with a link home (never Werkzeug's stock text),
and every team page refuses a team outside the viewer's line the same way."""
from werkzeug.exceptions import Forbidden

from dualdash.testing import login

HOME_LINK = '<a href="/">Go to the start page</a>'


def assert_explained(response, sentence):
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert Forbidden.description not in html and "don&#39;t have the permission" not in html
    assert sentence in html, html
    assert HOME_LINK in html


def test_team_pages_outside_ones_line_answer_403_with_the_reason(app, sample_org, sample_kpis):
    # The manager leads people in Sales, nobody in Support.
    manager = login(app.test_client(), sample_org.manager)
    support = sample_org.teams.support.id
    reason = "Nobody in Support (or its sub-teams) reports to you"
    assert_explained(manager.get(f"/teams/{support}/scorecard"), reason)
    assert_explained(manager.get(f"/teams/{support}/skills"), reason)
    assert_explained(manager.get(f"/teams/{support}/results-drivers"), "Nobody in this team reports to you.")
    sales = sample_org.teams.sales.id
    for url in (f"/teams/{sales}/scorecard", f"/teams/{sales}/skills", f"/teams/{sales}/results-drivers"):
        assert manager.get(url).status_code == 200, url
    admin = login(app.test_client(), sample_org.admin)
    assert admin.get(f"/teams/{support}/scorecard").status_code == 200


def test_person_pages_say_why(app, sample_org, sample_kpis):
    member = login(app.test_client(), sample_org.member)
    assert_explained(member.get(f"/people/{sample_org.peer_report.id}/scorecard"),
                     "You may not see Paula Peer-Report: only yourself and the people below you")


def test_a_403_without_a_reason_of_its_own_still_explains(app, sample_org):
    member = login(app.test_client(), sample_org.member)
    # Members may not schedule 1:1s (the rule's own sentence), admins pages likewise.
    assert_explained(member.get("/meetings/new"), "Only managers and admins schedule 1:1s.")
    with app.test_request_context("/"):
        from dualdash.web.views import NOT_ALLOWED
    assert "ask your manager or an admin" in NOT_ALLOWED
