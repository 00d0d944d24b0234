"""1:1 meetings: scheduling, the agenda, notes with a version check, action items, held, timeline."""
import datetime
import re

import pytest
from html_checks import assert_valid_html
from page_forms import press

from dualdash.coaching import meetings as core
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting
from dualdash.org.audit import AuditLog
from dualdash.testing import login

TOMORROW = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=1), datetime.time(10))


def version_of(response):
    """The version the meeting form on the page was based on."""
    match = re.search(r'name="meeting-version"[^>]*value="(\d+)"', response.get_data(as_text=True))
    assert match, "no meeting form on the page"
    return int(match.group(1))


@pytest.fixture
def meeting(app, sample_org):
    return Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=TOMORROW)


# --- scheduling ---------------------------------------------------------------------------------

def test_manager_schedules_a_1on1(as_manager, sample_org):
    page = as_manager.get(f"/meetings/new?report={sample_org.member.id}")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert TOMORROW.strftime("%Y-%m-%dT%H:%M") in html  # default: tomorrow 10:00
    assert "Mia Member" in html and "Ian Indirect" in html and "Pete Peer" not in html
    response = as_manager.post("/meetings/new", data={
        "report": sample_org.member.id, "scheduled_for": "2030-03-04T09:30", "repeat_every_days": "14"})
    assert response.status_code == 302
    meeting = Meeting.get()
    assert (meeting.manager_id, meeting.report_id, meeting.scheduled_for, meeting.repeat_every_days,
            meeting.status) == (
        sample_org.manager.id, sample_org.member.id, datetime.datetime(2030, 3, 4, 9, 30), 14, "planned")
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert AuditLog.select().where((AuditLog.object_type == "Meeting") & (AuditLog.action == "create")).count() == 1


def test_scheduling_errors_keep_what_was_typed(as_manager, sample_org):
    response = as_manager.post("/meetings/new", data={"report": sample_org.member.id, "scheduled_for": "soon"})
    assert response.status_code == 400
    assert "soon" in response.get_data(as_text=True)
    assert Meeting.select().count() == 0


def test_only_managers_of_the_person_schedule(app, sample_org, as_member, as_manager):
    assert as_member.get(f"/meetings/new?report={sample_org.member2.id}").status_code == 403
    assert as_member.get("/meetings/new").status_code == 403
    assert as_manager.get(f"/meetings/new?report={sample_org.peer_report.id}").status_code == 403
    assert as_manager.get("/meetings/new?report=99999").status_code == 404
    peer = login(app.test_client(), sample_org.peer)
    assert peer.get(f"/meetings/new?report={sample_org.member.id}").status_code == 403
    # A person outside one's subtree cannot be slipped into the form either.
    response = as_manager.post("/meetings/new", data={"report": sample_org.peer_report.id,
                                                      "scheduled_for": "2030-03-04T09:30"})
    assert response.status_code == 400 and Meeting.select().count() == 0


def test_my_meetings(as_manager, as_member, sample_org):
    past = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                          scheduled_for=datetime.datetime(2020, 1, 1, 10))
    Meeting.create(manager=sample_org.manager, report=sample_org.member2, scheduled_for=TOMORROW)
    page = as_manager.get("/meetings/")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Schedule a 1:1" in html and "Missed" in html and "Mia Member" in html
    assert html.index("Upcoming") < html.index("Mia Member") < html.index(f"/meetings/{past.id}")
    mine = as_member.get("/meetings/").get_data(as_text=True)
    assert "Schedule a 1:1" not in mine and f"/meetings/{past.id}" in mine and "Maria Manager" in mine


# --- the meeting page ---------------------------------------------------------------------------

