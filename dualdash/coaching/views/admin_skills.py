"""Admin set-up of role skills: the skills each job role needs, in order, the proficiency each level
of the role expects, and the skill frameworks plugins offer (applied in one click, idempotently)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import IntegrityError, fn
from playhouse.flask_utils import get_object_or_404

from dualdash.coaching.forms.skills import SkillForm, cell_name, chosen, expectations_form
from dualdash.coaching.models import RoleSkill, SkillAssessment, SkillExpectation
from dualdash.db import write_transaction
from dualdash.org.audit import record, snapshot
from dualdash.org.models import JobRole, Level
from dualdash.plugins import manager as plugins
from dualdash.shared import ordering
from dualdash.shared.access import allow

bp = Blueprint("admin_skills", __name__, url_prefix="/admin/skills")

#: Form prefix of the "add a skill" form on a role's page.
NEW_SKILL = "new_skill"


def _role_or_404(role_id):
    return get_object_or_404(JobRole, JobRole.id == role_id)


def _skill_or_404(role, skill_id):
    return get_object_or_404(RoleSkill, RoleSkill.id == skill_id, RoleSkill.role == role.id)


def _role_skills(role):
    return list(RoleSkill.select().where(RoleSkill.role == role.id).order_by(RoleSkill.position, RoleSkill.id))


def _role_levels(role):
    return list(Level.select().where(Level.role == role.id).order_by(Level.rank, Level.id))


def _renumber(skills):
    """Give ``skills``, in their new order, the positions 1, 2, 3… and record each change."""
    ordering.renumber(skills, RoleSkill.position, snapshot=snapshot, record=record)


def _plural(n, one, many=None):
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --- the list of roles and the plugins' frameworks ---------------------------------------------

@bp.route("/")
@allow("admin")
def index():
    """Job roles with their number of skills, and the skill frameworks plugins offer."""
    roles = sorted(JobRole.select(), key=lambda r: r.name.casefold())
    counts = dict(RoleSkill.select(RoleSkill.role, fn.COUNT(RoleSkill.id)).group_by(RoleSkill.role).tuples())
    by_name = {r.name.casefold(): r for r in roles}
    frameworks = [(i, f, by_name.get(f.role.casefold()))
                  for i, f in enumerate(plugins.current().skill_frameworks)]
    return render_template("coaching/admin_skills/index.html", roles=roles, counts=counts, frameworks=frameworks)


@bp.route("/frameworks/<int:index>/apply", methods=["POST"])
@allow("admin")
def apply_framework(index):
    """Create or update the role's skills and expectations from a plugin's framework. Applying it
    again changes nothing; skills added by hand are left alone."""
    frameworks = plugins.current().skill_frameworks
    if not 0 <= index < len(frameworks):
        abort(404)
    framework = frameworks[index]
    # The page names the framework's role: if the plugins changed since, this index is another one.
    if request.form.get("role", framework.role) != framework.role:
        flash("The plugins' skill frameworks changed since the page was shown: look again.", "error")
        return redirect(url_for(".index", _anchor="frameworks"))
    role = next((r for r in JobRole.select() if r.name.casefold() == framework.role.casefold()), None)
    if role is None:
        flash(f"There is no job role called “{framework.role}”: create it first, with its levels.", "error")
        return redirect(url_for(".index"))
    with write_transaction():
        ordering.lock_owner(role)
        report = _apply(role, framework)
    flash(f"{framework.role}: {report}", "success")
    return redirect(url_for(".role", role_id=role.id))


def _apply(role, framework):
    """Bring ``role``'s skills in line with ``framework``; a sentence saying what changed."""
    skills = {s.key: s for s in _role_skills(role)}
    levels = {lv.name.casefold(): lv for lv in _role_levels(role)}
    expectations = {(e.skill_id, e.level_id): e for e in SkillExpectation.select()
                    .where(SkillExpectation.skill.in_([s.id for s in skills.values()] or [0]))}
    position = max((s.position for s in skills.values()), default=0)
    added = updated = set_ = changed = 0
    unknown = set()
    for item in framework.skills:
        skill = skills.get(item.key)
        if skill is None:
            position += 1
            skill = RoleSkill.create(role=role, key=item.key, name=item.name, description=item.description or "",
                                     position=position)
            record("create", skill, None, snapshot(skill))
            added += 1
        elif (skill.name, skill.description) != (item.name, item.description or ""):
            before = snapshot(skill)
            skill.name, skill.description = item.name, item.description or ""
            skill.save()
            record("update", skill, before, snapshot(skill))
            updated += 1
        for level_name, proficiency in item.expected.items():
            level = levels.get(str(level_name).casefold())
            if level is None:
                unknown.add(str(level_name))
                continue
            found = expectations.get((skill.id, level.id))
            if found is None:
                found = SkillExpectation.create(skill=skill, level=level, proficiency=proficiency)
                record("create", found, None, snapshot(found))
                set_ += 1
            elif found.proficiency != proficiency:
                before = snapshot(found)
                found.proficiency = proficiency
                found.save()
                record("update", found, before, snapshot(found))
                changed += 1
    parts = [text for n, text in (
        (added, f"{_plural(added, 'skill')} added"), (updated, f"{_plural(updated, 'skill')} updated"),
        (set_, f"{_plural(set_, 'expectation')} added"), (changed, f"{_plural(changed, 'expectation')} changed"),
    ) if n]
    sentence = (", ".join(parts) + ".") if parts else "already up to date, nothing changed."
    if unknown:
        sentence += (f" The role has no level called {', '.join('“%s”' % n for n in sorted(unknown))}: "
                     "those expectations were skipped.")
    return sentence[0].upper() + sentence[1:]


