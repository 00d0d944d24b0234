"""The manager's dashboard (1:1s to hold, people not met lately, their open action items) and the
admins' follow-through report (1:1s held vs planned vs missed, action items done on time)."""

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user

from dualdash.coaching import follow_through
from dualdash.org import access
from dualdash.shared.access import allow
from dualdash.shared.downloads import csv_download
from dualdash.web.forms.dashboard import FollowThroughForm

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@allow("signed_in")
def manager():
    """For anyone with people below them (admins too, for their own line); members have their own
    1:1s page instead."""
    below = access.my_subtree()
    if not below and not current_user.is_admin:
        return redirect(request.script_root + "/meetings/")
    return render_template(
        "web/dashboard/manager.html",
        upcoming=follow_through.upcoming_meetings(current_user),
        missed=follow_through.missed_meetings(current_user),
        not_met=follow_through.without_recent_meeting(below),
        items=follow_through.open_action_items(below),
        upcoming_days=follow_through.UPCOMING_DAYS,
        lately_days=follow_through.LATELY_DAYS,
        is_overdue=follow_through.is_overdue,
    )


# Endpoint dashboard.follow_through, as agreed; the function has another name so that it does not
# hide the follow_through module.
@bp.route("/reports/follow-through", endpoint="follow_through")
@allow("admin")
def follow_through_report():
    """Admins: per manager over a period, 1:1s planned, held, missed, cancelled, and action items
    done on time, late or still overdue. ``?format=csv`` downloads the same table."""
    form = FollowThroughForm(request.args)
    if not form.validate():
        return render_template("web/dashboard/follow_through.html", form=form, report=None), 400
    start, end = form.period()
    result = follow_through.report(start, end)
    if request.args.get("format") == "csv":
        return csv_download(_csv_lines(result), f"follow-through-{start.isoformat()}-{end.isoformat()}")
    csv_args = {**request.args.to_dict(), "format": "csv"}
    return render_template("web/dashboard/follow_through.html", form=form, report=result, csv_args=csv_args)


CSV_COLUMNS = ["manager", "email", "period_start", "period_end", "one_to_ones_planned", "held", "missed",
               "cancelled", "upcoming", "held_rate_percent", "action_items_due", "done_on_time", "done_late",
               "open_overdue", "open_not_yet_due", "on_time_rate_percent"]


def _csv_lines(result):
    lines = [CSV_COLUMNS]
    for row in result.rows + [result.totals]:
        who = [row.manager.name, row.manager.email] if row.manager else ["All managers", ""]
        lines.append(who + [result.start.isoformat(), result.end.isoformat(), row.planned, row.held, row.missed,
                            row.cancelled, row.upcoming, _pct(row.held_rate), row.items_due, row.on_time,
                            row.late, row.open_overdue, row.open_not_due, _pct(row.on_time_rate)])
    return lines


def _pct(rate):
    return "" if rate is None else f"{rate * 100:.1f}"
