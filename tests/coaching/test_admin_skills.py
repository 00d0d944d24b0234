"""Admin pages of role skills: frameworks from plugins, skills CRUD, the expectations grid."""
import datetime
import types

import pytest
from html_checks import assert_valid_html

from dualdash import Skill, SkillFramework, hookimpl
from dualdash.coaching.models import RoleSkill, SkillAssessment, SkillExpectation
from dualdash.org.audit import AuditLog


def make_plugin():
    module = types.ModuleType("acme_skills")

    @hookimpl
    def dualdash_skill_frameworks():
        return [SkillFramework(role="Account Executive", skills=(
                    Skill("discovery", "Discovery calls", "Finding the customer's need.",
                          expected={"Ramping": 2, "Established": 3, "Senior": 4}),
                    Skill("negotiation", "Negotiation", expected={"Established": 2, "Senior": 3, "Principal": 4}))),
                {"role": "Field Engineer", "skills": [{"key": "wiring", "name": "Wiring"}]}]

    module.dualdash_skill_frameworks = dualdash_skill_frameworks
    return module


def skills_of(role):
    return list(RoleSkill.select().where(RoleSkill.role == role).order_by(RoleSkill.position))


def expectations_of(role):
    return {(e.skill.key, e.level.name): e.proficiency for e in SkillExpectation.select()
            .join(RoleSkill).where(RoleSkill.role == role)}


class TestFrameworks:
    @pytest.fixture
    def dualdash_plugins(self):
        return [make_plugin()]

    def test_index_lists_roles_and_frameworks(self, as_admin, sample_org):
        r = as_admin.get("/admin/skills/")
        assert r.status_code == 200
        assert_valid_html(r)
        html = r.get_data(as_text=True)
        assert "Account Executive" in html and "Support Agent" in html and "No skills yet" in html
        assert "Discovery calls, Negotiation" in html
        assert 'action="/admin/skills/frameworks/0/apply"' in html
        # No "Field Engineer" role: no button, a way to create it instead.
        assert 'action="/admin/skills/frameworks/1/apply"' not in html
        assert "There is no job role called “Field Engineer”" in html

    def test_apply_creates_skills_and_expectations_once(self, as_admin, sample_org):
        ae = sample_org.roles.ae
        r = as_admin.post("/admin/skills/frameworks/0/apply")
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/skills/role/{ae.id}")
        assert [(s.key, s.name, s.description, s.position) for s in skills_of(ae)] == [
            ("discovery", "Discovery calls", "Finding the customer's need.", 1), ("negotiation", "Negotiation", "", 2)]
        assert expectations_of(ae) == {
            ("discovery", "Ramping"): 2, ("discovery", "Established"): 3, ("discovery", "Senior"): 4,
            ("negotiation", "Established"): 2, ("negotiation", "Senior"): 3}
        html = as_admin.get(r.headers["Location"]).get_data(as_text=True)
        assert "2 skills added, 5 expectations added." in html
        assert "no level called “Principal”" in html
        audited = AuditLog.select().where(AuditLog.object_type.in_(["RoleSkill", "SkillExpectation"])).count()
        assert audited == 7

        # Again: nothing changes.
        as_admin.post("/admin/skills/frameworks/0/apply")
        html = as_admin.get(f"/admin/skills/role/{ae.id}").get_data(as_text=True)
        assert "Already up to date, nothing changed." in html
        assert len(skills_of(ae)) == 2 and len(expectations_of(ae)) == 5
        assert AuditLog.select().where(AuditLog.object_type.in_(["RoleSkill", "SkillExpectation"])).count() == 7

        # An admin's change is put back; a skill added by hand stays.
        e = SkillExpectation.get(SkillExpectation.level == sample_org.levels["Senior"],
                                 SkillExpectation.skill == skills_of(ae)[0])
        e.proficiency = 1
        e.save()
        RoleSkill.create(role=ae, key="own", name="Our own", position=3)
        as_admin.post("/admin/skills/frameworks/0/apply")
        html = as_admin.get(f"/admin/skills/role/{ae.id}").get_data(as_text=True)
        assert "1 expectation changed." in html
        assert expectations_of(ae)[("discovery", "Senior")] == 4
        assert [s.key for s in skills_of(ae)] == ["discovery", "negotiation", "own"]

    def test_apply_without_the_role_or_unknown_framework(self, as_admin, sample_org):
        r = as_admin.post("/admin/skills/frameworks/1/apply", follow_redirects=True)
        assert "There is no job role called “Field Engineer”" in r.get_data(as_text=True)
        assert RoleSkill.select().count() == 0
        assert as_admin.post("/admin/skills/frameworks/9/apply").status_code == 404
        # The page said which role the button was for: another one there now is not applied.
        r = as_admin.post("/admin/skills/frameworks/0/apply", data={"role": "Field Engineer"}, follow_redirects=True)
        assert "changed since the page was shown" in r.get_data(as_text=True)
        assert RoleSkill.select().count() == 0
        as_admin.post("/admin/skills/frameworks/0/apply", data={"role": "Account Executive"})
        assert RoleSkill.select().count() == 2

    def test_only_admins(self, app, as_manager, as_member, sample_org):
        for c in (as_manager, as_member):
            assert c.get("/admin/skills/").status_code == 403
            assert c.post("/admin/skills/frameworks/0/apply").status_code == 403
            assert c.get(f"/admin/skills/role/{sample_org.roles.ae.id}").status_code == 403
        assert RoleSkill.select().count() == 0
        assert app.test_client().get("/admin/skills/").status_code == 302


