"""People pages: a person's page, and the list of people the viewer may see."""
from flask import Blueprint, current_app, g, render_template, request
from peewee import JOIN

from dualdash.org import access
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.shared.access import allow
from dualdash.shared.paging import Page

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.route("/")
@allow("signed_in")
def index():
    """Everyone the viewer may see: their whole subtree (admins: everyone)."""
    q = (request.args.get("q") or "").strip()
    query = access.visible_people_query().where(Person.active == True)  # noqa: E712
    if q:
        query = query.where(Person.name.contains(q) | Person.email.contains(q.lower()))
    query = (query.select(Person, Team, JobRole, Level)
             .join_from(Person, Team, JOIN.LEFT_OUTER)
             .join_from(Person, JobRole, JOIN.LEFT_OUTER)
             .join_from(Person, Level, JOIN.LEFT_OUTER)
             .order_by(Person.name))
    page = Page(query, request.args.get("page"), current_app.config["PEOPLE_PER_PAGE"])
    return render_template("org/people/index.html", page=page, q=q)


@bp.route("/<int:person_id>")
@allow("view_person")
def show(person_id):
    person = g.person
    reports = (Person.select().where((Person.manager == person.id) & (Person.active == True))  # noqa: E712
               .order_by(Person.name))
    return render_template("org/people/show.html", person=person, reports=list(reports),
                           can_manage=access.can_manage_person(person))
