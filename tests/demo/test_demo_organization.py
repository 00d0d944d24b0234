"""The 40-person demo does not contradict itself: nothing before a person's (or their manager's)
start date, 1:1s on weekdays only, and never two 1:1s of one manager at the same time."""
import datetime
from collections import Counter

import pytest

from dualdash.coaching.models import DriverRating, Meeting, SkillAssessment
from dualdash.demo.organization import SIGN_INS, build_demo
from dualdash.kpis.models import Measurement
from dualdash.org.models import Person

FRIDAY = datetime.date(2026, 12, 4)
WEDNESDAY = datetime.date(2026, 12, 2)


@pytest.fixture
def demo(app):
    with app.app_context():
        def build(today):
            build_demo(today=today)
            return {p.id: p for p in Person.select()}
        yield build


@pytest.mark.parametrize("today", [FRIDAY, WEDNESDAY])
def test_nothing_is_dated_before_the_person_started(demo, today):
    people = demo(today)
    started = {pid: p.start_date for pid, p in people.items()}
    early_values = [m for m in Measurement.select()
                    if m.period_start + datetime.timedelta(days=6) < started[m.person_id]]
    assert early_values == []
    for rating in DriverRating.select():
        assert rating.rated_on >= started[rating.person_id]
        assert rating.rated_on >= started[rating.rated_by_id]
    for assessment in SkillAssessment.select():
        assert assessment.assessed_on >= started[assessment.person_id]
    for meeting in Meeting.select():
        assert meeting.scheduled_for.date() >= started[meeting.report_id]
        assert meeting.scheduled_for.date() >= started[meeting.manager_id]
    # The newest member still has values, ratings and 1:1s since they started.
    member = next(p for p in people.values() if p.email == SIGN_INS["member"])
    assert Measurement.select().where(Measurement.person == member.id).count() > 0


@pytest.mark.parametrize("today, expected", [(FRIDAY, datetime.date(2026, 12, 7)),
                                             (WEDNESDAY, datetime.date(2026, 12, 3))])
def test_1on1s_are_on_weekdays_each_in_its_own_slot(demo, today, expected):
    people = demo(today)
    meetings = list(Meeting.select())
    assert all(m.scheduled_for.weekday() < 5 for m in meetings)
    slots = Counter((m.manager_id, m.scheduled_for) for m in meetings)
    assert [key for key, n in slots.items() if n > 1] == []
    assert all(m.scheduled_for.minute in (0, 30) for m in meetings)
    manager = next(p for p in people.values() if p.email == SIGN_INS["manager"])
    upcoming = [m for m in meetings if m.scheduled_for.date() > today]
    assert upcoming and {m.scheduled_for.date() for m in upcoming} == {expected}
    assert {m.manager_id for m in upcoming} == {manager.id}
    assert len({m.scheduled_for for m in upcoming}) == len(upcoming)
