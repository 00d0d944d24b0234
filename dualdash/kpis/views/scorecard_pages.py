"""Scorecard pages: a person's scorecard (bands, trends, coaching questions), a team's people × KPIs
(in ``team_scorecard.py``), and a manager's whole subtree grouped by team; each also as a CSV download
of what it shows. The full-size charts are in ``scorecard_charts.py``; both add their routes to this
blueprint.

Every page runs a fixed number of queries whatever the number of people and periods: the people
come in one query, and :func:`dualdash.kpis.scorecards.build` does the rest in a few more."""
import re
from dataclasses import dataclass, field
from statistics import fmean

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from dualdash.charts.sparkline import sparkline
from dualdash.kpis import periods, scorecards
from dualdash.kpis.forms.scorecard_view import PersonScorecardForm, SubtreeScorecardForm
from dualdash.kpis.values_text import attainment_text, plain_text, value_text
from dualdash.org import access, team_tree
from dualdash.org import settings as org_settings
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.plugins.types import Band
from dualdash.shared.access import allow
from dualdash.shared.downloads import csv_download

bp = Blueprint("scorecard_pages", __name__)

BAND_ORDER = (Band.EXCEEDS, Band.MEETS, Band.FAILS, None)
#: Periods in the trend of a team's own KPIs on the team scorecard.
TEAM_TREND = 8
NOUNS = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year"}


# --- the pages ----------------------------------------------------------------------------------

@bp.route("/people/<int:person_id>/scorecard")
@allow("view_person")
def person(person_id):
    """One person's scorecard for a period: each KPI's value, line, band, attainment, trend and the
    coaching questions its situation calls for."""
    form = PersonScorecardForm(request.args)
    valid = form.validate()
    view, history = form.view, form.range_value()
    who = scorecards.people_with_details([person_id])[person_id]
    card = scorecards.build([who], view, history=history)[0]
    if valid and _wants_csv():
        return csv_download(_person_csv(card), f"scorecard-{_slug(who.email.split('@')[0])}-{_key(view)}")
    sparks = {row.kpi.id: _spark(row, view) for row in card.rows}
    no_data = bool(card.rows) and all(row.current.value is None for row in card.rows)
    return render_template(
        "kpis/scorecards/person.html", form=form, person=who, card=card, view=view, sparks=sparks, no_data=no_data,
        nav=_navigation(view, form, ".person", {"person_id": person_id}, range=history),
        can_manage=access.can_manage_person(who), viewer_sees_teams=_sees_teams(),
    ), 200 if valid else 400


@bp.route("/scorecards/")
@allow("signed_in")
def subtree():
    """Everyone below the signed-in manager (an admin: everyone), grouped by team, each team with
    its roll-up and each person with their band counts. Members go to their own scorecard."""
    role = access.role_name()
    if role == "member":
        args = {k: v for k, v in request.args.items() if k in ("period", "cadence", "format")}
        return redirect(url_for(".person", person_id=current_user.id, **args))
    teams = team_tree.load()
    form = SubtreeScorecardForm(request.args, team_choices=[(id_, team_tree.path(teams, id_))
                                                            for id_ in team_tree.tree_order(teams)])
    valid = form.validate()
    view, team_id = form.view, form.team_value()
    # _people keeps a manager to their subtree; an admin sees everyone.
    condition = Person.team.in_(list(team_tree.descendants(teams, team_id))) if team_id is not None else None
    # Thousands of people are shown a page of whole teams at a time (each team keeps its roll-up);
    # the CSV holds them all.
    counts = _team_counts(condition)
    csv = valid and _wants_csv()
    paging = TeamPages(counts, teams, current_app.config["PEOPLE_PER_PAGE"], request.args.get("page", 1, type=int))
    people = _people(condition if csv else paging.condition(condition), include_self=False)
    cards = scorecards.build(people, view, history=1)
    groups = _groups(cards, teams)
    if csv:
        return csv_download(_grid_csv(groups, view, teams), f"scorecards-{_key(view)}")
    return render_template(
        "kpis/scorecards/subtree.html", form=form, groups=groups, view=view, people_count=sum(counts.values()),
        team_count=len(counts), paging=paging,
        team_paths={id_: team_tree.path(teams, id_) for id_ in teams}, chosen_team=teams.get(team_id),
        nav=_navigation(view, form, ".subtree", {}, team=team_id),
    ), 200 if valid else 400


