"""The self-building agenda and skill gaps."""
import datetime

from dualdash.coaching import agenda, skills
from dualdash.coaching.models import (
    ActionItem,
    AgendaItem,
    DriverRating,
    Meeting,
    RoleSkill,
    SkillAssessment,
    SkillExpectation,
)
from dualdash.kpis import scorecards
from dualdash.kpis.models import Measurement


def report_of(person):
    return scorecards.people_with_details([person.id])[person.id]


def test_agenda_is_built_from_kpis_drivers_skills_and_action_items(app, sample_org, sample_kpis):
    org = sample_org
    today = datetime.date(2026, 11, 20)
    Measurement.create(person=org.member, kpi=sample_kpis.calls, period_start=datetime.date(2026, 11, 16), value=2)
    Measurement.create(person=org.member, kpi=sample_kpis.revenue, period_start=datetime.date(2026, 11, 16),
                       value=2000)
    DriverRating.create(person=org.member, rated_by=org.manager, driver_key="communication", score=5,
                        rated_on=today - datetime.timedelta(days=3))
    DriverRating.create(person=org.member, rated_by=org.manager, driver_key="preparation", score=1,
                        rated_on=today - datetime.timedelta(days=3))
    skill = RoleSkill.create(role=org.roles.ae, key="discovery", name="Discovery calls")
    SkillExpectation.create(skill=skill, level=org.levels["Ramping"], proficiency=2)
    SkillAssessment.create(person=org.member, skill=skill, proficiency=1, assessed_on=today)
    open_item = ActionItem.create(owner=org.member, description="Send the proposal", due_date=today)
    ActionItem.create(owner=org.member, description="Done already", status="done")
    meeting = Meeting.create(manager=org.manager, report=org.member, scheduled_for=datetime.datetime(2026, 11, 21, 10))
    AgendaItem.create(meeting=meeting, kind="talking_point", title="My holiday plans", added_by=org.member)
    with app.test_request_context():
        agenda.prepare(meeting, report_of(org.member), today=today)
        items = list(AgendaItem.select().where(AgendaItem.meeting == meeting).order_by(AgendaItem.position))
        sources = [i.source for i in items]
        assert sources[0] == "opening" and sources[-1] == "closing"
        assert "kpi:calls:fails" in sources and "kpi:revenue:exceeds" in sources
        assert "driver:preparation" in sources and "driver:communication" not in sources  # rated well, lately
        assert "driver:accountability" in sources  # never rated: due
        assert "skill:discovery" in sources
        assert f"action:{open_item.id}" in sources and not any("Done already" in i.title for i in items)
        assert items[-2].title == "My holiday plans"  # the member's talking point stays, before the close
        by_source = {i.source: i for i in items}
        assert any("curious" in i.title for i in items)
        assert agenda.questions(by_source["kpi:calls:fails"])
        assert agenda.questions(by_source["opening"])
        assert [q.driver for q in agenda.questions(by_source["driver:preparation"]) if q.driver] == ["preparation"]
        assert agenda.prepare(meeting, report_of(org.member), today=today) == 0  # built once, then edited


def test_skill_gaps(app, sample_org):
    org = sample_org
    a = RoleSkill.create(role=org.roles.ae, key="a", name="A", position=1)
    b = RoleSkill.create(role=org.roles.ae, key="b", name="B", position=2)
    SkillExpectation.create(skill=a, level=org.levels["Ramping"], proficiency=3)
    SkillExpectation.create(skill=b, level=org.levels["Ramping"], proficiency=2)
    SkillAssessment.create(person=org.member, skill=a, proficiency=1, assessed_on=datetime.date(2026, 1, 1))
    SkillAssessment.create(person=org.member, skill=a, proficiency=2, assessed_on=datetime.date(2026, 6, 1))
    SkillAssessment.create(person=org.member, skill=b, proficiency=4, assessed_on=datetime.date(2026, 6, 1),
                           is_self=True)
    with app.test_request_context():
        gaps = skills.gaps(report_of(org.member))
    assert [(g.skill.key, g.current, g.expected, g.gap, g.self_assessed) for g in gaps] == [
        ("b", None, 2, 2, 4), ("a", 2, 3, 1, None)]


def test_a_monday_1_1_looks_back_on_last_week(app, sample_org, sample_kpis):
    org = sample_org
    Measurement.create(person=org.member, kpi=sample_kpis.calls, period_start=datetime.date(2026, 11, 16), value=2)
    monday = Meeting.create(manager=org.manager, report=org.member, scheduled_for=datetime.datetime(2026, 11, 23, 9))
    with app.test_request_context():
        assert agenda.review_period(datetime.date(2026, 11, 23)).start == datetime.date(2026, 11, 16)
        sources = [p.source for p in agenda.propose(monday, report_of(org.member), today=datetime.date(2026, 11, 22))]
    assert "kpi:calls:fails" in sources
