"""The demo organization's coaching history: role skills with assessments, driver ratings over the
year, past 1:1s with notes and action items (some overdue), and upcoming 1:1s for the demo manager.

The same models produce the 40-person demo's history and a large synthetic organization's."""
import datetime

from dualdash.coaching.models import (
    ActionItem,
    AgendaItem,
    DriverRating,
    Meeting,
    PrivateNote,
    RoleSkill,
    SkillAssessment,
    SkillExpectation,
)
from dualdash.plugins import manager as plugins

SKILLS = {
    "Account Executive": [("discovery", "Discovery calls"), ("negotiation", "Negotiation"),
                          ("crm_hygiene", "CRM hygiene"), ("product_knowledge", "Product knowledge")],
    "Sales Development Rep": [("cold_calling", "Cold calling"), ("qualification", "Qualification"),
                              ("crm_hygiene", "CRM hygiene")],
    "Support Agent": [("troubleshooting", "Troubleshooting"), ("written_communication", "Written replies"),
                      ("de_escalation", "De-escalation"), ("product_knowledge", "Product knowledge")],
    "Operations Analyst": [("sql", "SQL"), ("reporting", "Reporting"), ("process_mapping", "Process mapping")],
    "Team Lead": [("coaching", "Coaching"), ("hiring", "Hiring"), ("planning", "Planning")],
}
NOTES = [
    "Went through the numbers together. Pipeline looks healthier than last month.",
    "Talked about the big renewal and who else needs to be in the room.",
    "Good week. Agreed to try time-blocking mornings for outreach.",
    "Discussed the customer escalation and what we would do differently.",
    "Reviewed last time's commitments: two done, one moved.",
]
ACTIONS = ["Book a call with the customer's finance lead", "Update the opportunity notes in the CRM",
           "Shadow a senior colleague on two calls", "Draft the proposal and share it for review",
           "Write up the escalation for the knowledge base", "Block two mornings a week for outreach"]
PRIVATE_NOTE = "Private: keep an eye on workload before the quarter end."
#: Past 1:1s, every other week over the last twelve.
MEETING_WEEKS = (12, 10, 8, 6, 4, 2)
#: The half-hour slots of a working day that 1:1s are booked into.
SLOTS = tuple(datetime.time(hour, minute) for hour in range(9, 17) for minute in (0, 30))


def weekday_on_or_after(day):
    """``day``, or the Monday after it when it falls on a weekend."""
    return day + datetime.timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def weekday_on_or_before(day):
    """``day``, or the Friday before it when it falls on a weekend."""
    return day - datetime.timedelta(days=day.weekday() - 4) if day.weekday() >= 5 else day


class Diary:
    """The managers' booked 1:1 slots, so no manager has two 1:1s at the same time."""

    def __init__(self):
        self.taken = set()

    def book(self, manager_id, day, first=0):
        """The first free half-hour slot of ``manager_id`` from ``SLOTS[first]`` on ``day`` (or on
        the next weekdays, when that day is full), as a datetime."""
        while True:
            for slot in SLOTS[first:] + SLOTS[:first]:
                if (manager_id, day, slot) not in self.taken:
                    self.taken.add((manager_id, day, slot))
                    return datetime.datetime.combine(day, slot)
            day = weekday_on_or_after(day + datetime.timedelta(days=1))


def load_coaching(loader, rng, people, skills, roles, levels, today, upcoming_for):
    """Create the coaching history of ``people`` (in order): role skills and their assessments,
    driver ratings, past 1:1s, and an upcoming 1:1 on the next weekday between the person ``upcoming_for``
    (an id) and each of their reports. Deterministic for ``rng``.

    Returns ``(ratings, assessments, meetings, action items)`` counts."""
    skill_ids = load_skills(loader, skills, roles, levels)
    assessments = []
    ratings = loader.insert(DriverRating, ("person", "rated_by", "driver_key", "score", "rated_on", "comment",
                                           "is_self"),
                            _ratings(rng, people, skill_ids, today, assessments), prepared=True)
    loader.insert(SkillAssessment, ("person", "skill", "assessed_by", "proficiency", "note", "assessed_on",
                                    "is_self"), assessments)
    notes, agenda, actions = [], [], []
    meetings = loader.insert(Meeting, ("id", "manager", "report", "scheduled_for", "status", "held_at",
                                       "shared_notes", "check_in_score", "check_in_word", "repeat_every_days",
                                       "prepared_at"),
                             _meetings(loader.next_id(Meeting), rng, people, today, upcoming_for, notes, agenda,
                                       actions))
    loader.take_ids(Meeting, meetings)
    loader.insert(PrivateNote, ("meeting", "author", "text"), notes)
    loader.insert(AgendaItem, ("meeting", "position", "kind", "title", "source"), agenda)
    loader.insert(ActionItem, ("owner", "description", "due_date", "meeting", "created_by", "status",
                               "completed_at"), actions)
    return ratings, len(assessments), meetings, len(actions)


