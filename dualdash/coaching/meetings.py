"""1:1 meetings: scheduling, holding, notes saved with a version check, agenda edits, action items.

Safe editing: every form that edits meeting text carries the version it was based on. A save is one
``UPDATE … WHERE version = <the version the form was based on>`` that also bumps the version, so of
two people saving from the same version exactly one wins, on SQLite and on PostgreSQL alike; the
other is told (the save functions return False) and shown both texts. Shared parts (shared notes,
check-in, agenda item notes) use ``Meeting.version`` and are saved together (:func:`save_all`, what
the meeting page's one form posts); a private note uses its own ``updated_at``.

Scheduled times are wall-clock times as people enter them (naive), so they are compared with
:func:`now`, not with the UTC timestamps of ``created_at`` / ``held_at``."""
import datetime
import hashlib

from peewee import IntegrityError

from dualdash.coaching.models import ActionItem, AgendaItem, Meeting, PrivateNote
from dualdash.db import utcnow, write_transaction
from dualdash.org.audit import record, snapshot
from dualdash.shared import dates

#: "Repeat every" choices offered when scheduling (days).
REPEAT_CHOICES = (7, 14, 28)
#: A leader opening a meeting this close to its time finds the agenda already built.
PREPARE_AHEAD = datetime.timedelta(days=2)
#: What the audit trail says instead of a private note's text.
PRIVATE_TEXT = "changed (private: the text is not recorded)"
#: The fields of a meeting's audit entries (never private notes: they live in another table).
AUDITED = ("status", "scheduled_for", "held_at", "shared_notes", "check_in_score", "check_in_word",
           "repeat_every_days", "version")


def now():
    """The current wall-clock time, as scheduled times are entered."""
    return datetime.datetime.now().replace(microsecond=0)


def default_time(today=None):
    """When a new 1:1 defaults to: tomorrow at 10:00."""
    today = today or datetime.date.today()
    return datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10, 0))


def status_of(meeting, at=None):
    """"planned", "held", "cancelled", or "missed" (planned, and its time has passed)."""
    if meeting.status == "planned" and meeting.scheduled_for < (at or now()):
        return "missed"
    return meeting.status


def due_for_preparation(meeting, at=None):
    """Is ``meeting`` planned, not prepared yet, and within :data:`PREPARE_AHEAD` (today counts)?"""
    at = at or now()
    start_of_today = datetime.datetime.combine(at.date(), datetime.time())
    return (meeting.status == "planned" and meeting.prepared_at is None
            and start_of_today <= meeting.scheduled_for <= at + PREPARE_AHEAD)


def _audit_values(meeting):
    return {k: v for k, v in snapshot(meeting).items() if k in AUDITED or k in ("manager", "report")}


# --- scheduling --------------------------------------------------------------------------------

def schedule(manager, report, when, repeat_every_days=None):
    """Create a planned 1:1 led by ``manager`` with ``report`` at ``when``; recorded in the audit trail."""
    with write_transaction():
        meeting = Meeting.create(manager=manager.id if hasattr(manager, "id") else manager,
                                 report=report.id if hasattr(report, "id") else report,
                                 scheduled_for=when, repeat_every_days=repeat_every_days or None)
        record("create", meeting, None, _audit_values(meeting))
    return meeting


def mark_held(meeting, at=None):
    """Mark a planned (or missed) meeting held. When it repeats, the next one is planned
    ``repeat_every_days`` after this one's scheduled time (the same pair, same cadence).

    Returns ``(held, next_meeting)``: ``held`` is False when it was already held or cancelled
    (e.g. a second click, or someone else was quicker) — then nothing is created twice."""
    with write_transaction():
        before = _audit_values(meeting)
        held_at = at or utcnow()
        changed = (Meeting.update(status="held", held_at=held_at, version=Meeting.version + 1)
                   .where((Meeting.id == meeting.id) & (Meeting.status == "planned")).execute())
        if not changed:
            return False, None
        meeting.status, meeting.held_at, meeting.version = "held", held_at, meeting.version + 1
        record("held", meeting, before, _audit_values(meeting))
        following = None
        when = _next_time(meeting)
        if when is not None:
            following = schedule(meeting.manager_id, meeting.report_id, when, meeting.repeat_every_days)
    return True, following


def _next_time(meeting):
    """When the 1:1 after ``meeting`` is planned, or None: it does not repeat, or the next one would
    fall outside the accepted dates (:mod:`dualdash.shared.dates`: a 1:1 stored at 9999-12-31 from
    before the window was enforced can still be marked held, it just plans no successor)."""
    if not meeting.repeat_every_days:
        return None
    try:
        when = meeting.scheduled_for + datetime.timedelta(days=meeting.repeat_every_days)
    except OverflowError:
        return None
    return when if dates.in_window(when) else None


