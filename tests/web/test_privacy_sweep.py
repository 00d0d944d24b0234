"""A member never receives a manager's private 1:1 notes: not on any page, not in any format."""
import datetime
import io
import re

import pytest
from pypdf import PdfReader

from dualdash.coaching.models import AgendaItem, Meeting, PrivateNote
from dualdash.org.audit import AuditLog
from dualdash.web.tokens import issue_token

SECRET = "Private-marker-7Q2"
FORMATS = ({}, {"format": "csv"}, {"format": "pdf"}, {"private": "1"}, {"private": "1", "format": "pdf"})


@pytest.fixture
def meeting(app, sample_org, sample_kpis):
    m = Meeting.create(manager=sample_org.manager, report=sample_org.member, status="held",
                       scheduled_for=datetime.datetime(2026, 11, 16, 10), shared_notes="Shared words")
    PrivateNote.create(meeting=m, author=sample_org.manager, text=SECRET)
    AgendaItem.create(meeting=m, position=1, kind="custom", title="Pipeline review")
    return m


def urls(app, org, kpis, meeting):
    """Every GET page with its arguments filled in for the member's own objects."""
    values = {"person_id": org.member.id, "meeting_id": meeting.id, "team_id": org.teams.sales.id,
              "kpi_key": kpis.calls.key, "email": org.member.email, "kpi_id": kpis.calls.id,
              "owner_id": org.member.id, "role_id": org.roles.ae.id}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not set(rule.arguments) <= set(values):
            continue
        yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def text_of(response):
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def test_the_member_never_receives_the_private_note(app, as_member, sample_org, sample_kpis, meeting):
    seen = 0
    for url in urls(app, sample_org, sample_kpis, meeting):
        for query in FORMATS:
            response = as_member.get(url, query_string=query)
            if response.status_code == 200:
                seen += 1
            assert SECRET not in text_of(response), (url, query)
    assert seen > 20  # the sweep really looked at pages


def test_the_api_never_returns_it(app, client, sample_org, sample_kpis, meeting):
    _, token = issue_token(sample_org.member, "sweep")
    headers = {"Authorization": f"Bearer {token}"}
    for url in urls(app, sample_org, sample_kpis, meeting):
        if url.startswith("/api/"):
            assert SECRET not in client.get(url, headers=headers).get_data(as_text=True), url


def test_its_author_sees_it_and_the_audit_log_never_holds_it(as_manager, meeting):
    assert SECRET in as_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    as_manager.get(f"/meetings/{meeting.id}")
    assert not [a for a in AuditLog.select() if SECRET in (a.before or "") + (a.after or "")]


def test_a_peer_manager_cannot_open_the_meeting(app, sample_org, meeting):
    from dualdash.testing import login
    peer = login(app.test_client(), sample_org.peer)
    for url in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/worksheet",
                f"/people/{sample_org.member.id}/meetings"):
        response = peer.get(url)
        assert response.status_code == 403 and SECRET not in response.get_data(as_text=True), url


def test_private_notes_stay_with_their_author_when_the_report_changes_manager(app, sample_org, meeting):
    from dualdash.org.models import Person
    from dualdash.testing import login
    Person.update(manager=sample_org.peer).where(Person.id == sample_org.member.id).execute()
    new_manager = login(app.test_client(), sample_org.peer)
    page = new_manager.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and "Shared words" in page.get_data(as_text=True)
    assert SECRET not in page.get_data(as_text=True)
    old_manager = login(app.test_client(), sample_org.manager)
    assert SECRET in old_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True)
