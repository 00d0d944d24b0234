"""Admin pages for people: the list, create, edit, deactivate / reactivate, and the CSV import.

People are never deleted: they have history. Deactivating one stops their sign-in and takes them
out of lists; their reports keep them as manager until someone reassigns them."""
import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN
from playhouse.flask_utils import get_object_or_404

from dualdash.db import DISK_FULL_IMPORT, OPERATIONAL_ERRORS, is_disk_full, write_transaction
from dualdash.org import assignments
from dualdash.org.audit import record, snapshot
from dualdash.org.forms.people import PeopleFilterForm, PeopleImportForm, PersonForm
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.org.passwords import hash_password
from dualdash.org.people_import import COLUMNS, EXAMPLE_CSV, PeopleImportError, import_people
from dualdash.shared.access import allow
from dualdash.shared.formats import date_text
from dualdash.shared.paging import Page

bp = Blueprint("admin_people", __name__, url_prefix="/admin/people")


@bp.route("/")
@allow("admin")
def index():
    """Everyone, searchable and filtered, a page at a time (one query for the rows of a page)."""
    filters = PeopleFilterForm(formdata=request.args)
    filters.validate()
    query = people_query(q=filters.value("q"), team_id=filters.value("team"),
                         role_id=filters.value("role"), status=filters.value("status"))
    page = Page(query, request.args.get("page"), current_app.config["PEOPLE_PER_PAGE"])
    filtered = bool(filters.value("q") or filters.value("team") or filters.value("role")
                    or filters.value("status") != "active")
    anyone = bool(page.total) or Person.select().exists()
    return render_template("org/admin_people/index.html", page=page, filters=filters, filtered=filtered,
                           anyone=anyone)


def people_query(q=None, team_id=None, role_id=None, status="active"):
    """People with their team, role, level and manager joined in, ordered by name."""
    manager = Person.alias("manager")
    query = (Person
             .select(Person, Team.id, Team.name, JobRole.id, JobRole.name, Level.id, Level.name,
                     manager.id, manager.name, manager.email)
             .join_from(Person, Team, JOIN.LEFT_OUTER)
             .join_from(Person, JobRole, JOIN.LEFT_OUTER)
             .join_from(Person, Level, JOIN.LEFT_OUTER)
             .join_from(Person, manager, JOIN.LEFT_OUTER, on=(Person.manager == manager.id), attr="manager"))
    if q:
        # contains() is LIKE on SQLite and ILIKE on PostgreSQL: case-insensitive on both.
        query = query.where(Person.name.contains(q) | Person.email.contains(q))
    if team_id:
        query = query.where(Person.team == team_id)
    if role_id:
        query = query.where(Person.role == role_id)
    if status == "active":
        query = query.where(Person.active == True)  # noqa: E712
    elif status == "inactive":
        query = query.where(Person.active == False)  # noqa: E712
    return query.order_by(Person.name, Person.id)


@bp.route("/new", methods=["GET", "POST"])
@allow("admin")
def new():
    form = PersonForm(data={"active": True})
    if form.validate_on_submit():
        with write_transaction():
            person = Person()
            _apply(form, person)
            person.save()
            assignments.seed(person)  # their history starts with what they hold now
            record("create", person, None, _audit_values(person, form))
        flash(f"{person.name} is added.", "success")
        return redirect(url_for(".index"))
    return render_template("org/admin_people/form.html", form=form, person=None), 400 if form.errors else 200


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit(person_id):
    person = _person_or_404(person_id)
    form = PersonForm(person=person, data=_form_data(person))
    if form.validate_on_submit():
        with write_transaction():
            before = snapshot(person)
            changed = form.assignment_changed
            if changed and not assignments.history_of(person):
                assignments.seed(person, before=form.effective_from.data)  # what they held until then
            _apply(form, person)
            if changed:
                # Person.role/level/team end up as the latest assignment's (a change dated before
                # a later one is history, not the present).
                assignments.change(person, form.effective_from.data, form.role.data, form.level.data,
                                   form.team.data)
            person.save()
            record("update", person, before, _audit_values(person, form))
        message = f"{person.name} is saved."
        if changed:
            message += f" Their job role, level and team count from {date_text(form.effective_from.data)} on."
        flash(message, "success")
        return redirect(url_for(".index"))
    history = list(reversed(assignments.history_of(person)))
    return render_template("org/admin_people/form.html", form=form, person=person, history=history), \
        400 if form.errors else 200


