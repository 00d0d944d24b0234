"""1:1 meeting pages: my meetings, scheduling, the meeting itself and what its buttons do (save,
prepare, reorder and remove agenda items, add items and action items, mark held / cancel), and a
person's meeting timeline.

Who may do what is each view's declared rule (:mod:`dualdash.shared.access`), checked before the view
runs, which hands it the meeting as ``g.meeting``: the meeting's two people, admins and anyone above
the report see its shared part; leaders (its manager, anyone above the report, admins) edit it; the
report adds talking points and ticks off their own action items. A private note is only ever loaded
for its author (or, when the organization allows it, an admin who is not the report).

Every button of the meeting page posts the page's one form, and every endpoint here that the page
posts to saves what was typed first (:mod:`dualdash.coaching.views.meeting_typed`): text typed in
one part survives a button pressed in another. Conflicts are found with a version check (see
:mod:`dualdash.coaching.meetings`): when someone else saved first, the page comes back with status
409, showing their text and the one typed for each part in conflict, and the button's own action
waits until the merged text is saved."""
import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from dualdash.coaching import access as meeting_access
from dualdash.coaching import agenda
from dualdash.coaching import meetings as core
from dualdash.coaching.forms.meetings import ScheduleForm
from dualdash.coaching.models import ActionItem, DriverRating, Meeting
from dualdash.coaching.views.meeting_page import render, render_typed
from dualdash.coaching.views.meeting_typed import pressed, save_typed
from dualdash.kpis import scorecards
from dualdash.org import access
from dualdash.org.models import Person
from dualdash.plugins import manager as plugins
from dualdash.shared.access import allow
from dualdash.shared.formats import datetime_text
from dualdash.shared.paging import Page

bp = Blueprint("meetings", __name__)

#: Past meetings listed on "My 1:1s" (the person's timeline has them all).
PAST_SHOWN = 50
TIMELINE_PER_PAGE = 20


def _back(meeting, anchor=None):
    return redirect(url_for(".show", meeting_id=meeting.id, _anchor=anchor))


# --- lists ------------------------------------------------------------------------------------

@bp.route("/meetings/")
@allow("signed_in")
def index():
    """The signed-in person's 1:1s: those they lead (upcoming first, then past) and their own."""
    other = Person.alias()
    at = core.now()

    def listed(mine, them):
        return list(Meeting.select(Meeting, other).join(other, on=(them == other.id))
                    .where(mine == current_user.id).order_by(Meeting.scheduled_for))

    led = listed(Meeting.manager, Meeting.report)
    own = listed(Meeting.report, Meeting.manager)

    def split(meetings):
        upcoming = [m for m in meetings if m.status == "planned" and m.scheduled_for >= at]
        past = [m for m in reversed(meetings) if not (m.status == "planned" and m.scheduled_for >= at)]
        return upcoming, past[:PAST_SHOWN], len(past) > PAST_SHOWN

    return render_template("coaching/meetings/index.html", led=split(led), own=split(own), at=at,
                           may_schedule=current_user.is_admin or access.is_manager(),
                           status_of=lambda m: core.status_of(m, at))


@bp.route("/people/<int:person_id>/meetings")
@allow("view_person")
def timeline(person_id):
    """A person's 1:1s, newest first, with shared notes, the driver ratings and action items of each;
    private notes only for their author."""
    person = g.person
    manager = Person.alias()
    query = (Meeting.select(Meeting, manager).join(manager, on=(Meeting.manager == manager.id))
             .where(Meeting.report == person.id).order_by(Meeting.scheduled_for.desc(), Meeting.id.desc()))
    page = Page(query, request.args.get("page"), TIMELINE_PER_PAGE)
    ids = [m.id for m in page.items] or [0]
    ratings, actions = {}, {}
    for r in DriverRating.select().where(DriverRating.meeting.in_(ids)).order_by(DriverRating.driver_key):
        ratings.setdefault(r.meeting_id, []).append(r)
    owner = Person.alias()
    for a in (ActionItem.select(ActionItem, owner).join(owner, on=(ActionItem.owner == owner.id))
              .where(ActionItem.meeting.in_(ids)).order_by(ActionItem.id)):
        actions.setdefault(a.meeting_id, []).append(a)
    # The author's own notes only (the report's timeline never carries any private note).
    private = meeting_access.own_private_notes(ids, person.id)
    at = core.now()
    return render_template("coaching/meetings/timeline.html", person=person, page=page, ratings=ratings,
                           actions=actions, private=private, drivers=plugins.current().drivers,
                           status_of=lambda m: core.status_of(m, at), today=datetime.date.today(),
                           may_schedule=access.can_manage_person(person) and person.id != current_user.id)


