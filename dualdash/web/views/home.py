"""The start page after signing in."""
from flask import Blueprint, render_template
from flask_login import current_user

from dualdash.org import access
from dualdash.org.models import Person
from dualdash.shared.access import allow

bp = Blueprint("home", __name__)


@bp.route("/")
@allow("signed_in")
def index():
    reports = (Person.select().where((Person.manager == current_user.id) & (Person.active == True))  # noqa: E712
               .order_by(Person.name))
    return render_template("web/home.html", reports=list(reports), subtree_size=len(access.my_subtree()))
