"""Admin set-up of job roles and their levels.

A role's levels are ordered by ``Level.rank``: 1, 2, 3… with no gaps or repeats. Every change
to a role's levels first locks the role (:func:`dualdash.shared.ordering.lock_owner`) so that
two admins at once cannot give two levels the same rank."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import Case, IntegrityError, fn
from playhouse.flask_utils import get_object_or_404

from dualdash.db import write_transaction
from dualdash.org import uses
from dualdash.org.audit import record, snapshot
from dualdash.org.forms.roles import LevelForm, RoleForm
from dualdash.org.models import JobRole, Level, Person
from dualdash.shared import ordering
from dualdash.shared.access import allow

bp = Blueprint("admin_roles", __name__, url_prefix="/admin/roles")

#: Form prefix of the "add a level" form (the role's own form has none).
NEW_LEVEL = "new_level"


def _people_counts(column, among=None):
    """``{id: (active, all)}`` people per value of ``column`` (Person.role or Person.level),
    in one aggregate query; ``among`` (a list of ids) narrows it."""
    active = fn.SUM(Case(None, ((Person.active == True, 1),), 0))  # noqa: E712
    query = Person.select(column, active, fn.COUNT(Person.id)).where(column.is_null(False))
    if among is not None:
        query = query.where(column.in_(among))
    rows = query.group_by(column).tuples()
    return {key: (int(n_active or 0), int(n_all)) for key, n_active, n_all in rows}


def _levels_by_role():
    """``{role_id: [levels in rank order]}`` for every role, in one query."""
    levels = {}
    for level in Level.select().order_by(Level.role, Level.rank, Level.id):
        levels.setdefault(level.role_id, []).append(level)
    return levels


def _role_or_404(role_id):
    return get_object_or_404(JobRole, JobRole.id == role_id)


def _level_or_404(role, level_id):
    return get_object_or_404(Level, Level.id == level_id, Level.role == role.id)


def _role_levels(role):
    return list(Level.select().where(Level.role == role.id).order_by(Level.rank, Level.id))


def _renumber(levels):
    """Give ``levels``, in their new order, the ranks 1, 2, 3… and record each change.

    Also mends gaps or repeats left by older data. Ranks pass through negative values so
    that a unique (role, rank) index would never object midway."""
    changed = [(rank, lv, snapshot(lv)) for rank, lv in enumerate(levels, start=1) if lv.rank != rank]
    for _, level, _ in changed:
        Level.update(rank=-level.id).where(Level.id == level.id).execute()
    for rank, level, before in changed:
        Level.update(rank=rank).where(Level.id == level.id).execute()
        level.rank = rank
        record("update", level, before, snapshot(level))


def _plural(n, one, many):
    return f"{n} {one if n == 1 else many}"


def _role_blockers(role):
    """Why ``role`` cannot be deleted (a sentence), or None when it can.

    Besides people, whatever would vanish with it (scorecards, benchmarks, role skills: the
    database cascades) keeps it: an admin removes those on purpose first."""
    levels = Level.select(Level.id).where(Level.role == role.id)
    people = Person.select().where((Person.role == role.id) | Person.level.in_(levels)).count()
    if people:
        return (f"“{role.name}” cannot be deleted: {_plural(people, 'person has', 'people have')} "
                "this job role (active or not). Give them another role first.")
    parts = [_plural(n, one, many) for n, one, many in uses.count("role", role, levels)]
    if parts:
        return f"“{role.name}” cannot be deleted: it is still used by {' and '.join(parts)}."
    return None


def _level_blockers(level):
    """Why ``level`` cannot be deleted (a sentence), or None when it can."""
    people = Person.select().where(Person.level == level.id).count()
    if people:
        return (f"Level “{level.name}” cannot be deleted: {_plural(people, 'person is', 'people are')} "
                "on it (active or not). Move them to another level first.")
    for n, one, many in uses.count("level", level):
        return f"Level “{level.name}” cannot be deleted: {_plural(n, one, many)} set for it."
    return None


# --- roles -------------------------------------------------------------------------------------

@bp.route("/")
@allow("admin")
def index():
    """The job roles, each with its levels in order and its number of people."""
    roles = list(JobRole.select())
    roles.sort(key=lambda r: r.name.casefold())
    return render_template("org/admin_roles/index.html", roles=roles, levels=_levels_by_role(),
                           counts=_people_counts(Person.role))


@bp.route("/new", methods=["GET", "POST"])
@allow("admin")
def new():
    """Create a job role, then go on to its levels."""
    form = RoleForm(others=JobRole.select(JobRole.id, JobRole.name))
    if form.validate_on_submit():
        try:
            with write_transaction():
                role = JobRole.create(name=form.name.data, description=form.description.data or "")
                record("create", role, None, snapshot(role))
        except IntegrityError:
            form.name.errors.append("There is already a job role with that name.")
        else:
            flash(f"Job role “{role.name}” created. Now add its levels.", "success")
            return redirect(url_for(".edit", role_id=role.id))
    return render_template("org/admin_roles/new.html", form=form), 400 if form.errors else 200


@bp.route("/<int:role_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit(role_id):
    """A role's name and description, and the list of its levels with their own forms."""
    role = _role_or_404(role_id)
    form = RoleForm(data={"name": role.name, "description": role.description},
                    others=JobRole.select(JobRole.id, JobRole.name).where(JobRole.id != role.id))
    if form.validate_on_submit():
        try:
            with write_transaction():
                before = snapshot(role)
                role.name = form.name.data
                role.description = form.description.data or ""
                role.save()
                if snapshot(role) != before:
                    record("update", role, before, snapshot(role))
        except IntegrityError:
            form.name.errors.append("There is already a job role with that name.")
        else:
            flash(f"Job role “{role.name}” saved.", "success")
            return redirect(url_for(".edit", role_id=role.id))
        # The failed save may have changed the instance: show the page from the database.
        role = _role_or_404(role_id)
    return _edit_page(role, role_form=form)