# --- scheduling -------------------------------------------------------------------------------

def _manageable_people():
    """Active people the signed-in person may schedule a 1:1 with, by name."""
    query = Person.select().where((Person.active == True) & (Person.id != current_user.id))  # noqa: E712
    if not current_user.is_admin:
        query = query.where(Person.id.in_(list(access.my_subtree()) or [0]))
    return sorted(query, key=lambda p: p.name.casefold())


@bp.route("/meetings/new", methods=["GET", "POST"])
@allow("schedule_meeting")
def new():
    """Schedule a 1:1 with someone below the signed-in person (``?report=<id>`` chooses them)."""
    chosen = g.person.id if g.person else None
    people = _manageable_people()
    if not people:
        abort(403, "Nobody active reports to you, so there is nobody to schedule a 1:1 with.")
    form = ScheduleForm(people=people, data={"report": chosen, "scheduled_for": core.default_time()})
    if form.validate_on_submit():
        report = next(p for p in people if p.id == form.report.data)
        repeat = int(form.repeat_every_days.data) if form.repeat_every_days.data else None
        meeting = core.schedule(current_user.id, report, form.scheduled_for.data, repeat)
        flash(f"1:1 with {report.name} scheduled for {datetime_text(form.scheduled_for.data)}.", "success")
        return _back(meeting)
    return render_template("coaching/meetings/new.html", form=form), 400 if form.errors else 200


# --- the meeting ------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>")
@allow("view_meeting")
def show(meeting_id):
    """The meeting page; a leader opening it shortly before it finds the agenda already built."""
    meeting = g.meeting
    if core.due_for_preparation(meeting) and meeting_access.can_lead_meeting(meeting):
        _prepare(meeting)
    return render(meeting)


def _prepare(meeting):
    """Build the agenda; from the report's numbers only for a leader who may see the report now."""
    report = scorecards.people_with_details([meeting.report_id])[meeting.report_id]
    return agenda.prepare(meeting, report, with_numbers=access.can_view_person(report))


def _typed_first(meeting, require=None, saved="What you typed is saved."):
    """Save what the pressed button's page carried. Returns ``(what was saved, None)`` when the
    button's own action may go on, or ``(None, the page again)`` after a bad field or a conflict
    (the action waits: it is pressed again once the page is right)."""
    typed = save_typed(meeting, require)
    if not typed.ok:
        if typed.status == 409 and typed.notes_saved:
            flash("The rest of what you typed is saved.", "success")
        return None, render_typed(typed)
    for message in typed.added:
        flash(message, "success")
    if typed.notes_saved:
        flash(saved, "success")
    return typed, None


#: The places the Save buttons bring the page back to (besides ``item-<id>``).
SAVE_ANCHORS = ("shared-notes", "check-in", "private-note", "agenda", "action-items")


def _after_save(meeting, go):
    """Where a Save button goes next: back to its part of the page, or to the page it names."""
    if go == "drivers":
        return redirect(url_for("driver_ratings.person", person_id=meeting.report_id, meeting=meeting.id))
    if go == "worksheet":
        return redirect(url_for("worksheet.meeting", meeting_id=meeting.id))
    item_anchor = go.startswith("item-") and go[5:].isdigit()
    return _back(meeting, go if go in SAVE_ANCHORS or item_anchor else None)


@bp.route("/meetings/<int:meeting_id>/save", methods=["POST"])
@allow("lead_meeting")
def save(meeting_id):
    """Save everything typed on the meeting page at once (whichever Save button was pressed): the
    agenda items' notes and done marks, the shared notes and the check-in, with the version check,
    the leader's private note under its own, and a new agenda item or action item when one was
    typed. A bad field brings the page back (400) with everything typed; so does a conflict (409),
    with both texts of each part someone else changed meanwhile (the parts nobody else touched are
    saved). "Rate drivers" and "Worksheet" are Save buttons too: they save, then go there."""
    typed, page = _typed_first(g.meeting, saved="Saved.")
    if page:
        return page
    if not typed.notes_saved and not typed.added:
        flash("Nothing had changed.", "success")
    return _after_save(typed.meeting, pressed())


