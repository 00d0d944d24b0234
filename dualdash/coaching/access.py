"""Who may see and change a 1:1, its agenda, its action items and its private notes (DESIGN.md, "Who
may see what"), and the access rules of the coaching pages (:data:`RULES`)."""
from dualdash.coaching.models import ActionItem, AgendaItem, Meeting
from dualdash.org import access as person_access
from dualdash.org import settings as org_settings
from dualdash.org.access import (
    assesses_person,
    can_manage_person,
    int_or_none,
    load_person,
    load_team,
    my_subtree,
    person_need,
    sees_person,
    viewer_of,
)
from dualdash.org.models import Person
from dualdash.shared.access import Need, Rule, define_rules


def can_view_meeting(meeting, viewer=None):
    """The 1:1's two people, admins, and anyone above the report see a meeting (its shared part)."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    return (viewer.is_admin or viewer.id in (meeting.manager_id, meeting.report_id)
            or meeting.report_id in my_subtree(viewer))


def can_lead_meeting(meeting, viewer=None):
    """May edit the agenda, shared notes and ratings, and mark it held: its manager, anyone above the
    report, and admins. The report only adds talking points and updates their own action items."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    return viewer.is_admin or viewer.id == meeting.manager_id or meeting.report_id in my_subtree(viewer)


def can_write_private_note(meeting, viewer=None):
    """A leader writes their own private note; never the report, whoever else they are."""
    viewer = viewer_of(viewer)
    return viewer is not None and viewer.id != meeting.report_id and can_lead_meeting(meeting, viewer)


def can_add_to_agenda(meeting, viewer=None):
    """Leaders add items; the report adds talking points while the meeting is planned."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    return can_lead_meeting(meeting, viewer) or (viewer.id == meeting.report_id and meeting.status == "planned")


def can_remove_agenda_item(meeting, item, viewer=None):
    """Leaders remove any item; whoever added a talking point removes it while the meeting is planned."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    if can_lead_meeting(meeting, viewer):
        return True
    return (can_view_meeting(meeting, viewer) and item.kind == "talking_point"
            and item.added_by_id == viewer.id and meeting.status == "planned")


def can_update_action_item(item, viewer=None):
    """Mark an action item done or open again: its owner, or anyone who may manage the owner."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    return item.owner_id == viewer.id or can_manage_person(Person(id=item.owner_id), viewer)


def can_read_private_note(note, viewer=None):
    """A private note is its author's alone; an admin reads it only when the organization allows.
    Never the report, whoever they are."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    if viewer.id == note.author_id:
        return True
    report_id = note.meeting.report_id if hasattr(note, "meeting") else None
    return bool(viewer.is_admin and org_settings.get().admin_sees_private_notes and viewer.id != report_id)


def private_notes_of(meeting, lead, viewer=None):
    """The private notes of ``meeting`` that ``viewer`` may read, with their authors: their own when
    they lead it (``lead``), and everyone's for an admin when the organization allows it. None for
    the report, whoever they are; other people's notes are not even loaded otherwise."""
    from dualdash.coaching.models import PrivateNote
    viewer = viewer_of(viewer)
    if viewer is None or viewer.id == meeting.report_id:
        return []
    admin_reads = viewer.is_admin and org_settings.get().admin_sees_private_notes
    if not (lead or admin_reads):
        return []
    query = (PrivateNote.select(PrivateNote, Person).join(Person, on=(PrivateNote.author == Person.id))
             .where(PrivateNote.meeting == meeting.id))
    if not admin_reads:
        query = query.where(PrivateNote.author == viewer.id)
    notes = []
    for note in query:
        note.meeting = meeting  # for can_read_private_note, without a query
        if can_read_private_note(note, viewer):
            notes.append(note)
    return notes


def own_private_notes(meeting_ids, report_id, viewer=None):
    """``{meeting id: note}``: ``viewer``'s own private notes on these 1:1s of ``report_id``, for a
    timeline or a worksheet. Nothing when the viewer is the report (one query otherwise)."""
    from dualdash.coaching.models import PrivateNote
    viewer = viewer_of(viewer)
    if viewer is None or viewer.id == report_id or not meeting_ids:
        return {}
    return {note.meeting_id: note for note in PrivateNote.select().where(
        PrivateNote.meeting.in_(list(meeting_ids)) & (PrivateNote.author == viewer.id))}


# --- the rules of the coaching pages -------------------------------------------------------------

def _meeting(value, viewer, loaded):
    meeting_id = int_or_none(value)
    return None if meeting_id is None else Meeting.get_or_none(Meeting.id == meeting_id)


def _meeting_of_person(value, viewer, loaded):
    """A 1:1 of the person already loaded (and no one else's)."""
    meeting_id = int_or_none(value)
    if meeting_id is None:
        return None
    return Meeting.get_or_none((Meeting.id == meeting_id) & (Meeting.report == loaded["person"].id))


def _agenda_item(value, viewer, loaded):
    """An agenda item of the meeting already loaded."""
    return AgendaItem.get_or_none((AgendaItem.id == value) & (AgendaItem.meeting == loaded["meeting"].id))


