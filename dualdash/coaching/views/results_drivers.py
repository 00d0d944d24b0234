"""The results × drivers view of a team: each person placed by KPI attainment and driver ratings
in four quadrants (SVG), with the same figures in a table. Figures: :mod:`dualdash.results_drivers`."""
import datetime

from flask import Blueprint, g, render_template, request
from flask_login import current_user

from dualdash.charts.quadrants import Dot, quadrant_chart
from dualdash.coaching import results_drivers
from dualdash.kpis import periods
from dualdash.kpis.rank_stacks import format_attainment
from dualdash.org import access
from dualdash.org import settings as org_settings
from dualdash.shared.access import allow

bp = Blueprint("results_drivers", __name__)


@bp.route("/teams/<int:team_id>/results-drivers")
@allow("team_results_drivers")
def show(team_id):
    """Admins, and managers with people below them in the team (or its sub-teams); others 403."""
    team = g.team
    visible = None if current_user.is_admin else access.my_subtree()
    people = results_drivers.people_in(access.team_and_below_ids(team.id), visible)
    settings = org_settings.get()
    fy = settings.fiscal_year_start_month
    context = {"team": team, "periods": periods, "fy": fy, "pct": format_attainment,
               "quadrants": results_drivers.QUADRANTS, "today": datetime.date.today()}
    try:
        first, last = results_drivers.read_window(request.args, settings)
    except results_drivers.BadWindow as exc:
        form = {name: (request.args.get(name) or "").strip() for name in ("from", "to")}
        return render_template("coaching/results_drivers/show.html", view=None, errors=exc.errors, form=form,
                               **context), 400
    view = results_drivers.build(team, people, first, last)
    form = {"from": periods.key(first, fy), "to": periods.key(last, fy)}
    return render_template("coaching/results_drivers/show.html", view=view, errors={}, form=form,
                           chart=_chart(view) if view.placed else None, **context)


def scorecard_url(person_id):
    """The person's scorecard page (agreed URL, built by the scorecard pages)."""
    return f"{request.script_root}/people/{person_id}/scorecard"


def _chart(view):
    dots = [Dot(label=p.person.name, x=p.attainment, y=p.drivers, href=scorecard_url(p.person.id),
                title=f"{p.person.name}: attainment {format_attainment(p.attainment)}, drivers "
                      f"{view.driver_text(p)} — {p.status}",
                css_class=f"quadrant-{p.quadrant.replace('_', '-')}")
            for p in view.placed]
    corners = {corner: name for name, corner in results_drivers.QUADRANTS.values()}
    if view.scale:
        low, high = view.scale
        y_ticks = [(0, str(low)), (0.5, f"{(low + high) / 2:g}"), (1, str(high))]
    else:
        y_ticks = [(0, "lowest"), (0.5, "middle"), (1, "highest")]
    return quadrant_chart(
        dots, title=f"Results × drivers: {view.team.name}",
        description=f"{len(dots)} people placed by KPI attainment (across, 100% is on the Meets line; "
                    "above 200% is drawn at the edge) and average driver rating (up). Each point links to "
                    "the person's scorecard; the table below lists the same figures.",
        corners=corners, x_split=results_drivers.ATTAINMENT_SPLIT, x_max=2.0,
        y_split=results_drivers.DRIVER_SPLIT, x_label="KPI attainment", y_label="Average driver rating",
        x_ticks=[(v / 100, f"{v}%") for v in (0, 50, 100, 150, 200)], y_ticks=y_ticks,
        chart_id="results-drivers-chart")
