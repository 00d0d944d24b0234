"""Admin set-up of KPIs: the list, create and edit, deactivate or delete, and the KPI library from
the plugins (each KPI's benchmark lines: :mod:`dualdash.kpis.views.admin_benchmarks`).

A KPI's key and cadence are fixed once values are stored under it: CSV files and API clients name
the KPI by its key, and each stored value belongs to a period of its cadence."""
import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import IntegrityError, fn
from playhouse.flask_utils import get_object_or_404

from dualdash.db import database, write_transaction
from dualdash.kpis.forms.kpis import (
    CADENCE_LABELS,
    CATEGORY_LABELS,
    DIRECTION_LABELS,
    ROLLUP_LABELS,
    UNIT_LABELS,
    KPIForm,
    band_rule_label,
    format_number,
)
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.org.audit import record, snapshot
from dualdash.plugins import manager as plugins
from dualdash.shared.access import allow

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


def kpi_or_404(kpi_id):
    """The KPI ``kpi_id``, or a 404."""
    return get_object_or_404(KPI, KPI.id == kpi_id)


def _has_values(kpi):
    return Measurement.select(Measurement.id).where(Measurement.kpi == kpi.id).exists()


def lock_kpi(kpi):
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
            return redirect(url_for("admin_benchmarks.page", kpi_id=kpi.id))
    return render_template("kpis/admin_kpis/form.html", form=form, kpi=None, locked=False,
                           value_count=0), 400 if form.errors else 200


@bp.route("/<int:kpi_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit(kpi_id):
    """Change a KPI. Its key and cadence stay as they are once values are stored under it."""
    kpi = kpi_or_404(kpi_id)
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
                    lock_kpi(kpi)
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
        kpi = kpi_or_404(kpi_id)  # a failed save may have changed the instance
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
    kpi = kpi_or_404(kpi_id)
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
    kpi = kpi_or_404(kpi_id)
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
    kpi = kpi_or_404(kpi_id)
    if request.method == "POST":
        with write_transaction():
            lock_kpi(kpi)
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
