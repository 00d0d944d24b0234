"""1:1 meeting pages: my meetings, scheduling, the meeting itself (agenda with coaching questions,
shared notes, the leader's own private note, check-in, driver ratings, action items, held / cancel),
and a person's meeting timeline.

Who may do what is each view's declared rule (:mod:`dualdash.shared.access`), checked before the view
runs, which hands it the meeting as ``g.meeting``: the meeting's two people, admins and anyone above
the report see its shared part; leaders (its manager, anyone above the report, admins) edit it; the
report adds talking points and ticks off their own action items. A private note is only ever loaded
for its author (or, when the organization allows it, an admin who is not the report).

Everything a leader types in the meeting is one form (:class:`MeetingForm`): each of its Save buttons
saves all of it, so text typed in one part survives a Save in another. It is saved with a version
check (see :mod:`dualdash.coaching.meetings`): when someone else saved first, the page comes back
with status 409, showing their text and the one typed for each part in conflict, with the form now
based on the new version so the merged text can be saved."""
import datetime
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from dualdash.coaching import access as meeting_access
from dualdash.coaching import agenda, meeting_numbers
from dualdash.coaching import meetings as core
from dualdash.coaching.forms.meetings import (
    ACTION,
    ADD_ITEM,
    MEETING,
    ActionItemForm,
    AddItemForm,
    MeetingForm,
    ScheduleForm,
)
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting
from dualdash.kpis import scorecards
from dualdash.kpis.views.scorecard_pages import band_class, band_label, format_value, line_for
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


@dataclass
class Conflict:
    """Someone saved ``part`` of the meeting after the form was loaded: both texts, nothing lost."""

    part: str
    label: str
    theirs: str
    yours: str
    removed: bool = False  # an agenda item removed meanwhile: shown at the top of the agenda


@dataclass
class AgendaRow:
    item: AgendaItem
    questions: list
    link: tuple  # (href, label) or None
    form: object = None  # its part of the meeting form (leaders only)
    value_note: str = None  # a KPI's item: the note entered with the value it is about
    kpi_row: object = None  # a KPI's item: its scorecard row (value, band, trend), shown inline


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


