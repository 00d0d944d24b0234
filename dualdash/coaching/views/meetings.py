"""1:1 meeting pages: my meetings, scheduling, the meeting itself (agenda with coaching questions,
shared notes, the leader's own private note, check-in, driver ratings, action items, held / cancel),
and a person's meeting timeline.

Who may do what is each view's declared rule (:mod:`dualdash.shared.access`), checked before the view
runs, which hands it the meeting as ``g.meeting``: the meeting's two people, admins and anyone above
the report see its shared part; leaders (its manager, anyone above the report, admins) edit it; the
report adds talking points and ticks off their own action items. A private note is only ever loaded
for its author (or, when the organization allows it, an admin who is not the report).

Every form that edits text is saved with a version check (see :mod:`dualdash.coaching.meetings`): when someone
else saved first, the page comes back with status 409, showing their text and the one typed, with
the form now based on the new version so the merged text can be saved."""
import datetime
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from dualdash.coaching import access as meeting_access
from dualdash.coaching import agenda
from dualdash.coaching import meetings as core
from dualdash.coaching.forms.meetings import (
    ACTION,
    ADD_ITEM,
    CHECK_IN,
    NOTES,
    PRIVATE,
    ActionItemForm,
    AddItemForm,
    CheckInForm,
    ItemForm,
    PrivateNoteForm,
    ScheduleForm,
    SharedNotesForm,
    item_prefix,
)
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting
from dualdash.kpis import scorecards
from dualdash.org import access
from dualdash.org.models import Person
from dualdash.plugins import manager as plugins
from dualdash.shared.access import allow
from dualdash.shared.paging import Page

bp = Blueprint("meetings", __name__)

#: Past meetings listed on "My 1:1s" (the person's timeline has them all).
PAST_SHOWN = 50
TIMELINE_PER_PAGE = 20


@dataclass
class Conflict:
    """Someone saved ``part`` of the meeting after the form was loaded: both texts, nothing lost."""

    part: str
    label: str
    theirs: str
    yours: str


@dataclass
class AgendaRow:
    item: AgendaItem
    questions: list
    link: tuple  # (href, label) or None
    form: ItemForm = None
    value_note: str = None  # a KPI's item: the note entered with the value it is about


# --- helpers ----------------------------------------------------------------------------------

def _source_link(item, meeting):
    """Where an agenda item came from, as ``(href, label)``; None for items added by hand.
    Pages other helpers own are linked by path (they may not be registered yet)."""
    kind = (item.source or "").partition(":")[0]
    rid = meeting.report_id
    if kind == "kpi":
        return url_for("scorecard_pages.person", person_id=rid), "Scorecard"
    if kind == "driver":
        return f"/people/{rid}/drivers?meeting={meeting.id}", "Driver ratings"
    if kind == "skill":
        return f"/people/{rid}/skills", "Skills"
    if kind == "action":
        return "/action-items/", "Action items"
    return None


def _stamp(note):
    return note.updated_at.isoformat() if note is not None else ""


def _render(meeting, status=200, forms=None, conflict=None):
    """The meeting page. ``forms`` replaces some of its forms (a posted one with errors, or the
    re-based one of a conflict); ``conflict`` shows both texts beside that form."""
    forms = dict(forms or {})
    people = scorecards.people_with_details([meeting.manager_id, meeting.report_id])
    manager, report = people[meeting.manager_id], people[meeting.report_id]
    lead = meeting_access.can_lead_meeting(meeting)
    is_report = current_user.id == meeting.report_id
    fw = plugins.current()
    rows = []
    items = list(core.agenda_of(meeting))
    value_notes = agenda.value_notes(report, meeting.scheduled_for.date()) \
        if any(agenda.kpi_key(item) for item in items) else {}
    for item in items:
        row = AgendaRow(item, agenda.questions(item), _source_link(item, meeting),
                        value_note=value_notes.get(agenda.kpi_key(item)))
        if lead:
            row.form = forms.get(item_prefix(item.id)) or ItemForm(
                formdata=None, prefix=item_prefix(item.id),
                data={"version": meeting.version, "notes": item.notes, "done": item.done})
        rows.append(row)
    names = {manager.id: manager.name, report.id: report.name, current_user.id: current_user.name}
    ratings = list(DriverRating.select(DriverRating, Person).join(Person, on=(DriverRating.rated_by == Person.id))
                   .where(DriverRating.meeting == meeting.id).order_by(DriverRating.driver_key, DriverRating.id))
    actions = core.action_items_for(meeting)
    notes = meeting_access.private_notes_of(meeting, lead)
    mine = next((n for n in notes if n.author_id == current_user.id), None)
    others = [n for n in notes if n.author_id != current_user.id]
    if lead:
        forms.setdefault("notes", SharedNotesForm(formdata=None, prefix=NOTES, data={
            "version": meeting.version, "shared_notes": meeting.shared_notes}))
        forms.setdefault("checkin", CheckInForm(formdata=None, prefix=CHECK_IN, data={
            "version": meeting.version, "word": meeting.check_in_word or "",
            "score": str(meeting.check_in_score) if meeting.check_in_score else ""}))
        forms.setdefault("private", PrivateNoteForm(formdata=None, prefix=PRIVATE, data={
            "based_on": _stamp(mine), "text": mine.text if mine else ""}))
        forms.setdefault("action", ActionItemForm(formdata=None, prefix=ACTION, owners=[report, manager],
                                                  data={"owner": report.id}))
    if lead or (is_report and meeting.status == "planned"):
        forms.setdefault("add", AddItemForm(formdata=None, prefix=ADD_ITEM))
    return render_template(
        "coaching/meetings/show.html", meeting=meeting, manager=manager, report=report, lead=lead, is_report=is_report,
        status=core.status_of(meeting), rows=rows, names=names, ratings=ratings, drivers=fw.drivers,
        actions=actions, other_notes=others, forms=forms, conflict=conflict, today=datetime.date.today(),
        may_tick=lambda a: lead or a.owner_id == current_user.id,
    ), status


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
        flash(f"1:1 with {report.name} scheduled for {form.scheduled_for.data:%Y-%m-%d %H:%M}.", "success")
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
    return _render(meeting)


