"""What was typed on the 1:1 page, saved by whichever of its buttons was pressed.

Every button of the meeting page belongs to the page's one form (``form="meeting-form"``): Save,
Mark held, Prepare, Move up / down, Remove, Mark done, Add to the agenda, Add action item. Each
endpoint first saves what the form carries (:func:`save_typed`) and only then does its own part, so
text typed anywhere on the page survives any button, without JavaScript. A bad field or a conflict
stops there: the page comes back with everything typed (400 or 409) and the button's own action is
not done (it is pressed again once the page is right).

What a post carries: a leader's meeting form (item notes and done marks, shared notes, check-in,
the private note: see :class:`~dualdash.coaching.forms.meetings.MeetingForm`), a new agenda item's
title (leaders; the report while the 1:1 is planned) and a new action item (leaders). The two new
items are saved only when something was typed in them, unless the button pressed was their own
(then an empty one is an error beside its field). The page's CSRF token is checked for the whole
request before any view runs, so the smaller forms are validated without a token of their own."""
from dataclasses import dataclass, field

from flask import request
from flask_login import current_user

from dualdash.coaching import access as meeting_access
from dualdash.coaching import meetings as core
from dualdash.coaching.forms.meetings import ACTION, ADD_ITEM, MEETING, ActionItemForm, AddItemForm, MeetingForm
from dualdash.coaching.models import Meeting
from dualdash.kpis import scorecards

#: The name of the page's buttons; their value says where the page goes next.
BUTTON = f"{MEETING}-save"


@dataclass
class Conflict:
    """Someone saved ``part`` of the meeting after the form was loaded: both texts, nothing lost."""

    part: str
    label: str
    theirs: str
    yours: str
    removed: bool = False  # an agenda item removed meanwhile: shown at the top of the agenda


@dataclass
class Typed:
    """The outcome of :func:`save_typed`. ``status`` is 200 when everything typed was saved (or
    nothing was typed), else 400 (a bad field: nothing saved) or 409 (a conflict: the parts not in
    conflict saved). ``form`` / ``forms`` / ``conflicts`` are what the page shows again then;
    ``meeting`` is the meeting as stored now."""

    meeting: Meeting
    status: int = 200
    form: MeetingForm = None
    forms: dict = field(default_factory=dict)
    conflicts: dict = field(default_factory=dict)
    notes_saved: bool = False
    added: list = field(default_factory=list)  # what was added: flash messages

    @property
    def ok(self):
        return self.status == 200


def pressed():
    """The value of the page's button that was pressed ("" for Enter in a field)."""
    return request.form.get(BUTTON, "")


def _typed_in(prefix, name):
    return bool((request.form.get(f"{prefix}-{name}") or "").strip())


def _small_form(cls, prefix, **kwargs):
    return cls(prefix=prefix, meta={"csrf": False}, **kwargs)


def save_typed(meeting, require=None):
    """Save everything the posted page carries for ``meeting`` (see the module's docstring).
    ``require`` is ``"add"`` or ``"action"`` when the button pressed was that form's own."""
    lead = meeting_access.can_lead_meeting(meeting)
    outcome = Typed(meeting)
    form = _small_form(MeetingForm, MEETING) if lead and f"{MEETING}-version" in request.form else None
    add = action = None
    if (require == "add" or _typed_in(ADD_ITEM, "title")) and meeting_access.can_add_to_agenda(meeting):
        add = _small_form(AddItemForm, ADD_ITEM)
    if lead and (require == "action" or _typed_in(ACTION, "description")):
        people = scorecards.people_with_details([meeting.manager_id, meeting.report_id])
        action = _small_form(ActionItemForm, ACTION, owners=[people[meeting.report_id], people[meeting.manager_id]])
    valid = [f.validate() for f in (form, add, action) if f is not None]
    if not all(valid):
        outcome.status, outcome.form = 400, form
        outcome.forms = {name: f for name, f in (("add", add), ("action", action)) if f is not None}
        return outcome
    if form is not None:
        _save_meeting_form(outcome, form)
    if add is not None:
        kind = "custom" if lead else "talking_point"
        core.add_item(meeting, add.title.data, kind, current_user)
        outcome.added.append("Talking point added." if kind == "talking_point" else "Item added to the agenda.")
    if action is not None:
        core.add_action_item(meeting, action.owner.data, action.description.data, action.due_date.data, current_user)
        outcome.added.append("Action item added.")
    return outcome


def _save_meeting_form(outcome, form):
    """The meeting form's parts, with the version check; a conflict leaves ``outcome`` at 409 with
    the form re-based on what is stored (see :func:`_rebase`)."""
    meeting = outcome.meeting
    conflicts, private_saved = {}, False
    if meeting_access.can_write_private_note(meeting):
        typed = form.private_note.data or ""
        mine = core.private_note_of(meeting, current_user)
        if typed != (mine.text if mine else ""):
            saved = core.save_private_note(meeting, current_user, form.based_on_value(), typed)
            private_saved = saved is not None
            mine = saved if private_saved else core.private_note_of(meeting, current_user)
            if not private_saved:
                conflicts["private"] = Conflict("private", "My private note", mine.text if mine else "", typed)
        form.private_based_on.data = stamp(mine)
    # A part is saved only when the page had it (its signature as loaded came with it): a request
    # without the shared notes, say, leaves them alone instead of emptying them.
    typed = {"notes": (form.shared_notes_base.data, form.shared_notes.data or ""),
             "checkin": (form.check_in_base.data, (form.score_value(), form.word.data))}
    for entry in form.items:
        typed[f"item-{entry.form.id.data}"] = (entry.form.base.data, (entry.form.notes.data or "",
                                                                      bool(entry.form.done.data)))
    typed = {part: value for part, value in typed.items() if value[0]}
    written, clashes = core.save_all(meeting, form.version.data, typed)
    outcome.notes_saved = bool(written or private_saved)
    if written or clashes:  # a new version: what the button does next builds on it
        outcome.meeting = Meeting.get_by_id(meeting.id)
    if not conflicts and not clashes:
        return
    items = core.agenda_of(outcome.meeting)
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
    _rebase(form, outcome.meeting, items, conflicts)
    outcome.status, outcome.form, outcome.conflicts = 409, form, conflicts


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


def stamp(note):
    """A private note's ``updated_at`` as the form carries it ("" when there is no note yet)."""
    return note.updated_at.isoformat() if note is not None else ""


def _check_in_text(score, word):
    return " — ".join(str(v) for v in (score, word) if v) or "(empty)"
