"""Placeholder: filled in next."""
from flask import Blueprint

from ..access import admin_required

bp = Blueprint("admin_people", __name__, url_prefix="/admin/people")


@bp.route("/")
@admin_required
def index():
    return "todo"


@bp.route("/<int:person_id>/edit")
@admin_required
def edit(person_id):
    return "todo"
