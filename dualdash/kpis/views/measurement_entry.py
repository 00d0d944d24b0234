"""Entering measurements: the grid (people × their scorecard KPIs for one period) and the CSV upload.

Both go through :mod:`dualdash.kpis.measurements`, so the grid, the CSV import and the API share one
validation and one set of permissions: an admin enters values for anyone, a manager for the
people below them, anyone for themselves when the organization allows self-reporting."""
import datetime
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Optional

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN
from wtforms import SelectChoice

from dualdash.db import DISK_FULL_IMPORT, OPERATIONAL_ERRORS, is_disk_full, write_transaction
from dualdash.kpis import measurement_import, measurements, periods, team_values
from dualdash.kpis.forms.measurements import (
    ALL_TEAMS,
    CADENCE_LABELS,
    GridFilterForm,
    GridSaveForm,
    MeasurementImportForm,
)
from dualdash.kpis.models import KPI, Measurement, Scorecard, ScorecardKPI
from dualdash.kpis.scorecards import kpis_for
from dualdash.org import access, team_tree
from dualdash.org import settings as org_settings
from dualdash.org.audit import record
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.shared.access import allow
from dualdash.shared.paging import Page

bp = Blueprint("measurement_entry", __name__, url_prefix="/measurements")

AUDIT_ACTION = "measurements.grid"
#: The names of the grid's inputs: v-<person id>-<KPI id> (value), n-… (note).
CELL_NAME = re.compile(r"^[vn]-t?\d+-\d+$")
#: Problems listed on the upload page at most (the command line lists every one).
REPORT_LIMIT = 1000


@dataclass
class Cell:
    """One input of the grid: a KPI on one person's scorecard. ``value`` and ``note`` hold what
    is shown (the stored value, or what was typed when the grid comes back with problems)."""

    person: Person
    kpi: KPI
    label: str
    value: str = ""
    note: str = ""
    stored_note: str = ""
    errors: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.person.id}-{self.kpi.id}"

    @property
    def shows_as_text(self):
        """True when what was typed is not a number a number input can show: the input becomes a
        text input, so the typed text stays in view beside its message."""
        text = self.value.strip()
        if not text:
            return False
        try:
            return not math.isfinite(float(text))
        except ValueError:
            return True


    @property
    def who(self):
        return self.person.name


@dataclass
class TeamCell(Cell):
    """One input for a team's own value (a KPI on the team's scorecard): named v-t<team id>-<KPI id>."""

    team: Optional[Team] = None

    @property
    def id(self):
        return f"t{self.team.id}-{self.kpi.id}"

    @property
    def who(self):
        return f"the team {self.team.name}"


@dataclass
class Row:
    person: Person
    cells: list  # a Cell, or None where the KPI is not on the person's scorecard


@dataclass
class TeamRow:
    team: Team
    path: str
    cells: list  # a TeamCell, or None where the KPI is not on the team's scorecard


@dataclass
class Choice:
    """The grid asked for: a period of a cadence, and a team (None: everyone)."""

    period: periods.Period
    cadence: str
    team_id: Optional[int]
    team_arg: Optional[str]


@bp.route("/")
@allow("signed_in")
def index():
    """/measurements/ is the grid."""
    return redirect(url_for(".grid"))


@bp.route("/grid", methods=["GET", "POST"])
@allow("enter_measurements")
def grid():
    """The people the signed-in person enters values for × their KPIs of one cadence, for one
    period. POST saves every cell together: all or nothing."""
    settings = org_settings.get()
    ids = writable_ids(settings)
    tree = team_tree.load()
    teams = _teams(tree)
    filters = GridFilterForm(formdata=request.args)
    choice = _choice(filters, settings, teams)
    context = {"filters": filters, "choice": choice, "rows": [], "team_rows": [], "columns": [], "page": None,
               "problems": [], "grid_problem": None, "save_form": GridSaveForm(),
               "show_team": ids is None or bool(ids - {current_user.id}), "cadence_labels": CADENCE_LABELS,
               "is_admin": current_user.is_admin, "self_reporting": settings.self_reporting}
    if choice is None:
        return render_template("kpis/measurements/grid.html", **context), 400
    fy = settings.fiscal_year_start_month
    team_ids = team_tree.descendants(tree, choice.team_id) if choice.team_id else None
    page = Page(_people_query(ids, choice.cadence, team_ids), request.args.get("page"),
                current_app.config["PEOPLE_PER_PAGE"])
    # The teams' own values come first, on the first page only.
    grid_teams = _grid_teams(tree, teams, team_ids, choice.cadence) if page.number == 1 else []
    columns, rows, team_rows = _grid(page.items, choice.cadence, choice.period, fy, grid_teams)
    context.update(page=page, columns=columns, rows=rows, team_rows=team_rows,
                   team_name=teams.get(choice.team_id, (None,))[0], **_navigation(choice, page, settings))
    if request.method == "POST":
        # The CSRF token was checked before this view ran (CSRFProtect); the cells are checked here.
        counts, problems, strays, before_start = _save(rows, choice, request.form, team_rows)
        if counts is not None:
            flash(f"Saved: {counts.created} new, {counts.updated} changed, {counts.removed} removed.",
                  "success")
            if before_start:
                flash(f"Warning: {measurements.before_start_warning(before_start)} (saved anyway: check the "
                      "period and their start date).", "warning")
            return redirect(context["grid_url"])
        context["problems"] = problems
        if strays:
            context["grid_problem"] = (
                "Some values were for people or KPIs that are not in this grid (it may have changed since "
                "you opened it), so nothing was saved. Check the values below and save again.")
        return render_template("kpis/measurements/grid.html", **context), 400
    return render_template("kpis/measurements/grid.html", **context)


