"""The 1:1 page as a person uses it (issue 13, items 1 and 11): whatever is typed on the page survives
any of its Save buttons, without JavaScript; a conflict shows both texts and loses nothing; the
private note stays its author's; a tampered version is a clear 400; a held meeting's worksheet prints
what was recorded. Every request here is what a browser sends for the page it was given."""
import datetime

import pytest
from html_checks import assert_valid_html
from page_forms import parse, press

from dualdash.coaching.models import ActionItem, AgendaItem, Meeting, PrivateNote
from dualdash.org.audit import AuditLog
from dualdash.testing import login

TOMORROW = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=1), datetime.time(10))


@pytest.fixture
def meeting(app, sample_org, as_manager):
    meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=TOMORROW)
    AgendaItem.create(meeting=meeting, position=1, kind="custom", title="Pipeline review")
    AgendaItem.create(meeting=meeting, position=2, kind="custom", title="Hiring plan")
    Meeting.update(prepared_at=datetime.datetime(2026, 1, 1)).where(Meeting.id == meeting.id).execute()
    return Meeting.get_by_id(meeting.id)


def items():
    return list(AgendaItem.select().order_by(AgendaItem.position))


def test_saving_one_agenda_item_keeps_what_was_typed_in_the_other(as_manager, meeting):
    first, second = items()
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Save item", place=f"item-{second.id}", typed={
        ("Notes", f"item-{first.id}"): "Pipeline is healthy",
        ("Notes", f"item-{second.id}"): "Two hires in Q3",
        ("Done", f"item-{first.id}"): True})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{second.id}")
    first, second = items()
    assert (first.notes, first.done, second.notes, second.done) == ("Pipeline is healthy", True, "Two hires in Q3",
                                                                    False)
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert "Pipeline is healthy" in page.get_data(as_text=True)
    # Both items changed in one save: each is in the audit trail.
    assert AuditLog.select().where(AuditLog.object_type == "AgendaItem", AuditLog.action == "update").count() == 2


def test_saving_the_check_in_keeps_the_shared_and_private_notes(as_manager, as_member, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Save check-in", typed={
        ("Shared notes", "shared-notes"): "We agreed on a plan",
        ("My private note", "private-note"): "Watch the workload",
        ("How is it going?", "check-in"): "4", ("In a word", "check-in"): "busy"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#check-in")
    saved = Meeting.get_by_id(meeting.id)
    assert (saved.shared_notes, saved.check_in_score, saved.check_in_word) == ("We agreed on a plan", 4, "busy")
    assert PrivateNote.get().text == "Watch the workload"
    # The report sees the shared part, never the private note (nor a field for one).
    member_page = as_member.get(f"/meetings/{meeting.id}")
    html = member_page.get_data(as_text=True)
    assert "We agreed on a plan" in html and "busy" in html and "Watch the workload" not in html
    assert not [f for f in parse(member_page).fields if "private" in (f["name"] or "")]
    assert "Watch the workload" not in "".join((a.before or "") + (a.after or "") for a in AuditLog.select())


def test_every_save_button_saves_everything(as_manager, meeting):
    first, _ = items()
    for n, (button, place) in enumerate([("Save shared notes", "shared-notes"), ("Save private note", "private-note"),
                                         ("Save item", f"item-{first.id}"), ("Save check-in", "check-in")]):
        page = as_manager.get(f"/meetings/{meeting.id}")
        response = press(as_manager, page, button, place=place, typed={
            ("Notes", f"item-{first.id}"): f"item {n}", ("Shared notes", "shared-notes"): f"shared {n}",
            ("My private note", "private-note"): f"private {n}", ("In a word", "check-in"): f"word {n}"})
        assert response.status_code == 302, button
        saved = Meeting.get_by_id(meeting.id)
        assert (items()[0].notes, saved.shared_notes, saved.check_in_word, PrivateNote.get().text) == (
            f"item {n}", f"shared {n}", f"word {n}", f"private {n}"), button


def test_a_conflict_shows_both_texts_and_keeps_everything_typed(app, sample_org, as_manager, meeting):
    first, second = items()
    director = login(app.test_client(), sample_org.director)  # leads it too: above the report
    mine, theirs = as_manager.get(f"/meetings/{meeting.id}"), director.get(f"/meetings/{meeting.id}")
    assert press(director, theirs, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "Director: budget is frozen"}).status_code == 302
    clash = press(as_manager, mine, "Save item", place=f"item-{second.id}", typed={
        ("Notes", f"item-{first.id}"): "Manager: pipeline fine",
        ("Shared notes", "shared-notes"): "Manager: hire two",
        ("My private note", "private-note"): "Manager's own thought"})
    assert clash.status_code == 409
    assert_valid_html(clash)
    html = clash.get_data(as_text=True)
    assert "Director: budget is frozen" in html and "Manager: hire two" in html  # both texts of the shared notes
    assert "Manager: pipeline fine" in html  # still typed in item 1
    assert Meeting.get_by_id(meeting.id).shared_notes == "Director: budget is frozen"  # not overwritten
    assert items()[0].notes == "Manager: pipeline fine"  # nobody else changed item 1: it is saved
    assert PrivateNote.get().text == "Manager's own thought"  # the private note has its own check: no clash
    assert "Notes on “Pipeline review”" not in html  # only the part both changed is in conflict
    # The page that came back builds on the director's version: saving it again (merged) goes through.
    merged = press(as_manager, clash, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "Budget frozen, but hire two"})
    assert merged.status_code == 302
    assert Meeting.get_by_id(meeting.id).shared_notes == "Budget frozen, but hire two"
    assert items()[0].notes == "Manager: pipeline fine"