def _edit_page(role, role_form=None, add_form=None, rename=None):
    """Render a role's page. The form that was just submitted with errors is passed in (keeping
    what was typed, status 400): ``rename`` as ``(level_id, form)``; the others are built fresh
    from the database."""
    levels = _role_levels(role)
    if role_form is None:
        role_form = RoleForm(formdata=None, data={"name": role.name, "description": role.description})
    if add_form is None:
        add_form = LevelForm(formdata=None, prefix=NEW_LEVEL)
    rename_forms = {}
    for level in levels:
        if rename is not None and rename[0] == level.id:
            rename_forms[level.id] = rename[1]
        else:
            rename_forms[level.id] = LevelForm(formdata=None, prefix=f"level-{level.id}",
                                               data={"name": level.name})
        rename_forms[level.id].name.label.text = f"New name for “{level.name}”"
    counts = _people_counts(Person.level, [lv.id for lv in levels])
    failed = any(f.errors for f in (role_form, add_form, *rename_forms.values()))
    return render_template("org/admin_roles/edit.html", role=role, form=role_form, add_form=add_form,
                           levels=levels, rename_forms=rename_forms,
                           level_counts=counts), 400 if failed else 200


@bp.route("/<int:role_id>/delete", methods=["GET", "POST"])
@allow("admin")
def delete(role_id):
    """GET asks for confirmation, POST deletes the role and its levels; refused while anyone
    (active or not) has the role or one of its levels."""
    role = _role_or_404(role_id)
    reason = _role_blockers(role)
    if reason:
        flash(reason, "error")
        return redirect(url_for(".edit", role_id=role.id))
    levels = _role_levels(role)
    if request.method == "POST":
        with write_transaction():
            for level in levels:
                record("delete", level, snapshot(level), None)
            record("delete", role, snapshot(role), None)
            # The database deletes the levels (ON DELETE CASCADE).
            role.delete_instance()
        flash(f"Job role “{role.name}” deleted.", "success")
        return redirect(url_for(".index"))
    return render_template("org/admin_roles/delete.html", role=role, levels=levels)