def cancel(meeting):
    """Cancel a planned meeting (a held one stays held). Returns False when it was not planned."""
    with write_transaction():
        before = _audit_values(meeting)
        changed = (Meeting.update(status="cancelled", version=Meeting.version + 1)
                   .where((Meeting.id == meeting.id) & (Meeting.status == "planned")).execute())
        if changed:
            meeting.status, meeting.version = "cancelled", meeting.version + 1
            record("cancel", meeting, before, _audit_values(meeting))
    return bool(changed)


# --- shared parts, guarded by Meeting.version ----------------------------------------------------

def _bump(meeting_id, based_on, **values):
    """The compare-and-set at the heart of safe editing: 1 row when ``based_on`` is still current."""
    return (Meeting.update(version=Meeting.version + 1, **values)
            .where((Meeting.id == meeting_id) & (Meeting.version == based_on)).execute())


def signature(value):
    """A short fingerprint of what one part of a meeting held when a form was loaded (the form carries
    it, hidden), so a save can tell what was changed on the page from what others saved meanwhile.
    Line breaks count the same whichever way a browser sends them."""
    text = "\x1f".join("" if v is None else str(v) for v in (value if isinstance(value, tuple) else (value,)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def shared_parts(meeting, items=None):
    """The shared parts of ``meeting`` as :func:`save_all` compares them: ``{"notes": text,
    "checkin": (score, word), "item-<id>": (notes, done)}``."""
    parts = {"notes": meeting.shared_notes or "", "checkin": (meeting.check_in_score, meeting.check_in_word)}
    for item in agenda_of(meeting) if items is None else items:
        parts[f"item-{item.id}"] = (item.notes or "", bool(item.done))
    return parts


def save_all(meeting, based_on, typed):
    """Save everything typed in the shared parts of the meeting at once (what the meeting page's one
    form posts): ``typed`` is ``{part: (signature as loaded, value)}`` with the parts and values of
    :func:`shared_parts` (a part of another meeting, or removed meanwhile, is left out).

    Only the parts changed on the page are written (and audited). When nobody saved since version
    ``based_on``, all of them are; otherwise a part is still written when nobody else changed it
    (its stored signature is the one loaded), and is in conflict when they did: it is not written.
    The writes are one compare-and-set on the version, in one transaction.

    Returns ``(written, conflicts)``: the parts written, and ``{part: stored value}`` of those in
    conflict (None: an item removed meanwhile on which something was typed)."""
    with write_transaction():
        fresh = Meeting.get_by_id(meeting.id)
        items = {f"item-{i.id}": i for i in agenda_of(fresh)}
        stored = shared_parts(fresh, items.values())
        write, conflicts = {}, {}
        for part, (loaded, value) in typed.items():
            if part not in stored:
                if part.startswith("item-") and signature(value) != loaded:
                    conflicts[part] = None  # removed meanwhile, with notes typed on it: say so
                continue
            if part == "checkin":
                value = (value[0], (value[1] or "").strip() or None)
            if signature(value) in (loaded, signature(stored[part])):
                continue  # not changed on the page, or already what was typed
            if fresh.version == based_on or signature(stored[part]) == loaded:
                write[part] = value
            else:
                conflicts[part] = stored[part]
        if not write:
            return [], conflicts
        values = {}
        if "notes" in write:
            values["shared_notes"] = write["notes"]
        if "checkin" in write:
            values["check_in_score"], values["check_in_word"] = write["checkin"]
        if not _bump(fresh.id, fresh.version, **values):
            # Saved by someone else within this very instant: all of it is in conflict (nothing lost).
            fresh = Meeting.get_by_id(meeting.id)
            stored = shared_parts(fresh)
            return [], {**conflicts, **{part: stored.get(part) for part in write}}
        before = _audit_values(fresh)
        for part, (notes, done) in ((p, v) for p, v in write.items() if p.startswith("item-")):
            item = items[part]
            AgendaItem.update(notes=notes, done=done).where(AgendaItem.id == item.id).execute()
            item_before = {"notes": item.notes, "done": item.done}
            item.notes, item.done = notes, done
            record("update", item, item_before, {"notes": notes, "done": done})
        for key, value in values.items():
            setattr(fresh, key, value)
        fresh.version += 1
        if values:
            after = _audit_values(fresh)
            record("update", fresh, {k: v for k, v in before.items() if before[k] != after[k]},
                   {k: v for k, v in after.items() if before[k] != after[k]})
    return list(write), conflicts


# --- private notes, guarded by their own updated_at ------------------------------------------------

def private_note_of(meeting, author):
    """``author``'s private note on ``meeting``, or None."""
    return PrivateNote.get_or_none((PrivateNote.meeting == meeting.id) & (PrivateNote.author == author.id))


def save_private_note(meeting, author, based_on, text):
    """Save ``author``'s private note. ``based_on`` is the ``updated_at`` the form was loaded with
    (None: there was no note yet). Returns the saved note, or None on a conflict.

    The audit trail learns that a private note changed, never what it says."""
    stamp = utcnow()
    with write_transaction():
        if based_on is None:
            try:
                with write_transaction():
                    note = PrivateNote.create(meeting=meeting.id, author=author.id, text=text, updated_at=stamp)
            except IntegrityError:
                return None  # written meanwhile (another tab): show both
        else:
            # Strictly later than the version it replaces, even within one clock tick.
            stamp = max(stamp, based_on + datetime.timedelta(microseconds=1))
            changed = (PrivateNote.update(text=text, updated_at=stamp)
                       .where((PrivateNote.meeting == meeting.id) & (PrivateNote.author == author.id)
                              & (PrivateNote.updated_at == based_on)).execute())
            if not changed:
                return None
            note = private_note_of(meeting, author)
        record("create" if based_on is None else "update", note,
               None if based_on is None else {"updated_at": based_on},
               {"meeting": meeting.id, "author": author.id, "updated_at": stamp, "text": PRIVATE_TEXT})
    return note


# --- the agenda -----------------------------------------------------------------------------------

def agenda_of(meeting):
    """The meeting's agenda items in order."""
    return list(AgendaItem.select().where(AgendaItem.meeting == meeting.id)
                .order_by(AgendaItem.position, AgendaItem.id))


def add_item(meeting, title, kind, added_by):
    """Add an item at the end of the agenda (before the close, when there is one)."""
    with write_transaction():
        items = agenda_of(meeting)
        closing = [i for i in items if i.kind == "closing"]
        position = (max((i.position for i in items), default=0) + 1)
        if closing:
            position = closing[0].position
            for c in closing:
                AgendaItem.update(position=AgendaItem.position + 1).where(AgendaItem.id == c.id).execute()
        item = AgendaItem.create(meeting=meeting.id, position=position, kind=kind, title=title,
                                 added_by=added_by.id)
        record("create", item, None, snapshot(item))
    return item


def remove_item(item):
    """Delete an agenda item (it is the meeting's own list: nothing else refers to it)."""
    with write_transaction():
        record("delete", item, snapshot(item), None)
        item.delete_instance()


def move_item(meeting, item, step):
    """Move ``item`` one place up (``step`` -1) or down (+1); positions become 1, 2, 3…"""
    with write_transaction():
        # Lock the meeting row first so two moves at once cannot interleave.
        Meeting.update(version=Meeting.version).where(Meeting.id == meeting.id).execute()
        items = agenda_of(meeting)
        index = next((i for i, it in enumerate(items) if it.id == item.id), None)
        target = None if index is None else index + step
        if target is None or not 0 <= target < len(items):
            return False
        items[index], items[target] = items[target], items[index]
        for position, it in enumerate(items, start=1):
            if it.position != position:
                AgendaItem.update(position=position).where(AgendaItem.id == it.id).execute()
        record("move", item, {"position": index + 1}, {"position": target + 1})
    return True


# --- action items ---------------------------------------------------------------------------------

def action_items_for(meeting):
    """The report's open action items and every one created in this meeting (open first, by due date)."""
    from dualdash.org.models import Person
    query = (ActionItem.select(ActionItem, Person).join(Person, on=(ActionItem.owner == Person.id))
             .where(((ActionItem.owner == meeting.report_id) & (ActionItem.status == "open"))
                    | (ActionItem.meeting == meeting.id))
             .order_by(ActionItem.status.desc(), ActionItem.due_date.is_null(), ActionItem.due_date,
                       ActionItem.id))
    return list(query)


def add_action_item(meeting, owner_id, description, due_date, created_by):
    """Create an open action item in ``meeting``; audited."""
    with write_transaction():
        item = ActionItem.create(owner=owner_id, description=description, due_date=due_date,
                                 meeting=meeting.id, created_by=created_by.id)
        record("create", item, None, snapshot(item))
    return item


def set_action_status(item, status):
    """Mark an action item "done" (with when) or "open" again; audited. False when unchanged."""
    if status not in ("open", "done") or item.status == status:
        return False
    with write_transaction():
        before = snapshot(item)
        item.status = status
        item.completed_at = utcnow() if status == "done" else None
        item.save()
        record("update", item, before, snapshot(item))
    return True