def test_the_report_adds_a_talking_point_while_the_manager_writes(as_manager, as_member, meeting):
    manager_page = as_manager.get(f"/meetings/{meeting.id}")
    member_page = as_member.get(f"/meetings/{meeting.id}")
    assert press(as_member, member_page, "Add a talking point",
                 typed={("Item", "agenda"): "My training budget"}).status_code == 302
    first = items()[0]
    response = press(as_manager, manager_page, "Save shared notes", typed={
        ("Notes", f"item-{first.id}"): "Good quarter", ("Shared notes", "shared-notes"): "Talked about training"})
    assert response.status_code == 302  # a talking point added meanwhile is no conflict
    assert [i.title for i in items()] == ["Pipeline review", "Hiring plan", "My training budget"]
    assert items()[0].notes == "Good quarter"
    assert Meeting.get_by_id(meeting.id).shared_notes == "Talked about training"
    # The manager's next page has a field for the new talking point too.
    page = as_manager.get(f"/meetings/{meeting.id}")
    talking_point = items()[2]
    assert parse(page) and press(as_manager, page, "Save item", place=f"item-{talking_point.id}", typed={
        ("Notes", f"item-{talking_point.id}"): "Approved"}).status_code == 302
    assert items()[2].notes == "Approved"


def test_a_bad_field_keeps_everything_typed(as_manager, meeting):
    first, _ = items()
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Save check-in", typed={
        ("Notes", f"item-{first.id}"): "Kept while the word is too long",
        ("Shared notes", "shared-notes"): "Kept too", ("In a word", "check-in"): "x" * 61})
    assert response.status_code == 400
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "Kept while the word is too long" in html and "Kept too" in html and "at most 60" in html
    assert Meeting.get_by_id(meeting.id).version == meeting.version  # nothing saved


@pytest.mark.parametrize("version", ["9" * 20, "-1", str(2**31)])
def test_a_version_out_of_range_is_a_form_error_not_a_crash(as_manager, meeting, version):
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Save shared notes", typed={("Shared notes", "shared-notes"): "Kept"},
                     tampered={"-version": version})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Reload the page and try again." in html and "Kept" in html
    assert Meeting.get_by_id(meeting.id).shared_notes == ""


def test_only_leaders_save_and_only_authors_write_private_notes(app, sample_org, as_member, meeting):
    form = {"meeting-version": str(meeting.version), "meeting-shared_notes": "x", "meeting-private_note": "y"}
    assert as_member.post(f"/meetings/{meeting.id}/save", data=form).status_code == 403
    for outsider in (sample_org.peer, sample_org.member2):
        assert login(app.test_client(), outsider).post(f"/meetings/{meeting.id}/save", data=form).status_code == 403
    assert Meeting.get_by_id(meeting.id).shared_notes == "" and PrivateNote.select().count() == 0


def test_a_held_meetings_worksheet_prints_what_was_recorded(as_manager, sample_org, meeting):
    first, second = items()
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert press(as_manager, page, "Save check-in", typed={
        ("Notes", f"item-{first.id}"): "Pipeline is healthy", ("Done", f"item-{first.id}"): True,
        ("How is it going?", "check-in"): "4", ("In a word", "check-in"): "energised",
        ("Shared notes", "shared-notes"): "Good 1:1"}).status_code == 302
    ActionItem.create(owner=sample_org.manager, description="Send the budget", meeting=meeting,
                      created_by=sample_org.manager)
    as_manager.post(f"/meetings/{meeting.id}/held")
    sheet = as_manager.get(f"/meetings/{meeting.id}/worksheet")
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    assert "Pipeline is healthy" in html and "energised" in html and "Good 1:1" in html
    assert "recorded: 4 of 5" in html and "Send the budget" in html
    assert 'class="ws-blank"' not in html and 'class="ws-rule"' not in html  # no empty boxes to fill in


