"""Placeholder: filled in next."""
from flask import Blueprint

from ..access import admin_required

bp = Blueprint("admin_teams", __name__, url_prefix="/admin/teams")


@bp.route("/")
@admin_required
def index():
    return "todo"


@bp.route("/<int:person_id>/edit")
@admin_required
def edit(person_id):
    return "todo"
