"""Admin page for the organization settings: week start, fiscal year, self-reporting, rank stacks, currency.

Stored values belong to the periods they were entered for (a weekly value to a week that started
on the week start day of the time). Changing the week start or the fiscal year moves the periods,
so the page says how many stored values would fall outside the new ones and asks before doing it."""
import calendar
from dataclasses import asdict, replace

from babel.numbers import get_currency_name, get_currency_symbol
from flask import Blueprint, flash, redirect, render_template, url_for
from peewee import fn

from dualdash.db import write_transaction
from dualdash.kpis.models import KPI, Measurement
from dualdash.org import settings as org_settings
from dualdash.org.audit import record
from dualdash.shared.access import allow
from dualdash.shared.formats import LOCALE
from dualdash.web.forms.org_settings import OrgSettingsForm, currency_code

bp = Blueprint("admin_settings", __name__, url_prefix="/admin")

FIELDS = ("week_start", "fiscal_year_start_month", "self_reporting", "rank_stacks_name_everyone", "min_group_size",
          "admin_sees_private_notes", "currency")


def stored_by_cadence():
    """``{cadence: number of stored values}`` (one aggregate query)."""
    query = (Measurement.select(KPI.cadence, fn.COUNT(Measurement.id)).join(KPI)
             .group_by(KPI.cadence).tuples())
    return {cadence: int(n) for cadence, n in query}


def displaced(before, after, counts):
    """The stored values whose periods a change of settings moves: ``[(count, cadence noun)]``.

    Weeks move with the week start; years with the fiscal year start month; quarters only when
    that month moves by other than a whole number of quarters."""
    moved = []
    if before.week_start != after.week_start and counts.get("weekly"):
        moved.append((counts["weekly"], "weekly"))
    shift = after.fiscal_year_start_month - before.fiscal_year_start_month
    if shift % 3 and counts.get("quarterly"):
        moved.append((counts["quarterly"], "quarterly"))
    if shift and counts.get("annual"):
        moved.append((counts["annual"], "annual"))
    return moved


@bp.route("/settings", methods=["GET", "POST"])
@allow("admin")
def edit():
    """The organization settings, saved together and audited with their values before and after."""
    current = org_settings.get()
    form = OrgSettingsForm(data=asdict(current))
    moved = []
    if form.validate_on_submit():
        wanted = replace(current, **{name: form[name].data for name in FIELDS})
        wanted = replace(wanted, currency=currency_code(wanted.currency))
        moved = displaced(current, wanted, stored_by_cadence())
        if moved and not form.confirm_periods.data:
            message = _moved_message(current, wanted, moved)
            target = form.week_start if current.week_start != wanted.week_start else form.fiscal_year_start_month
            target.errors.append(message)
        else:
            if wanted != current:
                with write_transaction():
                    org_settings.save(wanted)
                    record("update", "OrgSettings", asdict(current), asdict(wanted))
                flash("Settings saved.", "success")
            else:
                flash("Nothing changed.", "success")
            return redirect(url_for(".edit"))
    counts = stored_by_cadence()
    return render_template("web/admin/settings.html", form=form, current=current, counts=counts,
                           currency_name=get_currency_name(current.currency, locale=LOCALE),
                           currency_symbol=get_currency_symbol(current.currency, locale=LOCALE),
                           moved=moved, day_name=calendar.day_name,
                           month_name=calendar.month_name), 400 if form.errors else 200


def _moved_message(current, wanted, moved):
    parts = " and ".join(f"{n} {cadence} value{'s' if n != 1 else ''}" for n, cadence in moved)
    return (f"{parts} {'is' if sum(n for n, _ in moved) == 1 else 'are'} stored for the current periods "
            f"(weeks from {calendar.day_name[current.week_start]}, years from "
            f"{calendar.month_name[current.fiscal_year_start_month]}). With the new setting they no longer "
            "start a period: scorecards will no longer find them in their periods until the setting is changed "
            "back (nothing is deleted). Tick the box below to change it anyway.")