# --- levels ------------------------------------------------------------------------------------

@bp.route("/<int:role_id>/levels/new", methods=["POST"])
@allow("admin")
def add_level(role_id):
    """Add a level after the role's last one."""
    role = _role_or_404(role_id)
    form = LevelForm(prefix=NEW_LEVEL, others=_role_levels(role))
    if not form.validate():
        return _edit_page(role, add_form=form)
    try:
        with write_transaction():
            ordering.lock_owner(role)
            top = Level.select(fn.MAX(Level.rank)).where(Level.role == role.id).scalar() or 0
            level = Level.create(role=role, name=form.name.data, rank=top + 1)
            record("create", level, None, snapshot(level))
    except IntegrityError:
        form.name.errors.append("This job role already has a level with that name.")
        return _edit_page(role, add_form=form)
    flash(f"Level “{level.name}” added to {role.name}.", "success")
    return redirect(url_for(".edit", role_id=role.id, _anchor="levels"))


@bp.route("/<int:role_id>/levels/<int:level_id>/rename", methods=["POST"])
@allow("admin")
def rename_level(role_id, level_id):
    """Rename one level of a role."""
    role = _role_or_404(role_id)
    level = _level_or_404(role, level_id)
    form = LevelForm(prefix=f"level-{level.id}",
                     others=[lv for lv in _role_levels(role) if lv.id != level.id])
    if not form.validate():
        return _edit_page(role, rename=(level.id, form))
    try:
        with write_transaction():
            before = snapshot(level)
            level.name = form.name.data
            level.save()
            if snapshot(level) != before:
                record("update", level, before, snapshot(level))
    except IntegrityError:
        form.name.errors.append("This job role already has a level with that name.")
        return _edit_page(role, rename=(level.id, form))
    flash(f"Level renamed to “{level.name}”.", "success")
    return redirect(url_for(".edit", role_id=role.id, _anchor="levels"))


@bp.route("/<int:role_id>/levels/<int:level_id>/move/<any(up, down):direction>", methods=["POST"])
@allow("admin")
def move_level(role_id, level_id, direction):
    """Swap a level with the one before (up) or after (down) it."""
    role = _role_or_404(role_id)
    _level_or_404(role, level_id)
    result = ordering.move(level_id, direction, owner=role, load=lambda: _role_levels(role),
                           renumber=_renumber)
    if result is None:  # deleted by someone else a moment ago
        abort(404)
    if result.moved:
        flash(f"Level “{result.row.name}” moved {direction}.", "success")
    else:
        flash(f"Level “{result.row.name}” is already the {result.end}.", "error")
    return redirect(url_for(".edit", role_id=role.id, _anchor="levels"))


@bp.route("/<int:role_id>/levels/<int:level_id>/delete", methods=["GET", "POST"])
@allow("admin")
def delete_level(role_id, level_id):
    """GET asks for confirmation, POST deletes the level and closes the gap in the ranks;
    refused while anyone (active or not) is on that level."""
    role = _role_or_404(role_id)
    level = _level_or_404(role, level_id)
    reason = _level_blockers(level)
    if reason:
        flash(reason, "error")
        return redirect(url_for(".edit", role_id=role.id, _anchor="levels"))
    if request.method == "POST":
        with write_transaction():
            ordering.lock_owner(role)
            record("delete", level, snapshot(level), None)
            level.delete_instance()
            _renumber(_role_levels(role))
        flash(f"Level “{level.name}” deleted.", "success")
        return redirect(url_for(".edit", role_id=role.id, _anchor="levels"))
    return render_template("org/admin_roles/delete_level.html", role=role, level=level)
