"""Admin set-up of KPIs: the list, create and edit, deactivate or delete, the KPI library from the
plugins, and each KPI's effective-dated benchmark lines.

A KPI's key and cadence are fixed once values are stored under it: CSV files and API clients name
the KPI by its key, and each stored value belongs to a period of its cadence."""
import datetime
from dataclasses import dataclass
from typing import Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import IntegrityError, fn
from playhouse.flask_utils import get_object_or_404

from dualdash.db import database, write_transaction
from dualdash.kpis import benchmarks, periods
from dualdash.kpis.forms.kpis import (
    CADENCE_LABELS,
    CATEGORY_LABELS,
    DIRECTION_LABELS,
    ROLLUP_LABELS,
    UNIT_LABELS,
    KPIForm,
    band_rule_label,
    benchmark_form,
    format_number,
)
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.org import settings as org_settings
from dualdash.org.audit import record, snapshot
from dualdash.org.models import JobRole, Level
from dualdash.plugins import manager as plugins
from dualdash.shared import dates
from dualdash.shared.access import allow
from dualdash.shared.formats import date_text

bp = Blueprint("admin_kpis", __name__, url_prefix="/admin/kpis")

#: The date a library KPI's default line takes effect: from the beginning, for every period.
SINCE_ALWAYS = datetime.date(1970, 1, 1)
#: The fields a KPI form edits, in the order they are saved and audited.
KPI_FIELDS = ("key", "name", "description", "unit", "direction", "cadence", "rollup", "category", "band_rule",
              "decimals", "active")
LABELS = {"unit": UNIT_LABELS, "direction": DIRECTION_LABELS, "cadence": CADENCE_LABELS,
          "rollup": ROLLUP_LABELS, "category": CATEGORY_LABELS}


@bp.app_template_filter("kpi_label")
def kpi_label(value, what):
    """How a KPI's stored choice reads: ``{{ kpi.rollup|kpi_label('rollup') }}`` → "Sum (the total)"."""
    return LABELS[what].get(value, value)


@bp.app_template_filter("line_number")
def line_number(value):
    """A benchmark threshold as typed: 10, 12.5; an en dash when there is none."""
    return "–" if value is None else format_number(value)


def _kpi_or_404(kpi_id):
    return get_object_or_404(KPI, KPI.id == kpi_id)


def _has_values(kpi):
    return Measurement.select(Measurement.id).where(Measurement.kpi == kpi.id).exists()


def _lock(kpi):
    """Serialise changes to one KPI (and to its values) until the transaction ends.

    On PostgreSQL ``SELECT … FOR UPDATE`` also makes a value being written for this KPI at the same
    moment wait (its foreign key check locks the KPI row); on SQLite the no-op UPDATE takes the
    database's write lock."""
    if getattr(database.obj, "for_update", False):
        list(KPI.select(KPI.id).where(KPI.id == kpi.id).for_update())
    else:
        KPI.update(key=KPI.key).where(KPI.id == kpi.id).execute()


# --- the list ------------------------------------------------------------------------------------

@bp.route("/")
@allow("admin")
def index():
    """Every KPI, active ones first, with how many scorecards use it (two queries in all)."""
    kpis = sorted(KPI.select(), key=lambda k: (not k.active, k.name.casefold(), k.key))
    used = dict(ScorecardKPI.select(ScorecardKPI.kpi, fn.COUNT(ScorecardKPI.id))
                .group_by(ScorecardKPI.kpi).tuples())
    rules = plugins.current().band_rules
    return render_template("kpis/admin_kpis/index.html", kpis=kpis, used=used, rules=rules,
                           rule_label=band_rule_label, library_size=len(plugins.current().kpi_library))


# --- create and edit -------------------------------------------------------------------------------

def _kpi_form(kpi=None, **kwargs):
    return KPIForm(band_rules=plugins.current().band_rules, kpi=kpi, **kwargs)


def _direction_conflicts(kpi, direction):
    """Stored lines whose Exceeds would be on the wrong side of Meets with ``direction`` (a count)."""
    if direction == kpi.direction:
        return 0
    query = Benchmark.select().where((Benchmark.kpi == kpi.id) & Benchmark.meets.is_null(False)
                                     & Benchmark.exceeds.is_null(False))
    if direction == "lower":
        return query.where(Benchmark.exceeds >= Benchmark.meets).count()
    return query.where(Benchmark.exceeds <= Benchmark.meets).count()