def load_skills(loader, skills, roles, levels):
    """Create the role skills (role name → [(key, name)]) and what each level expects of them
    (one step above the level's rank, at most Expert); return ``{role id: [skill ids]}``."""
    first = loader.take_ids(RoleSkill, sum(len(s) for s in skills.values()))
    rows, expectations, by_role = [], [], {}
    for role_name, role_skills in skills.items():
        created = by_role.setdefault(roles[role_name], [])
        for position, (key, name) in enumerate(role_skills, 1):
            skill_id = first + len(rows)
            rows.append((skill_id, roles[role_name], key, name, position))
            expectations += [(skill_id, level_id, min(4, rank + 1))
                             for rank, level_id in enumerate(levels[role_name], 1)]
            created.append(skill_id)
    loader.insert(RoleSkill, ("id", "role", "key", "name", "position"), rows)
    loader.insert(SkillExpectation, ("skill", "level", "proficiency"), expectations)
    return by_role


def _started(people):
    """``{person id: start date}`` (a person without one counts as always there)."""
    return {p.id: p.start_date or datetime.date.min for p in people}


def _ratings(rng, people, skill_ids, today, assessments):
    """Driver ratings by each person's manager, monthly over the last year (the latest a couple of
    weeks ago, so only low ones are due for discussion), and a self-rating every third month.
    Quarterly skill assessments go to ``assessments`` on the way (same person, same random stream).
    Nothing is dated before the person, or their manager, started."""
    started = _started(people)
    drivers = [(key, driver.roles, [p.value for p in driver.scale])
               for key, driver in plugins.current().drivers.items()]
    for person in people:
        if person.manager_id is None:
            continue
        base = rng.choice([2, 3, 3, 4, 4])
        since = max(started[person.id], started.get(person.manager_id, datetime.date.min))
        for month in range(12, 0, -1):
            on = today - datetime.timedelta(days=30 * month - 16 + rng.randrange(5))
            if on < since:
                continue
            day = on.isoformat()
            for key, driver_roles, values in drivers:
                if driver_roles and (not person.role or person.role not in driver_roles):
                    continue
                score = min(max(values), max(min(values), base + rng.choice([-1, 0, 0, 1])))
                yield person.id, person.manager_id, key, score, day, "", False
                if month % 3 == 0:
                    yield person.id, person.id, key, min(max(values), score + rng.choice([0, 1])), day, "", True
        for skill in skill_ids.get(person.role_id, []):
            level = rng.choice([1, 2, 2, 3])
            for quarter in range(4, 0, -1):
                if today - datetime.timedelta(days=91 * quarter) < since:
                    continue
                assessments.append((person.id, skill, person.manager_id, min(4, level + (4 - quarter) // 2), "",
                                    today - datetime.timedelta(days=91 * quarter), False))


def _meetings(meeting_id, rng, people, today, upcoming_for, notes, agenda, actions):
    """Fortnightly 1:1s over the last twelve weeks for every manager and report (a few missed);
    each held one has notes, a private note, an opening agenda item and an action item. On the next
    weekday, a 1:1 between ``upcoming_for`` and each of their reports, in half-hour slots from 9:00.
    Every 1:1 is on a weekday, in a half-hour slot of its manager's no other 1:1 of theirs takes, and
    none is before the person or their manager started.
    Meetings get consecutive ids from ``meeting_id`` (their notes, agenda and action items refer to them)."""
    started = _started(people)
    diary = Diary()
    next_day = weekday_on_or_after(today + datetime.timedelta(days=1))
    for person in people:
        if person.manager_id is None:
            continue
        since = max(started[person.id], started.get(person.manager_id, datetime.date.min))
        for weeks_ago in MEETING_WEEKS:
            day = weekday_on_or_before(today - datetime.timedelta(weeks=weeks_ago, days=rng.randrange(3)))
            hour = rng.randrange(6)
            if day < since:
                continue
            when = diary.book(person.manager_id, day, first=2 + 2 * hour)  # from 10:00 to 15:00
            missed = rng.random() < 0.08
            if missed:
                yield meeting_id, person.manager_id, person.id, when, "planned", None, "", None, None, 14, when
            else:
                yield (meeting_id, person.manager_id, person.id, when, "held", when, rng.choice(NOTES),
                       rng.choice([3, 4, 4, 5]), rng.choice(["steady", "busy", "good", "stretched"]), 14, when)
                notes.append((meeting_id, person.manager_id, PRIVATE_NOTE))
                agenda.append((meeting_id, 1, "opening", "Opening: how are things?", "opening"))
                due = when.date() + datetime.timedelta(days=rng.choice([5, 7, 10]))
                late = rng.random()
                done = due < today and late < 0.75
                actions.append((person.id, rng.choice(ACTIONS), due, meeting_id, person.manager_id,
                                "done" if done else "open",
                                datetime.datetime.combine(due + datetime.timedelta(days=0 if late < 0.5 else 3),
                                                          datetime.time(17)) if done else None))
            meeting_id += 1
        if person.manager_id == upcoming_for:
            yield (meeting_id, person.manager_id, person.id, diary.book(person.manager_id, next_day), "planned",
                   None, "", None, None, 14, None)
            meeting_id += 1
