"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of the API.

Kept by hand beside the endpoints; a test checks that every route under /api/v1 is described."""
from flask import jsonify

from dualdash.api import bp
from dualdash.api.openapi_schemas import PERIOD_TEXT, RESPONSES, SCHEMAS, json_body, ref, response
from dualdash.api.scorecards import DEFAULT_HISTORY, MAX_HISTORY
from dualdash.shared.access import allow


def _errors(*names):
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
             "MethodNotAllowed": "405", "TooLarge": "413", "ServerError": "500"}
    return {codes[name]: response(name) for name in names + ("MethodNotAllowed", "ServerError")}


def _query(name, description, schema, example=None):
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if example is not None:
        parameter["example"] = example
    return parameter


PATHS = {
    "/measurements": {
        "post": {
            "operationId": "postMeasurements",
            "summary": "Enter a batch of measurements (all or nothing)",
            "description": "Every item is checked (the person may be written for by the token's owner: an "
                           "admin for anyone, a manager for the people below them, a member for themselves "
                           "only when the organization allows self-reporting; the KPI exists; the period "
                           "names one of the KPI's periods; the value is a number the KPI's unit allows). "
                           "Any bad item: a 400 listing every problem by item index, and nothing is "
                           "written. Otherwise all values are stored in one transaction; a value already "
                           "stored for the same person, KPI and period is replaced. Sending the same batch "
                           "again changes nothing.",
            "requestBody": {
                "required": True,
                "content": json_body(ref("MeasurementBatch"), {"measurements": [
                    {"person": "member@example.com", "kpi": "calls", "period": "2026-W47", "value": 12},
                    {"person": "member@example.com", "kpi": "revenue", "period": "2026-11-18",
                     "value": 1250.5, "note": "one large order"},
                    {"person": "member@example.com", "kpi": "response", "period": "2026-W47", "value": None},
                ]}),
            },
            "responses": {
                "200": {"description": "Everything was stored; what changed.",
                        "content": json_body(ref("Counts"),
                                         {"created": 2, "updated": 0, "removed": 1, "unchanged": 0})},
                "400": {"description": "Bad JSON, a body of the wrong shape, or bad items: nothing was "
                                       "written.",
                        "content": json_body(ref("BatchError"), {
                            "message": "1 of 3 items is not valid; nothing was written.",
                            "errors": [{"index": 1, "field": "value",
                                        "message": "a currency cannot be negative"}]})},
                **_errors("Unauthorized", "Forbidden", "TooLarge"),
            },
        },
    },
    "/people/{email}/scorecard": {
        "get": {
            "operationId": "getScorecard",
            "summary": "A person's scorecard for one period",
            "description": "Each KPI of the person's scorecard with its value, the benchmark line that "
                           "applied, the band, attainment and the history of the last periods. The token's "
                           "owner sees their own scorecard and those of everyone below them; admins see "
                           "everyone's.",
            "parameters": [
                {"name": "email", "in": "path", "required": True, "description": "The person's email.",
                 "schema": {"type": "string", "format": "email"}},
                _query("period", "The period to show: " + PERIOD_TEXT + " Default: the current period.",
                       {"type": "string"}, "2026-W47"),
                _query("cadence", "The length of the period shown; a KPI with a shorter cadence is rolled "
                                  "up over it.",
                       {"type": "string", "enum": ["daily", "weekly", "monthly", "quarterly", "annual"],
                        "default": "weekly"}),
                _query("history", "How many periods the history covers, ending with the chosen one.",
                       {"type": "integer", "minimum": 1, "maximum": MAX_HISTORY, "default": DEFAULT_HISTORY}),
            ],
            "responses": {
                "200": {"description": "The scorecard.", "content": json_body(ref("Scorecard"))},
                **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound"),
            },
        },
    },
    "/teams/{team_id}/scorecard": {
        "get": {
            "operationId": "getTeamScorecard",
            "summary": "A team's own KPIs for one period",
            "description": "Each KPI on the team's scorecard (Admin → Scorecards) with the team's own value "
                           "(a value of the team, not of a person in it), the benchmark line for everyone, "
                           "the band from the KPI's band rule, attainment and history. For admins, and "
                           "managers with someone below them in the team or its sub-teams.",
            "parameters": [
                {"name": "team_id", "in": "path", "required": True, "description": "The team's id.",
                 "schema": {"type": "integer"}},
                _query("period", "The period to show: " + PERIOD_TEXT + " Default: the current period.",
                       {"type": "string"}, "2026-W47"),
                _query("cadence", "The length of the period shown; a KPI with a shorter cadence is rolled "
                                  "up over it.",
                       {"type": "string", "enum": ["daily", "weekly", "monthly", "quarterly", "annual"],
                        "default": "weekly"}),
                _query("history", "How many periods the history covers, ending with the chosen one.",
                       {"type": "integer", "minimum": 1, "maximum": MAX_HISTORY, "default": DEFAULT_HISTORY}),
            ],
            "responses": {
                "200": {"description": "The team's scorecard.", "content": json_body(ref("TeamScorecard"))},
                **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound"),
            },
        },
    },
    "/rank-stacks/{kpi_key}": {
        "get": {
            "operationId": "getRankStack",
            "summary": "A KPI's rank stack over a range of periods",
            "description": "People (or job roles, or teams) ordered by the KPI over a range of its "
                           "periods, each with its band; only active people with a value in the range "
                           "take a place. What the token's owner sees follows the organization's rules: an "
                           "admin sees everyone; a manager themselves and the people below them; a member "
                           "the whole organization with every other person unnamed (unless the "
                           "organization names everyone), and no aggregate over fewer people than the "
                           "minimum group size (such rows are `hidden`).",
            "parameters": [
                {"name": "kpi_key", "in": "path", "required": True, "description": "The KPI's key.",
                 "schema": {"type": "string"}},
                _query("from", "The first period of the range, in the KPI's cadence: " + PERIOD_TEXT
                       + " Default: the range is the last 4 complete periods (the one in progress is left "
                         "out); with only `to`, the 4 periods ending there.",
                       {"type": "string"}, "2026-W40"),
                _query("to", "The last period of the range (default: the last complete period, or `from` "
                             "when that is later).", {"type": "string"}, "2026-W47"),
                _query("by", "Rank people, or aggregate by job role or by team.",
                       {"type": "string", "enum": ["person", "role", "team"], "default": "person"}),
                _query("order", "Order by the value, or by attainment (fair across levels).",
                       {"type": "string", "enum": ["value", "attainment"], "default": "value"}),
            ],
            "responses": {
                "200": {"description": "The rank stack, best first.", "content": json_body(ref("RankStack"))},
                "400": {"description": "Bad parameters: every problem, by parameter.",
                        "content": json_body(ref("ParameterError"), {
                            "message": "to: the range ends (2026-W40) before it starts (2026-W47).",
                            "errors": [{"field": "to",
                                        "message": "the range ends (2026-W40) before it starts (2026-W47)"}]})},
                **_errors("Unauthorized", "NotFound"),
            },
        },
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenAPI",
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                  "content": json_body({"type": "object"})},
                          **_errors()},
        },
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Dual Dash API",
        "version": "1",
        "description": "Enter measurements and read scorecards and rank stacks. Authenticate with a personal "
                       "API token (create one on your profile page, or with `dualdash create-token EMAIL`) "
                       "in an `Authorization: Bearer <token>` header. A token acts as its owner, with "
                       "exactly their permissions. Every error is JSON with a `message`.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "A personal API token (dd_…)."}},
        "schemas": SCHEMAS,
        "responses": RESPONSES,
    },
}


@bp.get("/openapi.json")
@allow("public")
def openapi_document():
    """The OpenAPI document (no token needed: it describes the API, it holds no data)."""
    return jsonify(DOCUMENT)
