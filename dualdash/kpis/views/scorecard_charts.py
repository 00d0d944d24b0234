"""The full-size scorecard charts, one click from the scorecards: the trend of one KPI for one person
(or for a team's own values), and the band counts of a team, of a manager's people or of the whole
organization over the last periods. Each chart comes with the same figures in a table.

Its routes belong to the scorecard pages' blueprint. A fixed number of queries whatever the number of
people and periods: the people, then :func:`dualdash.kpis.scorecards.build` over every period at once."""
from flask import abort, g, render_template, request
from flask_login import current_user

from dualdash.charts.stacked import Column, band_columns
from dualdash.charts.trend import TrendPoint, trend_chart
from dualdash.kpis import scorecards, team_values
from dualdash.kpis.forms.scorecard_view import PersonScorecardForm, SubtreeBandsForm, TeamBandsForm
from dualdash.kpis.models import KPI
from dualdash.kpis.views.scorecard_pages import BAND_ORDER, _navigation, _people, band_label, bp, format_value, line_for
from dualdash.kpis.views.team_scorecard import column_label, periods_of
from dualdash.org import team_tree
from dualdash.org.models import Person
from dualdash.plugins.types import Band
from dualdash.shared.access import allow

#: The widths the charts are drawn at: a laptop's, and a phone's (shown instead below 40rem).
WIDE, NARROW = 760, 360
BAND_NAMES = {band.value: band.label for band in (Band.EXCEEDS, Band.MEETS, Band.FAILS)}


def _kpi(key):
    kpi = KPI.get_or_none(KPI.key == key)
    if kpi is None:
        abort(404, description=f"There is no KPI with the key “{key}”.")
    return kpi


@bp.route("/people/<int:person_id>/scorecard/<kpi_key>")
@allow("view_person")
def person_trend(person_id, kpi_key):
    """One KPI of one person over the last periods: values, bands, benchmark lines and notes."""
    kpi = _kpi(kpi_key)
    form = PersonScorecardForm(request.args)
    valid = form.validate()
    view, count = form.view, form.range_value()
    who = scorecards.people_with_details([person_id])[person_id]
    on_card = any(k.id == kpi.id for k in scorecards.kpis_for([who])[who.id])
    row = scorecards.build([who], view, history=count, kpis_by_person={who.id: [kpi]})[0].rows[0]
    return _trend_page(form, valid, kpi, row, who.name, who=who, on_card=on_card,
                       nav=_navigation(view, form, ".person_trend", {"person_id": person_id, "kpi_key": kpi.key},
                                       range=count))


@bp.route("/teams/<int:team_id>/kpis/<kpi_key>")
@allow("team_values")
def team_trend(team_id, kpi_key):
    """One of a team's own KPIs (values of the team itself) over the last periods."""
    kpi, team = _kpi(kpi_key), g.team
    form = PersonScorecardForm(request.args)
    valid = form.validate()
    view, count = form.view, form.range_value()
    on_card = any(k.id == kpi.id for k in team_values.kpis_for_teams([team.id]).get(team.id, []))
    row = team_values.build([team], view, history=count, kpis_by_team={team.id: [kpi]})[0].rows[0]
    return _trend_page(form, valid, kpi, row, team.name, team=team, on_card=on_card,
                       nav=_navigation(view, form, ".team_trend", {"team_id": team_id, "kpi_key": kpi.key},
                                       range=count))


def _trend_page(form, valid, kpi, row, whose, nav, on_card, who=None, team=None):
    view = form.view
    labels = [column_label(p) for p in periods_of(view, len(row.history))]
    points = [trend_point(point, kpi, label) for point, label in zip(row.history, labels)]
    title = f"{kpi.name} of {whose}, {labels[0].full} to {labels[-1].full}"
    description = describe_trend(points, kpi)
    charts = {width: trend_chart(points, title, description, chart_id=f"trend-{width}", width=width,
                                 value_text=lambda v: format_value(v, kpi))
              for width in (WIDE, NARROW)}
    return render_template(
        "kpis/scorecards/trend.html", form=form, kpi=kpi, row=row, points=points, labels=labels, view=view,
        charts=charts, who=who, team=team, whose=whose, on_card=on_card, nav=nav,
        lines=[line_for(p.benchmark) for p in row.history],
    ), 200 if valid else 400


