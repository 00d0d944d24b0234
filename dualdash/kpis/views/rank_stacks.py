"""Rank stack pages: the list of KPIs, and one KPI's stack (bar chart and table) by person, job
role or team. The figures and the visibility rules live in :mod:`dualdash.kpis.rank_stacks`."""
import datetime

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user

from dualdash.charts.bars import Bar, bar_chart
from dualdash.kpis import periods, rank_stacks
from dualdash.kpis.models import KPI
from dualdash.org import access
from dualdash.org import settings as org_settings
from dualdash.shared.access import allow

bp = Blueprint("rank_stacks", __name__, url_prefix="/rank-stacks")

#: How a period of each cadence is typed, for the form's hints.
EXAMPLES = {"daily": "A date like 2026-11-18", "weekly": "A week like 2026-W47, or a date inside it",
            "monthly": "A month like 2026-11, or a date inside it",
            "quarterly": "A quarter like 2026-Q4, or a date inside it",
            "annual": "A year like 2026, or a date inside it"}
GROUP_NOUN = {"person": "Person", "role": "Job role", "team": "Team"}


@bp.route("/")
@allow("signed_in")
def index():
    """The active KPIs, each linking to its rank stack."""
    kpis = list(KPI.select().where(KPI.active == True).order_by(KPI.name))  # noqa: E712
    return render_template("kpis/rank_stacks/index.html", kpis=kpis)


@bp.route("/<kpi_key>")
@allow("rank_stack")
def show(kpi_key):
    """One KPI's rank stack over a range of its periods (``from``, ``to``), ``by`` person, role or
    team, ordered by value or attainment; a bad argument re-shows the form with the message (400)."""
    kpi = g.kpi
    settings = org_settings.get()
    fy = settings.fiscal_year_start_month
    today = datetime.date.today()
    viewer = rank_stacks.audience(current_user._get_current_object(), access.my_subtree())
    typed = {name: (request.args.get(name) or "").strip() for name in ("from", "to", "by", "order")}
    context = {"kpi": kpi, "viewer": viewer, "settings": settings, "example": EXAMPLES[kpi.cadence],
               "fmt": rank_stacks.format_value, "pct": rank_stacks.format_attainment,
               "group_noun": GROUP_NOUN, "periods": periods, "fy": fy, "row_label": row_label,
               "today": today}
    try:
        req = rank_stacks.read_request(kpi, request.args, settings, today)
    except rank_stacks.BadRequest as exc:
        form = {**typed, "by": typed["by"] or "person", "order": typed["order"] or "value"}
        return render_template("kpis/rank_stacks/show.html", stack=None, errors=dict(exc.errors), form=form,
                               **context), 400
    # A stack by person shows one page of rows (ranked among everyone) and always the viewer's own.
    stack = rank_stacks.build(req, viewer, settings, page=request.args.get("page", 1, type=int),
                              per_page=current_app.config["PEOPLE_PER_PAGE"], today=today)
    form = {"from": periods.key(req.first, fy), "to": periods.key(req.last, fy), "by": req.by,
            "order": req.order}
    return render_template("kpis/rank_stacks/show.html", stack=stack, errors={}, form=form,
                           defaulted=not (typed["from"] or typed["to"]), chart=_chart(stack),
                           nav=_navigation(req, stack.period_count, settings, today), **context)


def row_label(row, stack):
    """How a row is named on the page and in the chart."""
    if row.hidden:
        return row.name
    if not row.named:
        return "Someone else"
    if row.is_you and stack.request.by == "person":
        return f"You ({row.name})"
    return f"{row.name} (yours)" if row.is_you else row.name


def _chart(stack):
    if not stack.rows:
        return None
    kpi, by_attainment = stack.kpi, stack.request.order == "attainment"
    extra = 0 if stack.request.by == "person" else 1
    bars = []
    for row in stack.rows + ([stack.you] if stack.you else []):
        if row.hidden:
            bars.append(Bar(label=row_label(row, stack), length=None,
                            note=f"hidden: fewer than {stack.min_group_size} people"))
            continue
        value = rank_stacks.format_value(row.value, kpi, extra)
        if row.attainment is not None:
            value += f" ({rank_stacks.format_attainment(row.attainment)})"
        length = (row.attainment * 100 if row.attainment is not None else None) if by_attainment else row.value
        band = row.band
        bars.append(Bar(label=row_label(row, stack), length=length, value_text=value,
                        band=band.value if band else None, band_text=band.label if band else "No band",
                        highlight=row.is_you, note="no benchmark: no attainment"))
    measure = "attainment (value relative to each one's own Meets line)" if by_attainment else "value"
    best = "highest" if by_attainment or kpi.direction == "higher" else "lowest"
    count = f"{len(stack.rows)} row{'s' if len(stack.rows) != 1 else ''}"
    if stack.pages > 1:
        count += f" (page {stack.page} of {stack.pages}, ranks {stack.rows[0].rank} to {stack.rows[-1].rank}" + \
                 (f", then your own place, rank {stack.you.rank}" if stack.you else "") + ")"
    return bar_chart(bars, title=f"Rank stack of {kpi.name} by {measure}",
                     description=f"{count}, {best} first; each bar is labelled with its value and band. "
                                 "The table below holds the same figures.",
                     chart_id="rank-stack-chart")


def _navigation(req, count, settings, today):
    """Query arguments for the same-length range just before and just after this one. There is no
    later range once this one reaches the period in progress, and a later one ends there at most."""
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    current = rank_stacks.current_period(req.kpi, settings, today)
    try:
        earlier = (periods.shift(req.first, -count, ws, fy), periods.shift(req.last, -count, ws, fy))
        later = (periods.shift(req.first, count, ws, fy), periods.shift(req.last, count, ws, fy))
    except (OverflowError, ValueError):
        return None
    if req.last.start >= current.start:
        later = None
    elif later[1].start > current.start:
        later = (later[0], current)
    common = {"by": req.by, "order": req.order}
    nav = {name: {"from": periods.key(pair[0], fy), "to": periods.key(pair[1], fy), **common} if pair else None
           for name, pair in (("earlier", earlier), ("later", later))}
    nav["later_count"] = rank_stacks.count_periods(*later) if later else 0
    return nav