def add(client, role, **data):
    form = {"new_skill-key": "discovery", "new_skill-name": "Discovery calls", "new_skill-description": ""}
    form.update({f"new_skill-{k}": v for k, v in data.items()})
    return client.post(f"/admin/skills/role/{role.id}/skills/new", data=form)


def test_role_page_empty_states(as_admin, sample_org):
    r = as_admin.get(f"/admin/skills/role/{sample_org.roles.ae.id}")
    assert r.status_code == 200
    assert_valid_html(r)
    html = r.get_data(as_text=True)
    assert "This job role has no skills yet." in html and "Add skills first" in html
    assert as_admin.get("/admin/skills/role/9999").status_code == 404


def test_add_edit_reorder_delete(as_admin, sample_org):
    ae = sample_org.roles.ae
    r = add(as_admin, ae, key=" Discovery ", description="Finding needs")
    assert r.status_code == 302
    skill = RoleSkill.get(RoleSkill.role == ae)
    assert (skill.key, skill.name, skill.description, skill.position) == (
        "discovery", "Discovery calls", "Finding needs", 1)
    add(as_admin, ae, key="closing", name="Closing")
    add(as_admin, sample_org.roles.agent, key="discovery", name="Same key, other role")  # unique per role only
    assert RoleSkill.select().count() == 3

    # Reorder.
    closing = RoleSkill.get(RoleSkill.key == "closing")
    assert as_admin.post(f"/admin/skills/role/{ae.id}/skills/{closing.id}/move/up").status_code == 302
    assert [s.key for s in skills_of(ae)] == ["closing", "discovery"]
    r = as_admin.post(f"/admin/skills/role/{ae.id}/skills/{closing.id}/move/up", follow_redirects=True)
    assert "is already the first" in r.get_data(as_text=True)

    # Edit.
    page = as_admin.get(f"/admin/skills/role/{ae.id}/skills/{skill.id}/edit")
    assert page.status_code == 200
    assert_valid_html(page)
    r = as_admin.post(f"/admin/skills/role/{ae.id}/skills/{skill.id}/edit",
                      data={"key": "discovery_calls", "name": "Discovery", "description": ""})
    assert r.status_code == 302
    skill = RoleSkill.get_by_id(skill.id)
    assert (skill.key, skill.name, skill.description) == ("discovery_calls", "Discovery", "")
    # A skill of another role is not reachable through this role.
    other = RoleSkill.get(RoleSkill.role == sample_org.roles.agent)
    assert as_admin.get(f"/admin/skills/role/{ae.id}/skills/{other.id}/edit").status_code == 404

    # Delete: confirmation first, then gone with its expectations.
    SkillExpectation.create(skill=skill, level=sample_org.levels["Senior"], proficiency=3)
    page = as_admin.get(f"/admin/skills/role/{ae.id}/skills/{skill.id}/delete")
    assert page.status_code == 200 and "1 expectation will be deleted" in page.get_data(as_text=True)
    assert RoleSkill.get_or_none(RoleSkill.id == skill.id) is not None
    r = as_admin.post(f"/admin/skills/role/{ae.id}/skills/{skill.id}/delete")
    assert r.status_code == 302
    assert RoleSkill.get_or_none(RoleSkill.id == skill.id) is None
    assert SkillExpectation.select().count() == 0
    actions = {(a.action, a.object_type) for a in AuditLog.select()}
    assert {("create", "RoleSkill"), ("update", "RoleSkill"), ("delete", "RoleSkill"),
            ("delete", "SkillExpectation")} <= actions