@bp.route("/new", methods=["GET", "POST"])
@allow("admin")
def new():
    """Create a KPI, then go on to its benchmark."""
    rules = plugins.current().band_rules
    default_rule = "thresholds" if "thresholds" in rules else next(iter(rules), "")
    form = _kpi_form(data={"unit": "count", "direction": "higher", "cadence": "weekly", "rollup": "sum",
                           "category": "operational", "band_rule": default_rule, "decimals": 0,
                           "active": True})
    if form.validate_on_submit():
        try:
            with write_transaction():
                values = {name: form[name].data for name in KPI_FIELDS}
                kpi = KPI.create(**{**values, "description": values["description"] or ""})
                record("create", kpi, None, snapshot(kpi))
        except IntegrityError:  # the same key created a moment ago
            form.key.errors.append(f"There is already a KPI with the key “{form.key.data}”.")
        else:
            flash(f"KPI “{kpi.name}” created. Now set its benchmark.", "success")
            return redirect(url_for(".benchmarks_page", kpi_id=kpi.id))
    return render_template("kpis/admin_kpis/form.html", form=form, kpi=None, locked=False,
                           value_count=0), 400 if form.errors else 200


@bp.route("/<int:kpi_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit(kpi_id):
    """Change a KPI. Its key and cadence stay as they are once values are stored under it."""
    kpi = _kpi_or_404(kpi_id)
    value_count = Measurement.select().where(Measurement.kpi == kpi.id).count()
    locked = value_count > 0
    form = _kpi_form(kpi=kpi, data={name: getattr(kpi, name) for name in KPI_FIELDS})
    if locked:
        del form.key
        del form.cadence
    if form.validate_on_submit():
        conflicts = _direction_conflicts(kpi, form.direction.data)
        if conflicts:
            form.direction.errors.append(
                f"{conflicts} benchmark line{'s' if conflicts != 1 else ''} of this KPI "
                f"{'has' if conflicts == 1 else 'have'} Exceeds on the other side of Meets: change "
                "the benchmark first, or create a new KPI.")
        else:
            try:
                with write_transaction():
                    _lock(kpi)
                    if not locked and _has_values(kpi):  # values were stored a moment ago
                        raise _NowLocked()
                    before = snapshot(kpi)
                    for name in KPI_FIELDS:
                        field = getattr(form, name)
                        if field is not None:  # None: fixed, see `locked`
                            setattr(kpi, name, field.data)
                    kpi.description = kpi.description or ""
                    kpi.save()
                    if snapshot(kpi) != before:
                        record("update", kpi, before, snapshot(kpi))
            except IntegrityError:
                form.key.errors.append(f"There is already a KPI with the key “{form.key.data}”.")
            except _NowLocked:
                flash("Values were stored for this KPI while you were editing it: its key and cadence "
                      "can no longer change. Nothing was saved; please check and save again.", "error")
                return redirect(url_for(".edit", kpi_id=kpi.id))
            else:
                flash(f"KPI “{kpi.name}” saved.", "success")
                return redirect(url_for(".index"))
        kpi = _kpi_or_404(kpi_id)  # a failed save may have changed the instance
    return render_template("kpis/admin_kpis/form.html", form=form, kpi=kpi, locked=locked,
                           value_count=value_count), 400 if form.errors else 200


class _NowLocked(Exception):
    """Values were stored for a KPI between loading its form and saving it."""


# --- deactivate, reactivate, delete --------------------------------------------------------------

def _set_active(kpi, active):
    with write_transaction():
        before = snapshot(kpi)
        kpi.active = active
        kpi.save(only=[KPI.active])
        record("reactivate" if active else "deactivate", kpi, before, snapshot(kpi))


@bp.route("/<int:kpi_id>/deactivate", methods=["GET", "POST"])
@allow("admin")
def deactivate(kpi_id):
    """GET: what deactivating means; POST: do it. Values and benchmarks stay."""
    kpi = _kpi_or_404(kpi_id)
    if request.method == "POST":
        if kpi.active:
            _set_active(kpi, False)
        flash(f"KPI “{kpi.name}” is deactivated.", "success")
        return redirect(url_for(".index"))
    value_count = Measurement.select().where(Measurement.kpi == kpi.id).count()
    return render_template("kpis/admin_kpis/deactivate.html", kpi=kpi, value_count=value_count)


@bp.route("/<int:kpi_id>/reactivate", methods=["GET", "POST"])
@allow("admin")
def reactivate(kpi_id):
    """GET: confirm; POST: make the KPI active again."""
    kpi = _kpi_or_404(kpi_id)
    if request.method == "POST":
        if not kpi.active:
            _set_active(kpi, True)
        flash(f"KPI “{kpi.name}” is active again.", "success")
        return redirect(url_for(".index"))
    return render_template("kpis/admin_kpis/reactivate.html", kpi=kpi)


@bp.route("/<int:kpi_id>/delete", methods=["GET", "POST"])
@allow("admin")
def delete(kpi_id):
    """GET asks for confirmation, POST deletes the KPI with its benchmark lines and its places on
    scorecards. Refused once values are stored: such a KPI is deactivated instead."""
    kpi = _kpi_or_404(kpi_id)
    if request.method == "POST":
        with write_transaction():
            _lock(kpi)
            if _has_values(kpi):
                flash(f"“{kpi.name}” has stored values, so it cannot be deleted: deactivate it instead.",
                      "error")
                return redirect(url_for(".deactivate", kpi_id=kpi.id))
            for line in Benchmark.select().where(Benchmark.kpi == kpi.id):
                record("delete", line, snapshot(line), None)
            for item in ScorecardKPI.select().where(ScorecardKPI.kpi == kpi.id):
                record("delete", item, snapshot(item), None)
            record("delete", kpi, snapshot(kpi), None)
            kpi.delete_instance()  # the database deletes its lines and scorecard places (CASCADE)
        flash(f"KPI “{kpi.name}” deleted.", "success")
        return redirect(url_for(".index"))
    value_count = Measurement.select().where(Measurement.kpi == kpi.id).count()
    scorecards = list(Scorecard.select(Scorecard.name).join(ScorecardKPI)
                      .where(ScorecardKPI.kpi == kpi.id).order_by(Scorecard.name).tuples())
    line_count = Benchmark.select().where(Benchmark.kpi == kpi.id).count()
    return render_template("kpis/admin_kpis/delete.html", kpi=kpi, value_count=value_count,
                           scorecards=[name for name, in scorecards], line_count=line_count)


# --- the KPI library -----------------------------------------------------------------------------

@bp.route("/library")
@allow("admin")
def library():
    """The KPIs the plugins offer, each with the plugin that offers it; those already here say so."""
    fw = plugins.current()
    offered = list(fw.kpi_library.values())
    present = set()
    if offered:
        present = {key for key, in KPI.select(KPI.key).where(KPI.key.in_([d.key for d in offered])).tuples()}
    return render_template("kpis/admin_kpis/library.html", offered=offered, present=present,
                           source=lambda d: fw.provided_by.get(("KPI", d.key), "?"),
                           rules=fw.band_rules, rule_label=band_rule_label)


def _adopt(definition):
    """Create a library KPI and its default line (Meets/Exceeds for everyone, from the start);
    None when a KPI with that key is already here (so adding twice changes nothing)."""
    try:
        with write_transaction():
            if KPI.select().where(KPI.key == definition.key).exists():
                return None
            kpi = KPI.create(key=definition.key, name=definition.name, description=definition.description or "",
                             unit=definition.unit, direction=definition.direction, cadence=definition.cadence,
                             rollup=definition.rollup, category=definition.category,
                             band_rule=definition.band_rule, decimals=definition.decimals, active=True)
            record("create", kpi, None, {**snapshot(kpi), "from_library": plugin_of(definition)})
            if definition.meets is not None:
                line = Benchmark.create(kpi=kpi, meets=definition.meets, exceeds=definition.exceeds,
                                        effective_from=SINCE_ALWAYS)
                record("create", line, None, snapshot(line))
            return kpi
    except IntegrityError:  # added by someone else a moment ago
        return None


def plugin_of(definition):
    return plugins.current().provided_by.get(("KPI", definition.key))


@bp.route("/library/<key>/add", methods=["POST"])
@allow("admin")
def library_add(key):
    """Adopt one library KPI."""
    definition = plugins.current().kpi_library.get(key)
    if definition is None:
        abort(404, f"No loaded plugin offers a KPI “{key}”.")
    kpi = _adopt(definition)
    if kpi is None:
        flash(f"“{definition.name}” ({key}) is already added.", "success")
    else:
        flash(f"KPI “{kpi.name}” added with its default benchmark.", "success")
    return redirect(url_for(".library", _anchor=f"lib-{key}"))


@bp.route("/library/add-all", methods=["POST"])
@allow("admin")
def library_add_all():
    """Adopt every library KPI not yet here."""
    added = [kpi for kpi in map(_adopt, plugins.current().kpi_library.values()) if kpi is not None]
    if added:
        flash(f"Added {len(added)} KPI{'s' if len(added) != 1 else ''}: "
              f"{', '.join(k.name for k in added)}.", "success")
    else:
        flash("Every KPI of the library is already added.", "success")
    return redirect(url_for(".library"))


# --- benchmarks ----------------------------------------------------------------------------------

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
def benchmarks_page(kpi_id):
    """The KPI's lines from one effective date on (default, each role, each level side by side),
    the history of its lines, and the form that sets them."""
    kpi = _kpi_or_404(kpi_id)
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
        return redirect(url_for(".benchmarks_page", kpi_id=kpi.id, date=when.isoformat(), role=extra))
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
        _lock(kpi)
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
    kpi = _kpi_or_404(kpi_id)
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        abort(404)
    query = Benchmark.select().where((Benchmark.kpi == kpi.id) & (Benchmark.effective_from == day))
    if not query.exists():
        abort(404)
    back = url_for(".benchmarks_page", kpi_id=kpi.id)
    if day <= datetime.date.today():
        flash(f"The lines from {date_text(day)} are already in force and have judged periods: they stay. "
              "To change a target, set new lines from a later date.", "error")
        return redirect(back)
    if request.method == "POST":
        with write_transaction():
            _lock(kpi)
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
