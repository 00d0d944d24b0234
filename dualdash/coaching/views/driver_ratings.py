"""A person's Performance Drivers: latest manager and self-ratings side by side, trend and history,
and the form to rate them (a manager: ``?meeting=<id>`` records the ratings in that 1:1).

Figures: :mod:`dualdash.driver_ratings`; chart: :mod:`dualdash.charts.driver_trend`."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from dualdash.charts.driver_trend import TrendPoint, driver_trend
from dualdash.charts.sparkline import sparkline
from dualdash.coaching import driver_ratings
from dualdash.coaching.forms.driver_ratings import rating_form
from dualdash.org import access
from dualdash.plugins import manager as plugins
from dualdash.shared.access import allow
from dualdash.shared.formats import date_text

bp = Blueprint("driver_ratings", __name__)


@bp.route("/people/<int:person_id>/drivers", methods=["GET", "POST"])
@allow("view_drivers", POST="rate_drivers")
def person(person_id):
    """Whoever may view the person sees the page; a manager (or admin) above them gets the rating
    form, the person themselves the self-rating form, anyone else no form (a POST is 403).
    ``?meeting=`` (checked by the rule: a 1:1 of this person that the viewer leads) records the
    ratings in that 1:1."""
    who = g.person
    if current_user.id == who.id:
        mode = "self"
    elif access.can_manage_person(who):
        mode = "manager"
    else:
        mode = None
    meeting = g.meeting
    all_drivers = plugins.current().drivers
    drivers = driver_ratings.drivers_for(who, all_drivers)
    form = rating_form(drivers) if mode and drivers else None
    status = 200
    if request.method == "POST":
        if form is None:
            abort(400, "No Performance Driver applies to this person.")
        if form.validate():
            stray = form.stray_keys(request.form)
            try:
                if stray:
                    # A driver the form does not show (forged or stale): the core says why (unknown,
                    # or not for this person's role), and nothing is written.
                    raise driver_ratings.Invalid(driver_ratings.validate(
                        who, [driver_ratings.Entry(key, 0) for key in stray], all_drivers))
                created = driver_ratings.record(who, current_user, form.entries(), is_self=mode == "self",
                                                meeting=meeting, drivers=all_drivers)
            except driver_ratings.Invalid as exc:
                form.add_errors(exc.errors)
            else:
                flash(f"Saved {len(created)} {'self-' if mode == 'self' else ''}rating"
                      f"{'s' if len(created) != 1 else ''} for {who.name}.", "success")
                warning = driver_ratings.before_start_warning(who)
                if warning:
                    flash(f"Warning: {warning} (saved anyway: check the start date).", "warning")
                if meeting:
                    return redirect(meeting_url(meeting.id))
                return redirect(url_for("driver_ratings.person", person_id=who.id))
        status = 400
    start, end = driver_ratings.window()
    found = driver_ratings.histories(who, drivers, start, end)
    charts = {h.driver.key: _chart(who, h, start, end) for h in found if h.history}
    sparks = {h.driver.key: _spark(who, h) for h in found if sum(1 for r in h.history if not r.is_self) > 1}
    trends = {h.driver.key: driver_ratings.trend(h.history) for h in found}
    return render_template("coaching/drivers/person.html", person=who, mode=mode, meeting=meeting, form=form,
                           histories=found, charts=charts, sparks=sparks, trends=trends,
                           any_drivers=bool(all_drivers),
                           start=start, end=end, score_text=driver_ratings.score_text,
                           meeting_url=meeting_url, window_days=driver_ratings.WINDOW_DAYS,
                           before_start=driver_ratings.before_start_warning(who) if form else None), status


def meeting_url(meeting_id):
    """The 1:1's page (agreed URL; a plain path until the meetings pages are registered)."""
    try:
        return url_for("meetings.show", meeting_id=meeting_id)
    except BuildError:
        return f"{request.script_root}/meetings/{meeting_id}"


def _spark(who, found):
    """A small trend of the manager's ratings in the window, oldest first, on the driver's scale."""
    scores = [r.score for r in reversed(found.history) if not r.is_self]
    driver = found.driver
    label = (f"{driver.name}: {who.name}'s last {len(scores)} manager's ratings, from "
             f"{driver_ratings.score_text(driver, scores[0])} to {driver_ratings.score_text(driver, scores[-1])}")
    return sparkline(scores, width=80, height=20, label=label)


def _chart(who, found, start, end):
    driver = found.driver
    points = [TrendPoint(on=r.rated_on, score=r.score, is_self=r.is_self,
                         title=f"{date_text(r.rated_on)}: "
                               f"{'self-rating' if r.is_self else 'rating by ' + r.rater.name}, "
                               f"{driver_ratings.score_text(driver, r.score)}")
              for r in found.history]
    return driver_trend(points, driver.scale, start, end, title=f"{driver.name}: {who.name}'s ratings over "
                        f"the last {driver_ratings.WINDOW_DAYS} days", chart_id=f"trend-{driver.key}")