# --- one role: its skills and the expectations grid --------------------------------------------

@bp.route("/role/<int:role_id>")
@allow("admin")
def role(role_id):
    """A role's skills (add, edit, reorder, delete) and what each of its levels expects."""
    return _role_page(_role_or_404(role_id))


def _role_page(role, add_form=None, grid=None):
    """Render a role's page; a form submitted with errors is passed in (status 400, input kept)."""
    skills, levels = _role_skills(role), _role_levels(role)
    if add_form is None:
        add_form = SkillForm(formdata=None, prefix=NEW_SKILL)
    if grid is None:
        current = {(e.skill_id, e.level_id): e.proficiency for e in SkillExpectation.select()
                   .where(SkillExpectation.skill.in_([s.id for s in skills] or [0]))}
        grid = expectations_form(skills, levels, current)
    assessed = dict(SkillAssessment.select(SkillAssessment.skill, fn.COUNT(SkillAssessment.id))
                    .where(SkillAssessment.skill.in_([s.id for s in skills] or [0]))
                    .group_by(SkillAssessment.skill).tuples())
    failed = bool(add_form.errors or grid.errors)
    return render_template("coaching/admin_skills/role.html", role=role, skills=skills, levels=levels,
                           add_form=add_form, grid=grid, cell_name=cell_name,
                           assessed=assessed), 400 if failed else 200


@bp.route("/role/<int:role_id>/skills/new", methods=["POST"])
@allow("admin")
def add_skill(role_id):
    """Add a skill after the role's last one."""
    role = _role_or_404(role_id)
    form = SkillForm(prefix=NEW_SKILL, others=_role_skills(role))
    if not form.validate():
        return _role_page(role, add_form=form)
    try:
        with write_transaction():
            ordering.lock_owner(role)
            top = RoleSkill.select(fn.MAX(RoleSkill.position)).where(RoleSkill.role == role.id).scalar() or 0
            skill = RoleSkill.create(role=role, key=form.key.data, name=form.name.data,
                                     description=form.description.data or "", position=top + 1)
            record("create", skill, None, snapshot(skill))
    except IntegrityError:
        form.key.errors.append(f"This job role already has a skill with the key “{form.key.data}”.")
        return _role_page(role, add_form=form)
    flash(f"Skill “{skill.name}” added to {role.name}.", "success")
    return redirect(url_for(".role", role_id=role.id, _anchor="skills"))