def test_a_save_keeps_what_someone_else_saved_meanwhile_elsewhere(app, sample_org, as_manager, meeting):
    """Only what was changed on the page is saved: the director's shared notes, saved after the
    manager opened the page, survive the manager's save of an item (line breaks, which a browser
    sends as CR LF, are no change either)."""
    Meeting.update(shared_notes="line one\nline two").where(Meeting.id == meeting.id).execute()
    first = items()[0]
    director = login(app.test_client(), sample_org.director)
    mine = as_manager.get(f"/meetings/{meeting.id}")
    assert press(director, director.get(f"/meetings/{meeting.id}"), "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "line one\nline two\nline three"}).status_code == 302
    response = press(as_manager, mine, "Save item", place=f"item-{first.id}", typed={
        ("Notes", f"item-{first.id}"): "two\nlines"})
    assert response.status_code == 302
    assert items()[0].notes == "two\nlines"
    assert Meeting.get_by_id(meeting.id).shared_notes == "line one\nline two\nline three"
    # Unchanged text sent back as CR LF is no change: no audit entry, no new version.
    version = Meeting.get_by_id(meeting.id).version
    assert press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Save shared notes").status_code == 302
    assert Meeting.get_by_id(meeting.id).version == version


def test_notes_typed_on_an_item_removed_meanwhile_are_shown_not_dropped(as_manager, meeting):
    first, second = items()
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert as_manager.post(f"/meetings/{meeting.id}/items/{first.id}/remove").status_code == 302
    response = press(as_manager, page, "Save item", place=f"item-{second.id}", typed={
        ("Notes", f"item-{first.id}"): "Typed on the removed item", ("Notes", f"item-{second.id}"): "Kept"})
    assert response.status_code == 409
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "Typed on the removed item" in html and "removed from the agenda meanwhile" in html
    assert items()[0].notes == "Kept"  # the rest is saved


def test_an_item_note_too_long_is_named_next_to_it(as_manager, meeting):
    first, _ = items()
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Save shared notes", typed={
        ("Notes", f"item-{first.id}"): "x" * 20001, ("Shared notes", "shared-notes"): "Kept"})
    assert response.status_code == 400
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "Use at most 20000 characters." in html and "{&#39;" not in html and "Kept" in html


# --- every other button of the page saves what was typed first ---------------------------------------

def typed_everywhere(first):
    return {("Notes", f"item-{first.id}"): "Said in the 1:1", ("Shared notes", "shared-notes"): "Agreed",
            ("My private note", "private-note"): "Mine", ("In a word", "check-in"): "steady"}


def assert_typed_saved(meeting, first):
    saved = Meeting.get_by_id(meeting.id)
    assert (AgendaItem.get_by_id(first.id).notes, saved.shared_notes, saved.check_in_word, PrivateNote.get().text) \
        == ("Said in the 1:1", "Agreed", "steady", "Mine")


def test_mark_held_saves_what_was_typed_first(as_manager, meeting):
    first, _ = items()
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Mark held", typed=typed_everywhere(first))
    assert response.status_code == 302
    assert_typed_saved(meeting, first)
    assert Meeting.get_by_id(meeting.id).status == "held"


@pytest.mark.parametrize("button", ["Move down", "Prepare the agenda"])
def test_agenda_buttons_save_what_was_typed_first(as_manager, meeting, button):
    first, second = items()
    if button == "Prepare the agenda":  # not prepared, and too far ahead to be prepared on opening
        Meeting.update(prepared_at=None, scheduled_for=TOMORROW + datetime.timedelta(days=9)).where(
            Meeting.id == meeting.id).execute()
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert press(as_manager, page, button, place=f"item-{first.id}" if button == "Move down" else None,
                 typed=typed_everywhere(first)).status_code == 302
    assert_typed_saved(meeting, first)
    if button == "Move down":
        assert [i.id for i in items()][:2] == [second.id, first.id]
    else:
        assert Meeting.get_by_id(meeting.id).prepared_at is not None