def trend_point(point, kpi, label):
    """What the trend chart draws of one :class:`dualdash.kpis.scorecards.Point`."""
    bench = point.benchmark
    return TrendPoint(label=label.short, title=label.full, value=point.value,
                      value_text=format_value(point.value, kpi) or "No data",
                      band=point.band.value if point.band is not None else None, band_text=band_label(point.band),
                      meets=bench.meets if bench else None, exceeds=bench.exceeds if bench else None, note=point.note)


def describe_trend(points, kpi):
    """The chart in a sentence, for screen readers: how many values, the first and last, the bands."""
    known = [p for p in points if p.value is not None]
    if not known:
        return f"No values in these {len(points)} periods."
    tally = {name: sum(1 for p in known if p.band == band) for band, name in BAND_NAMES.items()}
    bands = ", ".join(f"{n} {name}" for name, n in tally.items() if n) or "none banded"
    return (f"{len(known)} of {len(points)} periods have a value, from {known[0].value_text} ({known[0].title}) "
            f"to {known[-1].value_text} ({known[-1].title}): {bands}. The table below lists every value.")


@bp.route("/teams/<int:team_id>/scorecard/bands")
@allow("team_page")
def team_bands(team_id):
    """How many of a team's scorecard cells were Fails, Meets and Exceeds, period by period."""
    teams = team_tree.load()
    form = TeamBandsForm(request.args)
    valid = form.validate()
    scope = form.scope_value()
    team_ids = team_tree.descendants(teams, team_id) if scope == "all" else {team_id}
    people = _people(Person.team.in_(list(team_ids)), include_self=True)
    whose = team_tree.path(teams, team_id)
    return _bands_page(form, valid, people, whose, team=teams[team_id],
                       nav=_navigation(form.view, form, ".team_bands", {"team_id": team_id}, scope=scope,
                                       periods=form.periods_value()))


@bp.route("/scorecards/bands")
@allow("managers")
def subtree_bands():
    """The band counts of everyone below the signed-in manager (an admin: the whole organization),
    or of one team of theirs, period by period."""
    teams = team_tree.load()
    form = SubtreeBandsForm(request.args, team_choices=[(id_, team_tree.path(teams, id_))
                                                        for id_ in team_tree.tree_order(teams)])
    valid = form.validate()
    team_id = form.team_value()
    condition = Person.team.in_(list(team_tree.descendants(teams, team_id))) if team_id is not None else None
    people = _people(condition, include_self=False)
    everyone = "the whole organization" if current_user.is_admin else "all my people"
    whose = team_tree.path(teams, team_id) if team_id is not None else everyone
    return _bands_page(form, valid, people, whose, nav=_navigation(form.view, form, ".subtree_bands", {},
                                                                   team=team_id, periods=form.periods_value()))


def _bands_page(form, valid, people, whose, nav, team=None):
    view, count = form.view, form.periods_value()
    cards = scorecards.build(people, view, history=count)
    tallies = scorecards.band_counts(cards, count)
    labels = [column_label(p) for p in periods_of(view, count)]
    columns = [Column(label=label.short, title=label.full,
                      counts={band.value: tally[band] for band in (Band.EXCEEDS, Band.MEETS, Band.FAILS)})
               for label, tally in zip(labels, tallies)]
    title = f"Scorecard bands of {whose}, {labels[0].full} to {labels[-1].full}"
    latest = tallies[-1]
    description = (f"{len(people)} people, {count} periods. In the latest, {labels[-1].full}: "
                   + ", ".join(f"{latest[band]} {band_label(band)}" for band in BAND_ORDER)
                   + ". The table below lists every period.")
    charts = {width: band_columns(columns, title, description, chart_id=f"bands-{width}", width=width,
                                  band_names=BAND_NAMES) for width in (WIDE, NARROW)}
    return render_template(
        "kpis/scorecards/bands.html", form=form, view=view, whose=whose, team=team, people_count=len(people),
        rows=list(zip(labels, tallies)), charts=charts, nav=nav,
    ), 200 if valid else 400
