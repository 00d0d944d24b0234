"""Admin set-up of teams: the team tree, create, edit (name and parent), delete."""
from dataclasses import dataclass, field

from flask import Blueprint, flash, redirect, render_template, request, url_for
from peewee import Case, IntegrityError, fn
from playhouse.flask_utils import get_object_or_404

from dualdash.db import write_transaction
from dualdash.org import uses
from dualdash.org.audit import record, snapshot
from dualdash.org.forms.teams import TeamForm
from dualdash.org.models import Person, Team
from dualdash.shared.access import allow
from dualdash.shared.form_fields import name_taken

bp = Blueprint("admin_teams", __name__, url_prefix="/admin/teams")


@dataclass
class TeamNode:
    """A team in the tree, with its sub-teams."""

    team: Team
    depth: int = 0
    children: list = field(default_factory=list)


def build_tree(teams):
    """The root nodes of ``teams`` arranged by ``parent``, each level sorted by name."""
    nodes = {t.id: TeamNode(t) for t in teams}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.team.parent_id)
        (parent.children if parent else roots).append(node)
    # Only bad data (a loop of parents) leaves teams unreached from the roots: cut each loop
    # once and show it from there, rather than losing those teams and the chance to fix them.
    reached = {n.team.id for n in walk(roots)}
    for node in nodes.values():
        if node.team.id not in reached:
            nodes[node.team.parent_id].children.remove(node)
            roots.append(node)
            reached.update(n.team.id for n in walk([node]))
    _sort(roots, 0)
    return roots


def _sort(nodes, depth):
    nodes.sort(key=lambda n: n.team.name.casefold())
    for node in nodes:
        node.depth = depth
        _sort(node.children, depth + 1)


def walk(roots):
    """Every node of the trees under ``roots`` (included), depth first: the display order."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def find(roots, team_id):
    """The node of ``team_id`` in the tree, or None."""
    return next((n for n in walk(roots) if n.team.id == team_id), None)


def people_counts():
    """``{team_id: (active, all)}`` people per team, in one aggregate query."""
    active = fn.SUM(Case(None, ((Person.active == True, 1),), 0))  # noqa: E712
    rows = (Person.select(Person.team, active, fn.COUNT(Person.id))
            .where(Person.team.is_null(False)).group_by(Person.team).tuples())
    return {team_id: (int(n_active or 0), int(n_all)) for team_id, n_active, n_all in rows}


def _team_or_404(team_id):
    return get_object_or_404(Team, Team.id == team_id)


@bp.route("/")
@allow("admin")
def index():
    """The teams as a tree, each with its number of active people."""
    roots = build_tree(Team.select())
    return render_template("org/admin_teams/index.html", roots=roots, counts=people_counts())


@bp.route("/new", methods=["GET", "POST"])
@allow("admin")
def new():
    """Create a team (``?parent=ID`` preselects its parent)."""
    return _edit_form(None)


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit(team_id):
    """Rename a team or move it elsewhere in the tree."""
    return _edit_form(_team_or_404(team_id))


def _edit_form(team):
    roots = build_tree(Team.select())
    tree = [(n.team, n.depth) for n in walk(roots)]
    excluded = set()
    if team is not None:
        excluded = {n.team.id for n in walk([find(roots, team.id)])}
        data = {"name": team.name, "parent": team.parent_id}
    else:
        data = {"parent": request.args.get("parent", type=int)}
    form = TeamForm(data=data, tree=tree, team=team, excluded=excluded)
    if form.validate_on_submit():
        try:
            saved = _save(team, form.name.data, form.parent.data)
        except IntegrityError:
            # Someone else took the name, or deleted the parent, since the form was checked.
            team_id = team.id if team is not None else None
            clash = name_taken(form.name.data, Team.select().where(Team.id != (team_id or 0)))
            if clash:
                form.name.errors.append(f"There is already a team called “{clash.name}”.")
            else:
                form.parent.errors.append("That team no longer exists: choose another.")
            # The failed save changed the instance: title the page from the database.
            team = _team_or_404(team_id) if team_id else None
        else:
            flash(f"Team “{saved.name}” {'created' if team is None else 'saved'}.", "success")
            return redirect(url_for(".index"))
    return render_template("org/admin_teams/form.html", form=form, team=team), 400 if form.errors else 200


def _save(team, name, parent_id):
    """Create (``team`` None) or update a team and record it in the audit trail."""
    with write_transaction():
        before = snapshot(team) if team is not None else None
        if team is None:
            team = Team()
        team.name = name
        team.parent = parent_id
        team.save()
        after = snapshot(team)
        if before != after:
            record("create" if before is None else "update", team, before, after)
    return team


def blockers(team):
    """Why ``team`` cannot be deleted (a sentence), or None when it can."""
    people = Person.select().where(Person.team == team.id).count()
    subteams = Team.select().where(Team.parent == team.id).count()
    parts = []
    if people:
        parts.append(f"{people} {'person' if people == 1 else 'people'} (active or not)")
    if subteams:
        parts.append(f"{subteams} sub-team{'' if subteams == 1 else 's'}")
    if parts:
        return (f"“{team.name}” cannot be deleted: it still has {' and '.join(parts)}. "
                "Move them to another team first.")
    # The database would delete the team's scorecards with it: make that a deliberate step.
    for n, one, many in uses.count("team", team):
        return f"“{team.name}” cannot be deleted: it is still used by {n} {one if n == 1 else many}."
    return None


@bp.route("/<int:team_id>/delete", methods=["GET", "POST"])
@allow("admin")
def delete(team_id):
    """GET asks for confirmation, POST deletes; refused while the team has people or sub-teams."""
    team = _team_or_404(team_id)
    reason = blockers(team)
    if reason:
        flash(reason, "error")
        return redirect(url_for(".edit", team_id=team.id))
    if request.method == "POST":
        try:
            with write_transaction():
                record("delete", team, snapshot(team), None)
                team.delete_instance()
        except IntegrityError:
            # A sub-team was added a moment ago (the parent link refuses the delete).
            flash(f"“{team.name}” cannot be deleted: it has just been given a sub-team.", "error")
            return redirect(url_for(".edit", team_id=team.id))
        flash(f"Team “{team.name}” deleted.", "success")
        return redirect(url_for(".index"))
    return render_template("org/admin_teams/delete.html", team=team)
