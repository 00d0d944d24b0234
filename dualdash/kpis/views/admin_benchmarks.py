"""A KPI's benchmarks under Admin → KPIs: its Meets and Exceeds lines from an effective date on,
for everyone (the KPI's default), each job role and each level side by side, the history of its line
sets, and deleting a line set that has not taken effect yet."""
import datetime
from dataclasses import dataclass
from typing import Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from dualdash.db import write_transaction
from dualdash.kpis import benchmarks, periods
from dualdash.kpis.forms.kpis import band_rule_label, benchmark_form, format_number
from dualdash.kpis.models import Benchmark, Scorecard, ScorecardKPI
from dualdash.kpis.views.admin_kpis import kpi_or_404, lock_kpi
from dualdash.org import settings as org_settings
from dualdash.org.audit import record, snapshot
from dualdash.org.models import JobRole, Level
from dualdash.plugins import manager as plugins
from dualdash.shared import dates
from dualdash.shared.access import allow
from dualdash.shared.formats import date_text

bp = Blueprint("admin_benchmarks", __name__, url_prefix="/admin/kpis")


@dataclass(frozen=True)
class LineRow:
    """One row of the benchmark table: the KPI's default line, a role's line or one level's line."""

    key: str
    label: str
    kind: str  # "default", "role" or "level"
    role_id: Optional[int] = None
    level_id: Optional[int] = None
    short: str = ""  # a level row's own name, shown under its role's row

    @property
    def target(self):
        return (self.role_id, self.level_id)


def _line_rows(roles, levels_by_role):
    """The default row, then for each role its own row and one row per level, lowest first."""
    rows = [LineRow("default", "Everyone (the KPI's default)", "default")]
    for role in roles:
        rows.append(LineRow(f"r{role.id}", role.name, "role", role.id))
        for level in levels_by_role.get(role.id, []):
            rows.append(LineRow(f"l{level.id}", f"{role.name}: {level.name}", "level", role.id, level.id,
                                level.name))
    return rows


def _stored(lines, target, on_date, strictly_before=False):
    """The newest line of exactly ``target`` (role id, level id) in force on ``on_date``
    (or, ``strictly_before``, the day before it); None when there is none."""
    for row in lines:  # newest first
        if (row[0], row[1]) == target and (row[2] < on_date if strictly_before else row[2] <= on_date):
            return row
    return None


def _values(row):
    """A stored line's (meets, exceeds); (None, None) for no line, or a line that ends the earlier ones."""
    return (None, None) if row is None else (row[3], row[4])


def _roles_and_levels():
    """Every role by name and ``{role_id: [levels by rank]}`` (two queries)."""
    roles = sorted(JobRole.select(JobRole.id, JobRole.name), key=lambda r: r.name.casefold())
    levels = {}
    for level in Level.select(Level.id, Level.name, Level.role, Level.rank).order_by(Level.rank, Level.id):
        levels.setdefault(level.role_id, []).append(level)
    return roles, levels


def _ids(values):
    found = set()
    for value in values:
        for part in str(value).split(","):
            if part.strip().isdigit():
                found.add(int(part))
    return found


def _benchmark_date(kpi):
    """The date being edited: ``?date=`` or the first day of the KPI's current period."""
    text = request.args.get("date", "")
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        if not dates.in_window(day):
            abort(400, dates.message(day) + ".")
        return day, None
    else:
        s = org_settings.get()
        start = periods.containing(datetime.date.today(), kpi.cadence, s.week_start, s.fiscal_year_start_month).start
        return start, (f"“{text}” is not a date like 2026-11-16: showing the current period instead."
                       if text else None)


def _scorecard_role_ids(kpi):
    return {role_id for role_id, in Scorecard.select(Scorecard.role).join(ScorecardKPI)
            .where((ScorecardKPI.kpi == kpi.id) & Scorecard.role.is_null(False)).tuples()}


