"""``GET /api/v1/people/<email>/scorecard``: a person's scorecard for one period, as the scorecard
page shows it: each KPI's value, the benchmark that applied, band, attainment and history; and
``GET /api/v1/teams/<id>/scorecard``: a team's own KPIs (its team values) in the same shape."""
import datetime

from flask import g, jsonify, request

from dualdash.api import bp, error
from dualdash.kpis import periods, scorecards, team_values
from dualdash.org import settings as org_settings
from dualdash.shared.access import allow

DEFAULT_CADENCE = "weekly"
DEFAULT_HISTORY = 13
MAX_HISTORY = 60


@bp.get("/people/<email>/scorecard")
@allow("view_person_by_email")
def person_scorecard(email):
    """The scorecard of the person with ``email``, if the token's owner may see them."""
    person = g.person
    settings = org_settings.get()
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    cadence = request.args.get("cadence", DEFAULT_CADENCE).strip() or DEFAULT_CADENCE
    if cadence not in periods.CADENCES:
        return error(400, f"“{cadence}” is not a cadence: use one of {', '.join(periods.CADENCES)}.")
    text = request.args.get("period", "").strip()
    try:
        view = periods.parse(text, cadence, ws, fy) if text else \
            periods.containing(datetime.date.today(), cadence, ws, fy)
    except ValueError as exc:
        return error(400, _sentence(str(exc)))
    history = request.args.get("history", str(DEFAULT_HISTORY)).strip()
    if not history.isdigit() or not 1 <= int(history) <= MAX_HISTORY:
        return error(400, f"history must be a whole number of periods from 1 to {MAX_HISTORY}.")
    person = scorecards.people_with_details([person.id])[person.id]
    card = scorecards.build([person], view, history=int(history))[0]
    return jsonify(scorecard_json(card, fy))


def _view_and_history():
    """``(view period, history, fiscal-year month)`` from the query, or ``(None, error response, None)``."""
    settings = org_settings.get()
    ws, fy = settings.week_start, settings.fiscal_year_start_month
    cadence = request.args.get("cadence", DEFAULT_CADENCE).strip() or DEFAULT_CADENCE
    if cadence not in periods.CADENCES:
        return None, error(400, f"“{cadence}” is not a cadence: use one of {', '.join(periods.CADENCES)}."), None
    text = request.args.get("period", "").strip()
    try:
        view = periods.parse(text, cadence, ws, fy) if text else \
            periods.containing(datetime.date.today(), cadence, ws, fy)
    except ValueError as exc:
        return None, error(400, _sentence(str(exc))), None
    history = request.args.get("history", str(DEFAULT_HISTORY)).strip()
    if not history.isdigit() or not 1 <= int(history) <= MAX_HISTORY:
        return None, error(400, f"history must be a whole number of periods from 1 to {MAX_HISTORY}."), None
    return view, int(history), fy


@bp.get("/teams/<int:team_id>/scorecard")
@allow("team_values")
def team_scorecard(team_id):
    """The team's own KPIs (its scorecard under Admin → Scorecards) with the team's values, if the
    token's owner is an admin or has someone below them in the team or its sub-teams."""
    view, history, fy = _view_and_history()
    if view is None:
        return history
    card = team_values.build([g.team], view, history=history)[0]
    counts = card.counts
    return jsonify({
        "team": {"id": g.team.id, "name": g.team.name},
        "period": {"key": periods.key(view, fy), "start": view.start.isoformat(), "end": view.end.isoformat(),
                   "cadence": view.cadence, "in_progress": periods.in_progress(view)},
        "counts": {band.value if band else "none": n for band, n in counts.items()},
        "kpis": [_kpi_json(row, fy) for row in card.rows],
    })


def scorecard_json(card, fy_month=1):
    """A :class:`dualdash.kpis.scorecards.PersonScorecard` in the API's shape (see the OpenAPI document)."""
    p, view = card.person, card.period
    counts = card.counts
    return {
        "person": {"email": p.email, "name": p.name, "team": p.team.name if p.team_id else None,
                   "role": p.role.name if p.role_id else None, "level": p.level.name if p.level_id else None},
        "period": {"key": periods.key(view, fy_month), "start": view.start.isoformat(),
                   "end": view.end.isoformat(), "cadence": view.cadence,
                   "in_progress": periods.in_progress(view)},
        "counts": {band.value if band else "none": n for band, n in counts.items()},
        "kpis": [_kpi_json(row, fy_month) for row in card.rows],
    }


def _kpi_json(row, fy_month):
    kpi, current = row.kpi, row.current
    return {
        "key": kpi.key, "name": kpi.name, "unit": kpi.unit, "direction": kpi.direction, "cadence": kpi.cadence,
        "value": current.value,
        "note": current.note,
        "benchmark": _benchmark_json(current.benchmark),
        "band": _band(current),
        # A band rule that failed gives no band; say why instead of a silent null.
        "band_error": current.judgement.error,
        "attainment": current.attainment,
        "history": [{"period": periods.key(point.period, fy_month), "start": point.period.start.isoformat(),
                     "value": point.value, "note": point.note, "band": _band(point)} for point in row.history],
    }


def _benchmark_json(bench):
    if bench is None:
        return None
    return {"meets": bench.meets, "exceeds": bench.exceeds,
            "effective_from": bench.effective_from.isoformat() if bench.effective_from else None,
            "role": bench.role, "level": bench.level}


def _band(point):
    return point.band.value if point.band else None


def _sentence(text):
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
