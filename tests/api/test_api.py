"""The JSON API: bearer tokens, measurements in batches, scorecards, JSON errors, the OpenAPI document."""
import datetime
import json
import re

import pytest

from dualdash.api import measurements as api_measurements
from dualdash.api.openapi import DOCUMENT
from dualdash.db import utcnow
from dualdash.kpis import periods
from dualdash.kpis.models import Measurement
from dualdash.org import access
from dualdash.org import settings as org_settings
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.web.models import ApiToken
from dualdash.web.tokens import issue_token

D = datetime.date


def bearer(person, name="test"):
    """Authorization headers with a fresh token of ``person``."""
    return {"Authorization": f"Bearer {issue_token(person, name)[1]}"}


def post(client, headers, items):
    return client.post("/api/v1/measurements", headers=headers, json={"measurements": items})


def item(person, kpi="calls", period="2025-W47", value=7, **extra):
    return {"person": f"{person}@example.com", "kpi": kpi, "period": period, "value": value, **extra}


def scorecard(client, headers, email, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/api/v1/people/{email}/scorecard?{query}", headers=headers)


def assert_json_error(response, status, fragment=""):
    assert response.status_code == status, response.data
    assert response.is_json, response.data
    assert fragment in response.json["message"]
    return response.json


# --- Tokens and JSON errors -------------------------------------------------------------------------

def test_no_token_bad_token_revoked_token_and_deactivated_owner_get_401(client, sample_kpis, sample_org):
    url = "/api/v1/people/member@example.com/scorecard"
    assert_json_error(client.get(url), 401, "Bearer")
    assert client.get(url).headers["WWW-Authenticate"].startswith("Bearer")
    assert_json_error(client.get(url, headers={"Authorization": "Basic abc"}), 401, "Bearer")
    assert_json_error(client.get(url, headers={"Authorization": "Bearer dd_1_not-a-token"}), 401, "unknown")

    row, token = issue_token(sample_org.member, "soon revoked")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(url, headers=headers).status_code == 200
    ApiToken.update(revoked_at=utcnow()).where(ApiToken.id == row.id).execute()
    assert_json_error(client.get(url, headers=headers), 401, "revoked")

    headers = bearer(sample_org.member)
    Person.update(active=False).where(Person.id == sample_org.member.id).execute()
    assert_json_error(client.get(url, headers=headers), 401, "deactivated")


def test_a_used_token_records_when(client, sample_kpis, sample_org):
    row, token = issue_token(sample_org.member, "t")
    assert row.last_used_at is None
    client.get("/api/v1/people/member@example.com/scorecard", headers={"Authorization": f"Bearer {token}"})
    assert ApiToken.get_by_id(row.id).last_used_at is not None


def test_errors_are_json_everywhere_under_the_api(app, client, sample_kpis, sample_org):
    headers = bearer(sample_org.admin)
    assert_json_error(client.get("/api/v1/no-such-thing", headers=headers), 404, "openapi.json")
    assert_json_error(client.get("/api/v1", headers=headers), 404)
    assert_json_error(client.get("/api/v1/people/member@example.com", headers=headers), 404)
    r = client.get("/api/v1/measurements", headers=headers)
    assert_json_error(r, 405, "use POST")
    assert "POST" in r.headers["Allow"]
    assert_json_error(client.delete("/api/v1/people/member@example.com/scorecard", headers=headers), 405)
    assert_json_error(client.post("/api/v1/openapi.json"), 405)
    # Outside the API the HTML error pages stay.
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


@pytest.mark.parametrize("body,fragment", [
    ('{"measurements": [', "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    ("", "Send a JSON object"),
    ("[]", "Send a JSON object"),
    ('{"measurements": {"person": "x"}}', "Send a JSON object"),
    ('{"items": []}', "Send a JSON object"),
])
def test_malformed_bodies_get_400(client, sample_kpis, sample_org, body, fragment):
    r = client.post("/api/v1/measurements", headers=bearer(sample_org.admin), data=body,
                    content_type="application/json")
    assert_json_error(r, 400, fragment)
    assert Measurement.select().count() == 0


def test_too_large_bodies_and_batches_get_413(app, client, sample_kpis, sample_org, monkeypatch):
    headers = bearer(sample_org.admin)
    monkeypatch.setattr(api_measurements, "MAX_ITEMS", 2)
    r = post(client, headers, [item("member", period=f"2025-W{w}") for w in (45, 46, 47)])
    assert_json_error(r, 413, "At most 2 measurements per request; this one has 3")
    app.config["MAX_CONTENT_LENGTH"] = 100
    r = post(client, headers, [item("member", note="x" * 200)])
    assert_json_error(r, 413)
    assert Measurement.select().count() == 0


def test_a_server_failure_is_json_too(client, sample_kpis, sample_org, monkeypatch):
    from dualdash.kpis import scorecards

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(scorecards, "build", broken)
    r = scorecard(client, bearer(sample_org.admin), "member@example.com")
    assert_json_error(r, 500, "nothing was changed")


# --- POST /api/v1/measurements ---------------------------------------------------------------------

def test_a_members_token_cannot_write(client, sample_kpis, sample_org):
    headers = bearer(sample_org.member)
    r = post(client, headers, [item("member")])
    assert_json_error(r, 403, "self-reporting")
    assert Measurement.select().count() == 0


def test_with_self_reporting_a_member_writes_for_themselves_only(client, sample_kpis, sample_org):
    org_settings.save(org_settings.OrgSettings(self_reporting=True))
    headers = bearer(sample_org.member)
    r = post(client, headers, [item("member"), item("member2")])
    body = assert_json_error(r, 400, "nothing was written")
    assert body["errors"] == [{"index": 1, "field": "person",
                               "message": "you may not enter values for member2@example.com"}]
    assert Measurement.select().count() == 0
    r = post(client, headers, [item("member")])
    assert r.status_code == 200 and r.json["created"] == 1
    stored = Measurement.get()
    assert (stored.person_id, stored.value, stored.entered_by_id) == (sample_org.member.id, 7, sample_org.member.id)


def test_a_manager_writes_for_the_people_below_them_only(client, sample_kpis, sample_org):
    headers = bearer(sample_org.manager)
    r = post(client, headers, [item("member"), item("indirect", value=3), item("member2", kpi="response",
                                                                              value=42.5, note="busy")])
    assert r.status_code == 200, r.json
    assert r.json == {"created": 3, "updated": 0, "removed": 0, "unchanged": 0}
    note = Measurement.get(Measurement.kpi == sample_kpis.response.id)
    assert (note.value, note.note, note.period_start) == (42.5, "busy", D(2025, 11, 17))
    for who in ("manager", "peer_report", "director"):
        body = assert_json_error(post(client, headers, [item(who)]), 400)
        assert body["errors"][0]["field"] == "person"
    assert Measurement.select().count() == 3


def test_an_admin_writes_for_anyone(client, sample_kpis, sample_org):
    r = post(client, bearer(sample_org.admin), [item("peer_report", kpi="response", value=20), item("manager")])
    assert r.status_code == 200 and r.json["created"] == 2


def test_a_batch_with_bad_items_writes_nothing_and_reports_every_problem_by_index(client, sample_kpis,
                                                                                  sample_org):
    items = [
        item("member"),                                              # 0: fine
        item("member", kpi="nope"),                                  # 1: unknown KPI
        item("member", period="2025-W60"),                           # 2: no such week
        item("member", period="2025-11"),                            # 3: a month for a weekly KPI
        item("member", value=-3),                                    # 4: negative count
        item("member", value="12"),                                  # 5: a string value
        "member@example.com,calls,2025-W47,7",                       # 6: not an object
        {"person": "member@example.com", "kpi": "calls", "period": "2025-W46"},  # 7: value missing
        item("member", vaule=3),                                     # 8: unknown field
        item("nobody"),                                              # 9: unknown person
        item("member", period=47),                                   # 10: period not a string
        item("member", value=True),                                  # 11: a boolean
        item("member", value=10 ** 400),                             # 12: too large for a number
        item("member", note="x" * 2001),                             # 13: note too long
        item("member", period="2025-11-19"),                         # 14: the same week as item 0
    ]
    r = post(client, bearer(sample_org.admin), items)
    body = assert_json_error(r, 400, "14 of 15 items are not valid; nothing was written")
    got = {(e["index"], e["field"]) for e in body["errors"]}
    assert got == {(1, "kpi"), (2, "period"), (3, "period"), (4, "value"), (5, "value"), (6, None),
                   (7, "value"), (8, "vaule"), (9, "person"), (10, "period"), (11, "value"), (12, "value"),
                   (13, "note"), (14, "period")}
    assert [e["index"] for e in body["errors"]] == sorted(e["index"] for e in body["errors"])
    messages = {(e["index"], e["field"]): e["message"] for e in body["errors"]}
    assert "has no week 60" in messages[(2, "period")]
    assert "is a month, but this KPI is weekly" in messages[(3, "period")]
    assert "null to remove" in messages[(7, "value")]
    assert "item 0" in messages[(14, "period")]
    assert Measurement.select().count() == 0
    assert AuditLog.select().where(AuditLog.object_type == "Measurement").count() == 0


def test_re_posting_a_batch_changes_nothing_and_null_removes(client, sample_kpis, sample_org):
    headers = bearer(sample_org.manager)
    batch = [item("member"), item("member", kpi="revenue", value=1250.5, note="one big order")]
    assert post(client, headers, batch).json == {"created": 2, "updated": 0, "removed": 0, "unchanged": 0}
    assert post(client, headers, batch).json == {"created": 0, "updated": 0, "removed": 0, "unchanged": 2}
    changed = [item("member", value=8), item("member", kpi="revenue", value=None)]
    assert post(client, headers, changed).json == {"created": 0, "updated": 1, "removed": 1, "unchanged": 0}
    assert [m.value for m in Measurement.select()] == [8]
    assert post(client, headers, []).json == {"created": 0, "updated": 0, "removed": 0, "unchanged": 0}
    # One audit entry per batch that changed something, with its counts; never the token. (Each changed
    # value has its own entry too: see test_audit_coverage.py.)
    entries = list(AuditLog.select().where((AuditLog.object_type == "Measurement") & (AuditLog.action == "import"))
                   .order_by(AuditLog.id))
    assert len(entries) == 2
    assert json.loads(entries[0].after) == {"source": "api", "items": 2, "created": 2, "updated": 0,
                                            "removed": 0, "unchanged": 0}
    assert entries[0].actor_id == sample_org.manager.id and entries[0].action == "import"


def test_a_batch_runs_a_fixed_number_of_queries(client, sample_kpis, sample_org, count_queries):
    headers = bearer(sample_org.admin)
    # The token's first use is recorded once (then at most once a minute): not part of a batch's cost.
    client.get("/api/v1/people/member@example.com/scorecard", headers=headers)
    weeks = [f"2025-W{w:02d}" for w in range(1, 41)]
    small = count_queries(lambda: post(client, headers, [item("member", period=weeks[0])]))
    for i in range(30):
        Person.create(email=f"extra{i}@example.com", name=f"Extra {i}", manager=sample_org.manager)
    batch = [item(f"extra{i}", kpi=kpi, period=week, value=i)
             for i in range(3) for kpi in ("calls", "revenue") for week in weeks]
    large = count_queries(lambda: post(client, headers, batch))
    assert small == large and Measurement.select().count() == 1 + len(batch)


# --- GET /api/v1/people/<email>/scorecard ----------------------------------------------------------

@pytest.mark.parametrize("viewer,email,status", [
    ("member", "member@example.com", 200),
    ("member", "MEMBER@Example.com", 200),
    ("member", "member2@example.com", 403),
    ("member", "manager@example.com", 403),
    ("manager", "member@example.com", 200),
    ("manager", "indirect@example.com", 200),     # below them, not directly
    ("manager", "manager@example.com", 200),
    ("manager", "peer_report@example.com", 403),
    ("manager", "director@example.com", 403),
    ("director", "indirect@example.com", 200),
    ("admin", "peer_report@example.com", 200),
    ("admin", "nobody@example.com", 404),
    ("member", "nobody@example.com", 404),
])
def test_who_may_read_whose_scorecard(client, sample_kpis, sample_org, viewer, email, status):
    r = scorecard(client, bearer(getattr(sample_org, viewer)), email, period="2025-W47")
    assert r.status_code == status and r.is_json
    if status == 200:
        assert r.json["person"]["email"] == email.lower()
    else:
        assert r.json["message"]


def test_scorecard_fields_values_bands_and_history(client, sample_kpis, sample_org):
    org = sample_org
    for start, calls, revenue in [(D(2025, 11, 3), 3, None), (D(2025, 11, 17), 7, 1600)]:
        Measurement.create(person=org.member, kpi=sample_kpis.calls, period_start=start, value=calls)
        if revenue:
            Measurement.create(person=org.member, kpi=sample_kpis.revenue, period_start=start, value=revenue)
    r = scorecard(client, bearer(org.manager), "member@example.com", period="2025-W47", history=4)
    assert r.status_code == 200, r.json
    card = r.json
    assert card["person"] == {"email": "member@example.com", "name": "Mo Member", "team": "Sales",
                              "role": "Account Executive", "level": "Ramping"}
    assert card["period"] == {"key": "2025-W47", "start": "2025-11-17", "end": "2025-11-23",
                              "cadence": "weekly", "in_progress": False}
    assert card["counts"] == {"exceeds": 1, "meets": 1, "fails": 0, "none": 0}
    calls, revenue = card["kpis"]
    assert {k: calls[k] for k in ("key", "name", "unit", "direction", "cadence", "value", "band")} == {
        "key": "calls", "name": "Calls made", "unit": "count", "direction": "higher", "cadence": "weekly",
        "value": 7, "band": "meets"}
    # The Ramping Account Executive line applies (5 / 8), not the default (10 / 20).
    assert calls["benchmark"] == {"meets": 5, "exceeds": 8, "effective_from": "1970-01-01",
                                  "role": "Account Executive", "level": "Ramping"}
    assert calls["attainment"] == pytest.approx(7 / 5)
    assert calls["band_error"] is None
    assert calls["history"] == [
        {"period": "2025-W44", "start": "2025-10-27", "value": None, "note": None, "band": None},
        {"period": "2025-W45", "start": "2025-11-03", "value": 3, "note": None, "band": "fails"},
        {"period": "2025-W46", "start": "2025-11-10", "value": None, "note": None, "band": None},
        {"period": "2025-W47", "start": "2025-11-17", "value": 7, "note": None, "band": "meets"},
    ]
    assert revenue["band"] == "exceeds" and revenue["attainment"] == pytest.approx(1.6)
    assert revenue["benchmark"]["role"] is None and revenue["benchmark"]["meets"] == 1000

    # member2 has response added for them alone: lower is better, 60 / 30.
    Measurement.create(person=org.member2, kpi=sample_kpis.response, period_start=D(2025, 11, 17), value=75)
    card = scorecard(client, bearer(org.manager), "member2@example.com", period="2025-11-20", history=1).json
    assert [k["key"] for k in card["kpis"]] == ["calls", "revenue", "response"]
    response = card["kpis"][2]
    assert (response["direction"], response["band"], response["attainment"]) == ("lower", "fails",
                                                                                 pytest.approx(60 / 75))
    assert card["counts"] == {"exceeds": 0, "meets": 0, "fails": 1, "none": 2}
    assert len(response["history"]) == 1


def test_scorecard_defaults_and_monthly_view(client, sample_kpis, sample_org):
    headers = bearer(sample_org.member)
    card = scorecard(client, headers, "member@example.com").json
    settings = org_settings.get()
    current = periods.containing(datetime.date.today(), "weekly", settings.week_start,
                                 settings.fiscal_year_start_month)
    assert card["period"]["key"] == periods.key(current) and card["period"]["in_progress"] is True
    assert all(len(k["history"]) == 13 for k in card["kpis"]) and card["kpis"]
    assert len(scorecard(client, headers, "member@example.com", history=60).json["kpis"][0]["history"]) == 60

    for week, value in [(D(2025, 10, 6), 3), (D(2025, 10, 13), 4)]:
        Measurement.create(person=sample_org.member, kpi=sample_kpis.calls, period_start=week, value=value)
    month = scorecard(client, headers, "member@example.com", period="2025-10", cadence="monthly", history=2).json
    assert month["period"]["key"] == "2025-10" and month["period"]["cadence"] == "monthly"
    calls = month["kpis"][0]
    assert calls["value"] == 7                      # summed over the month
    assert calls["benchmark"]["meets"] == 5 * 4     # four weeks start in October 2025
    assert [h["period"] for h in calls["history"]] == ["2025-09", "2025-10"]


@pytest.mark.parametrize("params,fragment", [
    ({"period": "2025-W60"}, "2025 has no week 60"),
    ({"period": "2025-11"}, "is a month, but this KPI is weekly"),
    ({"period": "soon"}, "is not a period"),
    ({"cadence": "hourly"}, "is not a cadence"),
    ({"history": 0}, "from 1 to 60"),
    ({"history": 61}, "from 1 to 60"),
    ({"history": "ten"}, "from 1 to 60"),
])
def test_bad_scorecard_parameters_get_400(client, sample_kpis, sample_org, params, fragment):
    assert_json_error(scorecard(client, bearer(sample_org.member), "member@example.com", **params), 400, fragment)


def test_scorecard_runs_a_fixed_number_of_queries(app, client, sample_kpis, sample_org, count_queries):
    headers = bearer(sample_org.manager)

    def fetch(history):
        return lambda: scorecard(client, headers, "member2@example.com", period="2025-W47", history=history)

    fetch(2)()  # the token's first use is recorded once (then at most once a minute)
    small = count_queries(fetch(2))
    # A larger organization, with a long history of values.
    for i in range(30):
        Person.create(email=f"extra{i}@example.com", name=f"Extra {i}", manager=sample_org.member2,
                      role=sample_org.roles.ae, level=sample_org.levels["Senior"])
    start = D(2025, 11, 17)
    for week in range(60):
        for kpi in (sample_kpis.calls, sample_kpis.revenue, sample_kpis.response):
            Measurement.create(person=sample_org.member2, kpi=kpi, value=week + 1,
                               period_start=start - datetime.timedelta(weeks=week))
    large = count_queries(fetch(60))
    assert small == large
    assert len(scorecard(client, headers, "member2@example.com", period="2025-W47", history=60)
               .json["kpis"][0]["history"]) == 60


# --- access.py for a viewer other than the signed-in person -----------------------------------------

def test_access_checks_take_a_viewer(app, sample_org):
    org = sample_org
    with app.test_request_context():
        assert access.can_view_person(org.indirect, viewer=org.manager)
        assert not access.can_view_person(org.peer_report, viewer=org.manager)
        assert access.can_view_person(org.peer_report, viewer=org.admin)
        assert access.can_view_person(org.member, viewer=org.member)
        assert not access.can_view_person(org.member2, viewer=org.member)
        assert access.can_manage_person(org.indirect, viewer=org.manager)
        assert not access.can_manage_person(org.manager, viewer=org.manager)
        assert access.my_subtree(org.manager) == {org.member.id, org.member2.id, org.indirect.id}
        assert access.my_subtree(org.member) == set()
        assert {p.id for p in access.visible_people_query(org.member2)} == {org.member2.id, org.indirect.id}
        # No one is signed in: without a viewer nothing is visible.
        assert not access.can_view_person(org.member)


# --- The OpenAPI document ---------------------------------------------------------------------------

def api_routes(app):
    """``{"/people/{email}/scorecard": {"get"}, …}`` from the app's URL map."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_the_openapi_document_describes_every_route(app, client):
    r = client.get("/api/v1/openapi.json")  # no token needed
    assert r.status_code == 200 and r.is_json
    doc = r.json
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": "/api/v1"}]
    routes = api_routes(app)
    assert "/measurements" in routes and "/people/{email}/scorecard" in routes
    for path, methods in routes.items():
        assert path in doc["paths"], f"{path} is not in the OpenAPI document"
        assert methods <= set(doc["paths"][path]), f"{path}: {methods - set(doc['paths'][path])} undocumented"
    assert "/rank-stacks/{kpi_key}" in doc["paths"]


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_openapi_document_is_well_formed():
    doc = json.loads(json.dumps(DOCUMENT))
    for ref in _refs(doc):
        assert ref.startswith("#/"), ref
        target = doc
        for part in ref[2:].split("/"):
            assert part in target, f"{ref} does not resolve"
            target = target[part]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token (dd_…)."}
    operation_ids = []
    for path, item_ in doc["paths"].items():
        params = set(re.findall(r"{([^}]+)}", path))
        for method, op in item_.items():
            operation_ids.append(op["operationId"])
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == params, f"{method} {path}: path parameters {declared} != {params}"
            assert "200" in op["responses"]
            # Every error is described, as JSON with a message.
            secured = op.get("security", doc["security"]) != []
            assert ("401" in op["responses"]) == secured
            assert "405" in op["responses"] and "500" in op["responses"]
    assert len(operation_ids) == len(set(operation_ids))
    assert doc["components"]["schemas"]["Error"]["required"] == ["message"]


def test_the_openapi_document_passes_the_validator():
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(json.loads(json.dumps(DOCUMENT)))


def test_a_note_posted_with_a_value_comes_back_in_the_scorecard(client, sample_kpis, sample_org):
    headers = bearer(sample_org.manager)
    r = post(client, headers, [item("member", value=4, note="Half the week at the trade fair"),
                               item("member", kpi="revenue", value=1200)])
    assert r.status_code == 200, r.json
    card = scorecard(client, headers, "member@example.com", period="2025-W47", history=2).json
    calls, revenue = card["kpis"]
    assert calls["note"] == "Half the week at the trade fair"
    assert revenue["note"] is None
    assert calls["history"][-1]["note"] == "Half the week at the trade fair"
    assert calls["history"][0]["note"] is None
    schema = DOCUMENT["components"]["schemas"]
    assert "note" in schema["ScorecardKPI"]["properties"] and "note" in schema["HistoryPoint"]["properties"]


def test_values_before_the_start_date_are_written_with_a_warning(client, sample_kpis, sample_org):
    Person.update(start_date=D(2025, 11, 20)).where(Person.id == sample_org.member.id).execute()
    headers = bearer(sample_org.manager)
    r = post(client, headers, [item("member", period="2025-W46"), item("member", period="2025-W45"),
                               item("member", period="2025-W47"), item("member2", period="2025-W45")])
    assert r.status_code == 200, r.json
    assert r.json["created"] == 4
    assert r.json["warnings"] == ["2 values are dated before the person's start date."]
    again = post(client, headers, [item("member2", period="2025-W44")])
    assert "warnings" not in again.json