def _render(meeting, status=200, forms=None, form=None, conflicts=None):
    """The meeting page. ``forms`` replaces some of its small forms (a posted one with errors);
    ``form`` is the posted meeting form (errors, or re-based on the new version after a conflict)
    and ``conflicts`` the parts in conflict (``{part: Conflict}``), each shown with both texts."""
    forms = dict(forms or {})
    people = scorecards.people_with_details([meeting.manager_id, meeting.report_id])
    manager, report = people[meeting.manager_id], people[meeting.report_id]
    lead = meeting_access.can_lead_meeting(meeting)
    is_report = current_user.id == meeting.report_id
    fw = plugins.current()
    notes = meeting_access.private_notes_of(meeting, lead)
    mine = next((n for n in notes if n.author_id == current_user.id), None)
    others = [n for n in notes if n.author_id != current_user.id]
    items = core.agenda_of(meeting)
    stored = core.shared_parts(meeting, items)
    if lead and form is None:
        form = MeetingForm(formdata=None, prefix=MEETING, data={
            "version": meeting.version, "shared_notes": meeting.shared_notes,
            "shared_notes_base": core.signature(stored["notes"]),
            "check_in_base": core.signature(stored["checkin"]), "word": meeting.check_in_word or "",
            "score": str(meeting.check_in_score) if meeting.check_in_score else "",
            "private_based_on": _stamp(mine), "private_note": mine.text if mine else "",
            "items": [{"id": i.id, "notes": i.notes, "done": i.done,
                       "base": core.signature(stored[f"item-{i.id}"])} for i in items]})
    entries = {}
    if form is not None:
        entries = {entry.form.id.data: entry.form for entry in form.items}
        for item in items:  # added since the form was posted: their stored values
            if item.id not in entries:
                entries[item.id] = form.items.append_entry({
                    "id": item.id, "notes": item.notes, "done": item.done,
                    "base": core.signature(stored[f"item-{item.id}"])}).form
    rows = []
    # The report's numbers, as the worksheet prints them, for whoever may see the report's scorecard
    # (the manager of a report who has moved on keeps the meeting, not the numbers).
    numbers = meeting_numbers.for_meeting(meeting, report) if access.can_view_person(report) else None
    if numbers is not None:
        value_notes = {row.kpi.key: row.current.note for row in numbers.sheet.card.rows if row.current.note}
    elif any(agenda.kpi_key(item) for item in items):
        value_notes = agenda.value_notes(report, meeting.scheduled_for.date())
    else:
        value_notes = {}
    for item in items:
        row = AgendaRow(item, agenda.questions(item), _source_link(item, meeting),
                        value_note=value_notes.get(agenda.kpi_key(item)),
                        kpi_row=numbers.kpi_row(item) if numbers else None)
        row.form = entries.get(item.id)
        rows.append(row)
    names = {manager.id: manager.name, report.id: report.name, current_user.id: current_user.name}
    ratings = list(DriverRating.select(DriverRating, Person).join(Person, on=(DriverRating.rated_by == Person.id))
                   .where(DriverRating.meeting == meeting.id).order_by(DriverRating.driver_key, DriverRating.id))
    actions = core.action_items_for(meeting)
    if lead:
        forms.setdefault("action", ActionItemForm(formdata=None, prefix=ACTION, owners=[report, manager],
                                                  data={"owner": report.id}))
    if lead or (is_report and meeting.status == "planned"):
        forms.setdefault("add", AddItemForm(formdata=None, prefix=ADD_ITEM))
    return render_template(
        "coaching/meetings/show.html", meeting=meeting, manager=manager, report=report, lead=lead, is_report=is_report,
        status=core.status_of(meeting), rows=rows, names=names, ratings=ratings, drivers=fw.drivers,
        actions=actions, other_notes=others, form=form, forms=forms, conflicts=conflicts or {},
        may_write_private=meeting_access.can_write_private_note(meeting), today=datetime.date.today(),
        may_tick=lambda a: lead or a.owner_id == current_user.id, numbers=numbers,
        fmt=format_value, band_label=band_label, band_class=band_class, line_for=line_for,
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


@bp.route("/meetings/<int:meeting_id>/save", methods=["POST"])
@allow("lead_meeting")
def save(meeting_id):
    """Save everything typed on the meeting page at once (whichever Save button was pressed): the
    agenda items' notes and done marks, the shared notes and the check-in, with the version check,
    and the leader's private note under its own. A bad field brings the page back (400) with
    everything typed; so does a conflict (409), with both texts of each part someone else changed
    meanwhile (the parts nobody else touched are saved)."""
    meeting = g.meeting
    form = MeetingForm(prefix=MEETING)
    if not form.validate_on_submit():
        return _render(meeting, 400, form=form)
    conflicts, private_saved = {}, False
    if meeting_access.can_write_private_note(meeting):
        typed = form.private_note.data or ""
        mine = core.private_note_of(meeting, current_user)
        if typed != (mine.text if mine else ""):
            private_saved = core.save_private_note(meeting, current_user, form.based_on_value(), typed) is not None
            if not private_saved:
                fresh = core.private_note_of(meeting, current_user)
                conflicts["private"] = Conflict("private", "My private note", fresh.text if fresh else "", typed)
        form.private_based_on.data = _stamp(core.private_note_of(meeting, current_user))
    # A part is saved only when the page had it (its signature as loaded came with it): a request
    # without the shared notes, say, leaves them alone instead of emptying them.
    typed = {"notes": (form.shared_notes_base.data, form.shared_notes.data or ""),
             "checkin": (form.check_in_base.data, (form.score_value(), form.word.data))}
    for entry in form.items:
        typed[f"item-{entry.form.id.data}"] = (entry.form.base.data, (entry.form.notes.data or "",
                                                                      bool(entry.form.done.data)))
    typed = {part: value for part, value in typed.items() if value[0]}
    written, clashes = core.save_all(meeting, form.version.data, typed)
    if not conflicts and not clashes:
        flash("Saved." if written or private_saved else "Nothing had changed.", "success")
        anchor = request.form.get(f"{MEETING}-save", "")
        item_anchor = anchor.startswith("item-") and anchor[5:].isdigit()
        return _back(meeting, anchor if anchor in SAVE_ANCHORS or item_anchor else None)
    fresh = Meeting.get_by_id(meeting.id)
    items = core.agenda_of(fresh)
    titles = {f"item-{i.id}": i.title for i in items}
    for part, theirs in clashes.items():
        yours = typed[part][1]
        if part == "notes":
            conflicts[part] = Conflict(part, "Shared notes", theirs or "", yours)
        elif part == "checkin":
            conflicts[part] = Conflict(part, "Check-in", _check_in_text(*theirs), _check_in_text(*yours))
        elif part not in titles:
            conflicts[part] = Conflict(part, "Notes on an item removed from the agenda meanwhile", "", yours[0],
                                       removed=True)
        else:
            conflicts[part] = Conflict(part, f"Notes on “{titles[part]}”", theirs[0], yours[0])
    _rebase(form, fresh, items, conflicts)
    if written or private_saved:
        flash("The rest of what you typed is saved.", "success")
    return _render(fresh, 409, form=form, conflicts=conflicts)


def _rebase(form, meeting, items, conflicts):
    """After a conflict: the form builds on the stored meeting. A part in conflict keeps what was
    typed (based now on their text, so saving the merged text goes through); every other part shows
    what is stored (which includes what was just saved)."""
    stored = core.shared_parts(meeting, items)
    form.version.data, form.version.raw_data = meeting.version, None  # renders data, not what was posted
    form.shared_notes_base.data = core.signature(stored["notes"])
    form.check_in_base.data = core.signature(stored["checkin"])
    if "notes" not in conflicts:
        form.shared_notes.data = stored["notes"]
    if "checkin" not in conflicts:
        score, word = stored["checkin"]
        form.score.data, form.word.data = (str(score) if score else ""), word or ""
    for entry in form.items:
        part = f"item-{entry.form.id.data}"
        if part in stored:
            entry.form.base.data = core.signature(stored[part])
            if part not in conflicts:
                entry.form.notes.data, entry.form.done.data = stored[part]


#: The places a Save button may bring the page back to (besides ``item-<id>``).
SAVE_ANCHORS = ("shared-notes", "check-in", "private-note", "agenda")


def _check_in_text(score, word):
    return " — ".join(str(v) for v in (score, word) if v) or "(empty)"


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
        flash(f"Marked as held. The next 1:1 is planned for {datetime_text(following.scheduled_for)}.", "success")
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
