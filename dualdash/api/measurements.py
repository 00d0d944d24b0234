"""``POST /api/v1/measurements``: a batch of values, all-or-nothing, through the same validation and
permissions as the grid and the CSV import (:mod:`dualdash.kpis.measurements`)."""
import json
from dataclasses import asdict

from flask import g, jsonify, request

from dualdash.api import bp, error
from dualdash.db import write_transaction
from dualdash.kpis import measurements
from dualdash.org import audit
from dualdash.shared.access import allow

#: Most items one request may carry; a larger load is split into several requests.
MAX_ITEMS = 10_000
FIELDS = ("person", "kpi", "period", "value", "note")
REQUIRED = ("person", "kpi", "period", "value")
TEXT_FIELDS = ("person", "kpi", "period")


@bp.post("/measurements")
@allow("enter_measurements")
def post_measurements():
    """Validate every item, then write them all in one transaction, or nothing with every problem."""
    actor = g.api_person
    try:
        body = json.loads(request.get_data() or b"null")
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return error(400, f"The body is not valid JSON: {exc}")
    items = body.get("measurements") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return error(400, 'Send a JSON object with a list of measurements: {"measurements": [{"person": '
                          '"…", "kpi": "…", "period": "2026-W47", "value": 12.5}]}.')
    if len(items) > MAX_ITEMS:
        return error(413, f"At most {MAX_ITEMS:,} measurements per request; this one has {len(items):,}. "
                          "Send them in several requests.")
    rows, problems = [], []
    for index, item in enumerate(items):
        found = _shape_problems(index, item)
        if found:
            problems.extend(found)
        else:
            rows.append((index, item["person"], item["kpi"], item["period"], item["value"], item.get("note")))
    entries, invalid, before_start = measurements.check(actor, rows, noun="item")
    problems.extend({"index": p.where, "field": p.field, "message": p.message} for p in invalid)
    if problems:
        problems.sort(key=lambda p: p["index"])
        bad = len({p["index"] for p in problems})
        return error(400, f"{bad} of {len(items)} item{'s' if len(items) != 1 else ''} "
                          f"{'is' if bad == 1 else 'are'} not valid; nothing was written.", errors=problems)
    with write_transaction():
        # Each changed value is audited with its value before and after, plus one entry for the batch:
        # who sent how much, and what it changed.
        counts = measurements.write(entries, actor.id, audit_each=True)
        if counts.created or counts.updated or counts.removed:
            audit.record("import", "Measurement", after={"source": "api", "items": len(items), **asdict(counts)},
                         actor=actor.id)
    result = asdict(counts)
    if before_start:
        # Written all the same: a warning, not a refusal.
        result["warnings"] = [measurements.before_start_warning(before_start) + "."]
    return jsonify(result)


def _shape_problems(index, item):
    """Type errors in one item, as error dicts (the values themselves are checked afterwards)."""
    if not isinstance(item, dict):
        return [{"index": index, "field": None,
                 "message": 'each item must be an object: {"person", "kpi", "period", "value", "note"}'}]
    problems = []
    for name in item:
        if name not in FIELDS:
            problems.append({"index": index, "field": name, "message": f"unknown field “{name}”: "
                             f"use {', '.join(FIELDS)}"})
    for name in REQUIRED:
        if name not in item:
            # A missing value is not "no data": that must be said with an explicit null.
            hint = " (null to remove a stored value)" if name == "value" else ""
            problems.append({"index": index, "field": name, "message": f"the {name} is missing{hint}"})
    for name in TEXT_FIELDS:
        if name in item and not isinstance(item[name], str):
            problems.append({"index": index, "field": name, "message": f"the {name} must be a string"})
    value = item.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        problems.append({"index": index, "field": "value", "message": "the value must be a number or null"})
    elif isinstance(value, int) and not _fits_a_float(value):
        problems.append({"index": index, "field": "value", "message": "the value is too large"})
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        problems.append({"index": index, "field": "note", "message": "the note must be a string or null"})
    return problems


def _fits_a_float(number):
    try:
        float(number)
    except OverflowError:
        return False
    return True
