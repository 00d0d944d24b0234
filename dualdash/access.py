"""Who may see and change what (DESIGN.md, "Who may see what"): the checks, and the query helpers
that narrow a page's rows to what the viewer may see.

Whether a request reaches a page or an API endpoint at all is decided once, before the view runs,
by the rule the view declares (:mod:`dualdash.access_rules`), which asks the ``can_…`` functions
below. Pages then ask the query helpers here which rows to show (people in a list, private notes in
a meeting); none decides on its own."""
from flask import g
from flask_login import current_user

from .db import database
from .models import Person


def subtree_ids(person_id):
    """Ids of everyone below ``person_id`` in the reporting line (direct and indirect), in one query."""
    # Only the driver's placeholder is formatted into the SQL; the id is a bound parameter.
    cursor = database.execute_sql(
        "WITH RECURSIVE below(id) AS ("  # nosec B608
        f" SELECT id FROM person WHERE manager_id = {database.param}"
        # UNION (not UNION ALL) ends the walk even if bad data ever made a cycle.
        " UNION SELECT p.id FROM person p JOIN below b ON p.manager_id = b.id"
        ") SELECT id FROM below",
        (person_id,),
    )
    return {row[0] for row in cursor.fetchall()}


def team_and_below_ids(team_id):
    """Ids of a team and of every team below it, in one query."""
    # Only the driver's placeholder is formatted into the SQL; the id is a bound parameter.
    cursor = database.execute_sql(
        "WITH RECURSIVE tree(id) AS ("  # nosec B608
        f" SELECT id FROM team WHERE id = {database.param}"
        " UNION SELECT t.id FROM team t JOIN tree ON t.parent_id = tree.id"
        ") SELECT id FROM tree",
        (team_id,),
    )
    return {row[0] for row in cursor.fetchall()}