@bp.context_processor
def _helpers():
    return {"fmt": format_value, "pct": format_attainment, "band_label": band_label,
            "band_class": band_class, "line_for": line_for, "BAND_ORDER": BAND_ORDER,
            "period_label": _label, "period_key": _key, "in_progress": periods.in_progress}


# --- formatting ---------------------------------------------------------------------------------

#: The pages, their templates (``fmt``, ``pct``) and the worksheet write values through these names.
format_value = value_text
format_attainment = attainment_text

# Any page (the 1:1, home, a plugin's) writes a KPI's value the same way: {{ value|value_text(kpi) }}.
bp.add_app_template_filter(value_text)
bp.add_app_template_filter(attainment_text)


def band_label(band):
    return band.label if band is not None else "No band"


def band_class(band):
    return f"band band-{band.value}" if band is not None else "band band-none"


def line_for(benchmark):
    """Whose line a benchmark is: "Ramping" (with the role), "Account Executive", or "Everyone"."""
    if benchmark is None:
        return ""
    if benchmark.level:
        return f"{benchmark.role}, {benchmark.level}" if benchmark.role else benchmark.level
    return benchmark.role or "Everyone"


def _week_start_fy():
    settings = org_settings.get()
    return settings.week_start, settings.fiscal_year_start_month


def _key(period):
    return periods.key(period, _week_start_fy()[1])


def _label(period):
    return periods.label(period, _week_start_fy()[1])


def _spark(row, view):
    """The sparkline of a row's history with the current benchmark lines, and its description."""
    bench = row.current.benchmark or next((p.benchmark for p in reversed(row.history) if p.benchmark), None)
    values = [p.value for p in row.history]
    known = [v for v in values if v is not None]
    noun = NOUNS.get(view.cadence, "period")
    text = f"{row.kpi.name} over the last {len(values)} {noun}s: "
    if known:
        text += f"{len(known)} with data, from {format_value(known[0], row.kpi)} to " \
                f"{format_value(known[-1], row.kpi)}"
        gaps = len(values) - len(known)
        if gaps:
            text += f", {gaps} without data"
    else:
        text += "no data"
    if bench and bench.meets is not None:
        text += f"; Meets line {format_value(bench.meets, row.kpi)}"
    if bench and bench.exceeds is not None:
        text += f", Exceeds line {format_value(bench.exceeds, row.kpi)}"
    return sparkline(values, meets=bench.meets if bench else None, exceeds=bench.exceeds if bench else None,
                     width=140, height=36, label=text + ".", bands=[p.band for p in row.history])


def _navigation(view, form, endpoint, route_args, **extra):
    """Links to the previous, next and current periods and to the CSV, keeping the other choices."""
    ws, fy = _week_start_fy()
    base = {"cadence": view.cadence, **route_args, **{k: v for k, v in extra.items() if v not in (None, "")}}
    current = periods.containing(form.today, view.cadence, ws, fy)

    def link(period, **more):
        return url_for(endpoint, **base, period=periods.key(period, fy), **more)
    return {
        "previous": link(periods.shift(view, -1, ws, fy)),
        "next": link(periods.shift(view, 1, ws, fy)),
        "current": link(current) if current != view else None,
        "csv": link(view, format="csv"),
        "noun": NOUNS.get(view.cadence, "period"),
    }


def _sees_teams():
    return access.role_name() != "member"


# --- people, teams and grids --------------------------------------------------------------------

def _visible(query, condition, include_self):
    """``query`` of people kept to the active ones matching ``condition`` whom the viewer may see:
    managers see their subtree (and themselves when ``include_self``)."""
    query = query.where(Person.active == True)  # noqa: E712
    if condition is not None:
        query = query.where(condition)
    if not current_user.is_admin:
        ids = access.my_subtree() | ({current_user.id} if include_self else set())
        query = query.where(Person.id.in_(list(ids)))
    return query