@bp.route("/<int:kpi_id>/benchmarks", methods=["GET", "POST"])
@allow("admin")
def page(kpi_id):
    """The KPI's lines from one effective date on (default, each role, each level side by side),
    the history of its lines, and the form that sets them."""
    kpi = kpi_or_404(kpi_id)
    roles, levels = _roles_and_levels()
    known = {r.id for r in roles}
    lines = benchmarks.load([kpi.id])[kpi.id]
    if request.method == "POST":
        # Exactly the rows the person saw (the hidden list), so a row added since is never touched.
        shown = _ids([request.form.get("roles", "")]) & known
    else:
        shown = (_scorecard_role_ids(kpi) | {row[0] for row in lines if row[0]}
                 | (_ids(request.args.getlist("role")) & known))
    shown_roles = [r for r in roles if r.id in shown]
    rows = _line_rows(shown_roles, levels)
    on_date, date_problem = _benchmark_date(kpi)
    if date_problem:
        flash(date_problem, "error")
    prefill = {"effective_from": on_date, "roles": ",".join(str(r.id) for r in shown_roles)}
    for row in rows:
        meets, exceeds = _values(_stored(lines, row.target, on_date))
        prefill[f"line_{row.key}_meets"] = format_number(meets)
        prefill[f"line_{row.key}_exceeds"] = format_number(exceeds)
    form = benchmark_form(rows, kpi.direction, data=prefill)
    if form.validate_on_submit():
        changed = _save_lines(kpi, form)
        when = form.effective_from.data
        if changed:
            flash(f"Benchmark of “{kpi.name}” saved from {date_text(when)}: {changed} line"
                  f"{'s' if changed != 1 else ''} changed. Periods before that keep the lines they had.",
                  "success")
        else:
            flash("Nothing changed: the lines you sent are already the ones in force.", "success")
        extra = sorted(set(r.id for r in shown_roles) - _scorecard_role_ids(kpi))
        return redirect(url_for(".page", kpi_id=kpi.id, date=when.isoformat(), role=extra))
    shown_date = form.effective_from.data if isinstance(form.effective_from.data, datetime.date) else on_date
    return render_template(
        "kpis/admin_kpis/benchmarks.html", kpi=kpi, form=form, rows=rows, on_date=shown_date,
        in_force=_in_force(lines, rows, shown_date), history=_history(lines, rows),
        other_roles=[r for r in roles if r.id not in shown], today=datetime.date.today(),
        period_label=_first_period_label(kpi, shown_date), rules=plugins.current().band_rules,
        rule_label=band_rule_label), 400 if form.errors else 200


def _first_period_label(kpi, day):
    """The first period of the KPI judged by lines effective on ``day`` (one starting on or after it)."""
    s = org_settings.get()
    ws, fy = s.week_start, s.fiscal_year_start_month
    period = periods.containing(day, kpi.cadence, ws, fy)
    if period.start < day:
        period = periods.shift(period, 1, ws, fy)
    return periods.label(period, fy)


@dataclass(frozen=True)
class InForce:
    """What applies on a date to someone of a row's role and level, and where it comes from."""

    meets: Optional[float]
    exceeds: Optional[float]
    source: str
    since: Optional[datetime.date]
    own: Optional[tuple]          # the row's own stored line in force (meets, exceeds), if any
    own_since: Optional[datetime.date]


def _in_force(lines, rows, on_date):
    names = {row.target: row.label for row in rows}
    result = {}
    for row in rows:
        line, _ = benchmarks.applicable(lines, row.role_id, row.level_id, on_date)
        own = _stored(lines, row.target, on_date)
        if line is None:
            source = "No line"
        elif (line[0], line[1]) == row.target:
            source = "Its own line"
        else:
            source = f"The line for {names.get((line[0], line[1]), 'another job role or level')}"
        result[row.key] = InForce(
            meets=line[3] if line else None, exceeds=line[4] if line else None, source=source,
            since=line[2] if line else None,
            own=None if own is None or (own[3] is None and own[4] is None) else (own[3], own[4]),
            own_since=own[2] if own is not None else None)
    return result


@dataclass
class LineSet:
    """The lines that take effect on one date."""

    effective_from: datetime.date
    entries: list  # (label, meets, exceeds, ends) in row order