def test_ticking_an_action_item_saves_the_notes_the_new_item_and_the_new_action(as_manager, sample_org, meeting):
    first, _ = items()
    action = ActionItem.create(owner=sample_org.member, description="Call the client", meeting=meeting,
                               created_by=sample_org.manager)
    typed = typed_everywhere(first) | {("Item", "agenda"): "Holiday plans",
                                       ("Action", "new-action"): "Book the training"}
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Mark done", typed=typed)
    assert response.status_code == 302 and response.headers["Location"].endswith("#action-items")
    assert_typed_saved(meeting, first)
    assert ActionItem.get_by_id(action.id).status == "done"
    assert "Holiday plans" in [i.title for i in items()]
    assert ActionItem.select().where(ActionItem.description == "Book the training").count() == 1


def test_remove_saves_what_was_typed_then_asks(as_manager, meeting):
    first, second = items()
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Remove…", place=f"item-{second.id}",
                     typed=typed_everywhere(first))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}/items/{second.id}/remove")
    assert_typed_saved(meeting, first)
    assert len(items()) == 2  # nothing removed before the confirmation
    confirm = as_manager.get(response.headers["Location"])
    assert press(as_manager, confirm, "Remove").status_code == 302
    assert [i.id for i in items()] == [first.id]


def test_cancel_saves_what_was_typed_then_asks(as_manager, meeting):
    first, _ = items()
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Cancel this 1:1…",
                     typed=typed_everywhere(first))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{meeting.id}/cancel")
    assert_typed_saved(meeting, first)
    assert Meeting.get_by_id(meeting.id).status == "planned"


@pytest.mark.parametrize("go, landing", [("Rate drivers", "/drivers?meeting="), ("Worksheet", "/worksheet")])
def test_the_links_to_drivers_and_worksheet_save_first(as_manager, meeting, go, landing):
    first, _ = items()
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), go, typed=typed_everywhere(first))
    assert response.status_code == 302 and landing in response.headers["Location"]
    assert_typed_saved(meeting, first)


def test_a_bad_new_action_item_stops_the_button_and_keeps_everything_typed(as_manager, meeting):
    first, _ = items()
    typed = typed_everywhere(first) | {("Action", "new-action"): "Book the training",
                                       ("Due", "new-action"): "9999-12-31"}
    response = press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Mark held", typed=typed)
    assert response.status_code == 400
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert all(text in html for text in ("Said in the 1:1", "Agreed", "Mine", "steady", "Book the training"))
    assert 'id="action-due_date-error"' in html
    saved = Meeting.get_by_id(meeting.id)
    assert (saved.status, saved.version, ActionItem.select().count()) == ("planned", meeting.version, 0)


def test_an_empty_new_item_is_named_only_by_its_own_button(as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")
    response = press(as_manager, page, "Add to the agenda", typed={("Shared notes", "shared-notes"): "Kept"})
    assert response.status_code == 400 and "Say what to talk about." in response.get_data(as_text=True)
    assert "Kept" in response.get_data(as_text=True)
    assert press(as_manager, page, "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "Kept"}).status_code == 302  # an empty new item is no error here


def test_a_conflict_stops_mark_held_until_the_text_is_merged(app, sample_org, as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}")
    director = login(app.test_client(), sample_org.director)
    press(director, director.get(f"/meetings/{meeting.id}"), "Save shared notes",
          typed={("Shared notes", "shared-notes"): "Director's text"})
    clash = press(as_manager, page, "Mark held", typed={("Shared notes", "shared-notes"): "Manager's text"})
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Director&#39;s text" in html and "Manager&#39;s text" in html
    assert Meeting.get_by_id(meeting.id).status == "planned"
    assert press(as_manager, clash, "Mark held").status_code == 302
    saved = Meeting.get_by_id(meeting.id)
    assert (saved.status, saved.shared_notes) == ("held", "Manager's text")


def test_enter_in_a_field_saves_rather_than_pressing_another_button(as_manager, as_member, meeting):
    """A browser's Enter in a field presses the form's first button in page order."""
    for client, action in ((as_manager, "/save"), (as_member, "/items")):
        page = parse(client.get(f"/meetings/{meeting.id}"))
        first = next(b for b in page.buttons if b["form"] == "meeting-form")
        assert first["text"] == "Save" and first["formaction"] is None
        assert page.forms["meeting-form"]["action"].endswith(f"/meetings/{meeting.id}{action}")


def test_the_report_ticking_an_action_item_keeps_the_talking_point_typed(as_member, sample_org, meeting):
    action = ActionItem.create(owner=sample_org.member, description="Send the deck", meeting=meeting,
                               created_by=sample_org.manager)
    response = press(as_member, as_member.get(f"/meetings/{meeting.id}"), "Mark done",
                     typed={("Item", "agenda"): "My training budget"})
    assert response.status_code == 302
    assert ActionItem.get_by_id(action.id).status == "done"
    assert items()[-1].title == "My training budget" and items()[-1].kind == "talking_point"