def my_subtree(viewer=None):
    """Ids below ``viewer`` (default: the signed-in person), computed once per request."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return set()
    known = g.setdefault("subtree_ids", {})
    if viewer.id not in known:
        known[viewer.id] = subtree_ids(viewer.id)
    return known[viewer.id]


def is_manager(person=None):
    """A manager is anyone with at least one (active) report."""
    person = person or current_user
    if person is current_user or getattr(person, "id", None) == getattr(current_user, "id", None):
        return bool(my_subtree())
    return Person.select().where((Person.manager == person.id) & (Person.active == True)).exists()  # noqa: E712


def role_name(person=None):
    """"admin", "manager" or "member", as DESIGN.md names them."""
    person = person or current_user
    if person.is_admin:
        return "admin"
    return "manager" if is_manager(person) else "member"


def _viewer(viewer):
    """``viewer``, or the signed-in person; None when nobody is signed in."""
    viewer = current_user if viewer is None else viewer
    return viewer if viewer.is_authenticated else None


# --- people ---------------------------------------------------------------------------------------

def can_view_person(person, viewer=None):
    """Admins see everyone; others see themselves and everyone below them.

    ``viewer`` defaults to the signed-in person (the API passes the token's owner)."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    return viewer.is_admin or person.id == viewer.id or person.id in my_subtree(viewer)


def can_manage_person(person, viewer=None):
    """May change a person's measurements, ratings and meetings: an admin, or anyone above them."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    return viewer.is_admin or person.id in my_subtree(viewer)


def can_assess_person(person, viewer=None):
    """May rate a person's drivers and assess their skills: the person themselves (a self-rating),
    anyone above them, admins."""
    viewer = _viewer(viewer)
    return viewer is not None and (person.id == viewer.id or can_manage_person(person, viewer))


def leads_people(viewer=None):
    """Admins, and managers (anyone with someone below them): the team pages and scheduling 1:1s."""
    viewer = _viewer(viewer)
    return viewer is not None and (viewer.is_admin or bool(my_subtree(viewer)))


def can_view_team_results(team, viewer=None):
    """The results × drivers view of a team: admins, and managers with someone below them in the
    team or its sub-teams (it shows nobody else)."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    if viewer.is_admin:
        return True
    below = my_subtree(viewer)
    if not below:
        return False
    return (Person.select().where(Person.id.in_(sorted(below)) & (Person.active == True)  # noqa: E712
                                  & Person.team.in_(sorted(team_and_below_ids(team.id))))
            .exists())


def may_enter_measurements(viewer=None):
    """Admins (for anyone), managers (for the people below them), anyone for themselves when the
    organization allows self-reporting. Which values exactly: :class:`dualdash.measurements.Writer`."""
    from . import org_settings
    viewer = _viewer(viewer)
    return viewer is not None and (viewer.is_admin or bool(my_subtree(viewer))
                                   or org_settings.get().self_reporting)


def visible_people_query(viewer=None):
    """People ``viewer`` (default: the signed-in person) may see, as a query to refine."""
    viewer = current_user if viewer is None else viewer
    query = Person.select()
    if viewer.is_admin:
        return query
    ids = my_subtree(viewer) | {viewer.id}
    return query.where(Person.id.in_(list(ids)))


# --- meetings and action items --------------------------------------------------------------------

def can_view_meeting(meeting, viewer=None):
    """The 1:1's two people, admins, and anyone above the report see a meeting (its shared part)."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    return (viewer.is_admin or viewer.id in (meeting.manager_id, meeting.report_id)
            or meeting.report_id in my_subtree(viewer))


def can_lead_meeting(meeting, viewer=None):
    """May edit the agenda, shared notes and ratings, and mark it held: its manager, anyone above the
    report, and admins. The report only adds talking points and updates their own action items."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    return viewer.is_admin or viewer.id == meeting.manager_id or meeting.report_id in my_subtree(viewer)


def can_write_private_note(meeting, viewer=None):
    """A leader writes their own private note; never the report, whoever else they are."""
    viewer = _viewer(viewer)
    return viewer is not None and viewer.id != meeting.report_id and can_lead_meeting(meeting, viewer)


def can_add_to_agenda(meeting, viewer=None):
    """Leaders add items; the report adds talking points while the meeting is planned."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    return can_lead_meeting(meeting, viewer) or (viewer.id == meeting.report_id and meeting.status == "planned")


def can_remove_agenda_item(meeting, item, viewer=None):
    """Leaders remove any item; whoever added a talking point removes it while the meeting is planned."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    if can_lead_meeting(meeting, viewer):
        return True
    return (can_view_meeting(meeting, viewer) and item.kind == "talking_point"
            and item.added_by_id == viewer.id and meeting.status == "planned")


def can_update_action_item(item, viewer=None):
    """Mark an action item done or open again: its owner, or anyone who may manage the owner."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    return item.owner_id == viewer.id or can_manage_person(Person(id=item.owner_id), viewer)


def can_read_private_note(note, viewer=None):
    """A private note is its author's alone; an admin reads it only when the organization allows.
    Never the report, whoever they are."""
    viewer = _viewer(viewer)
    if viewer is None:
        return False
    if viewer.id == note.author_id:
        return True
    from . import org_settings
    report_id = note.meeting.report_id if hasattr(note, "meeting") else None
    return bool(viewer.is_admin and org_settings.get().admin_sees_private_notes and viewer.id != report_id)


def private_notes_of(meeting, lead, viewer=None):
    """The private notes of ``meeting`` that ``viewer`` may read, with their authors: their own when
    they lead it (``lead``), and everyone's for an admin when the organization allows it. None for
    the report, whoever they are; other people's notes are not even loaded otherwise."""
    from . import org_settings
    from .models import PrivateNote
    viewer = _viewer(viewer)
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
    from .models import PrivateNote
    viewer = _viewer(viewer)
    if viewer is None or viewer.id == report_id or not meeting_ids:
        return {}
    return {note.meeting_id: note for note in PrivateNote.select().where(
        PrivateNote.meeting.in_(list(meeting_ids)) & (PrivateNote.author == viewer.id))}


def admin_required(view):
    """The same as ``@allow("admin")`` (:func:`dualdash.access_rules.allow`), under its older name."""
    from .access_rules import allow
    return allow("admin")(view)
