"""``GET /search?q=``: the results page of the header's search box (:mod:`dualdash.web.search`)."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from dualdash.shared.access import allow
from dualdash.web import search as finder

bp = Blueprint("search", __name__)


@bp.route("/search")
@allow("signed_in")
def results():
    """People and KPIs whose names hold the query, among what the signed-in person may see."""
    found = finder.search(request.args.get("q", ""), current_user)
    return render_template("web/search.html", found=found, limit=finder.LIMIT)