def test_who_opens_a_meeting(app, sample_org, meeting, as_manager, as_member, as_admin):
    assert as_manager.get(f"/meetings/{meeting.id}").status_code == 200
    assert as_member.get(f"/meetings/{meeting.id}").status_code == 200
    assert as_admin.get(f"/meetings/{meeting.id}").status_code == 200
    assert login(app.test_client(), sample_org.director).get(f"/meetings/{meeting.id}").status_code == 200
    for outsider in (sample_org.peer, sample_org.member2, sample_org.peer_report):
        client = login(app.test_client(), outsider)
        assert client.get(f"/meetings/{meeting.id}").status_code == 403
        assert client.post(f"/meetings/{meeting.id}/save", data={"meeting-version": 1,
                                                                 "meeting-shared_notes": "x"}).status_code == 403
    assert as_manager.get("/meetings/99999").status_code == 404
    assert app.test_client().get(f"/meetings/{meeting.id}").status_code == 302  # to sign in


def test_prepare_builds_the_agenda_with_questions(as_manager, sample_org, sample_kpis):
    later = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                           scheduled_for=TOMORROW + datetime.timedelta(days=10))
    page = as_manager.get(f"/meetings/{later.id}")
    assert "Prepare the agenda" in page.get_data(as_text=True)  # too far ahead to be prepared already
    assert AgendaItem.select().count() == 0
    assert as_manager.post(f"/meetings/{later.id}/prepare").status_code == 302
    page = as_manager.get(f"/meetings/{later.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert_valid_html(page)
    assert "Prepare the agenda" not in html
    items = list(AgendaItem.select().where(AgendaItem.meeting == later).order_by(AgendaItem.position))
    assert items[0].kind == "opening" and items[-1].kind == "closing"
    driver_items = [i for i in items if i.kind == "driver"]
    assert driver_items
    for item in items:
        assert item.title in html
    assert f"/people/{sample_org.member.id}/drivers?meeting={later.id}" in html
    # Coaching questions from the hook are shown under their item.
    from dualdash.coaching import agenda
    with as_manager.application.test_request_context():
        question = agenda.questions(items[0])[0].text
    assert question.replace("'", "&#39;") in html or question in html


def test_agenda_prepared_on_opening_shortly_before(as_manager, as_member, meeting):
    as_member.get(f"/meetings/{meeting.id}")
    assert AgendaItem.select().count() == 0  # the report does not trigger it
    as_manager.get(f"/meetings/{meeting.id}")
    assert Meeting.get_by_id(meeting.id).prepared_at is not None
    assert AgendaItem.select().where(AgendaItem.kind == "opening").count() == 1


def test_member_adds_talking_points_and_sees_the_shared_part(as_manager, as_member, meeting):
    response = as_member.post(f"/meetings/{meeting.id}/items", data={"add-title": "My holiday plans"})
    assert response.status_code == 302
    item = AgendaItem.get()
    assert (item.kind, item.added_by_id) == ("talking_point", meeting.report_id)
    page = as_member.get(f"/meetings/{meeting.id}")
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "My holiday plans" in html and "Add a talking point" in html
    assert "Save shared notes" not in html and "private" not in html.lower().replace("private-", "")
    # The manager sees it on the agenda; preparing keeps it, before the close.
    as_manager.post(f"/meetings/{meeting.id}/prepare")
    items = list(AgendaItem.select().order_by(AgendaItem.position))
    assert items[-2].title == "My holiday plans" and items[-1].kind == "closing"
    # The member cannot edit the shared notes, items or hold the meeting.
    assert as_member.post(f"/meetings/{meeting.id}/save", data={
        "meeting-version": 1, "meeting-shared_notes": "x", "meeting-items-0-id": items[0].id,
        "meeting-items-0-notes": "x"}).status_code == 403
    assert as_member.post(f"/meetings/{meeting.id}/held").status_code == 403
    assert as_member.get(f"/meetings/{meeting.id}/items/{items[0].id}/remove").status_code == 403
    # Their own talking point they may remove (confirm, then remove).
    assert as_member.get(f"/meetings/{meeting.id}/items/{item.id}/remove").status_code == 200
    assert as_member.post(f"/meetings/{meeting.id}/items/{item.id}/remove").status_code == 302
    assert AgendaItem.get_or_none(AgendaItem.id == item.id) is None


def test_leader_edits_the_agenda(as_manager, meeting):
    as_manager.get(f"/meetings/{meeting.id}")  # prepared on opening
    response = as_manager.post(f"/meetings/{meeting.id}/items", data={"add-title": "Conference next month"})
    assert response.status_code == 302
    items = list(AgendaItem.select().order_by(AgendaItem.position))
    custom = next(i for i in items if i.title == "Conference next month")
    assert custom.kind == "custom" and items[-1].kind == "closing" and items[-2].id == custom.id
    as_manager.post(f"/meetings/{meeting.id}/items/{custom.id}/up")
    items = list(AgendaItem.select().order_by(AgendaItem.position))
    assert items[-3].id == custom.id
    as_manager.post(f"/meetings/{meeting.id}/items/{custom.id}/down")
    assert [i.id for i in AgendaItem.select().order_by(AgendaItem.position)][-2] == custom.id
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Save item", place=f"item-{custom.id}",
                     typed={("Notes", f"item-{custom.id}"): "Budget approved", ("Done", f"item-{custom.id}"): True})
    assert response.status_code == 302
    custom = AgendaItem.get_by_id(custom.id)
    assert custom.notes == "Budget approved" and custom.done
    assert as_manager.post(f"/meetings/{meeting.id}/items", data={"add-title": ""}).status_code == 400
    as_manager.post(f"/meetings/{meeting.id}/items/{custom.id}/remove")
    assert AgendaItem.get_or_none(AgendaItem.id == custom.id) is None


