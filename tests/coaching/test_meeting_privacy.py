"""Private 1:1 notes are their author's alone: never the report's, an admin's only when the organization
allows it, never in the audit trail; another manager cannot open the meeting."""
import datetime
import re

import pytest

from dualdash.coaching.models import Meeting, PrivateNote
from dualdash.org import settings as org_settings
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.testing import login

SECRET = "Thinking about a performance plan for Mo"
WHEN = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=1), datetime.time(10))


def based_on(response):
    match = re.search(r'name="meeting-private_based_on"[^>]*value="([^"]*)"', response.get_data(as_text=True))
    assert match, "no private note form"
    return match.group(1)


def save_private(client, meeting, based, text):
    """Post the meeting form with the private note only (the shared parts are left alone)."""
    return client.post(f"/meetings/{meeting.id}/save", data={
        "meeting-version": "1", "meeting-private_based_on": based, "meeting-private_note": text})


@pytest.fixture
def meeting(app, sample_org, as_manager):
    meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=WHEN,
                             shared_notes="Shared: good quarter")
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = save_private(as_manager, meeting, based_on(page), SECRET)
    assert response.status_code == 302
    return meeting


def test_the_author_reads_and_edits_their_private_note(as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert SECRET in page.get_data(as_text=True)
    note = PrivateNote.get()
    assert note.author_id == meeting.manager_id and note.text == SECRET
    response = save_private(as_manager, meeting, based_on(page), SECRET + " (later)")
    assert response.status_code == 302 and PrivateNote.get().text == SECRET + " (later)"
    assert SECRET in as_manager.get(f"/people/{meeting.report_id}/meetings").get_data(as_text=True)


def test_the_report_never_receives_a_private_note(app, sample_org, meeting, as_member):
    other = Meeting.create(manager=sample_org.manager, report=sample_org.member, status="held",
                           scheduled_for=datetime.datetime(2026, 1, 5, 10))
    PrivateNote.create(meeting=other, author=sample_org.manager, text=SECRET + " in January")
    pages = [f"/meetings/{meeting.id}", f"/meetings/{other.id}", "/meetings/",
             f"/people/{sample_org.member.id}/meetings", "/"]
    for path in pages:
        response = as_member.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert SECRET not in html and "meeting-private_note" not in html, path
    assert "Shared: good quarter" in as_member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # Nor can they write one, even by posting the form.
    assert save_private(as_member, meeting, "", "mine").status_code == 403


def test_the_report_does_not_read_notes_even_as_an_admin(app, sample_org, meeting):
    org_settings.save(org_settings.OrgSettings(admin_sees_private_notes=True))
    Person.update(is_admin=True).where(Person.id == sample_org.member.id).execute()
    html = login(app.test_client(), sample_org.member).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert SECRET not in html


def test_an_admin_reads_private_notes_only_when_the_organization_allows(app, sample_org, meeting, as_admin):
    assert SECRET not in as_admin.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert SECRET not in as_admin.get(f"/people/{sample_org.member.id}/meetings").get_data(as_text=True)
    org_settings.save(org_settings.OrgSettings(admin_sees_private_notes=True))
    html = as_admin.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert SECRET in html and "Private notes of others" in html


def test_others_above_the_report_do_not_read_the_managers_note(app, sample_org, meeting):
    director = login(app.test_client(), sample_org.director)
    page = director.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and SECRET not in page.get_data(as_text=True)
    assert "My private note" in page.get_data(as_text=True)  # they may keep their own
    assert SECRET not in director.get(f"/people/{sample_org.member.id}/meetings").get_data(as_text=True)


def test_a_peer_manager_cannot_open_the_meeting(app, sample_org, meeting):
    peer = login(app.test_client(), sample_org.peer)
    for path in (f"/meetings/{meeting.id}", f"/people/{sample_org.member.id}/meetings"):
        assert peer.get(path).status_code == 403
    assert save_private(peer, meeting, "", "x").status_code == 403


def test_notes_stay_with_their_author_when_the_report_changes_manager(app, sample_org, meeting, as_manager):
    Person.update(manager=sample_org.peer).where(Person.id == sample_org.member.id).execute()
    assert SECRET in as_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    new_manager = login(app.test_client(), sample_org.peer)
    page = new_manager.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and SECRET not in page.get_data(as_text=True)


def test_private_note_text_never_reaches_the_audit_trail(meeting):
    assert AuditLog.select().where(AuditLog.object_type == "PrivateNote").count() == 1
    for entry in AuditLog.select():
        assert SECRET not in (entry.before or "") and SECRET not in (entry.after or "")


def test_a_private_note_saved_in_two_tabs_shows_both(as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")
    stale = based_on(page)
    assert save_private(as_manager, meeting, stale, "Tab one").status_code == 302
    clash = save_private(as_manager, meeting, stale, "Tab two")
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Tab one" in html and "Tab two" in html and PrivateNote.get().text == "Tab one"
    response = save_private(as_manager, meeting, based_on(clash), "Tab one + two")
    assert response.status_code == 302
    assert PrivateNote.get().text == "Tab one + two"
    # Two first saves of a note that did not exist yet: the second is a conflict too.
    other = Meeting.create(manager=meeting.manager_id, report=meeting.report_id, scheduled_for=WHEN)
    save_private(as_manager, other, "", "A")
    clash = save_private(as_manager, other, "", "B")
    assert clash.status_code == 409 and PrivateNote.get(PrivateNote.meeting == other.id).text == "A"