def writable_ids(settings):
    """None for an admin (everyone); else the ids of the people the signed-in person may enter
    values for (as :class:`dualdash.kpis.measurements.Writer` decides). The page's rule,
    ``enter_measurements``, has already refused anyone for whom there is no one."""
    if current_user.is_admin:
        return None
    ids = set(access.my_subtree())
    if settings.self_reporting:
        ids.add(current_user.id)
    return ids


def _choice(filters, settings, teams):
    """Read the period, cadence and team asked for; problems go on the fields (None returned)."""
    ok = True
    cadence = request.args.get("cadence") or "weekly"
    if cadence not in periods.CADENCES:
        filters.cadence.errors = ["Choose how often the KPIs are measured from the list."]
        ok, cadence = False, "weekly"
    filters.cadence.data = cadence
    filters.team.choices = [SelectChoice(ALL_TEAMS, "All teams" if current_user.is_admin
                                         else "Everyone you enter values for")] \
        + [SelectChoice(str(team_id), path)
           for team_id, (path, _) in sorted(teams.items(), key=lambda t: t[1][0].lower())]
    team_arg = request.args.get("team")
    wanted = team_arg
    if wanted is None:
        # An admin starts with their own team, so the first page of 5,000 people is not everyone.
        wanted = str(current_user.team_id) if current_user.is_admin and current_user.team_id else ALL_TEAMS
    team_id = None
    if wanted not in ("", ALL_TEAMS):
        if wanted.isdigit() and int(wanted) in teams:
            team_id = int(wanted)
        else:
            filters.team.errors = ["There is no such team: choose one from the list."]
            ok = False
    filters.team.data = str(team_id) if team_id else ALL_TEAMS
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    text = (request.args.get("period") or "").strip()
    period = None
    try:
        period = periods.parse(text, cadence, ws, fy) if text else \
            periods.containing(datetime.date.today(), cadence, ws, fy)
    except ValueError as exc:
        message = str(exc).replace("this KPI is", "the grid shows KPIs measured")
        filters.period.errors = [_sentence(message)]
        filters.period.data = text
        ok = False
    if not ok:
        return None
    filters.period.data = periods.key(period, fy)
    return Choice(period=period, cadence=cadence, team_id=team_id, team_arg=team_arg)


def _teams(tree):
    """``{team id: (path name "Company / Sales", parent id)}`` of every team of ``tree``."""
    return {team_id: (team_tree.path(tree, team_id), team.parent_id) for team_id, team in tree.items()}


def _people_query(ids, cadence, team_ids):
    """Active people the signed-in person enters values for who have a KPI of ``cadence`` on their
    scorecard (their role's, or one of their own), by name, with team, role and level."""
    def scorecards_with_cadence(column):
        return (Scorecard.select(column).join(ScorecardKPI).join(KPI)
                .where((KPI.cadence == cadence) & (KPI.active == True) & column.is_null(False)))  # noqa: E712
    role_cards = scorecards_with_cadence(Scorecard.role).where(Scorecard.person.is_null())
    own_cards = scorecards_with_cadence(Scorecard.person)
    query = (Person.select(Person, Team, JobRole, Level)
             .join_from(Person, Team, JOIN.LEFT_OUTER)
             .join_from(Person, JobRole, JOIN.LEFT_OUTER)
             .join_from(Person, Level, JOIN.LEFT_OUTER)
             .where((Person.active == True) & (Person.role.in_(role_cards) | Person.id.in_(own_cards))))  # noqa: E712
    if ids is not None:
        query = query.where(Person.id.in_(list(ids)))
    if team_ids is not None:
        query = query.where(Person.team.in_(list(team_ids)))
    return query.order_by(Person.name, Person.id)


