"""GET /api/v1/rank-stacks/<kpi>: a KPI's rank stack as JSON, with the page's figures and the same
visibility rules (see :mod:`dualdash.kpis.rank_stacks`): a row the caller may not know is unnamed
(``id`` and ``name`` null), and a group hidden from a member has ``"hidden": true`` and no figures."""
import datetime

from flask import g, jsonify, request

from dualdash.api import bp, error
from dualdash.kpis import periods, rank_stacks
from dualdash.org import settings as org_settings
from dualdash.shared.access import allow


@bp.route("/rank-stacks/<kpi_key>")
@allow("rank_stack")
def rank_stack(kpi_key):
    """``?from=&to=&by=person|role|team&order=value|attainment`` (all optional)."""
    kpi = g.kpi
    settings = org_settings.get()
    today = datetime.date.today()
    try:
        req = rank_stacks.read_request(kpi, request.args, settings, today)
    except rank_stacks.BadRequest as exc:
        return error(400, str(exc), errors=[{"field": name, "message": message} for name, message in exc.errors])
    stack = rank_stacks.build(req, rank_stacks.audience(g.api_person), settings, today=today)
    return jsonify(as_json(stack, settings.fiscal_year_start_month))


def as_json(stack, fy):
    """The agreed JSON shape of a stack."""
    kpi = stack.kpi
    return {
        "kpi": {"key": kpi.key, "name": kpi.name, "unit": kpi.unit, "direction": kpi.direction},
        "from": periods.key(stack.request.first, fy),
        "to": periods.key(stack.request.last, fy),
        "by": stack.request.by,
        "order": stack.request.order,
        # The range holds the period in progress: a summed KPI is judged against the target so far.
        "in_progress": stack.in_progress,
        "target_share": round(stack.target_share, 4),
        "rows": [_row(row) for row in stack.rows],
    }


def _row(row):
    return {"rank": row.rank, "id": row.id, "name": row.name, "value": row.value,
            "attainment": None if row.attainment is None else round(row.attainment, 4),
            "band": row.band.value if row.band else None, "people": row.people, "is_you": row.is_you,
            "hidden": row.hidden}
