"""Admin set-up of scorecards: the ordered KPIs of each job role, of each team, and the KPIs added
for one person (their scorecard is their role's KPIs, then these).

A scorecard row is created when its first KPI is added. Positions are kept as 1, 2, 3… over all
of an owner's scorecards; every change first locks the owner
(:func:`dualdash.shared.ordering.lock_owner`) so that two admins at once cannot interleave their changes."""
from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from peewee import JOIN, IntegrityError, fn

from dualdash.db import write_transaction
from dualdash.kpis.forms.scorecards import AddKPIForm
from dualdash.kpis.models import KPI, Scorecard, ScorecardKPI
from dualdash.org.audit import record, snapshot
from dualdash.org.models import JobRole, Person, Team
from dualdash.shared import ordering
from dualdash.shared.access import allow

bp = Blueprint("admin_scorecards", __name__, url_prefix="/admin/scorecards")

#: Whose scorecard: the model of its owner and the Scorecard column naming it.
OWNERS = {"role": (JobRole, Scorecard.role), "team": (Team, Scorecard.team), "person": (Person, Scorecard.person)}
OTHER_COLUMNS = (Scorecard.role, Scorecard.team, Scorecard.person)


def _owner_or_404(kind, owner_id):
    if kind not in OWNERS:
        abort(404)
    model = OWNERS[kind][0]
    owner = model.get_or_none(model.id == owner_id)
    if owner is None:
        abort(404)
    return owner


def _belongs_to(kind, owner_id):
    """The condition selecting the scorecards of one owner (and of nobody else besides)."""
    column = OWNERS[kind][1]
    condition = column == owner_id
    for other in OTHER_COLUMNS:
        if other is not column:
            condition &= other.is_null()
    return condition


def _items(kind, owner_id):
    """The owner's KPIs in order, as ScorecardKPI rows with their KPI (one query)."""
    return list(ScorecardKPI.select(ScorecardKPI, KPI).join_from(ScorecardKPI, KPI)
                .join_from(ScorecardKPI, Scorecard)
                .where(_belongs_to(kind, owner_id))
                .order_by(ScorecardKPI.position, ScorecardKPI.id))


def _title(kind, owner):
    if kind == "role":
        return f"Scorecard of the job role “{owner.name}”"
    if kind == "team":
        return f"Scorecard of the team “{owner.name}”"
    return f"KPIs added for {owner.name}"


def _scorecard_name(kind, owner):
    return f"Added for {owner.name}" if kind == "person" else owner.name


def _renumber(items):
    """Give ``items``, in their new order, the positions 1, 2, 3… and record each change."""
    ordering.renumber(items, ScorecardKPI.position, snapshot=snapshot, record=record)


# --- the overview ---------------------------------------------------------------------------------

@bp.route("/")
@allow("admin")
def index():
    """Every job role and team with its KPIs in order, and the people with KPIs of their own
    (four queries however many there are)."""
    by_owner = defaultdict(list)
    person_names = {}
    query = (ScorecardKPI.select(ScorecardKPI.id, ScorecardKPI.position, Scorecard.role, Scorecard.team,
                                 Scorecard.person, KPI.name, KPI.key, KPI.active, Person.name)
             .join_from(ScorecardKPI, Scorecard).join_from(ScorecardKPI, KPI)
             .join_from(Scorecard, Person, JOIN.LEFT_OUTER, on=(Scorecard.person == Person.id))
             .order_by(ScorecardKPI.position, ScorecardKPI.id).tuples())
    for _, _, role_id, team_id, person_id, name, key, active, person_name in query:
        if person_id is not None:
            owner = ("person", person_id)
            person_names[person_id] = person_name
        elif role_id is not None:
            owner = ("role", role_id)
        elif team_id is not None:
            owner = ("team", team_id)
        else:
            continue
        by_owner[owner].append((name, key, active))
    roles = sorted(JobRole.select(JobRole.id, JobRole.name), key=lambda r: r.name.casefold())
    teams = sorted(Team.select(Team.id, Team.name), key=lambda t: t.name.casefold())
    people = sorted(person_names.items(), key=lambda item: (item[1] or "").casefold())
    return render_template("kpis/admin_scorecards/index.html", roles=roles, teams=teams, people=people,
                           by_owner=by_owner)


# --- one scorecard --------------------------------------------------------------------------------

def _addable(items, role_items=()):
    """Active KPIs not on the scorecard yet (nor, for a person, on their role's), by name."""
    taken = {item.kpi_id for item in items} | {item.kpi_id for item in role_items}
    kpis = KPI.select(KPI.id, KPI.name, KPI.key).where(KPI.active == True)  # noqa: E712
    return sorted((k for k in kpis if k.id not in taken), key=lambda k: (k.name.casefold(), k.key))