def _grid_teams(tree, teams, team_ids, cadence):
    """``[(team, [KPI of cadence, …])]``: the teams (of ``team_ids``, None: all) whose own values the
    signed-in person may enter and that have a KPI of ``cadence`` on their scorecard, in tree order."""
    allowed = access.team_value_ids()
    wanted = [t for t in team_tree.tree_order(tree)
              if (allowed is None or t in allowed) and (team_ids is None or t in team_ids)]
    if not wanted:
        return []
    by_team = team_values.kpis_for_teams(wanted)
    found = []
    for team_id in wanted:
        kpis = [k for k in by_team.get(team_id, []) if k.cadence == cadence]
        if kpis:
            found.append((tree[team_id], teams[team_id][0], kpis))
    return found


def _grid(people, cadence, period, fy, grid_teams=()):
    """``(columns, rows, team_rows)``: the union of the teams' and people's KPIs of ``cadence`` (in
    scorecard order), a row of cells per team (its own values) and per person with the stored values.
    A fixed number of queries however many people and teams."""
    if not people and not grid_teams:
        return [], [], []
    by_person = {pid: [k for k in kpis if k.cadence == cadence] for pid, kpis in kpis_for(people).items()} \
        if people else {}
    columns, seen = [], set()
    for kpis in [kpis for _, _, kpis in grid_teams] + [by_person.get(p.id, []) for p in people]:
        for kpi in kpis:
            if kpi.id not in seen:
                seen.add(kpi.id)
                columns.append(kpi)
    when = _period_words(period, fy)
    team_stored = team_values.stored([t.id for t, _, _ in grid_teams], [k.id for k in columns], period.start)
    team_rows = []
    for team, path, kpis in grid_teams:
        mine = {k.id for k in kpis}
        cells = []
        for kpi in columns:
            if kpi.id not in mine:
                cells.append(None)
                continue
            value, note = team_stored.get((team.id, kpi.id), (None, None))
            cells.append(TeamCell(person=None, team=team, kpi=kpi, label=f"{kpi.name} for the team {team.name}, {when}",
                                  value=input_value(value), note=note or "", stored_note=note or ""))
        team_rows.append(TeamRow(team=team, path=path, cells=cells))
    stored = {}
    if columns and people:
        query = (Measurement.select(Measurement.person, Measurement.kpi, Measurement.value, Measurement.note)
                 .where(Measurement.person.in_([p.id for p in people])
                        & Measurement.kpi.in_([k.id for k in columns])
                        & (Measurement.period_start == period.start))
                 .tuples())
        stored = {(person_id, kpi_id): (value, note) for person_id, kpi_id, value, note in query}
    rows = []
    for person in people:
        mine = {k.id for k in by_person.get(person.id, [])}
        cells = []
        for kpi in columns:
            if kpi.id not in mine:
                cells.append(None)
                continue
            value, note = stored.get((person.id, kpi.id), (None, None))
            cells.append(Cell(person=person, kpi=kpi, label=f"{kpi.name} for {person.name}, {when}",
                              value=input_value(value), note=note or "", stored_note=note or ""))
        rows.append(Row(person=person, cells=cells))
    return columns, rows, team_rows


def input_value(value):
    """A stored number as an input shows it, so it parses back: 12 rather than 12.0, no grouping, no exponent.

    People read values through :func:`dualdash.kpis.values_text.value_text`; an input keeps this machine form."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _period_words(period, fy):
    """The period's name inside a sentence: "week of 16 Nov 2026", "November 2026"."""
    words = periods.label(period, fy)
    return words[0].lower() + words[1:] if period.cadence == "weekly" else words


def _take_typed(rows, form):
    """Show what was typed (for the cells that were sent) instead of what is stored."""
    for row in rows:
        for cell in row.cells:
            if cell is not None and f"v-{cell.id}" in form:
                cell.value = form[f"v-{cell.id}"]
                if f"n-{cell.id}" in form:
                    cell.note = form[f"n-{cell.id}"]