def _meeting_action_item(value, viewer, loaded):
    """An action item listed on the meeting already loaded: made in it, or one of its report's."""
    meeting = loaded["meeting"]
    return ActionItem.get_or_none((ActionItem.id == value) & (
        (ActionItem.meeting == meeting.id) | (ActionItem.owner == meeting.report_id)))


def _action_item(value, viewer, loaded):
    return ActionItem.get_or_none(ActionItem.id == value)


def _meeting_need(check=None, denied=None):
    return Need("meeting", "meeting_id", _meeting, check, missing="There is no such 1:1.", denied=denied)


def _sees_meeting(meeting, viewer, loaded):
    return can_view_meeting(meeting, viewer)


def _leads_meeting(meeting, viewer, loaded):
    return can_lead_meeting(meeting, viewer)


def _rates_in_meeting(meeting, viewer, loaded):
    """Ratings recorded in a 1:1 are a manager's who leads it: never the person's own self-rating."""
    person = loaded["person"]
    return (viewer.id != person.id and can_manage_person(person, viewer)
            and can_lead_meeting(meeting, viewer))


#: The ``?meeting=`` of the drivers page: the 1:1 the ratings are recorded in.
_RATING_MEETING = Need("meeting", "meeting", _meeting_of_person, _rates_in_meeting, query=True,
                       missing="There is no such 1:1 with {person.name}.",
                       denied="Only whoever leads this 1:1 may rate drivers in it.")

#: The access rules of the 1:1, driver, skill and results × drivers pages, by name.
RULES = define_rules({
    "view_drivers": Rule(
        "signed_in", "as view_person; with `?meeting=`, only a leader of that 1:1 of the person",
        needs=(person_need(sees_person), _RATING_MEETING)),
    "rate_drivers": Rule(
        "signed_in", "as assess_person; with `?meeting=`, only a leader of that 1:1 of the person",
        needs=(person_need(assesses_person), _RATING_MEETING)),
    "schedule_meeting": Rule(
        "signed_in", "managers and admins; with `?report=`, only someone below them (never themselves)",
        check=person_access.leads_people, denied="Only managers and admins schedule 1:1s.",
        needs=(Need("person", "report", load_person,
                    lambda person, viewer, loaded: person.id != viewer.id and can_manage_person(person, viewer),
                    query=True, missing="There is no such person.",
                    denied="You may schedule 1:1s only with people below you."),)),
    "view_meeting": Rule(
        "signed_in", "the 1:1's (`meeting_id`) two people, anyone above the report, admins",
        needs=(_meeting_need(_sees_meeting),)),
    "lead_meeting": Rule(
        "signed_in", "whoever leads the 1:1 (`meeting_id`): its manager, anyone above the report, admins",
        needs=(_meeting_need(_leads_meeting),)),
    "write_private_note": Rule(
        "signed_in", "as lead_meeting, and never the report",
        needs=(_meeting_need(lambda meeting, viewer, loaded: can_write_private_note(meeting, viewer)),)),
    "add_to_agenda": Rule(
        "signed_in", "as lead_meeting; the report too while the 1:1 is planned (a talking point)",
        needs=(_meeting_need(lambda meeting, viewer, loaded: can_add_to_agenda(meeting, viewer)),)),
    "edit_agenda_item": Rule(
        "signed_in", "as lead_meeting, on an agenda item (`item_id`) of that 1:1",
        needs=(_meeting_need(_leads_meeting),
               Need("agenda_item", "item_id", _agenda_item, missing="This 1:1 has no such agenda item."))),
    "remove_agenda_item": Rule(
        "signed_in", "as lead_meeting; whoever added a talking point (`item_id`) while the 1:1 is planned",
        needs=(_meeting_need(_sees_meeting),
               Need("agenda_item", "item_id", _agenda_item,
                    lambda item, viewer, loaded: can_remove_agenda_item(loaded["meeting"], item, viewer),
                    missing="This 1:1 has no such agenda item."))),
    "update_meeting_action_item": Rule(
        "signed_in", "as lead_meeting, or the owner of the action item (`action_id`) listed on the 1:1",
        needs=(_meeting_need(_sees_meeting),
               Need("action_item", "action_id", _meeting_action_item,
                    lambda item, viewer, loaded: (can_lead_meeting(loaded["meeting"], viewer)
                                                  or item.owner_id == viewer.id),
                    missing="This 1:1 lists no such action item."))),
    "update_action_item": Rule(
        "signed_in", "the action item's (`item_id`) owner, anyone above them, admins",
        needs=(Need("action_item", "item_id", _action_item,
                    lambda item, viewer, loaded: can_update_action_item(item, viewer),
                    missing="There is no such action item."),)),
    "team_results_drivers": Rule(
        "signed_in", "admins, and managers with someone below them in the team (`team_id`) or its sub-teams",
        check=person_access.leads_people, denied="The results × drivers view is for managers and admins.",
        needs=(Need("team", "team_id", load_team,
                    lambda team, viewer, loaded: person_access.can_view_team_results(team, viewer),
                    missing="There is no such team.", denied="Nobody in this team reports to you."),)),
}, __name__)
