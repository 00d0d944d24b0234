"""The numbers a 1:1 page shows beside its agenda: the worksheet's own (the report's scorecard for the
week the 1:1 reviews, with its sparklines, and the latest driver ratings: :func:`worksheets.numbers`),
so the page carries every figure the worksheet prints; the report's role skills with their gaps; and
the pair's last 1:1 with the action items agreed in it (the worksheet follows those up too).

Who may see them is the caller's to decide (:func:`dualdash.org.access.can_view_person`)."""
from dataclasses import dataclass

from dualdash.coaching import agenda, skills, worksheets
from dualdash.coaching.models import ActionItem
from dualdash.org.models import Person


@dataclass(frozen=True)
class SkillLine:
    """One role skill of the report: its status (expected, current) and how its gap reads."""

    status: skills.SkillStatus
    mark: skills.GapMark


@dataclass
class MeetingNumbers:
    """The scorecard and driver summary of :class:`worksheets.Numbers` (``sheet``) and the skills."""

    sheet: worksheets.Numbers
    skills: list
    #: The pair's previous held 1:1 (None: this is their first) and the action items agreed in it.
    last_meeting: object = None
    last_actions: list = ()

    def kpi_row(self, item):
        """The scorecard row an agenda item (kind "kpi") is about, or None for any other item."""
        key = agenda.kpi_key(item)
        return self.sheet.row_for(key) if key else None

    @property
    def gaps(self):
        """How many skills fall short of what the report's level expects."""
        return sum(1 for line in self.skills if line.status.gap)


def for_meeting(meeting, report, today=None):
    """The :class:`MeetingNumbers` of ``meeting`` with ``report`` (loaded with role, level and team):
    a fixed number of queries whatever the number of KPIs, drivers and skills. Skills short of their
    expectation come first, largest gap first; the others keep the role's order."""
    sheet = worksheets.numbers(report, meeting.scheduled_for.date(), today)
    found = skills.statuses([report])[report.id]
    ordered = sorted(found, key=lambda s: -s.gap)
    last = agenda.last_held_before(meeting)
    agreed = [] if last is None else list(
        ActionItem.select(ActionItem, Person).join(Person, on=(ActionItem.owner == Person.id))
        .where(ActionItem.meeting == last.id).order_by(ActionItem.due_date.is_null(), ActionItem.due_date,
                                                       ActionItem.id))
    return MeetingNumbers(sheet=sheet, skills=[SkillLine(s, skills.gap_mark(s)) for s in ordered],
                          last_meeting=last, last_actions=agreed)