def test_delete_refused_while_assessed(as_admin, sample_org):
    ae = sample_org.roles.ae
    skill = RoleSkill.create(role=ae, key="discovery", name="Discovery", position=1)
    SkillAssessment.create(person=sample_org.member, skill=skill, proficiency=2, assessed_on=datetime.date.today())
    page = as_admin.get(f"/admin/skills/role/{ae.id}").get_data(as_text=True)
    assert "1 assessment" in page and f"/skills/{skill.id}/delete" not in page
    for method in (as_admin.get, as_admin.post):
        r = method(f"/admin/skills/role/{ae.id}/skills/{skill.id}/delete", follow_redirects=True)
        assert "cannot be deleted: 1 assessment" in r.get_data(as_text=True)
    assert RoleSkill.get_or_none(RoleSkill.id == skill.id) is not None


@pytest.mark.parametrize("data, field, message", [
    ({"key": ""}, "new_skill-key", "Give the skill a key."),
    ({"key": "Has space"}, "new_skill-key", "Use lowercase letters, digits and _ only"),
    ({"key": "9lives"}, "new_skill-key", "Use lowercase letters, digits and _ only"),
    ({"key": "taken"}, "new_skill-key", "already has a skill with the key “taken”"),
    ({"name": "  "}, "new_skill-name", "Give the skill a name."),
    ({"description": "x" * 5001}, "new_skill-description", "Use at most 5000 characters."),
])
def test_add_validation(as_admin, sample_org, data, field, message):
    ae = sample_org.roles.ae
    RoleSkill.create(role=ae, key="taken", name="Taken")
    sent = {"key": "fresh", "name": "Typed name", "description": "Typed description", **data}
    r = add(as_admin, ae, **sent)
    assert r.status_code == 400
    assert_valid_html(r)
    html = r.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert "Typed description" in html or field == "new_skill-description"
    assert RoleSkill.select().count() == 1


def test_edit_validation_keeps_input(as_admin, sample_org):
    ae = sample_org.roles.ae
    RoleSkill.create(role=ae, key="taken", name="Taken")
    skill = RoleSkill.create(role=ae, key="mine", name="Mine")
    r = as_admin.post(f"/admin/skills/role/{ae.id}/skills/{skill.id}/edit",
                      data={"key": "taken", "name": "Renamed", "description": "New words"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'id="key-error"' in html and "Renamed" in html and "New words" in html
    assert RoleSkill.get_by_id(skill.id).name == "Mine"


def test_expectations_grid(as_admin, sample_org):
    ae, levels = sample_org.roles.ae, sample_org.levels
    a = RoleSkill.create(role=ae, key="a", name="Alpha", position=1)
    b = RoleSkill.create(role=ae, key="b", name="Beta", position=2)
    SkillExpectation.create(skill=a, level=levels["Senior"], proficiency=4)
    SkillExpectation.create(skill=b, level=levels["Senior"], proficiency=2)
    page = as_admin.get(f"/admin/skills/role/{ae.id}")
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    for level in ("Ramping", "Established", "Senior"):
        assert f'<th scope="col">{level}</th>' in html
    cell = lambda s, lv: f"e_{s.id}_{levels[lv].id}"  # noqa: E731
    assert f'<label for="{cell(a, "Ramping")}" class="skills-vh">Alpha at Ramping</label>' in html
    assert '<option selected value="4">Expert</option>' in html

    grid = {cell(s, lv): "" for s in (a, b) for lv in levels}
    grid.update({cell(a, "Ramping"): "2", cell(a, "Established"): "3", cell(a, "Senior"): "4",
                 cell(b, "Senior"): ""})
    r = as_admin.post(f"/admin/skills/role/{ae.id}/expectations", data=grid, follow_redirects=True)
    assert "Expectations saved (3 changes)." in r.get_data(as_text=True)
    assert expectations_of(ae) == {("a", "Ramping"): 2, ("a", "Established"): 3, ("a", "Senior"): 4}

    # A forged value: 400 beside the cell, nothing written, the other choices kept.
    bad = dict(grid, **{cell(a, "Ramping"): "1", cell(b, "Ramping"): "7"})
    r = as_admin.post(f"/admin/skills/role/{ae.id}/expectations", data=bad)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert f'id="{cell(b, "Ramping")}-error"' in html
    assert expectations_of(ae)[("a", "Ramping")] == 2
