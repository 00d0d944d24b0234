"""What a printed 1:1 worksheet holds: the person, their scorecard snapshot with sparklines, the
agenda with its coaching questions, the drivers to rate by hand, last meeting's and the still open
action items, and the sections plugins add.

:func:`for_meeting` gathers it for a scheduled 1:1, :func:`blank` for a report ahead of a 1:1 that
is not scheduled yet. Neither decides who may see what: the view asks :mod:`dualdash.coaching.access`, and a
private note is only ever passed in by the caller."""
import datetime
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from dualdash.charts.sparkline import sparkline
from dualdash.coaching import agenda
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting
from dualdash.kpis import periods, scorecards
from dualdash.kpis.values_text import value_text
from dualdash.org import settings as org_settings
from dualdash.org.models import Person
from dualdash.plugins import manager as plugins
from dualdash.plugins.checks import Invalid, coerce
from dualdash.plugins.types import WorksheetSection

#: Weeks of history drawn in each sparkline.
HISTORY = 13
HOOK = "dualdash_worksheet_sections"


@dataclass
class AgendaLine:
    """One agenda item as printed: its title, kind, the coaching questions for its situation, and
    what was recorded on it (done, notes)."""

    title: str
    kind: str
    questions: list
    done: bool = False
    #: For a KPI's item: the note entered with the value it is about.
    value_note: str | None = None
    kpi_key: str | None = None
    notes: str = ""


@dataclass
class DriverLine:
    """A driver to rate by hand: its definition (with its scale) and the latest ratings, if any."""

    driver: object
    last: DriverRating | None = None
    last_self: DriverRating | None = None


@dataclass
class Worksheet:
    """Everything a worksheet prints. ``meeting`` is None on a blank worksheet."""

    person: Person
    manager: Person | None
    date: datetime.date
    period: object
    period_label: str
    card: object
    sparks: dict
    agenda: list
    agenda_proposed: bool
    drivers: list
    last_meeting: Meeting | None
    actions: list
    sections: list
    meeting: Meeting | None = None
    shared_notes: str = ""
    private_note: str | None = None
    action_sources: dict = field(default_factory=dict)
    #: The action items agreed in this meeting (printed under "New action items").
    agreed: list = field(default_factory=list)
    #: The report's scorecard and ratings are left out (see :func:`for_meeting`).
    numbers_withheld: bool = False

    def agenda_columns(self):
        """The agenda split in two columns of about the same height (an item with its questions
        stays whole). Two lists print much faster with WeasyPrint than CSS columns."""
        weights = [1 + len(line.questions) for line in self.agenda]
        total, running = sum(weights), 0
        for i, weight in enumerate(weights):
            if running + weight / 2 > total / 2:
                return self.agenda[:i], self.agenda[i:]
            running += weight
        return self.agenda, []


def for_meeting(meeting, private_note=None, today=None, may_see_report=None):
    """The worksheet of a scheduled 1:1. ``private_note`` (text) is printed only when given: the
    caller decides whether the viewer asked for it and may read it. ``may_see_report(report)``, when
    given, decides whether the report's scorecard and driver ratings are printed (not for a viewer
    who may see the meeting but not the report: a manager the report has moved away from)."""
    people = scorecards.people_with_details([meeting.report_id, meeting.manager_id])
    report = people[meeting.report_id]
    with_numbers = may_see_report is None or may_see_report(report)
    if meeting.prepared_at is None:
        lines, proposed = _proposed_agenda(meeting, report, today, with_numbers), True
    else:
        stored = AgendaItem.select().where(AgendaItem.meeting == meeting.id).order_by(AgendaItem.position,
                                                                                      AgendaItem.id)
        lines, proposed = [_line(item, item.done, item.notes) for item in stored], False
    sheet = _sheet(report, people.get(meeting.manager_id), meeting, lines, proposed, today, with_numbers=with_numbers)
    sheet.shared_notes = meeting.shared_notes or ""
    sheet.private_note = private_note
    sheet.agreed = list(ActionItem.select(ActionItem, Person).join(Person, on=(ActionItem.owner == Person.id))
                        .where(ActionItem.meeting == meeting.id).order_by(ActionItem.id))
    return sheet


def blank(report_id, manager, today=None):
    """A worksheet for a report ahead of an unscheduled 1:1 dated today: the agenda is proposed
    from a transient meeting (nothing is stored)."""
    today = today or datetime.date.today()
    report = scorecards.people_with_details([report_id])[report_id]
    transient = Meeting(manager=manager.id, report=report.id,
                        scheduled_for=datetime.datetime.combine(today, datetime.time(23, 59)))
    lines = [_line(p) for p in agenda.propose(transient, report, today)]
    return _sheet(report, manager, None, lines, True, today, hook_meeting=transient)


def _proposed_agenda(meeting, report, today, with_numbers):
    """What prepare() would store, without storing it: the built items, the talking points already
    added, then the close."""
    proposed = agenda.propose(meeting, report, today, with_numbers)
    existing = AgendaItem.select().where(AgendaItem.meeting == meeting.id).order_by(AgendaItem.position,
                                                                                    AgendaItem.id)
    return [_line(p) for p in proposed[:-1]] + [_line(i, i.done) for i in existing] + \
        [_line(p) for p in proposed[-1:]]


