"""Nothing secret in the logs or the audit trail: no password, API token or session cookie, and no
password or token hash."""
import io
import logging
import re

import pytest

from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.testing import PASSWORD, login
from dualdash.web.models import ApiToken

NEW_PASSWORD = "Changed-Secret-Pw-42"
WRONG_PASSWORD = "Wrong-Secret-Pw-17"
ADMIN_SET_PASSWORD = "Admin-Set-Secret-Pw-9"
CLI_PASSWORD = "Cli-Secret-Pw-2026"
TOKEN = re.compile(r"dd_\d+_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def logs(caplog):
    """Every log record of every logger, at every level."""
    caplog.set_level(logging.DEBUG)
    return caplog


def cookie_values(client):
    return [c.value for c in client._cookies.values()]


def secrets_in(text, secrets):
    return [s for s in secrets if s and s in text]


def test_sign_ins_tokens_password_changes_and_imports_leave_no_secret_in_the_logs(app, logs, runner, sample_org,
                                                                                   sample_kpis):
    client = app.test_client()
    for _ in range(6):  # failures, then the throttled attempts
        client.post("/login", data={"email": "member@example.com", "password": WRONG_PASSWORD})
    client.post("/login", data={"email": "admin@example.com", "password": WRONG_PASSWORD})
    login(client, sample_org.admin)
    session_cookies = cookie_values(client)
    assert session_cookies

    # A password changed on the profile page, and one set by an admin.
    client.post("/profile/", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post(f"/admin/people/{sample_org.manager.id}/edit", data={
        "email": "manager@example.com", "name": "Maria Manager", "team": sample_org.teams.sales.id,
        "role": sample_org.roles.ae.id, "level": sample_org.levels["Senior"].id, "manager": "director@example.com",
        "start_date": "", "active": "y", "password": ADMIN_SET_PASSWORD})
    runner.invoke(args=["create-user", "kim@example.com", "--password", CLI_PASSWORD])

    # Tokens: created on the profile page and on the command line, used, used wrongly, revoked.
    tokens = TOKEN.findall(client.post("/profile/tokens", data={"token-name": "Sync"}).get_data(as_text=True))
    tokens += TOKEN.findall(runner.invoke(args=["create-token", "admin@example.com"]).output)
    assert len(tokens) == 2
    for token in tokens + [tokens[0] + "x"]:
        client.get("/api/v1/people/member@example.com/scorecard", headers={"Authorization": f"Bearer {token}"})
    client.post(f"/profile/tokens/{ApiToken.get(ApiToken.name == 'Sync').id}/revoke")
    client.get("/api/v1/people/member@example.com/scorecard", headers={"Authorization": f"Bearer {tokens[0]}"})

    # CSV imports, a good one and a bad one.
    for content in (b"email,name\nnew.person@example.com,New Person\n", b"email,name\nnot-an-email,X\n"):
        client.post("/admin/people/import", data={"file": (io.BytesIO(content), "people.csv")},
                    content_type="multipart/form-data")
    client.post("/measurements/import", content_type="multipart/form-data", data={"file": (io.BytesIO(
        b"person,kpi,period,value\nmember@example.com,calls,2026-W47,12\n"), "values.csv")})
    client.post("/logout")

    assert Person.get(Person.email == "kim@example.com").password_hash  # the work above really happened
    assert Person.get(Person.email == "new.person@example.com")
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in logs.records)
    # The capture really saw everything, down to each SQL statement the database ran.
    assert "sign_in_failure" in text and "api_token" in text
    raw = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, ADMIN_SET_PASSWORD, CLI_PASSWORD, *tokens, *session_cookies]
    assert not secrets_in(text, raw)
    # Hashes are not secrets to be typed in, but they must not leak either, except in the database's
    # own DEBUG log of SQL statements, which is off unless someone asks for it.
    hashes = [p.password_hash for p in Person.select()] + [t.token_hash for t in ApiToken.select()]
    above_debug = "\n".join(r.getMessage() for r in logs.records if r.levelno > logging.DEBUG)
    assert not secrets_in(above_debug, hashes)


def test_the_audit_trail_never_holds_a_password_a_token_or_their_hashes(app, runner, as_admin, sample_org):
    as_admin.post("/admin/people/new", data={"email": "nina@example.com", "name": "Nina", "team": "", "role": "",
                                             "level": "", "manager": "", "start_date": "", "active": "y",
                                             "password": ADMIN_SET_PASSWORD})
    as_admin.post("/profile/", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    runner.invoke(args=["create-user", "kim@example.com", "--password", CLI_PASSWORD])
    tokens = TOKEN.findall(as_admin.post("/profile/tokens", data={"token-name": "Sync"}).get_data(as_text=True))
    tokens += TOKEN.findall(runner.invoke(args=["create-token", "member@example.com"]).output)
    as_admin.post(f"/profile/tokens/{ApiToken.get(ApiToken.name == 'Sync').id}/revoke")
    assert len(tokens) == 2 and Person.get(Person.email == "nina@example.com").password_hash

    entries = list(AuditLog.select())
    assert len(entries) >= 4
    trail = "\n".join(f"{e.before or ''} {e.after or ''}" for e in entries)
    hashes = [p.password_hash for p in Person.select()] + [t.token_hash for t in ApiToken.select()]
    assert not secrets_in(trail, [PASSWORD, NEW_PASSWORD, ADMIN_SET_PASSWORD, CLI_PASSWORD, *tokens, *hashes])
    assert "password_hash" not in trail and "token_hash" not in trail
    assert not re.search(r"(pbkdf2|scrypt):", trail)