def test_shared_notes_and_check_in(as_manager, as_member, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert_valid_html(page)
    response = press(as_manager, page, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "We agreed on <b>three</b> things"})
    assert response.status_code == 302
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Save check-in", typed={
        ("How is it going?", "check-in"): "4", ("In a word", "check-in"): "busy"})
    assert response.status_code == 302
    saved = Meeting.get_by_id(meeting.id)
    assert (saved.shared_notes, saved.check_in_score, saved.check_in_word) == (
        "We agreed on <b>three</b> things", 4, "busy")
    member_page = as_member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "We agreed on &lt;b&gt;three&lt;/b&gt; things" in member_page and "busy" in member_page
    audit = AuditLog.select().where(AuditLog.object_type == "Meeting").order_by(AuditLog.id)
    assert any("three" in (a.after or "") for a in audit)


# --- safe editing -------------------------------------------------------------------------------

def test_second_save_gets_a_conflict_and_loses_nothing(app, sample_org, meeting, as_manager):
    director = login(app.test_client(), sample_org.director)  # can lead: above the report
    first, second = as_manager.get(f"/meetings/{meeting.id}"), director.get(f"/meetings/{meeting.id}")
    base = version_of(first)
    assert version_of(second) == base
    ok = press(as_manager, first, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "Manager's text: pipeline review"})
    assert ok.status_code == 302
    clash = press(director, second, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "Director's text: hiring plan"})
    assert clash.status_code == 409
    assert_valid_html(clash)
    html = clash.get_data(as_text=True)
    assert "Manager&#39;s text: pipeline review" in html and "Director&#39;s text: hiring plan" in html
    assert Meeting.get_by_id(meeting.id).shared_notes == "Manager's text: pipeline review"  # not overwritten
    assert version_of(clash) == base + 1
    merged = press(director, clash, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "pipeline review + hiring plan"})
    assert merged.status_code == 302
    assert Meeting.get_by_id(meeting.id).shared_notes == "pipeline review + hiring plan"


