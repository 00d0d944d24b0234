"""The team scorecard page: a team's people × their KPIs for one period (the KPIs a few columns at a
time when there are many), or, with ``?periods=N``, the weekly measurables grid: for each KPI a block
of people × the last N periods, every cell banded.

Its routes belong to the scorecard pages' blueprint (``scorecard_pages.team``). A fixed number of
queries whatever the number of people and periods: the people, then
:func:`dualdash.kpis.scorecards.build` over all the periods at once."""
from dataclasses import dataclass, replace
from statistics import fmean
from typing import Optional

from flask import abort, render_template, request, url_for

from dualdash.kpis import periods, scorecards, team_values
from dualdash.kpis.forms.scorecard_view import TeamScorecardForm
from dualdash.kpis.views.scorecard_pages import (
    TEAM_TREND,
    _grid,
    _grid_csv,
    _key,
    _label,
    _navigation,
    _people,
    _slug,
    _spark,
    _wants_csv,
    _week_start_fy,
    band_class,
    band_label,
    bp,
    format_value,
)
from dualdash.org import access, team_tree
from dualdash.org.models import Person
from dualdash.shared.access import allow
from dualdash.shared.downloads import csv_download
from dualdash.shared.formats import date_text

#: KPI columns shown at once in the one-period grid: what fits a laptop's width without scrolling.
KPI_COLUMNS = 6
#: The one-letter codes of the bands in the measurables grid (the legend and each cell's hidden text
#: say the word).
BAND_CODES = {"exceeds": "E", "meets": "M", "fails": "F"}


@bp.route("/teams/<int:team_id>/scorecard")
@allow("team_page")
def team(team_id):
    """A team's people × their KPIs with bands, and a roll-up per KPI; with ``periods`` above 1, a
    block per KPI of people × periods. Members may not see it."""
    teams = team_tree.load()
    if team_id not in teams:
        abort(404)
    form = TeamScorecardForm(request.args)
    valid = form.validate()
    view, scope, count = form.view, form.scope_value(), form.periods_value()
    team_ids = team_tree.descendants(teams, team_id) if scope == "all" else {team_id}
    people = _people(Person.team.in_(list(team_ids)), include_self=True)
    cards = scorecards.build(people, view, history=count)
    grid = _grid(cards)
    # The team's own KPIs (its scorecard under Admin → Scorecards), for whoever may see team values.
    team_card = None
    if access.can_manage_team_values(teams[team_id]):
        team_card = team_values.build([teams[team_id]], view, history=TEAM_TREND)[0]
    if valid and _wants_csv():
        return csv_download(_grid_csv([(teams[team_id], grid)], view, teams, team_card),
                             f"team-{_slug(teams[team_id].name)}-{_key(view)}")
    team_sparks = {row.kpi.id: _spark(row, view) for row in team_card.rows} if team_card else {}
    route = {"team_id": team_id, "period": _key(view), "cadence": view.cadence, "scope": scope}
    kpi_pages = KPIPages(len(grid.kpis), KPI_COLUMNS, request.args.get("kpis", 1, type=int),
                         lambda number: url_for(".team", **route, kpis=number))
    return render_template(
        "kpis/scorecards/team.html", form=form, team=teams[team_id], grid=kpi_pages.narrow(grid), view=view,
        team_card=team_card, team_sparks=team_sparks, trend_length=TEAM_TREND, kpi_pages=kpi_pages,
        blocks=measurables(cards, grid.kpis) if count > 1 else None, band_codes=BAND_CODES,
        columns=[column_label(p) for p in periods_of(view, count)],
        path=team_tree.path(teams, team_id),
        has_subteams=any(t.parent_id == team_id for t in teams.values()),
        show_team=len(team_ids) > 1, team_paths={id_: team_tree.path(teams, id_) for id_ in team_ids},
        nav=_navigation(view, form, ".team", {"team_id": team_id}, scope=scope, periods=count if count > 1 else None),
    ), 200 if valid else 400


class KPIPages:
    """The KPI columns of a grid shown ``per_page`` at a time: ``first`` to ``last`` of ``total``, with
    links to the ``previous`` and ``next`` pages (None at either end); ``link(number)`` makes a URL."""

    def __init__(self, total, per_page, number, link):
        self.total, self.per_page = total, per_page
        self.count = max(1, -(-total // per_page))
        self.number = min(max(1, number or 1), self.count)
        self.first = (self.number - 1) * per_page + 1 if total else 0
        self.last = min(total, self.number * per_page)
        self.previous = link(self.number - 1) if self.number > 1 else None
        self.next = link(self.number + 1) if self.number < self.count else None

    def narrow(self, grid):
        """``grid`` with only this page's KPI columns (the band counts still cover every KPI)."""
        if self.count == 1:
            return grid
        start, end = self.first - 1, self.last
        return replace(grid, kpis=grid.kpis[start:end], lines=[(card, cells[start:end]) for card, cells in grid.lines])


@dataclass(frozen=True, slots=True)
class PeriodCell:
    """One person's KPI in one period of the measurables grid, as the page shows it."""

    value: str
    band: Optional[str]
    band_label: str
    band_class: str
    code: str
    note: Optional[str] = None


@dataclass
class Block:
    """One KPI of the measurables grid: ``lines`` are (scorecard, [PeriodCell]) for each person with
    the KPI on their scorecard; ``totals`` the roll-up of each period (text), ``how`` "total"/"average"."""

    kpi: object
    lines: list
    totals: list
    how: str


def measurables(cards, kpis):
    """The blocks of the measurables grid: for each of ``kpis`` (in the grid's order), the people
    whose scorecard has it, one cell per period of their history (oldest first)."""
    blocks = []
    for kpi in kpis:
        lines, columns = [], []
        for card in cards:
            row = next((r for r in card.rows if r.kpi.id == kpi.id), None)
            if row is None:
                continue
            lines.append((card, [_cell(point, kpi) for point in row.history]))
            columns.append([point.value for point in row.history])
        how = "total" if kpi.rollup == "sum" else "average"
        totals = []
        for values in zip(*columns):
            known = [v for v in values if v is not None]
            value = (float(sum(known)) if how == "total" else fmean(known)) if known else None
            totals.append(format_value(value, kpi))
        blocks.append(Block(kpi=kpi, lines=lines, totals=totals, how=how))
    return blocks


def _cell(point, kpi):
    band = point.band.value if point.band is not None else None
    return PeriodCell(format_value(point.value, kpi), band, band_label(point.band), band_class(point.band),
                      BAND_CODES.get(band, "–"), point.note)


def periods_of(view, count):
    """The view periods the grid's columns show, oldest first (the last is ``view``)."""
    ws, fy = _week_start_fy()
    return periods.series(view, count, ws, fy)


@dataclass(frozen=True)
class ColumnLabel:
    """A period's column heading: ``short`` ("17 Nov"), its full name and its first day."""

    short: str
    full: str
    start: object


def column_label(period):
    """The heading of a period's column: the day a week starts, a month, or a quarter's or year's key."""
    if period.cadence in ("daily", "weekly"):
        short = date_text(period.start, "short")
    elif period.cadence == "monthly":
        short = date_text(period.start, "month")
    else:
        short = _key(period)
    return ColumnLabel(short=short, full=_label(period), start=period.start)
