"""Placeholder: filled in next."""
from flask import Blueprint

from ..access import admin_required

bp = Blueprint("admin_roles", __name__, url_prefix="/admin/roles")


@bp.route("/")
@admin_required
def index():
    return "todo"


@bp.route("/<int:person_id>/edit")
@admin_required
def edit(person_id):
    return "todo"