def test_item_and_check_in_conflicts(as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")  # prepared on opening
    stale = as_manager.get(f"/meetings/{meeting.id}")  # the same page in another tab
    item = AgendaItem.select().order_by(AgendaItem.position).first()
    assert press(as_manager, page, "Save check-in", typed={
        ("How is it going?", "check-in"): "2", ("In a word", "check-in"): "tired",
        ("Notes", f"item-{item.id}"): "typed first"}).status_code == 302
    clash = press(as_manager, stale, "Save check-in", typed={
        ("How is it going?", "check-in"): "5", ("In a word", "check-in"): "great",
        ("Notes", f"item-{item.id}"): "typed on a stale page"})
    html = clash.get_data(as_text=True)
    assert clash.status_code == 409 and "tired" in html and "great" in html
    assert "typed first" in html and "typed on a stale page" in html
    assert_valid_html(clash)
    assert AgendaItem.get_by_id(item.id).notes == "typed first"
    assert Meeting.get_by_id(meeting.id).check_in_word == "tired"
    again = press(as_manager, clash, "Save item", place=f"item-{item.id}")
    assert again.status_code == 302 and AgendaItem.get_by_id(item.id).notes == "typed on a stale page"
    assert Meeting.get_by_id(meeting.id).check_in_word == "great"


def test_version_check_is_a_single_compare_and_set(app, meeting):
    # Two saves of the same part from the same version: exactly one wins, whatever the database.
    loaded = core.signature("")
    results = [core.save_all(Meeting.get_by_id(meeting.id), 1, {"notes": (loaded, text)}) for text in ("a", "b")]
    assert results == [(["notes"], {}), ([], {"notes": "a"})]
    assert Meeting.get_by_id(meeting.id).shared_notes == "a" and Meeting.get_by_id(meeting.id).version == 2


# --- held, action items -------------------------------------------------------------------------

def test_mark_held_creates_the_next_meeting_when_repeating(as_manager, sample_org):
    repeating = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=TOMORROW,
                               repeat_every_days=14)
    assert as_manager.post(f"/meetings/{repeating.id}/held").status_code == 302
    held = Meeting.get_by_id(repeating.id)
    assert held.status == "held" and held.held_at is not None
    following = Meeting.get(Meeting.id != repeating.id)
    assert (following.scheduled_for, following.repeat_every_days, following.status, following.manager_id) == (
        TOMORROW + datetime.timedelta(days=14), 14, "planned", sample_org.manager.id)
    as_manager.post(f"/meetings/{repeating.id}/held")  # a second click creates nothing more
    assert Meeting.select().count() == 2
    once = Meeting.create(manager=sample_org.manager, report=sample_org.member2, scheduled_for=TOMORROW)
    as_manager.post(f"/meetings/{once.id}/held")
    assert Meeting.select().count() == 3
    assert AuditLog.select().where(AuditLog.action == "held").count() == 2


def test_cancel_asks_first(as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}/cancel")
    assert page.status_code == 200 and Meeting.get_by_id(meeting.id).status == "planned"
    assert_valid_html(page)
    as_manager.post(f"/meetings/{meeting.id}/cancel")
    assert Meeting.get_by_id(meeting.id).status == "cancelled"
    assert "Cancelled" in as_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_action_items_are_added_ticked_and_carried_forward(as_manager, as_member, sample_org, meeting):
    response = as_manager.post(f"/meetings/{meeting.id}/action-items", data={
        "action-owner": sample_org.member.id, "action-description": "Send the proposal to ACME",
        "action-due_date": "2030-01-15"})
    assert response.status_code == 302
    action = ActionItem.get()
    assert (action.owner_id, action.meeting_id, action.due_date, action.status, action.created_by_id) == (
        sample_org.member.id, meeting.id, datetime.date(2030, 1, 15), "open", sample_org.manager.id)
    bad = as_manager.post(f"/meetings/{meeting.id}/action-items", data={
        "action-owner": sample_org.peer.id, "action-description": "Not theirs"})
    assert bad.status_code == 400 and ActionItem.select().count() == 1
    as_manager.post(f"/meetings/{meeting.id}/held")
    # The next 1:1's agenda carries the open item forward, and lists it with its status.
    following = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                               scheduled_for=TOMORROW + datetime.timedelta(hours=1))
    page = as_manager.get(f"/meetings/{following.id}")
    html = page.get_data(as_text=True)
    assert AgendaItem.select().where((AgendaItem.meeting == following.id)
                                     & (AgendaItem.source == f"action:{action.id}")).exists()
    assert "Follow up: Send the proposal to ACME" in html and "from an earlier 1:1" in html
    # The member (its owner) ticks it off from the meeting page.
    assert as_member.post(f"/meetings/{following.id}/action-items/{action.id}/done").status_code == 302
    done = ActionItem.get_by_id(action.id)
    assert done.status == "done" and done.completed_at is not None
    as_manager.post(f"/meetings/{meeting.id}/action-items/{action.id}/open")
    assert ActionItem.get_by_id(action.id).status == "open"
    mine = ActionItem.create(owner=sample_org.manager, description="Manager's own", meeting=following)
    assert as_member.post(f"/meetings/{following.id}/action-items/{mine.id}/done").status_code == 403
    assert AuditLog.select().where(AuditLog.object_type == "ActionItem").count() >= 3


