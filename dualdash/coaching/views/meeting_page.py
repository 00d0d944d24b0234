"""The 1:1 page itself: the agenda with its coaching questions and the report's numbers beside it,
shared notes, check-in, private notes, driver ratings and action items, and for whoever may type in
it the page's one form (see :mod:`dualdash.coaching.views.meeting_typed`)."""
import datetime
from dataclasses import dataclass

from flask import render_template, url_for
from flask_login import current_user

from dualdash.coaching import access as meeting_access
from dualdash.coaching import agenda, meeting_numbers
from dualdash.coaching import meetings as core
from dualdash.coaching.forms.meetings import ACTION, ADD_ITEM, MEETING, ActionItemForm, AddItemForm, MeetingForm
from dualdash.coaching.models import AgendaItem, DriverRating
from dualdash.coaching.views.meeting_typed import stamp
from dualdash.kpis import scorecards
from dualdash.kpis.views.scorecard_pages import band_class, band_label, format_value, line_for
from dualdash.org import access
from dualdash.org.models import Person
from dualdash.plugins import manager as plugins


@dataclass
class AgendaRow:
    item: AgendaItem
    questions: list
    link: tuple  # (href, label) or None
    form: object = None  # its part of the meeting form (leaders only)
    value_note: str = None  # a KPI's item: the note entered with the value it is about
    kpi_row: object = None  # a KPI's item: its scorecard row (value, band, trend), shown inline


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


def _loaded_form(meeting, items, mine):
    """The leader's meeting form as stored: each shared part with its signature as loaded."""
    stored = core.shared_parts(meeting, items)
    return MeetingForm(formdata=None, prefix=MEETING, data={
        "version": meeting.version, "shared_notes": meeting.shared_notes,
        "shared_notes_base": core.signature(stored["notes"]),
        "check_in_base": core.signature(stored["checkin"]), "word": meeting.check_in_word or "",
        "score": str(meeting.check_in_score) if meeting.check_in_score else "",
        "private_based_on": stamp(mine), "private_note": mine.text if mine else "",
        "items": [{"id": i.id, "notes": i.notes, "done": i.done,
                   "base": core.signature(stored[f"item-{i.id}"])} for i in items]})


def _item_forms(form, items, meeting):
    """``{item id: its part of the form}``; items added since the form was posted get their stored values."""
    entries = {entry.form.id.data: entry.form for entry in form.items}
    missing = [item for item in items if item.id not in entries]
    if missing:
        stored = core.shared_parts(meeting, items)
        for item in missing:
            entries[item.id] = form.items.append_entry({
                "id": item.id, "notes": item.notes, "done": item.done,
                "base": core.signature(stored[f"item-{item.id}"])}).form
    return entries


def render(meeting, status=200, forms=None, form=None, conflicts=None):
    """The meeting page. ``forms`` replaces its small forms (new agenda item, new action item) with
    posted ones that have errors; ``form`` is the posted meeting form (errors, or re-based on the new
    version after a conflict) and ``conflicts`` the parts in conflict (``{part: Conflict}``), each
    shown with both texts."""
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
    if lead and form is None:
        form = _loaded_form(meeting, items, mine)
    entries = _item_forms(form, items, meeting) if form is not None else {}
    # The report's numbers, as the worksheet prints them, for whoever may see the report's scorecard
    # (the manager of a report who has moved on keeps the meeting, not the numbers).
    numbers = meeting_numbers.for_meeting(meeting, report) if access.can_view_person(report) else None
    if numbers is not None:
        value_notes = {row.kpi.key: row.current.note for row in numbers.sheet.card.rows if row.current.note}
    elif any(agenda.kpi_key(item) for item in items):
        value_notes = agenda.value_notes(report, meeting.scheduled_for.date())
    else:
        value_notes = {}
    rows = [AgendaRow(item, agenda.questions(item), _source_link(item, meeting), form=entries.get(item.id),
                      value_note=value_notes.get(agenda.kpi_key(item)),
                      kpi_row=numbers.kpi_row(item) if numbers else None) for item in items]
    names = {manager.id: manager.name, report.id: report.name, current_user.id: current_user.name}
    ratings = list(DriverRating.select(DriverRating, Person).join(Person, on=(DriverRating.rated_by == Person.id))
                   .where(DriverRating.meeting == meeting.id).order_by(DriverRating.driver_key, DriverRating.id))
    if lead:
        forms.setdefault("action", ActionItemForm(formdata=None, prefix=ACTION, owners=[report, manager],
                                                  data={"owner": report.id}))
    if meeting_access.can_add_to_agenda(meeting):
        forms.setdefault("add", AddItemForm(formdata=None, prefix=ADD_ITEM))
    return render_template(
        "coaching/meetings/show.html", meeting=meeting, manager=manager, report=report, lead=lead, is_report=is_report,
        status=core.status_of(meeting), rows=rows, names=names, ratings=ratings, drivers=fw.drivers,
        actions=core.action_items_for(meeting), other_notes=others, form=form, forms=forms,
        conflicts=conflicts or {}, may_write_private=meeting_access.can_write_private_note(meeting),
        today=datetime.date.today(), may_tick=lambda a: lead or a.owner_id == current_user.id, numbers=numbers,
        fmt=format_value, band_label=band_label, band_class=band_class, line_for=line_for,
    ), status


def render_typed(typed):
    """The page again after :func:`~dualdash.coaching.views.meeting_typed.save_typed` stopped, with
    everything that was typed."""
    return render(typed.meeting, typed.status, forms=typed.forms, form=typed.form, conflicts=typed.conflicts)