def _history(lines, rows):
    """Every effective date with its lines, newest first."""
    order = {row.target: (i, row.label) for i, row in enumerate(rows)}
    by_date = {}
    for role_id, level_id, day, meets, exceeds in lines:
        position, label = order.get((role_id, level_id), (len(order), "A job role or level no longer shown"))
        by_date.setdefault(day, []).append((position, label, meets, exceeds, meets is None and exceeds is None))
    sets = []
    for day in sorted(by_date, reverse=True):
        seen, entries = set(), []
        for position, label, meets, exceeds, ends in sorted(by_date[day], key=lambda e: e[0]):
            if position in seen:  # two lines for the same row on one date: the newest (first) wins
                continue
            seen.add(position)
            entries.append((label, meets, exceeds, ends))
        sets.append(LineSet(day, entries))
    return sets


def _target_where(kpi, target, day):
    role_id, level_id = target
    return ((Benchmark.kpi == kpi.id) & (Benchmark.effective_from == day)
            & (Benchmark.role.is_null() if role_id is None else Benchmark.role == role_id)
            & (Benchmark.level.is_null() if level_id is None else Benchmark.level == level_id))


def _save_lines(kpi, form):
    """Store the form's lines from its date on; the number of rows whose line changed.

    For each row only what differs from the line in force the day before is stored: a number
    where it changes, an empty line where a row's own line stops (so the next less specific
    applies), nothing where it stays the same. Lines of other dates are left alone."""
    day = form.effective_from.data
    changed = 0
    with write_transaction():
        lock_kpi(kpi)
        lines = benchmarks.load([kpi.id])[kpi.id]
        for row in form.rows:
            meets_field, exceeds_field = form.line(row, "meets"), form.line(row, "exceeds")
            if not (meets_field.raw_data or exceeds_field.raw_data):
                continue  # not part of the form that was sent: leave it alone
            wanted = (meets_field.number, exceeds_field.number)
            before = _values(_stored(lines, row.target, day, strictly_before=True))
            same_day = list(Benchmark.select().where(_target_where(kpi, row.target, day))
                            .order_by(Benchmark.id.desc()))
            current = (same_day[0].meets, same_day[0].exceeds) if same_day else before
            if current == wanted and len(same_day) <= 1:
                continue
            changed += 1
            for line in same_day:
                record("delete", line, snapshot(line), None)
                line.delete_instance()
            if wanted != before:
                line = Benchmark.create(kpi=kpi, role=row.role_id, level=row.level_id, meets=wanted[0],
                                        exceeds=wanted[1], effective_from=day)
                record("create", line, None, snapshot(line))
    return changed


@bp.route("/<int:kpi_id>/benchmarks/<date>/delete", methods=["GET", "POST"])
@allow("admin")
def delete_line_set(kpi_id, date):
    """GET asks for confirmation, POST deletes the lines of one future effective date. Lines already
    in force are history (they judged periods) and stay."""
    kpi = kpi_or_404(kpi_id)
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        abort(404)
    query = Benchmark.select().where((Benchmark.kpi == kpi.id) & (Benchmark.effective_from == day))
    if not query.exists():
        abort(404)
    back = url_for(".page", kpi_id=kpi.id)
    if day <= datetime.date.today():
        flash(f"The lines from {date_text(day)} are already in force and have judged periods: they stay. "
              "To change a target, set new lines from a later date.", "error")
        return redirect(back)
    if request.method == "POST":
        with write_transaction():
            lock_kpi(kpi)
            for line in query:
                record("delete", line, snapshot(line), None)
            Benchmark.delete().where((Benchmark.kpi == kpi.id) & (Benchmark.effective_from == day)).execute()
        flash(f"The lines of “{kpi.name}” from {date_text(day)} are deleted.", "success")
        return redirect(back)
    roles, levels = _roles_and_levels()
    lines = [row for row in benchmarks.load([kpi.id])[kpi.id] if row[2] == day]
    rows = _line_rows([r for r in roles if r.id in {row[0] for row in lines}], levels)
    [line_set] = _history(lines, rows)
    return render_template("kpis/admin_kpis/delete_lines.html", kpi=kpi, line_set=line_set)