def _prepare(meeting):
    report = scorecards.people_with_details([meeting.report_id])[meeting.report_id]
    return agenda.prepare(meeting, report)


@bp.route("/meetings/<int:meeting_id>/prepare", methods=["POST"])
@allow("lead_meeting")
def prepare(meeting_id):
    """Build the agenda now (once; afterwards it is edited by hand)."""
    meeting = g.meeting
    if _prepare(meeting):
        flash("Agenda prepared from the scorecard, drivers, skills and open action items.", "success")
    else:
        flash("The agenda was already prepared.", "info")
    return _back(meeting, "agenda")


@bp.route("/meetings/<int:meeting_id>/notes", methods=["POST"])
@allow("lead_meeting")
def save_notes(meeting_id):
    """Save the shared notes, unless someone saved the meeting since the form was loaded."""
    meeting = g.meeting
    form = SharedNotesForm(prefix=NOTES)
    if not form.validate_on_submit():
        return _render(meeting, 400, forms={"notes": form})
    typed = form.shared_notes.data or ""
    if core.save_shared_notes(meeting, form.version.data, typed):
        flash("Shared notes saved.", "success")
        return _back(meeting, "shared-notes")
    fresh = Meeting.get_by_id(meeting.id)
    rebased = SharedNotesForm(formdata=None, prefix=NOTES, data={"version": fresh.version, "shared_notes": typed})
    return _render(fresh, 409, forms={"notes": rebased},
                   conflict=Conflict("notes", "Shared notes", fresh.shared_notes, typed))


@bp.route("/meetings/<int:meeting_id>/check-in", methods=["POST"])
@allow("lead_meeting")
def save_check_in(meeting_id):
    """Save the check-in (how the report is doing, 1–5, with a word) with the version check."""
    meeting = g.meeting
    form = CheckInForm(prefix=CHECK_IN)
    if not form.validate_on_submit():
        return _render(meeting, 400, forms={"checkin": form})
    if core.save_check_in(meeting, form.version.data, form.score_value(), form.word.data):
        flash("Check-in saved.", "success")
        return _back(meeting, "check-in")
    fresh = Meeting.get_by_id(meeting.id)
    rebased = CheckInForm(formdata=None, prefix=CHECK_IN, data={
        "version": fresh.version, "score": form.score.data, "word": form.word.data})
    theirs = " — ".join(str(v) for v in (fresh.check_in_score, fresh.check_in_word) if v) or "(empty)"
    yours = " — ".join(str(v) for v in (form.score.data, form.word.data) if v) or "(empty)"
    return _render(fresh, 409, forms={"checkin": rebased}, conflict=Conflict("checkin", "Check-in", theirs, yours))


@bp.route("/meetings/<int:meeting_id>/private-note", methods=["POST"])
@allow("write_private_note")
def save_private_note(meeting_id):
    """Save the signed-in leader's own private note (never the report: they cannot lead)."""
    meeting = g.meeting
    form = PrivateNoteForm(prefix=PRIVATE)
    if not form.validate_on_submit():
        return _render(meeting, 400, forms={"private": form})
    typed = form.text.data or ""
    if core.save_private_note(meeting, current_user, form.based_on_value(), typed) is not None:
        flash("Private note saved (only you can read it).", "success")
        return _back(meeting, "private-note")
    fresh = core.private_note_of(meeting, current_user)
    rebased = PrivateNoteForm(formdata=None, prefix=PRIVATE, data={"based_on": _stamp(fresh), "text": typed})
    return _render(meeting, 409, forms={"private": rebased},
                   conflict=Conflict("private", "My private note", fresh.text if fresh else "", typed))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>", methods=["POST"])