def _save(rows, choice, form, team_rows=()):
    """Check every cell sent and, when all are valid, write them and audit the save.

    Returns ``(counts, problems, strays, values before the person's start)``: counts is None when
    nothing was written. A cell that was not sent at all is left as it is; an empty one removes its
    stored value. A value of a period that ended before the person's start date is saved, with a
    warning."""
    _take_typed(list(team_rows) + list(rows), form)
    cells, raw, team_raw, problems = {}, [], [], []
    day = choice.period.start.isoformat()  # a date inside the period: read back the same for any week start
    for row in list(team_rows) + list(rows):
        for cell in row.cells:
            if cell is None:
                continue
            cells[cell.id] = cell
            if f"v-{cell.id}" not in form:
                continue
            note = cell.note.strip()
            if not cell.value.strip() and note and note != cell.stored_note.strip():
                problems.append(measurements.Problem(cell.id, "note", "a note needs a value: enter the value "
                                                                      "too, or clear the note"))
                continue
            if isinstance(cell, TeamCell):
                team_raw.append((cell.id, cell.team.id, cell.kpi.key, day, cell.value, cell.note))
            else:
                raw.append((cell.id, cell.person.email, cell.kpi.key, day, cell.value, cell.note))
    known = {f"{prefix}-{cell_id}" for cell_id in cells for prefix in "vn"}
    strays = [name for name in form if CELL_NAME.match(name) and name not in known]
    actor = current_user._get_current_object()
    entries, found, before_start = measurements.check(actor, raw, noun="cell") if raw else ([], [], 0)
    team_entries, team_found = team_values.validate(actor, team_raw, noun="cell") if team_raw else ([], [])
    found += team_found
    order = {cell_id: index for index, cell_id in enumerate(cells)}
    problems = sorted(problems + found, key=lambda p: order.get(p.where, -1))
    for problem in problems:
        cell = cells.get(problem.where)
        if cell is not None:
            target = "note" if problem.field == "note" else "value"
            message = _sentence(problem.message)
            cell.errors[target] = f"{cell.errors[target]} {message}" if target in cell.errors else message
    if problems or strays:
        listed = [(cells.get(p.where), "n" if p.field == "note" else "v", _sentence(p.message)) for p in problems]
        return None, listed, strays, 0
    with write_transaction():
        counts = measurements.write(entries, current_user.id, audit_each=True)
        team_values.write(team_entries, current_user.id, audit_each=True, counts=counts)
        record(AUDIT_ACTION, "Measurement", after={
            "period": periods.key(choice.period, org_settings.get().fiscal_year_start_month),
            "cadence": choice.cadence, "cells": len(entries) + len(team_entries),
            "team_cells": len(team_entries), **asdict(counts)})
    return counts, [], [], before_start


def _navigation(choice, page, settings):
    """Links to the previous, next and current period, and the URL of this very grid."""
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    keep = {"cadence": choice.cadence}
    if choice.team_arg is not None:
        keep["team"] = choice.team_arg

    def link(period, **extra):
        return url_for(".grid", period=periods.key(period, fy), **keep, **extra)
    previous = periods.shift(choice.period, -1, ws, fy)
    following = periods.shift(choice.period, 1, ws, fy)
    current = periods.containing(datetime.date.today(), choice.cadence, ws, fy)
    return {
        "period_label": periods.label(choice.period, fy),
        "previous": (link(previous), periods.label(previous, fy)),
        "next": (link(following), periods.label(following, fy)),
        "current": (link(current), periods.label(current, fy)) if current != choice.period else None,
        "state": _state(choice.period),
        "grid_url": link(choice.period, **({"page": page.number} if page.number > 1 else {})),
    }


def _state(period):
    """"in progress", "not started yet", or None for a period that has ended."""
    today = datetime.date.today()
    if period.start > today:
        return "not started yet"
    return "in progress" if periods.in_progress(period, today) else None


def _sentence(message):
    """The core's messages are phrases ("“x” is not a number"); pages show sentences."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


@bp.route("/import", methods=["GET", "POST"])
@allow("enter_measurements")
def import_csv():
    """Upload a measurements CSV file: all or nothing, with a report of every bad line."""
    settings = org_settings.get()
    form = MeasurementImportForm()
    report = None
    filename = None
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or "the file"
        try:
            report = measurement_import.import_measurements(upload.stream, current_user._get_current_object(),
                                                            source=f"upload: {filename}")
        except OPERATIONAL_ERRORS as exc:
            if not is_disk_full(exc):
                raise
            flash(DISK_FULL_IMPORT, "error")
            return render_template("kpis/measurements/import.html", form=form, report=None, filename=filename,
                                   shown=[], limit=REPORT_LIMIT, example=measurement_import.EXAMPLE_CSV,
                                   self_reporting=settings.self_reporting), 507
        if report.ok:
            flash(f"Imported {filename}: {report.summary()}.", "success")
            if report.warning():
                flash(f"Warning: {report.warning()} (imported anyway: check those periods and start "
                      "dates).", "warning")
            return redirect(url_for(".import_csv"))
    status = 400 if (report is not None and not report.ok) or form.errors else 200
    return render_template("kpis/measurements/import.html", form=form, report=report, filename=filename,
                           shown=report.problems[:REPORT_LIMIT] if report else [], limit=REPORT_LIMIT,
                           example=measurement_import.EXAMPLE_CSV, self_reporting=settings.self_reporting), status