def test_driver_ratings_of_the_meeting_are_listed(as_manager, sample_org, meeting):
    DriverRating.create(person=sample_org.member, rated_by=sample_org.manager, driver_key="preparation",
                        score=3, rated_on=datetime.date.today(), meeting=meeting, comment="Better notes")
    html = as_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Better notes" in html and "Rate drivers" in html


# --- timeline and query counts ------------------------------------------------------------------

def test_timeline(as_manager, as_member, sample_org, app):
    first = Meeting.create(manager=sample_org.manager, report=sample_org.member, status="held",
                           scheduled_for=datetime.datetime(2026, 1, 5, 10), shared_notes="January notes")
    Meeting.create(manager=sample_org.manager, report=sample_org.member,
                   scheduled_for=datetime.datetime(2026, 2, 5, 10), shared_notes="February notes")
    DriverRating.create(person=sample_org.member, rated_by=sample_org.manager, driver_key="preparation",
                        score=2, rated_on=datetime.date(2026, 1, 5), meeting=first)
    ActionItem.create(owner=sample_org.member, description="Book the training", meeting=first)
    page = as_manager.get(f"/people/{sample_org.member.id}/meetings")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert html.index("February notes") < html.index("January notes") < html.index("Book the training")
    assert as_member.get(f"/people/{sample_org.member.id}/meetings").status_code == 200
    assert as_member.get(f"/people/{sample_org.member2.id}/meetings").status_code == 403
    peer = login(app.test_client(), sample_org.peer)
    assert peer.get(f"/people/{sample_org.member.id}/meetings").status_code == 403
    assert as_manager.get(f"/people/{sample_org.peer_report.id}/meetings").status_code == 403
    assert "has no 1:1s yet" in as_manager.get(f"/people/{sample_org.member2.id}/meetings").get_data(as_text=True)


def _fill(org, meeting, n):
    for i in range(n):
        AgendaItem.create(meeting=meeting, position=i + 1, kind="custom", title=f"Item {i}",
                          source="driver:preparation" if i % 2 else "kpi:calls:fails")
        ActionItem.create(owner=org.member, description=f"Action {i}", meeting=meeting if i % 2 else None)
        DriverRating.create(person=org.member, rated_by=org.manager, driver_key="preparation", score=3,
                            rated_on=datetime.date.today(), meeting=meeting)


def test_meeting_page_runs_a_fixed_number_of_queries(as_manager, sample_org, count_queries):
    def meeting_with(n, report):
        m = Meeting.create(manager=sample_org.manager, report=report, scheduled_for=TOMORROW,
                           prepared_at=datetime.datetime(2026, 1, 1))
        _fill(sample_org, m, n)
        return m

    small, large = meeting_with(1, sample_org.member), meeting_with(12, sample_org.member2)
    as_manager.get(f"/meetings/{small.id}")  # warm up (plugins, settings)
    few = count_queries(lambda: as_manager.get(f"/meetings/{small.id}"))
    many = count_queries(lambda: as_manager.get(f"/meetings/{large.id}"))
    assert few == many


def test_timeline_runs_a_fixed_number_of_queries(as_manager, sample_org, count_queries):
    def meetings_for(report, n):
        for i in range(n):
            m = Meeting.create(manager=sample_org.manager, report=report,
                               scheduled_for=datetime.datetime(2026, 1, 1 + i, 10), status="held")
            _fill(sample_org, m, 2)

    meetings_for(sample_org.member, 1)
    meetings_for(sample_org.member2, 8)
    as_manager.get(f"/people/{sample_org.member.id}/meetings")
    few = count_queries(lambda: as_manager.get(f"/people/{sample_org.member.id}/meetings"))
    many = count_queries(lambda: as_manager.get(f"/people/{sample_org.member2.id}/meetings"))
    assert few == many