@bp.route("/meetings/<int:meeting_id>/prepare", methods=["POST"])
@allow("lead_meeting")
def prepare(meeting_id):
    """Build the agenda now (once; afterwards it is edited by hand)."""
    typed, page = _typed_first(g.meeting)
    if page:
        return page
    meeting = typed.meeting
    if _prepare(meeting):
        flash("Agenda prepared from the scorecard, drivers, skills and open action items.", "success")
    else:
        flash("The agenda was already prepared.", "info")
    return _back(meeting, "agenda")


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@allow("add_to_agenda")
def add_item(meeting_id):
    """Leaders add a custom item; the report adds a talking point while the meeting is planned."""
    typed, page = _typed_first(g.meeting, require="add")
    return page or _back(typed.meeting, "agenda")


def _confirm_first(view, **ids):
    """A POST of the meeting page to an action that asks first: save what was typed, then ask."""
    _, page = _typed_first(g.meeting)
    return page or redirect(url_for(view, meeting_id=g.meeting.id, **ids))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["GET", "POST"])
@allow("remove_agenda_item")
def remove_item(meeting_id, item_id):
    """Remove an agenda item: GET asks to confirm, the confirmation's POST removes it. The meeting
    page's Remove button (``ask``) saves what was typed on it, then asks."""
    meeting, item = g.meeting, g.agenda_item
    if request.method == "POST" and pressed() == "ask":
        return _confirm_first(".remove_item", item_id=item.id)
    if request.method == "POST":
        core.remove_item(item)
        flash(f"Removed “{item.title}” from the agenda.", "success")
        return _back(meeting, "agenda")
    return render_template("coaching/meetings/remove_item.html", meeting=meeting, item=item)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/<any(up, down):direction>", methods=["POST"])
@allow("edit_agenda_item")
def move_item(meeting_id, item_id, direction):
    """Move an agenda item one place up or down."""
    typed, page = _typed_first(g.meeting)
    if page:
        return page
    meeting = typed.meeting
    core.move_item(meeting, g.agenda_item, -1 if direction == "up" else 1)
    return _back(meeting, f"item-{g.agenda_item.id}")


@bp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
@allow("lead_meeting")
def add_action_item(meeting_id):
    """A new action item for the report or the manager, created in this meeting."""
    typed, page = _typed_first(g.meeting, require="action")
    return page or _back(typed.meeting, "action-items")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:action_id>/<any(done, open):status>", methods=["POST"])
@allow("update_meeting_action_item")
def set_action_status(meeting_id, action_id, status):
    """Mark an action item listed on this meeting done, or open again: leaders, or its owner."""
    typed, page = _typed_first(g.meeting)
    if page:
        return page
    meeting = typed.meeting
    if core.set_action_status(g.action_item, status):
        flash("Action item done." if status == "done" else "Action item reopened.", "success")
    return _back(meeting, "action-items")


@bp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@allow("lead_meeting")
def held(meeting_id):
    """Mark the meeting held; a repeating one plans the next."""
    typed, page = _typed_first(g.meeting)
    if page:
        return page
    meeting = typed.meeting
    done, following = core.mark_held(meeting)
    if not done:
        flash(f"This 1:1 is already {meeting.status}.", "info")
    elif following is not None:
        flash(f"Marked as held. The next 1:1 is planned for {datetime_text(following.scheduled_for)}.", "success")
    else:
        flash("Marked as held.", "success")
    return _back(meeting)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@allow("lead_meeting")
def cancel(meeting_id):
    """Cancel a planned meeting: GET asks to confirm, the confirmation's POST cancels it. The
    meeting page's button (``ask``) saves what was typed on it, then asks."""
    meeting = g.meeting
    if meeting.status != "planned":
        flash(f"This 1:1 is {meeting.status}: it cannot be cancelled.", "info")
        return _back(meeting)
    if request.method == "POST" and pressed() == "ask":
        return _confirm_first(".cancel")
    if request.method == "POST":
        core.cancel(meeting)
        flash("1:1 cancelled.", "success")
        return _back(meeting)
    report = Person.get_by_id(meeting.report_id)
    return render_template("coaching/meetings/cancel.html", meeting=meeting, report=report)
