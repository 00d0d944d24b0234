"""A person's skills page (assessments, self-assessments, gaps, history) and a team's skills matrix."""
import datetime

import pytest
from html_checks import assert_valid_html

from dualdash.coaching.models import RoleSkill, SkillAssessment, SkillExpectation
from dualdash.org.audit import AuditLog
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.testing import login

TODAY = datetime.date.today()


@pytest.fixture
def ae_skills(app, sample_org):
    """Two Account Executive skills: discovery (Ramping expects Trained, Established Advanced) and
    closing (Ramping expects Advanced)."""
    org = sample_org
    discovery = RoleSkill.create(role=org.roles.ae, key="discovery", name="Discovery calls", position=1)
    closing = RoleSkill.create(role=org.roles.ae, key="closing", name="Closing", position=2)
    SkillExpectation.create(skill=discovery, level=org.levels["Ramping"], proficiency=2)
    SkillExpectation.create(skill=discovery, level=org.levels["Established"], proficiency=3)
    SkillExpectation.create(skill=closing, level=org.levels["Ramping"], proficiency=3)
    return discovery, closing


def assess(client, person, skills, **values):
    """POST an assessment: ``values`` maps a skill key to a proficiency or (proficiency, note)."""
    data = {}
    for skill in skills:
        value = values.get(skill.key, "")
        proficiency, note = value if isinstance(value, tuple) else (value, "")
        data[f"p_{skill.id}"], data[f"n_{skill.id}"] = str(proficiency), note
    return client.post(f"/people/{person.id}/skills", data=data)


def test_manager_assesses_and_the_gap_shows(as_manager, sample_org, ae_skills):
    discovery, closing = ae_skills
    member = sample_org.member
    page = as_manager.get(f"/people/{member.id}/skills")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Assess Mo Member" in html and "Not assessed" in html
    assert "not assessed (2 short)" in html and "No assessments yet." in html

    r = assess(as_manager, member, ae_skills, discovery=(3, "Great questions"), closing=1)
    assert r.status_code == 302
    rows = {(a.skill_id, a.proficiency, a.assessed_by_id, a.assessed_on, a.note, a.is_self)
            for a in SkillAssessment.select()}
    assert rows == {(discovery.id, 3, sample_org.manager.id, TODAY, "Great questions", False),
                    (closing.id, 1, sample_org.manager.id, TODAY, "", False)}
    assert AuditLog.select().where(AuditLog.object_type == "SkillAssessment").count() == 2

    html = as_manager.get(f"/people/{member.id}/skills").get_data(as_text=True)
    assert "Your assessment of 2 skills is saved." in html
    assert "✓ +1 above" in html and "Meets it, 1 step above" in html   # discovery: Advanced vs Trained
    assert "▲2 short" in html and "2 steps short" in html            # closing: Not trained vs Advanced
    assert "1 skill short of what the level expects" in html
    assert "Great questions" in html and "Maria Manager" in html

    # Later, a skill left "not assessed now" keeps its last assessment; history keeps both.
    assess(as_manager, member, ae_skills, closing=2)
    assert SkillAssessment.select().where(SkillAssessment.skill == discovery).count() == 1
    html = as_manager.get(f"/people/{member.id}/skills").get_data(as_text=True)
    assert "▲1 short" in html and "1 step short" in html
    assert html.count("<td>1 · Not trained</td>") == 1 and html.count("<td>2 · Trained</td>") == 1


def test_self_assessment_side_by_side(as_member, as_manager, sample_org, ae_skills):
    discovery, closing = ae_skills
    member = sample_org.member
    page = as_member.get(f"/people/{member.id}/skills")
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Assess yourself" in html and "Save my self-assessment" in html
    assert assess(as_member, member, ae_skills, discovery=4).status_code == 302
    assess(as_manager, member, ae_skills, discovery=2)
    mine = SkillAssessment.get(SkillAssessment.is_self == True)  # noqa: E712
    assert (mine.proficiency, mine.assessed_by_id, mine.skill_id) == (4, member.id, discovery.id)
    html = as_member.get(f"/people/{member.id}/skills").get_data(as_text=True)
    # The manager's Trained and the member's own Expert, side by side; the gap uses the manager's.
    row = html[html.index('<th scope="row">Discovery calls'):]
    row = row[:row.index("</tr>")]
    assert row.index("2 · Trained") < row.index("4 · Expert") and "✓ meets" in row
    assert "Self-assessment</td>" in html


def test_validation_errors_write_nothing(as_manager, sample_org, ae_skills):
    discovery, closing = ae_skills
    member = sample_org.member
    for values, field, message in (
            ({"discovery": 7}, f"p_{discovery.id}", "Not a valid choice"),
            ({"discovery": ("", "A note alone")}, f"n_{discovery.id}", "A note goes with a proficiency"),
            ({}, f"p_{discovery.id}", "Choose a proficiency for at least one skill."),
            ({"discovery": 2, "closing": (3, "x" * 2001)}, f"n_{closing.id}", "Use at most 2000 characters.")):
        r = assess(as_manager, member, ae_skills, **values)
        assert r.status_code == 400, values
        assert_valid_html(r)
        html = r.get_data(as_text=True)
        assert f'id="{field}-error"' in html and message in html
        if "discovery" in values and isinstance(values["discovery"], tuple):
            assert "A note alone" in html  # what was typed is kept
    assert SkillAssessment.select().count() == 0


def test_who_gets_which_form(app, sample_org, ae_skills):
    org = sample_org
    director = login(app.test_client(), org.director)
    html = director.get(f"/people/{org.member.id}/skills").get_data(as_text=True)
    assert "Assess Mo Member" in html  # anyone above, not only the direct manager
    # A person with a report, on their own page, gets the self-assessment form.
    manager = login(app.test_client(), org.manager)
    assert "Assess yourself" in manager.get(f"/people/{org.manager.id}/skills").get_data(as_text=True)