def _line(item, done=False, notes=""):
    return AgendaLine(title=item.title, kind=item.kind, questions=agenda.questions(item), done=done,
                      kpi_key=agenda.kpi_key(item), notes=notes or "")


@dataclass
class Numbers:
    """The numbers a worksheet prints for a 1:1 on ``date``: the scorecard of the week it reviews
    (``card``, with a sparkline per KPI id in ``sparks``) and the latest driver ratings. The 1:1 page
    shows the same object, so both always carry the same figures."""

    date: datetime.date
    period: object
    period_label: str
    card: object
    sparks: dict
    drivers: list

    def row_for(self, kpi_key):
        """The scorecard row of the KPI with this key, or None when it is not on the scorecard."""
        return next((row for row in self.card.rows if row.kpi.key == kpi_key), None)


def numbers(report, day, today=None, with_numbers=True):
    """The :class:`Numbers` of ``report`` (loaded with role, level and team) for a 1:1 on ``day``:
    a fixed number of queries (one scorecard, one query of driver ratings). ``with_numbers`` False
    gives the period alone, with an empty scorecard and no ratings (nothing is loaded)."""
    view = agenda.review_period(day)
    label = periods.label(view, org_settings.get().fiscal_year_start_month)
    if not with_numbers:
        return Numbers(date=day, period=view, period_label=label, card=scorecards.PersonScorecard(report, view, []),
                       sparks={}, drivers=[])
    card = scorecards.build([report], view, history=HISTORY, today=today)[0]
    return Numbers(date=day, period=view, period_label=label, card=card,
                   sparks={row.kpi.id: _spark(row) for row in card.rows}, drivers=_drivers(report))


def _sheet(report, manager, meeting, lines, proposed, today, hook_meeting=None, with_numbers=True):
    day = meeting.scheduled_for.date() if meeting is not None else (today or datetime.date.today())
    found = numbers(report, day, today, with_numbers)
    notes = {row.kpi.key: row.current.note for row in found.card.rows if row.current.note}
    for line in lines:
        line.value_note = notes.get(line.kpi_key) if line.kpi_key else None
    last = agenda.last_held_before(meeting or hook_meeting)
    actions, from_last = _actions(report, last)
    return Worksheet(
        person=report, manager=manager, date=day, period=found.period, period_label=found.period_label,
        card=found.card, sparks=found.sparks, agenda=lines, agenda_proposed=proposed,
        drivers=found.drivers, last_meeting=last, actions=actions,
        sections=plugin_sections(meeting or hook_meeting, report), meeting=meeting,
        action_sources=from_last, numbers_withheld=not with_numbers)


def _spark(row):
    """A small sparkline of a KPI's history with its current benchmark lines."""
    bench = row.current.benchmark or next((p.benchmark for p in reversed(row.history) if p.benchmark), None)
    values = [p.value for p in row.history]
    known = [v for v in values if v is not None]
    text = f"{row.kpi.name} over the last {len(values)} weeks: " + (
        f"{len(known)} with data, from {value_text(known[0], row.kpi)} to {value_text(known[-1], row.kpi)}"
        if known else "no data")
    return sparkline(values, meets=bench.meets if bench else None, exceeds=bench.exceeds if bench else None,
                     width=96, height=22, label=text, bands=[p.band for p in row.history])


def _drivers(report):
    """The drivers that apply to the person's role, with the latest manager and self ratings (one query)."""
    role = report.role.name if report.role_id else None
    latest, latest_self = {}, {}
    for rating in (DriverRating.select().where(DriverRating.person == report.id)
                   .order_by(DriverRating.rated_on, DriverRating.id)):
        (latest_self if rating.is_self else latest)[rating.driver_key] = rating
    return [DriverLine(driver, latest.get(key), latest_self.get(key))
            for key, driver in plugins.current().drivers.items() if not driver.roles or role in driver.roles]


def _actions(report, last):
    """Last meeting's action items (whoever owns them), then the report's other open ones, each with
    its owner (one query). Also ``{id: True}`` for those from the last meeting."""
    condition = (ActionItem.owner == report.id) & (ActionItem.status == "open")
    if last is not None:
        condition = condition | (ActionItem.meeting == last.id)
    query = (ActionItem.select(ActionItem, Person).join(Person, on=(ActionItem.owner == Person.id))
             .where(condition).order_by(ActionItem.due_date.is_null(), ActionItem.due_date, ActionItem.id))
    items = list(query)
    from_last = {a.id: True for a in items if last is not None and a.meeting_id == last.id}
    items.sort(key=lambda a: 0 if a.id in from_last else 1)  # stable: keeps the due-date order inside
    return items, from_last


def plugin_sections(meeting, report):
    """The plugins' extra sections, their HTML escaped unless it is ``Markup``. A plugin that raises
    or returns something malformed is reported on the page and left out."""
    found = []
    person = scorecards.person_info(report)
    for plugin, result in plugins.current().call_each(HOOK, meeting=meeting, person=person):
        for item in result or ():
            try:
                section = coerce(WorksheetSection, item)
            except Invalid as exc:
                plugins.report_failure(plugin, HOOK, exc)
                continue
            html = section.html if isinstance(section.html, Markup) else escape(str(section.html))
            # Plain text was escaped just above; Markup from a plugin is the plugin's own, trusted HTML.
            found.append(WorksheetSection(title=str(section.title), html=Markup(html)))  # nosec B704
    return found