@allow("edit_agenda_item")
def save_item(meeting_id, item_id):
    """Save one agenda item's notes and done mark, with the version check."""
    meeting, item = g.meeting, g.agenda_item
    prefix = item_prefix(item.id)
    form = ItemForm(prefix=prefix)
    if not form.validate_on_submit():
        return _render(meeting, 400, forms={prefix: form})
    typed = form.notes.data or ""
    if core.save_item(meeting, item, form.version.data, typed, form.done.data):
        flash(f"Saved “{item.title}”.", "success")
        return _back(meeting, f"item-{item.id}")
    fresh = Meeting.get_by_id(meeting.id)
    item = AgendaItem.get_by_id(item.id)
    rebased = ItemForm(formdata=None, prefix=prefix, data={"version": fresh.version, "notes": typed,
                                                          "done": form.done.data})
    return _render(fresh, 409, forms={prefix: rebased},
                   conflict=Conflict(prefix, f"Notes on “{item.title}”", item.notes, typed))


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@allow("add_to_agenda")
def add_item(meeting_id):
    """Leaders add a custom item; the report adds a talking point while the meeting is planned."""
    meeting = g.meeting
    lead = meeting_access.can_lead_meeting(meeting)
    form = AddItemForm(prefix=ADD_ITEM)
    if not form.validate_on_submit():
        return _render(meeting, 400, forms={"add": form})
    kind = "custom" if lead else "talking_point"
    core.add_item(meeting, form.title.data, kind, current_user)
    flash("Talking point added." if kind == "talking_point" else "Item added to the agenda.", "success")
    return _back(meeting, "agenda")


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["GET", "POST"])
@allow("remove_agenda_item")
def remove_item(meeting_id, item_id):
    """Remove an agenda item: GET asks to confirm, POST removes it."""
    meeting, item = g.meeting, g.agenda_item
    if request.method == "POST":
        core.remove_item(item)
        flash(f"Removed “{item.title}” from the agenda.", "success")
        return _back(meeting, "agenda")
    return render_template("coaching/meetings/remove_item.html", meeting=meeting, item=item)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/<any(up, down):direction>", methods=["POST"])
@allow("edit_agenda_item")
def move_item(meeting_id, item_id, direction):
    """Move an agenda item one place up or down."""
    meeting, item = g.meeting, g.agenda_item
    core.move_item(meeting, item, -1 if direction == "up" else 1)
    return _back(meeting, f"item-{item.id}")


@bp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
@allow("lead_meeting")
def add_action_item(meeting_id):
    """A new action item for the report or the manager, created in this meeting."""
    meeting = g.meeting
    people = scorecards.people_with_details([meeting.manager_id, meeting.report_id])
    form = ActionItemForm(prefix=ACTION, owners=[people[meeting.report_id], people[meeting.manager_id]])
    if not form.validate_on_submit():
        return _render(meeting, 400, forms={"action": form})
    core.add_action_item(meeting, form.owner.data, form.description.data, form.due_date.data, current_user)
    flash("Action item added.", "success")
    return _back(meeting, "action-items")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:action_id>/<any(done, open):status>", methods=["POST"])
@allow("update_meeting_action_item")
def set_action_status(meeting_id, action_id, status):
    """Mark an action item listed on this meeting done, or open again: leaders, or its owner."""
    meeting, item = g.meeting, g.action_item
    if core.set_action_status(item, status):
        flash("Action item done." if status == "done" else "Action item reopened.", "success")
    return _back(meeting, "action-items")


@bp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@allow("lead_meeting")
def held(meeting_id):
    """Mark the meeting held; a repeating one plans the next."""
    meeting = g.meeting
    done, following = core.mark_held(meeting)
    if not done:
        flash(f"This 1:1 is already {meeting.status}.", "info")
    elif following is not None:
        flash(f"Marked as held. The next 1:1 is planned for {following.scheduled_for:%Y-%m-%d %H:%M}.", "success")
    else:
        flash("Marked as held.", "success")
    return _back(meeting)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@allow("lead_meeting")
def cancel(meeting_id):
    """Cancel a planned meeting: GET asks to confirm, POST cancels it."""
    meeting = g.meeting
    if meeting.status != "planned":
        flash(f"This 1:1 is {meeting.status}: it cannot be cancelled.", "info")
        return _back(meeting)
    if request.method == "POST":
        core.cancel(meeting)
        flash("1:1 cancelled.", "success")
        return _back(meeting)
    report = Person.get_by_id(meeting.report_id)
    return render_template("coaching/meetings/cancel.html", meeting=meeting, report=report)