def _people(condition, include_self):
    """Active people matching ``condition`` whom the viewer may see, with team, role and level, by
    name (one query). Managers see their subtree (and themselves when ``include_self``)."""
    query = (Person.select(Person, Team, JobRole, Level)
             .join_from(Person, Team, JOIN.LEFT_OUTER)
             .join_from(Person, JobRole, JOIN.LEFT_OUTER)
             .join_from(Person, Level, JOIN.LEFT_OUTER)
             .order_by(Person.name, Person.id))
    return list(_visible(query, condition, include_self))


def _team_counts(condition):
    """``{team_id or None: people}`` of the people :func:`_people` would list (one query)."""
    query = Person.select(Person.team, fn.COUNT(Person.id)).group_by(Person.team)
    return dict(_visible(query, condition, include_self=False).tuples())


class TeamPages:
    """Teams (in tree order, then people without a team) split into pages of whole teams of at most
    ``per_page`` people (a bigger team has a page of its own); ``number`` is the page shown."""

    def __init__(self, counts, teams, per_page, number):
        order = [id_ for id_ in team_tree.tree_order(teams) if id_ in counts] + ([None] if None in counts else [])
        self.pages, page, size = [], [], 0
        for id_ in order:
            if page and size + counts[id_] > per_page:
                self.pages.append(page)
                page, size = [], 0
            page.append(id_)
            size += counts[id_]
        self.pages.append(page)
        self.count = len(self.pages)
        self.number = min(max(1, number or 1), self.count)
        self.teams = self.pages[self.number - 1]

    def condition(self, condition):
        """``condition`` narrowed to the people of the teams on the page shown."""
        ids = [id_ for id_ in self.teams if id_ is not None]
        on_page = Person.team.in_(ids or [0])
        if None in self.teams:
            on_page |= Person.team.is_null()
        return on_page if condition is None else (condition & on_page)


@dataclass
class Total:
    """A KPI rolled up over people: summed when the KPI sums, else the mean of their values."""

    value: float | None
    with_data: int
    people: int
    how: str


@dataclass
class Grid:
    """People × KPIs for one period: ``rows`` are (scorecard, {kpi_id: KPIRow}); ``totals`` by KPI;
    ``lines`` are (scorecard, [Cell or None for each of ``kpis``]), what the page shows."""

    kpis: list
    rows: list
    totals: dict
    team: Team | None = None
    counts: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cell:
    """One person's KPI as the grid shows it: the value as text ("" for no data) and its band."""

    value: str
    band_class: str
    band_label: str
    note: str | None = None


def _grid(cards, team=None):
    """The grid of these scorecards: the union of their KPIs (in scorecard order) and the roll-ups."""
    kpis, seen = [], set()
    rows = []
    for card in cards:
        by_kpi = {}
        for row in card.rows:
            by_kpi[row.kpi.id] = row
            if row.kpi.id not in seen:
                seen.add(row.kpi.id)
                kpis.append(row.kpi)
        rows.append((card, by_kpi))
    totals = {}
    for kpi in kpis:
        values = [by_kpi[kpi.id].current.value for _, by_kpi in rows if kpi.id in by_kpi]
        known = [v for v in values if v is not None]
        how = "sum" if kpi.rollup == "sum" else "mean"
        value = (float(sum(known)) if how == "sum" else fmean(known)) if known else None
        totals[kpi.id] = Total(value=value, with_data=len(known), people=len(values), how=how)
    counts = {band: sum(card.counts[band] for card, _ in rows) for band in BAND_ORDER}
    # The cells' text is made here rather than in the template: a grid of a big team has thousands
    # of cells, and a Python call from a template costs several times one made here.
    lines = []
    for card, by_kpi in rows:
        cells = []
        for kpi in kpis:
            row = by_kpi.get(kpi.id)
            if row is None:
                cells.append(None)
            else:
                point = row.current
                cells.append(Cell(format_value(point.value, kpi), band_class(point.band), band_label(point.band),
                                  point.note))
        lines.append((card, cells))
    return Grid(kpis=kpis, rows=rows, totals=totals, team=team, counts=counts, lines=lines)