def test_forbidden(app, sample_org, ae_skills, as_member):
    org = sample_org
    # A member cannot see (or assess) a peer; a POST is refused before anything is written.
    assert as_member.get(f"/people/{org.member2.id}/skills").status_code == 403
    assert assess(as_member, org.member2, ae_skills, discovery=4).status_code == 403
    # A peer manager: outside their line.
    peer = login(app.test_client(), org.peer)
    assert peer.get(f"/people/{org.member.id}/skills").status_code == 403
    assert assess(peer, org.member, ae_skills, discovery=4).status_code == 403
    # member2 manages indirect: may assess them, not their own manager.
    member2 = login(app.test_client(), org.member2)
    assert assess(member2, org.manager, ae_skills, discovery=4).status_code == 403
    assert SkillAssessment.select().count() == 0
    assert as_member.get("/people/9999/skills").status_code == 404
    assert app.test_client().get(f"/people/{org.member.id}/skills").status_code == 302


def test_empty_states(as_admin, sample_org):
    org = sample_org
    html = as_admin.get(f"/people/{org.member.id}/skills").get_data(as_text=True)
    assert "has no skills yet" in html and 'name="p_' not in html
    assert assess(as_admin, org.member, []).status_code == 400
    html = as_admin.get(f"/people/{org.director.id}/skills").get_data(as_text=True)
    assert "has no job role" in html


# --- the matrix -----------------------------------------------------------------------------------

def test_matrix_shows_people_by_role_with_gaps(as_admin, sample_org, ae_skills):
    org = sample_org
    discovery, closing = ae_skills
    agent_skill = RoleSkill.create(role=org.roles.agent, key="empathy", name="Empathy", position=1)
    SkillAssessment.create(person=org.member, skill=discovery, proficiency=2, assessed_by=org.manager,
                           assessed_on=TODAY)
    SkillAssessment.create(person=org.member, skill=closing, proficiency=2, assessed_by=org.manager,
                           assessed_on=TODAY)
    SkillAssessment.create(person=org.member, skill=closing, proficiency=4, assessed_by=org.member,
                           assessed_on=TODAY, is_self=True)  # a self-assessment is not the current value
    SkillAssessment.create(person=org.peer_report, skill=agent_skill, proficiency=3, assessed_on=TODAY)
    r = as_admin.get(f"/teams/{org.teams.company.id}/skills")
    assert r.status_code == 200
    assert_valid_html(r)
    html = r.get_data(as_text=True)
    assert html.index("Account Executive") < html.index("Support Agent")
    assert "Discovery calls" in html and "Empathy" in html
    assert f'href="/people/{org.member.id}/skills"' in html
    row = html[html.index("Mo Member"):]
    row = row[:row.index("</tr>")]
    assert 'title="Expected: Trained"' in row and "Trained <span" in row and "✓ meets" in row
    assert 'title="Expected: Advanced"' in row and "▲1 short" in row
    assert "(expected: Advanced)" in row
    assert "Without a job role" in html and "Dana Director" in html

    sales = as_admin.get(f"/teams/{org.teams.sales.id}/skills").get_data(as_text=True)
    assert "Mo Member" in sales and "Empathy" not in sales and "Paula" not in sales
    assert as_admin.get("/teams/9999/skills").status_code == 404


def test_matrix_permissions(app, sample_org, ae_skills, as_member, as_manager):
    org = sample_org
    assert as_member.get(f"/teams/{org.teams.sales.id}/skills").status_code == 403
    html = as_manager.get(f"/teams/{org.teams.company.id}/skills").get_data(as_text=True)
    for name in ("Maria Manager", "Mo Member", "Mia Member", "Ian Indirect"):
        assert name in html
    for name in ("Pete Peer", "Paula Peer-Report", "Dana Director"):
        assert name not in html
    peer = login(app.test_client(), org.peer)
    # A team outside the reporting line is refused, saying why (it used to answer 200, empty).
    response = peer.get(f"/teams/{org.teams.sales.id}/skills")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "Mo Member" not in html
    assert "Nobody in Sales (or its sub-teams) reports to you" in html


def test_matrix_and_person_page_queries_are_fixed(app, as_admin, sample_org, ae_skills, count_queries):
    org = sample_org
    url = f"/teams/{org.teams.company.id}/skills"
    person_url = f"/people/{org.member.id}/skills"
    small = count_queries(lambda: as_admin.get(url))
    small_person = count_queries(lambda: as_admin.get(person_url))
    role = JobRole.create(name="Solutions Engineer")
    level = Level.create(role=role, name="Senior", rank=1)
    team = Team.create(name="Presales", parent=org.teams.company)
    skills = [RoleSkill.create(role=role, key=f"s{i}", name=f"Skill {i}", position=i) for i in range(6)]
    for i in range(15):
        p = Person.create(email=f"se{i}@example.com", name=f"SE {i}", team=team, role=role, level=level,
                          manager=org.manager)
        for s in skills:
            SkillExpectation.get_or_create(skill=s, level=level, defaults={"proficiency": 3})
            SkillAssessment.create(person=p, skill=s, proficiency=2, assessed_by=org.manager, assessed_on=TODAY)
    for s in ae_skills:
        for d in range(5):
            SkillAssessment.create(person=org.member, skill=s, proficiency=2, assessed_by=org.manager,
                                   assessed_on=TODAY - datetime.timedelta(days=d))
    assert count_queries(lambda: as_admin.get(url)) == small
    assert count_queries(lambda: as_admin.get(person_url)) == small_person
    assert "SE 14" in as_admin.get(url).get_data(as_text=True)
