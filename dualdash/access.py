"""Who may see and change what (DESIGN.md, "Who may see what").

Every view asks these functions; none decides on its own."""
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from .db import database
from .models import Person


def subtree_ids(person_id):
    """Ids of everyone below ``person_id`` in the reporting line (direct and indirect), in one query."""
    cursor = database.execute_sql(
        "WITH RECURSIVE below(id) AS ("
        f" SELECT id FROM person WHERE manager_id = {database.param}"
        # UNION (not UNION ALL) ends the walk even if bad data ever made a cycle.
        " UNION SELECT p.id FROM person p JOIN below b ON p.manager_id = b.id"
        ") SELECT id FROM below",
        (person_id,),
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


def can_view_person(person, viewer=None):
    """Admins see everyone; others see themselves and everyone below them.

    ``viewer`` defaults to the signed-in person (the API passes the token's owner)."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return False
    return viewer.is_admin or person.id == viewer.id or person.id in my_subtree(viewer)


def can_manage_person(person, viewer=None):
    """May change a person's measurements, ratings and meetings: an admin, or anyone above them."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return False
    return viewer.is_admin or person.id in my_subtree(viewer)


def visible_people_query(viewer=None):
    """People ``viewer`` (default: the signed-in person) may see, as a query to refine."""
    viewer = current_user if viewer is None else viewer
    query = Person.select()
    if viewer.is_admin:
        return query
    ids = my_subtree(viewer) | {viewer.id}
    return query.where(Person.id.in_(list(ids)))


def person_visible_or_abort(person_id):
    """The person, or 404 when there is none, 403 when the signed-in person may not see them."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        abort(404)
    if not can_view_person(person):
        abort(403)
    return person


def admin_required(view):
    """Only admins get past; everyone else signed in gets 403."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped



def can_view_meeting(meeting, viewer=None):
    """The 1:1's two people, admins, and anyone above the report see a meeting (its shared part)."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return False
    return (viewer.is_admin or viewer.id in (meeting.manager_id, meeting.report_id)
            or meeting.report_id in my_subtree(viewer))


def can_lead_meeting(meeting, viewer=None):
    """May edit the agenda, shared notes and ratings, and mark it held: its manager, anyone above the
    report, and admins. The report only adds talking points and updates their own action items."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return False
    return viewer.is_admin or viewer.id == meeting.manager_id or meeting.report_id in my_subtree(viewer)


def can_read_private_note(note, viewer=None):
    """A private note is its author's alone; an admin reads it only when the organization allows.
    Never the report, whoever they are."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return False
    if viewer.id == note.author_id:
        return True
    from . import org_settings
    report_id = note.meeting.report_id if hasattr(note, "meeting") else None
    return bool(viewer.is_admin and org_settings.get().admin_sees_private_notes and viewer.id != report_id)