def _groups(cards, teams):
    """The scorecards split by team (tree order, then people without a team), one grid each."""
    by_team = {}
    for card in cards:
        by_team.setdefault(card.person.team_id, []).append(card)
    order = [id_ for id_ in team_tree.tree_order(teams) if id_ in by_team] + ([None] if None in by_team else [])
    return [(teams.get(id_), _grid(by_team[id_], teams.get(id_))) for id_ in order]


# --- CSV ----------------------------------------------------------------------------------------

PERSON_COLUMNS = ["person", "email", "period", "period_start", "period_end", "in_progress", "kpi", "kpi_name",
                  "unit", "value", "band", "previous_band", "benchmark_for", "meets", "exceeds",
                  "attainment_percent"]
GRID_COLUMNS = ["team", "person", "email", "period", "period_start", "period_end", "in_progress", "kpi",
                "kpi_name", "unit", "value", "band", "benchmark_for", "meets", "exceeds", "attainment_percent",
                "rollup", "people_with_data", "people"]


def _wants_csv():
    return request.args.get("format") == "csv"


def _person_csv(card):
    """One line per KPI as on the page, then its trend: one column per period of the range."""
    lines = [PERSON_COLUMNS + _trend_columns(card)]
    for row in card.rows:
        point, kpi = row.current, row.kpi
        lines.append([card.person.name, card.person.email] + _period_cells(card.period) + [
            kpi.key, kpi.name, kpi.unit, _raw(point.value, kpi), _band_text(point.band),
            _band_text(row.previous_band)] + _benchmark_cells(point, kpi) + [_raw_pct(point.attainment)]
            + [_raw(p.value, kpi) for p in row.history])
    return lines


def _trend_columns(card):
    ws, fy = _week_start_fy()
    count = len(card.rows[0].history) if card.rows else 0
    return [f"value {periods.key(p, fy)}" for p in periods.series(card.period, count, ws, fy)] if count else []


def _grid_csv(groups, view, teams, team_card=None):
    """One line per person and KPI on their scorecard, then a roll-up line per KPI, team by team;
    then, with ``team_card``, a line per KPI of the team's own scorecard (no person, "team" rollup)."""
    lines = [GRID_COLUMNS]
    if team_card is not None:
        team_name = team_tree.path(teams, team_card.team.id)
        for row in team_card.rows:
            point, kpi = row.current, row.kpi
            lines.append([team_name, "", ""] + _period_cells(view) + [
                kpi.key, kpi.name, kpi.unit, _raw(point.value, kpi), _band_text(point.band)]
                + _benchmark_cells(point, kpi) + [_raw_pct(point.attainment), "team", "", ""])
    for team, grid in groups:
        team_name = team_tree.path(teams, team.id) if team else ""
        for card, by_kpi in grid.rows:
            for kpi in grid.kpis:
                row = by_kpi.get(kpi.id)
                if row is None:
                    continue  # not on this person's scorecard
                point = row.current
                lines.append([team_name, card.person.name, card.person.email] + _period_cells(view) + [
                    kpi.key, kpi.name, kpi.unit, _raw(point.value, kpi), _band_text(point.band)]
                    + _benchmark_cells(point, kpi) + [_raw_pct(point.attainment), "", "", ""])
        for kpi in grid.kpis:
            total = grid.totals[kpi.id]
            lines.append([team_name, "", ""] + _period_cells(view) + [
                kpi.key, kpi.name, kpi.unit, _raw(total.value, kpi), "", "", "", "", "", total.how,
                total.with_data, total.people])
    return lines


def _period_cells(view):
    return [_key(view), view.start.isoformat(), view.end.isoformat(),
            "yes" if periods.in_progress(view) else "no"]


def _benchmark_cells(point, kpi):
    bench = point.benchmark
    if bench is None:
        return ["", "", ""]
    return [line_for(bench), _raw(bench.meets, kpi), _raw(bench.exceeds, kpi)]


def _band_text(band):
    return band.label if band is not None else ""


def _raw(value, kpi):
    return plain_text(value, kpi)


def _raw_pct(attainment):
    return "" if attainment is None else f"{attainment * 100:.1f}"


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "export"
