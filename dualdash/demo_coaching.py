"""The demo organization's coaching history: role skills with assessments, driver ratings over the
year, past 1:1s with notes and action items (some overdue), and an upcoming 1:1 for the demo manager."""
import datetime

from . import plugins
from .models import (ActionItem, AgendaItem, DriverRating, Meeting, PrivateNote, RoleSkill, SkillAssessment,
                     SkillExpectation)

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


def build_coaching(rng, people, roles, levels, today, manager_email):
    """Create the coaching history for ``people`` (with role and level loaded). Deterministic for ``rng``."""
    skills = _skills(roles, levels)
    drivers = plugins.current().drivers
    ratings, assessments = [], []
    for person in people:
        if person.manager_id is None:
            continue
        base = rng.choice([2, 3, 3, 4, 4])
        for month in range(12, 0, -1):
            # Monthly, the latest a couple of weeks ago: only low ratings are due for discussion.
            day = today - datetime.timedelta(days=30 * month - 16 + rng.randrange(5))
            for key, driver in drivers.items():
                if driver.roles and (not person.role_id or person.role.name not in driver.roles):
                    continue
                values = [p.value for p in driver.scale]
                score = min(max(values), max(min(values), base + rng.choice([-1, 0, 0, 1])))
                ratings.append({"person": person.id, "rated_by": person.manager_id, "driver_key": key,
                                "score": score, "rated_on": day, "comment": "", "is_self": False})
                if month % 3 == 0:
                    ratings.append({"person": person.id, "rated_by": person.id, "driver_key": key,
                                    "score": min(max(values), score + rng.choice([0, 1])), "rated_on": day,
                                    "comment": "", "is_self": True})
        for skill in skills.get(person.role_id, []):
            level = rng.choice([1, 2, 2, 3])
            for quarter in range(4, 0, -1):
                assessments.append({"person": person.id, "skill": skill.id, "assessed_by": person.manager_id,
                                    "proficiency": min(4, level + (4 - quarter) // 2), "note": "",
                                    "assessed_on": today - datetime.timedelta(days=91 * quarter), "is_self": False})
    for rows, model in ((ratings, DriverRating), (assessments, SkillAssessment)):
        for start in range(0, len(rows), 500):
            model.insert_many(rows[start:start + 500]).execute()
    meetings = _meetings(rng, people, today, manager_email)
    return len(ratings), len(assessments), meetings


def _skills(roles, levels):
    by_role = {}
    for role_name, skills in SKILLS.items():
        role = roles[role_name]
        created = []
        for position, (key, name) in enumerate(skills, 1):
            skill = RoleSkill.create(role=role, key=key, name=name, position=position)
            for level in levels[role_name]:
                SkillExpectation.create(skill=skill, level=level, proficiency=min(4, level.rank + 1))
            created.append(skill)
        by_role[role.id] = created
    return by_role


def _meetings(rng, people, today, manager_email):
    """Fortnightly 1:1s over the last twelve weeks for every manager and report; one coming up tomorrow
    for the demo manager."""
    count = upcoming = 0
    for person in people:
        if person.manager_id is None:
            continue
        for weeks_ago in (12, 10, 8, 6, 4, 2):
            when = datetime.datetime.combine(today - datetime.timedelta(weeks=weeks_ago, days=rng.randrange(3)),
                                             datetime.time(10 + rng.randrange(6)))
            missed = rng.random() < 0.08
            meeting = Meeting.create(
                manager=person.manager_id, report=person.id, scheduled_for=when,
                status="planned" if missed else "held", held_at=None if missed else when,
                shared_notes="" if missed else rng.choice(NOTES),
                check_in_score=None if missed else rng.choice([3, 4, 4, 5]),
                check_in_word=None if missed else rng.choice(["steady", "busy", "good", "stretched"]),
                repeat_every_days=14, prepared_at=when)
            count += 1
            if missed:
                continue
            PrivateNote.create(meeting=meeting, author=person.manager_id,
                               text="Private: keep an eye on workload before the quarter end.")
            AgendaItem.create(meeting=meeting, position=1, kind="opening", title="Opening: how are things?",
                              source="opening")
            due = when.date() + datetime.timedelta(days=rng.choice([5, 7, 10]))
            late = rng.random()
            done = due < today and late < 0.75
            ActionItem.create(
                owner=person.id, description=rng.choice(ACTIONS), due_date=due, meeting=meeting,
                created_by=person.manager_id, status="done" if done else "open",
                completed_at=datetime.datetime.combine(
                    due + datetime.timedelta(days=0 if late < 0.5 else 3), datetime.time(17)) if done else None)
        if person.manager.email == manager_email:
            # Half-hour slots from 9:00, so the day reads like a real calendar.
            slot = datetime.time(9 + upcoming // 2, 30 * (upcoming % 2))
            Meeting.create(manager=person.manager_id, report=person.id, repeat_every_days=14,
                           scheduled_for=datetime.datetime.combine(today + datetime.timedelta(days=1), slot))
            count += 1
            upcoming += 1
    return count
