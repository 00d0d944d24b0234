"""The components of the OpenAPI description (schemas and shared responses) and the helpers that write
them; the paths that use them are in :mod:`dualdash.api.openapi`."""

from dualdash.api.measurements import MAX_ITEMS


def ref(name):
    """A reference to the schema ``name``."""
    return {"$ref": f"#/components/schemas/{name}"}


def response(name):
    """A reference to the shared response ``name``."""
    return {"$ref": f"#/components/responses/{name}"}


def _nullable(type_, **extra):
    return {"type": [type_, "null"], **extra}


def json_body(schema, example=None):
    """A JSON request or response body of ``schema``, with an example when given."""
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"application/json": content}


def _error_response(description, example):
    return {"description": description, "content": json_body(ref("Error"), {"message": example})}


BAND = {"type": ["string", "null"], "enum": ["exceeds", "meets", "fails", None],
        "description": "The band, from the KPI's band rule; null when there is no value or no benchmark."}
PERIOD_TEXT = ("A date inside the period (2026-11-18), or the period's name in the KPI's cadence: a week "
               "(2026-W47), a month (2026-11), a quarter (2026-Q4) or a year (2026). Weeks, quarters and "
               "years follow the organization's week start and fiscal year.")

SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every error is JSON with a message a person can act on.",
        "required": ["message"],
        "properties": {"message": {"type": "string"}},
    },
    "ItemError": {
        "type": "object",
        "required": ["index", "field", "message"],
        "properties": {
            "index": {"type": "integer", "minimum": 0, "description": "The item's position in the batch."},
            "field": _nullable("string", description="person, kpi, period, value, note (or an unknown "
                                                     "field's name); null when the item as a whole is wrong."),
            "message": {"type": "string"},
        },
    },
    "FieldError": {
        "type": "object",
        "required": ["field", "message"],
        "properties": {"field": {"type": "string", "description": "The query parameter."},
                       "message": {"type": "string"}},
    },
    "ParameterError": {
        "type": "object",
        "description": "Bad query parameters: every problem, by parameter.",
        "required": ["message", "errors"],
        "properties": {"message": {"type": "string"},
                       "errors": {"type": "array", "items": ref("FieldError")}},
    },
    "BatchError": {
        "type": "object",
        "description": "A batch with any bad item: every problem of every item, and nothing written.",
        "required": ["message", "errors"],
        "properties": {"message": {"type": "string"},
                       "errors": {"type": "array", "items": ref("ItemError")}},
    },
    "MeasurementItem": {
        "type": "object",
        "required": ["person", "kpi", "period", "value"],
        "additionalProperties": False,
        "properties": {
            "person": {"type": "string", "format": "email", "description": "The person's email."},
            "kpi": {"type": "string", "description": "The KPI's key."},
            "period": {"type": "string", "description": PERIOD_TEXT},
            "value": _nullable("number", description="The value; null means no data (a stored value is "
                                                     "removed), never zero."),
            "note": _nullable("string", maxLength=2000, description="An optional note on the value."),
        },
    },
    "MeasurementBatch": {
        "type": "object",
        "required": ["measurements"],
        "properties": {"measurements": {"type": "array", "maxItems": MAX_ITEMS,
                                        "items": ref("MeasurementItem")}},
    },
    "Counts": {
        "type": "object",
        "description": "What the batch changed. Sending the same batch again changes nothing (all unchanged).",
        "required": ["created", "updated", "removed", "unchanged"],
        "properties": {**{name: {"type": "integer", "minimum": 0}
                          for name in ("created", "updated", "removed", "unchanged")},
                       "warnings": {"type": "array", "items": {"type": "string"},
                                    "description": "Only when there are some, such as \"3 values are "
                                                   "dated before the person's start date.\" (written all "
                                                   "the same)."}},
    },
    "ScorecardPerson": {
        "type": "object",
        "required": ["email", "name", "team", "role", "level"],
        "properties": {"email": {"type": "string", "format": "email"}, "name": {"type": "string"},
                       "team": _nullable("string"), "role": _nullable("string", description="Job role."),
                       "level": _nullable("string")},
    },
    "Period": {
        "type": "object",
        "required": ["key", "start", "end", "cadence", "in_progress"],
        "properties": {
            "key": {"type": "string", "examples": ["2026-W47"]},
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "cadence": {"type": "string", "enum": ["daily", "weekly", "monthly", "quarterly", "annual"]},
            "in_progress": {"type": "boolean", "description": "The period has not ended yet."},
        },
    },
    "Benchmark": {
        "type": ["object", "null"],
        "description": "The benchmark line that applied to this person in this period (the most specific: "
                       "role and level, then role, then the KPI's default, as in force on the period's "
                       "first day); null when there is none. Over a longer view a summed KPI's lines are "
                       "scaled to the periods it covers.",
        "required": ["meets", "exceeds", "effective_from", "role", "level"],
        "properties": {"meets": _nullable("number"), "exceeds": _nullable("number"),
                       "effective_from": _nullable("string", format="date"),
                       "role": _nullable("string", description="Set when the line is the role's own."),
                       "level": _nullable("string", description="Set when the line is the level's own.")},
    },
    "HistoryPoint": {
        "type": "object",
        "required": ["period", "start", "value", "band"],
        "properties": {"period": {"type": "string", "description": "The period's key."},
                       "start": {"type": "string", "format": "date"},
                       "value": _nullable("number"),
                       "note": _nullable("string", description="The note entered with the value."),
                       "band": BAND},
    },
    "ScorecardKPI": {
        "type": "object",
        "required": ["key", "name", "unit", "direction", "cadence", "value", "benchmark", "band",
                     "attainment", "history"],
        "properties": {
            "key": {"type": "string"}, "name": {"type": "string"},
            "unit": {"type": "string", "enum": ["count", "currency", "percent", "duration"]},
            "direction": {"type": "string", "enum": ["higher", "lower"],
                          "description": "Which way is better."},
            "cadence": {"type": "string", "enum": ["daily", "weekly", "monthly", "quarterly", "annual"]},
            "value": _nullable("number", description="The value in the period (rolled up over a longer "
                                                     "view); null: no data."),
            "note": _nullable("string", description="The note entered with the value (the notes of the "
                                                    "periods inside a longer view, joined by ' · ')."),
            "benchmark": ref("Benchmark"),
            "band": BAND,
            "band_error": _nullable("string", description="Set when the band rule (a plugin) failed: the "
                                                          "band is then null rather than a guess."),
            "attainment": _nullable("number", description="The value relative to its own Meets line: 1.0 "
                                                          "is on the line, above 1 is better in either "
                                                          "direction."),
            "history": {"type": "array", "items": ref("HistoryPoint"),
                        "description": "The last periods, oldest first, ending with the chosen one."},
        },
    },
    "Scorecard": {
        "type": "object",
        "required": ["person", "period", "counts", "kpis"],
        "properties": {
            "person": ref("ScorecardPerson"),
            "period": ref("Period"),
            "counts": {"type": "object", "description": "How many KPIs are in each band (none: no band).",
                       "required": ["exceeds", "meets", "fails", "none"],
                       "properties": {name: {"type": "integer", "minimum": 0}
                                      for name in ("exceeds", "meets", "fails", "none")}},
            "kpis": {"type": "array", "items": ref("ScorecardKPI"),
                     "description": "The role's scorecard in order, then KPIs added for the person."},
        },
    },
    "TeamScorecard": {
        "type": "object",
        "required": ["team", "period", "counts", "kpis"],
        "properties": {
            "team": {"type": "object", "required": ["id", "name"],
                     "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "period": ref("Period"),
            "counts": {"type": "object", "description": "How many KPIs are in each band (none: no band).",
                       "required": ["exceeds", "meets", "fails", "none"],
                       "properties": {name: {"type": "integer", "minimum": 0}
                                      for name in ("exceeds", "meets", "fails", "none")}},
            "kpis": {"type": "array", "items": ref("ScorecardKPI"),
                     "description": "The team's own scorecard in order, with the team's values (not its "
                                    "people's), each judged against the KPI's line for everyone."},
        },
    },
    "RankStackRow": {
        "type": "object",
        "required": ["rank", "id", "name", "value", "attainment", "band", "people", "is_you", "hidden"],
        "properties": {
            "rank": _nullable("integer", minimum=1, description="Null for a hidden row."),
            "id": _nullable("integer", description="The person's, role's or team's id; null when unnamed."),
            "name": _nullable("string", description="Null when the organization does not name others to you."),
            "value": _nullable("number", description="Rolled up over the range with the KPI's roll-up."),
            "attainment": _nullable("number", description="The value relative to its own Meets line."),
            "band": BAND,
            "people": _nullable("integer", minimum=1,
                                description="How many people the row covers (1 for by=person); null "
                                            "for a hidden row."),
            "is_you": {"type": "boolean", "description": "The row is (or contains) the token's owner."},
            "hidden": {"type": "boolean",
                       "description": "An aggregate over fewer people than the organization's minimum "
                                      "group size, hidden from members: no figures."},
        },
    },
    "RankStack": {
        "type": "object",
        "required": ["kpi", "from", "to", "by", "order", "in_progress", "target_share", "rows"],
        "properties": {
            "kpi": {"type": "object", "required": ["key", "name", "unit", "direction"],
                    "properties": {"key": {"type": "string"}, "name": {"type": "string"},
                                   "unit": {"type": "string"},
                                   "direction": {"type": "string", "enum": ["higher", "lower"]}}},
            "from": {"type": "string", "description": "The first period's key."},
            "to": {"type": "string", "description": "The last period's key."},
            "by": {"type": "string", "enum": ["person", "role", "team"]},
            "order": {"type": "string", "enum": ["value", "attainment"]},
            "in_progress": {"type": "boolean",
                            "description": "The range holds the period in progress (a range never runs "
                                           "later than it: a later from or to is brought back to it)."},
            "target_share": {"type": "number",
                             "description": "What a summed KPI's lines are multiplied by: the periods of "
                                            "the range that have passed, the one in progress counted by "
                                            "the share of its days gone by (the target so far)."},
            "rows": {"type": "array", "items": ref("RankStackRow")},
        },
    },
}

RESPONSES = {
    "BadRequest": _error_response("The request is malformed (bad JSON, a bad parameter).",
                                  "“2026-W60”: 2026 has no week 60."),
    "Unauthorized": {
        "description": "No token, or a token that is unknown, revoked, or whose owner is deactivated.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        "content": json_body(ref("Error"),
                         {"message": "This API token is unknown, revoked, or its owner is deactivated."}),
    },
    "Forbidden": _error_response("The token's owner may not do this (see who may see and change what).",
                                 "You may not see peer@example.com: only yourself and the people below you."),
    "NotFound": _error_response("Nothing is there: an unknown person, KPI or URL.",
                                "Nobody has the email “kim@example.com”."),
    "MethodNotAllowed": {
        "description": "The URL exists but not with this method.",
        "headers": {"Allow": {"schema": {"type": "string"}}},
        "content": json_body(ref("Error")),
    },
    "TooLarge": _error_response(f"The body is too large, or holds more than {MAX_ITEMS:,} measurements.",
                                f"At most {MAX_ITEMS:,} measurements per request; this one has 12,000."),
    "ServerError": _error_response("The server failed; nothing was changed by the request.",
                                   "The server failed to answer this request; nothing was changed by it."),
}
