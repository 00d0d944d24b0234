"""Skills pages: a person's skills against what their level expects (with assessments, self-assessments
and history), and a team's skills matrix (people × the skills of their roles).

Both run a fixed number of queries: :func:`dualdash.skills.statuses` does the skills in three."""
import datetime
from collections import defaultdict

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from dualdash.coaching import skills as skill_status
from dualdash.coaching.forms.skills import assessment_form, chosen
from dualdash.coaching.models import PROFICIENCIES, RoleSkill, SkillAssessment
from dualdash.db import write_transaction
from dualdash.org import access, team_tree
from dualdash.org.audit import record, snapshot
from dualdash.org.models import JobRole, Level, Person
from dualdash.shared.access import allow

bp = Blueprint("skills_pages", __name__)


def _mode(person):
    """Which form the viewer gets on ``person``'s page: "self", "manager" or None (read only)."""
    if person.id == current_user.id:
        return "self"
    if access.can_manage_person(person):
        return "manager"
    return None


@bp.route("/people/<int:person_id>/skills", methods=["GET", "POST"])
@allow("view_person", POST="assess_person")
def person(person_id):
    """A person's skills: expected, latest assessment, latest self-assessment, the gap, history; the
    manager's assessment form, or the person's own self-assessment form."""
    who = g.person
    mode = _mode(who)
    statuses = skill_status.statuses([who])[who.id]
    role_skills = [s.skill for s in statuses]
    form = assessment_form(role_skills, formdata=request.form if request.method == "POST" else None) if (
        mode and role_skills) else None
    if request.method == "POST":
        if form is None:
            abort(400, "This person's job role has no skills to assess.")
        if form.validate():
            n = _save(who, role_skills, form, is_self=mode == "self")
            what = "self-assessment" if mode == "self" else "assessment"
            flash(f"Your {what} of {n} skill{'' if n == 1 else 's'} is saved.", "success")
            return redirect(url_for(".person", person_id=who.id))
    history = _history(who)
    latest = {}
    for a in history:  # newest first: the first one seen is the latest
        latest.setdefault((a.skill_id, a.is_self), a)
    rows = [(s, skill_status.gap_mark(s), latest.get((s.skill.id, False)), latest.get((s.skill.id, True)))
            for s in statuses]
    failed = form is not None and bool(form.errors)
    return render_template("coaching/skills/person.html", person=who, rows=rows, history=history, form=form,
                           mode=mode, short=sum(1 for s in statuses if s.gap)), 400 if failed else 200


def _save(who, role_skills, form, is_self):
    """Record one assessment per skill given a proficiency; how many were recorded."""
    today = datetime.date.today()
    n = 0
    with write_transaction():
        for skill in role_skills:
            proficiency = chosen(form[f"p_{skill.id}"])
            if proficiency is None:
                continue
            a = SkillAssessment.create(person=who, skill=skill, proficiency=proficiency, assessed_on=today,
                                       assessed_by=current_user.id, note=form[f"n_{skill.id}"].data or "",
                                       is_self=is_self)
            record("create", a, None, snapshot(a))
            n += 1
    return n


def _history(who):
    """Every assessment of ``who``, newest first, with its skill and assessor (one query)."""
    assessor = Person.alias()
    return list(SkillAssessment.select(SkillAssessment, RoleSkill, assessor)
                .join_from(SkillAssessment, RoleSkill)
                .join_from(SkillAssessment, assessor, JOIN.LEFT_OUTER,
                           on=(SkillAssessment.assessed_by == assessor.id), attr="assessor")
                .where(SkillAssessment.person == who.id)
                .order_by(SkillAssessment.assessed_on.desc(), SkillAssessment.id.desc()))


# --- the team matrix ----------------------------------------------------------------------------

@bp.route("/teams/<int:team_id>/skills")
@allow("team_page")
def matrix(team_id):
    """People of the team and its sub-teams whom the viewer may see × the skills of their roles,
    grouped by role, each cell the current proficiency and its gap. Members may not see it."""
    teams = team_tree.load()
    if team_id not in teams:
        abort(404)
    people = _people(team_tree.descendants(teams, team_id))
    statuses = skill_status.statuses(people)
    groups, without_role = _groups(people, statuses)
    return render_template("coaching/skills/matrix.html", team=teams[team_id], groups=groups, without_role=without_role,
                           people_count=len(people), gap_mark=skill_status.gap_mark,
                           has_subteams=any(t.parent_id == team_id for t in teams.values()))


def _people(team_ids):
    """Active people of these teams whom the viewer may see, with role and level, by name (one query)."""
    query = (Person.select(Person, JobRole, Level)
             .join_from(Person, JobRole, JOIN.LEFT_OUTER)
             .join_from(Person, Level, JOIN.LEFT_OUTER)
             .where((Person.active == True) & Person.team.in_(list(team_ids)))  # noqa: E712
             .order_by(Person.name, Person.id))
    if not current_user.is_admin:
        query = query.where(Person.id.in_(list(access.my_subtree() | {current_user.id})))
    return list(query)


def _groups(people, statuses):
    """``[(role, skills, [(person, {skill_id: SkillStatus})])]`` by role name, and the people without
    a role."""
    by_role, roles, without_role = defaultdict(list), {}, []
    for p in people:
        if p.role_id is None:
            without_role.append(p)
            continue
        roles[p.role_id] = p.role
        by_role[p.role_id].append(p)
    groups = []
    for role_id in sorted(roles, key=lambda r: roles[r].name.casefold()):
        members = by_role[role_id]
        role_skills = [s.skill for s in statuses[members[0].id]]
        rows = [(p, {s.skill.id: s for s in statuses[p.id]}) for p in members]
        groups.append((roles[role_id], role_skills, rows))
    return groups, without_role


@bp.context_processor
def _helpers():
    return {"proficiencies": PROFICIENCIES}