@bp.route("/<int:person_id>/deactivate", methods=["GET", "POST"])
@allow("admin")
def deactivate(person_id):
    """GET: what deactivating means for this person; POST: do it."""
    person = _person_or_404(person_id)
    is_self = person.id == current_user.id
    if request.method == "POST":
        if is_self:
            abort(400, "You cannot deactivate yourself: ask another admin.")
        _set_active(person, False, "deactivate")
        flash(f"{person.name} is deactivated.", "success")
        return redirect(url_for(".index"))
    reports = list(Person.select(Person.id, Person.name, Person.active)
                   .where(Person.manager == person.id).order_by(Person.name))
    return render_template("org/admin_people/deactivate.html", person=person, reports=reports, is_self=is_self)


@bp.route("/<int:person_id>/reactivate", methods=["GET", "POST"])
@allow("admin")
def reactivate(person_id):
    """GET: confirm; POST: make the person active again."""
    person = _person_or_404(person_id)
    if request.method == "POST":
        _set_active(person, True, "reactivate")
        flash(f"{person.name} is active again.", "success")
        return redirect(url_for(".index"))
    return render_template("org/admin_people/reactivate.html", person=person)


@bp.route("/import", methods=["GET", "POST"])
@allow("admin")
def import_csv():
    """Upload a people CSV file: all or nothing, with a report of every problem."""
    form = PeopleImportForm()
    errors = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_people(upload.stream)
        except PeopleImportError as exc:
            errors = exc.errors
        except OPERATIONAL_ERRORS as exc:
            if not is_disk_full(exc):
                raise
            flash(DISK_FULL_IMPORT, "error")
            return _import_page(form, None), 507
        else:
            flash(f"Created {result.created}, updated {result.updated} people"
                  + (f" ({result.unchanged} unchanged)." if result.unchanged else "."), "success")
            return redirect(url_for(".index"))
    status = 400 if (errors or form.errors) else 200
    return _import_page(form, errors), status


def _import_page(form, errors):
    return render_template("org/admin_people/import.html", form=form, errors=errors,
                           filename=getattr(form.file.data, "filename", None),
                           columns=COLUMNS, example=EXAMPLE_CSV)


def _person_or_404(person_id):
    return get_object_or_404(Person, Person.id == person_id)


def _form_data(person):
    """The form's starting values: ids for the selects, the manager's email."""
    manager = (Person.select(Person.email).where(Person.id == person.manager_id).scalar()
               if person.manager_id else "")
    return {"email": person.email, "name": person.name, "team": person.team_id, "role": person.role_id,
            "level": person.level_id, "manager": manager or "", "start_date": person.start_date,
            "effective_from": datetime.date.today(),
            "active": person.active, "is_admin": person.is_admin}


def _apply(form, person):
    person.email = form.email.data
    person.name = form.name.data
    person.team = form.team.data
    person.role = form.role.data
    person.level = form.level.data
    person.manager = form.manager_person.id if form.manager_person else None
    person.start_date = form.start_date.data
    person.active = form.active.data
    person.is_admin = form.is_admin.data
    if form.password.data:
        person.password_hash = hash_password(form.password.data)


def _audit_values(person, form):
    values = snapshot(person)
    if form.password.data:
        values["password"] = "changed"  # never the password itself, nor its hash
    return values


def _set_active(person, active, action):
    if person.active == active:
        return
    with write_transaction():
        before = snapshot(person)
        person.active = active
        person.save(only=[Person.active])
        record(action, person, before, snapshot(person))
