"""Home: what needs the signed-in person today (:mod:`dualdash.web.today`), per role."""
import datetime

from flask import Blueprint, render_template
from flask_login import current_user

from dualdash.coaching import follow_through
from dualdash.kpis import periods
from dualdash.kpis.views.scorecard_pages import band_class, band_label, format_value
from dualdash.org import access
from dualdash.org import settings as org_settings
from dualdash.shared.access import allow
from dualdash.web import today

bp = Blueprint("home", __name__)


@bp.route("/")
@allow("signed_in")
def index():
    """A manager (anyone with people below them) sees their team's day; anyone else their own next
    1:1, scorecard and action items; an admin also the organization's set-up gaps."""
    manages = bool(access.my_subtree())
    return render_template(
        "web/home.html", today_date=datetime.date.today(),
        manager=today.for_manager(current_user) if manages else None,
        member=None if manages else today.for_member(current_user),
        gaps=today.setup_gaps() if current_user.is_admin else None,
        fmt=format_value, band_label=band_label, band_class=band_class, is_overdue=follow_through.is_overdue,
        period_label=lambda p: periods.label(p, org_settings.get().fiscal_year_start_month),
    )
