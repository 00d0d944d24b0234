"""Personal API tokens: created (and shown once) and revoked on the profile page, and by the CLI."""
import json
import re
from html.parser import HTMLParser

from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.web.models import ApiToken
from dualdash.web.tokens import hash_token, issue_token

TOKEN = re.compile(r"dd_\d+_[A-Za-z0-9_-]{40,}")
SCORECARD = "/api/v1/people/member@example.com/scorecard"


class PageCheck(HTMLParser):
    """Collects ids, labels and inputs, to check the page is well-formed enough for a screen reader."""

    def __init__(self):
        super().__init__()
        self.ids, self.labels, self.inputs = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            self.labels.add(attrs.get("for"))
        if tag == "input" and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs.get("id"))


def check_page(html):
    page = PageCheck()
    page.feed(html)
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert all(i in page.labels for i in page.inputs), "an input without a label"


def create(client, name):
    return client.post("/profile/tokens", data={"token-name": name})


def works(client, token):
    return client.get(SCORECARD, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_profile_lists_no_tokens_at_first(as_member):
    r = as_member.get("/profile/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "API tokens" in html and "You have no API tokens yet." in html
    check_page(html)


def test_a_new_token_is_shown_once_and_works(app, as_member, sample_org):
    r = create(as_member, "Nightly CRM sync")
    assert r.status_code == 201
    html = r.get_data(as_text=True)
    check_page(html)
    tokens = TOKEN.findall(html)
    assert len(tokens) == 1
    token = tokens[0]
    assert "Copy it now: it will not be shown again." in html
    assert r.headers["Cache-Control"] == "no-store"
    # Not in a cookie (no flash, no session copy), not stored but as its hash.
    assert all(token not in v for v in r.headers.getlist("Set-Cookie"))
    row = ApiToken.get()
    assert (row.person_id, row.name, row.token_hash) == (sample_org.member.id, "Nightly CRM sync",
                                                         hash_token(token))
    assert token.startswith(f"dd_{row.id}_")

    again = as_member.get("/profile/").get_data(as_text=True)
    assert token not in again and not TOKEN.search(again)
    assert "Nightly CRM sync" in again and f"dd_{row.id}_…" in again and "Never" in again

    assert works(as_member, token)
    listed = as_member.get("/profile/").get_data(as_text=True)
    assert "Never" not in listed  # last used is shown now

    entry = AuditLog.get((AuditLog.object_type == "ApiToken") & (AuditLog.action == "create"))
    assert entry.actor_id == sample_org.member.id and entry.object_id == str(row.id)
    assert token not in (entry.after or "") and row.token_hash not in (entry.after or "")
    assert json.loads(entry.after)["name"] == "Nightly CRM sync"


def test_a_token_needs_a_name(as_member):
    r = create(as_member, "   ")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Give the token a name" in html and not TOKEN.search(html)
    r = create(as_member, "x" * 101)
    assert r.status_code == 400 and "at most 100 characters" in r.get_data(as_text=True)
    assert ApiToken.select().count() == 0


def test_revoking_a_token_stops_it_at_once(app, as_member, sample_org):
    token = TOKEN.search(create(as_member, "Old script").get_data(as_text=True))[0]
    keep = TOKEN.search(create(as_member, "Keep me").get_data(as_text=True))[0]
    row = ApiToken.get(ApiToken.name == "Old script")
    page = as_member.get("/profile/").get_data(as_text=True)
    assert "Revoke “Old script”" in page and "Revoke “Keep me”" in page

    r = as_member.post(f"/profile/tokens/{row.id}/revoke")
    assert r.status_code == 302 and r.headers["Location"].endswith("/profile/#api-tokens")
    page = as_member.get("/profile/").get_data(as_text=True)
    assert "is revoked" in page and "Revoked " in page and "Revoke “Old script”" not in page
    assert ApiToken.get_by_id(row.id).revoked_at is not None
    assert not works(as_member, token) and works(as_member, keep)

    entry = AuditLog.get((AuditLog.object_type == "ApiToken") & (AuditLog.action == "revoke"))
    assert entry.object_id == str(row.id) and token not in entry.before + entry.after
    assert json.loads(entry.before)["revoked_at"] is None and json.loads(entry.after)["revoked_at"]

    # Revoking twice changes nothing more.
    as_member.post(f"/profile/tokens/{row.id}/revoke")
    assert AuditLog.select().where(AuditLog.action == "revoke").count() == 1


def test_nobody_revokes_or_sees_another_persons_tokens(app, as_member, as_manager, sample_org):
    row, token = issue_token(sample_org.manager, "Manager's own")
    assert "Manager's own" not in as_member.get("/profile/").get_data(as_text=True)
    assert as_member.post(f"/profile/tokens/{row.id}/revoke").status_code == 404
    assert as_member.get(f"/profile/tokens/{row.id}/revoke").status_code == 405
    assert ApiToken.get_by_id(row.id).revoked_at is None and works(as_member, token)
    assert as_member.post("/profile/tokens/99999/revoke").status_code == 404


def test_tokens_need_a_signed_in_person(client, sample_org):
    assert client.post("/profile/tokens", data={"token-name": "x"}).status_code == 302
    assert ApiToken.select().count() == 0


def test_a_deactivated_owners_tokens_stop_working(client, sample_org, sample_kpis):
    row, token = issue_token(sample_org.member, "t")
    assert works(client, token)
    Person.update(active=False).where(Person.id == sample_org.member.id).execute()
    assert not works(client, token)


def test_the_password_form_still_works_beside_the_tokens(as_member):
    r = as_member.post("/profile/", data={"current": "wrong", "new": "long-enough-1", "confirm": "long-enough-1"})
    assert r.status_code == 400 and "not your current password" in r.get_data(as_text=True)
    r = as_member.post("/profile/", data={"current": "password-123", "new": "long-enough-1",
                                          "confirm": "long-enough-1"})
    assert r.status_code == 302


# --- dualdash create-token --------------------------------------------------------------------------

def test_create_token_prints_a_working_token_once(app, runner, client, sample_org, sample_kpis):
    result = runner.invoke(args=["create-token", "Member@Example.com", "--name", "CRM sync"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert TOKEN.fullmatch(token)
    assert "Copy it now" in result.stderr and "Mo Member" in result.stderr
    row = ApiToken.get()
    assert (row.person_id, row.name, row.token_hash) == (sample_org.member.id, "CRM sync", hash_token(token))
    assert works(client, token)
    entry = AuditLog.get(AuditLog.object_type == "ApiToken")
    assert entry.action == "create" and entry.actor_id is None and token not in entry.after


def test_create_token_has_a_default_name(runner, sample_org):
    result = runner.invoke(args=["create-token", "admin@example.com"])
    assert result.exit_code == 0, result.output
    assert ApiToken.get().name == "Command line"


def test_create_token_refuses_unknown_and_deactivated_people_and_bad_names(runner, sample_org):
    result = runner.invoke(args=["create-token", "nobody@example.com"])
    assert result.exit_code != 0 and "Nobody has the email" in result.output
    Person.update(active=False).where(Person.id == sample_org.member.id).execute()
    result = runner.invoke(args=["create-token", "member@example.com"])
    assert result.exit_code != 0 and "deactivated" in result.output
    result = runner.invoke(args=["create-token", "admin@example.com", "--name", " "])
    assert result.exit_code != 0 and "--name" in result.output
    assert ApiToken.select().count() == 0