def _page(kind, owner, form=None):
    items = _items(kind, owner.id)
    role_items, role = (), None
    if kind == "person" and owner.role_id:
        role = JobRole.get_or_none(JobRole.id == owner.role_id)
        role_items = _items("role", owner.role_id)
    addable = _addable(items, role_items)
    if form is None:
        form = AddKPIForm(formdata=None, kpis=addable)
    return render_template("kpis/admin_scorecards/edit.html", kind=kind, owner=owner, title=_title(kind, owner),
                           items=items, role=role, role_items=role_items, form=form,
                           any_kpis=KPI.select().exists()), 400 if form.errors else 200


@bp.route("/role/<int:owner_id>")
@allow("admin")
def role(owner_id):
    """A job role's scorecard."""
    return _page("role", _owner_or_404("role", owner_id))


@bp.route("/team/<int:owner_id>")
@allow("admin")
def team(owner_id):
    """A team's scorecard."""
    return _page("team", _owner_or_404("team", owner_id))


@bp.route("/person/<int:owner_id>")
@allow("admin")
def person(owner_id):
    """The KPIs added for one person, below their role's."""
    return _page("person", _owner_or_404("person", owner_id))


def _back(kind, owner):
    return redirect(url_for(f".{kind}", owner_id=owner.id, _anchor="kpis"))


@bp.route("/<any(role, team, person):kind>/<int:owner_id>/add", methods=["POST"])
@allow("admin")
def add(kind, owner_id):
    """Add a KPI at the end of the scorecard, creating the scorecard on its first KPI."""
    owner = _owner_or_404(kind, owner_id)
    items = _items(kind, owner.id)
    role_items = _items("role", owner.role_id) if kind == "person" and owner.role_id else ()
    form = AddKPIForm(kpis=_addable(items, role_items))
    if not form.validate():
        return _page(kind, owner, form)
    kpi = KPI.get_by_id(form.kpi.data)
    try:
        with write_transaction():
            ordering.lock_owner(owner)
            card = (Scorecard.select().where(_belongs_to(kind, owner.id)).order_by(Scorecard.id).first())
            if card is None:
                card = Scorecard.create(name=_scorecard_name(kind, owner), **{kind: owner.id})
                record("create", card, None, snapshot(card))
            last = (ScorecardKPI.select(fn.MAX(ScorecardKPI.position)).join(Scorecard)
                    .where(_belongs_to(kind, owner.id)).scalar() or 0)
            item = ScorecardKPI.create(scorecard=card, kpi=kpi, position=last + 1)
            record("create", item, None, snapshot(item))
    except IntegrityError:  # added by someone else a moment ago
        form.kpi.errors.append(f"“{kpi.name}” is already on this scorecard.")
        return _page(kind, owner, form)
    flash(f"“{kpi.name}” added to the scorecard.", "success")
    return _back(kind, owner)


def _item_or_404(kind, owner, item_id):
    item = (ScorecardKPI.select(ScorecardKPI, KPI).join_from(ScorecardKPI, KPI)
            .join_from(ScorecardKPI, Scorecard)
            .where((ScorecardKPI.id == item_id) & _belongs_to(kind, owner.id)).first())
    if item is None:
        abort(404)
    return item


@bp.route("/<any(role, team, person):kind>/<int:owner_id>/items/<int:item_id>/remove", methods=["POST"])
@allow("admin")
def remove(kind, owner_id, item_id):
    """Take a KPI off the scorecard (its values and benchmark stay)."""
    owner = _owner_or_404(kind, owner_id)
    item = _item_or_404(kind, owner, item_id)
    with write_transaction():
        ordering.lock_owner(owner)
        record("delete", item, snapshot(item), None)
        ScorecardKPI.delete().where(ScorecardKPI.id == item.id).execute()
        _renumber(_items(kind, owner.id))
    flash(f"“{item.kpi.name}” removed from the scorecard. Its values and benchmark are kept.", "success")
    return _back(kind, owner)


@bp.route("/<any(role, team, person):kind>/<int:owner_id>/items/<int:item_id>/move/<any(up, down):direction>",
          methods=["POST"])
@allow("admin")
def move(kind, owner_id, item_id, direction):
    """Swap a KPI with the one before (up) or after (down) it."""
    owner = _owner_or_404(kind, owner_id)
    _item_or_404(kind, owner, item_id)
    result = ordering.move(item_id, direction, owner=owner,
                           load=lambda: _items(kind, owner.id), renumber=_renumber)
    if result is None:  # removed by someone else a moment ago
        abort(404)
    if result.moved:
        flash(f"“{result.row.kpi.name}” moved {direction}.", "success")
    else:
        flash(f"“{result.row.kpi.name}” is already the {result.end}.", "error")
    return _back(kind, owner)