@bp.route("/role/<int:role_id>/skills/<int:skill_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_skill(role_id, skill_id):
    """Change a skill's key, name or description."""
    role = _role_or_404(role_id)
    skill = _skill_or_404(role, skill_id)
    others = [s for s in _role_skills(role) if s.id != skill.id]
    form = SkillForm(data={"key": skill.key, "name": skill.name, "description": skill.description}, others=others)
    if form.validate_on_submit():
        try:
            with write_transaction():
                before = snapshot(skill)
                skill.key, skill.name = form.key.data, form.name.data
                skill.description = form.description.data or ""
                skill.save()
                if snapshot(skill) != before:
                    record("update", skill, before, snapshot(skill))
        except IntegrityError:
            form.key.errors.append(f"This job role already has a skill with the key “{form.key.data}”.")
            skill = _skill_or_404(role, skill_id)
        else:
            flash(f"Skill “{skill.name}” saved.", "success")
            return redirect(url_for(".role", role_id=role.id, _anchor="skills"))
    return render_template("coaching/admin_skills/edit.html", role=role, skill=skill,
                           form=form), 400 if form.errors else 200


@bp.route("/role/<int:role_id>/skills/<int:skill_id>/move/<any(up, down):direction>", methods=["POST"])
@allow("admin")
def move_skill(role_id, skill_id, direction):
    """Swap a skill with the one before (up) or after (down) it."""
    role = _role_or_404(role_id)
    _skill_or_404(role, skill_id)
    result = ordering.move(skill_id, direction, owner=role, load=lambda: _role_skills(role),
                           renumber=_renumber)
    if result is None:  # deleted by someone else a moment ago
        abort(404)
    if result.moved:
        flash(f"Skill “{result.row.name}” moved {direction}.", "success")
    else:
        flash(f"Skill “{result.row.name}” is already the {result.end}.", "error")
    return redirect(url_for(".role", role_id=role.id, _anchor="skills"))


def _skill_blocker(skill):
    """Why ``skill`` cannot be deleted, or None: its assessments are people's history."""
    n = SkillAssessment.select().where(SkillAssessment.skill == skill.id).count()
    if n:
        return (f"Skill “{skill.name}” cannot be deleted: {_plural(n, 'assessment')} of people "
                f"{'uses' if n == 1 else 'use'} it, and they are their history.")
    return None


@bp.route("/role/<int:role_id>/skills/<int:skill_id>/delete", methods=["GET", "POST"])
@allow("admin")
def delete_skill(role_id, skill_id):
    """GET asks for confirmation, POST deletes the skill and its expectations; refused while any
    assessment of it exists."""
    role = _role_or_404(role_id)
    skill = _skill_or_404(role, skill_id)
    reason = _skill_blocker(skill)
    if reason:
        flash(reason, "error")
        return redirect(url_for(".role", role_id=role.id, _anchor="skills"))
    expectations = list(SkillExpectation.select().where(SkillExpectation.skill == skill.id))
    if request.method == "POST":
        with write_transaction():
            for e in expectations:
                record("delete", e, snapshot(e), None)
            record("delete", skill, snapshot(skill), None)
            skill.delete_instance()  # the database deletes its expectations (ON DELETE CASCADE)
        flash(f"Skill “{skill.name}” deleted.", "success")
        return redirect(url_for(".role", role_id=role.id, _anchor="skills"))
    return render_template("coaching/admin_skills/delete.html", role=role, skill=skill, expectations=expectations)


@bp.route("/role/<int:role_id>/expectations", methods=["POST"])
@allow("admin")
def expectations(role_id):
    """Save the whole expectations grid at once."""
    role = _role_or_404(role_id)
    skills, levels = _role_skills(role), _role_levels(role)
    stored = {(e.skill_id, e.level_id): e for e in SkillExpectation.select()
              .where(SkillExpectation.skill.in_([s.id for s in skills] or [0]))}
    grid = expectations_form(skills, levels, {k: e.proficiency for k, e in stored.items()}, formdata=request.form)
    if not grid.validate():
        return _role_page(role, grid=grid)
    changes = 0
    with write_transaction():
        for skill in skills:
            for level in levels:
                name = cell_name(skill.id, level.id)
                if name not in request.form:
                    continue  # a skill or level added since the page was shown: leave it as it is
                wanted, found = chosen(grid[name]), stored.get((skill.id, level.id))
                if found is None and wanted is not None:
                    e = SkillExpectation.create(skill=skill, level=level, proficiency=wanted)
                    record("create", e, None, snapshot(e))
                elif found is not None and wanted is None:
                    record("delete", found, snapshot(found), None)
                    found.delete_instance()
                elif found is not None and found.proficiency != wanted:
                    before = snapshot(found)
                    found.proficiency = wanted
                    found.save()
                    record("update", found, before, snapshot(found))
                else:
                    continue
                changes += 1
    flash(f"Expectations saved ({_plural(changes, 'change')})." if changes else "No expectation changed.",
          "success")
    return redirect(url_for(".role", role_id=role.id, _anchor="expectations"))
