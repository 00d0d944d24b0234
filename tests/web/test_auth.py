"""Signing in and out: passwords, where a sign-in may lead (``next``), cookies and session expiry."""
import datetime
import time
from email.utils import parsedate_to_datetime

import pytest

from dualdash.coaching.models import ActionItem
from dualdash.org.models import Person
from dualdash.org.passwords import DEFAULT_MIN_LENGTH, check_password
from dualdash.testing import PASSWORD, login
from dualdash.web import sessions


def test_login_page_renders(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert b'name="email"' in r.data and b'name="password"' in r.data


def test_pages_need_sign_in(client, sample_org):
    for url in ["/", "/people/", f"/people/{sample_org.member.id}", "/profile/"]:
        r = client.get(url)
        assert r.status_code == 302, url
        assert r.headers["Location"].startswith("/login")


def test_sign_in_and_out(client, sample_org):
    r = client.post("/login", data={"email": "MEMBER@example.com ", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert b"Mo Member" in client.get("/").data
    assert client.get("/logout").status_code == 200  # asks first
    r = client.post("/logout")
    assert r.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_keeps_email_and_says_why(client, sample_org):
    r = client.post("/login", data={"email": "member@example.com", "password": "nope"})
    assert r.status_code == 400
    assert b"do not match an active account" in r.data
    assert b'value="member@example.com"' in r.data
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client, sample_org):
    r = client.post("/login", data={"email": "nobody@example.com", "password": PASSWORD})
    assert r.status_code == 400
    assert b"do not match an active account" in r.data


def test_deactivated_person_cannot_sign_in_or_keep_session(app, client, sample_org):
    login(client, sample_org.member)
    Person.update(active=False).where(Person.id == sample_org.member.id).execute()
    assert client.get("/").status_code == 302  # the session no longer counts
    r = client.post("/login", data={"email": "member@example.com", "password": PASSWORD})
    assert r.status_code == 400


def test_person_without_password_cannot_sign_in(client, sample_org):
    Person.update(password_hash=None).where(Person.id == sample_org.member.id).execute()
    r = client.post("/login", data={"email": "member@example.com", "password": ""})
    assert r.status_code == 400


# --- Where a sign-in may lead: only a path on this site ---------------------------------------------

@pytest.mark.parametrize("target,expected", [
    ("/people/", "/people/"),
    ("/people/?page=2&q=Mo%20Member", "/people/?page=2&q=Mo%20Member"),
    ("https://evil.example/", "/"),
    ("http:evil.example", "/"),
    ("//evil.example/", "/"),
    ("///evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil", "/"),
    ("\\/evil.example", "/"),
    ("/\t/evil.example", "/"),
    ("/\n/evil.example", "/"),
    (" //evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("JavaScript:alert(1)", "/"),
    ("data:text/html,hi", "/"),
    ("evil.example", "/"),
    ("%2F%2Fevil.example", "/"),
    ("/%2Fevil.example", "/"),
    ("/%5Cevil.example", "/"),
    ("/%252F%252Fevil.example", "/"),
    ("/%09/evil.example", "/"),
    ("%68ttps://evil.example", "/"),
    ("", "/"),
])
def test_next_only_goes_to_this_site(client, sample_org, target, expected):
    r = client.post("/login", query_string={"next": target},
                    data={"email": "admin@example.com", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == expected


@pytest.mark.parametrize("raw", ["%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example",
                                 "%5C%5Cevil", "javascript%3Aalert(1)", "%2F%09%2Fevil.example"])
def test_next_percent_encoded_in_the_address(client, sample_org, raw):
    r = client.post(f"/login?next={raw}", data={"email": "admin@example.com", "password": PASSWORD})
    assert r.headers["Location"] == "/"


def test_next_also_applies_when_already_signed_in(client, sample_org):
    login(client, sample_org.admin)
    assert client.get("/login?next=//evil.example").headers["Location"] == "/"
    assert client.get("/login?next=/people/").headers["Location"] == "/people/"


def test_a_page_that_needs_sign_in_comes_back_after_it(client, sample_org):
    r = client.get("/people/?page=1")
    assert r.status_code == 302
    target = r.headers["Location"]
    assert target.startswith("/login?next=")
    assert "Please sign in to see that page." in client.get(target).get_data(as_text=True)
    r = client.post(target, data={"email": "admin@example.com", "password": PASSWORD})
    assert r.headers["Location"] == "/people/?page=1"


def test_action_item_next_only_goes_to_this_site(as_member, sample_org):
    item = ActionItem.create(owner=sample_org.member, description="Call back")
    for target in ("//evil.example", "https://evil.example", "/\\evil.example", "/%2F%2Fevil.example"):
        r = as_member.post(f"/action-items/{item.id}/done", data={"next": target})
        assert r.status_code == 302 and "evil" not in r.headers["Location"], target
        as_member.post(f"/action-items/{item.id}/reopen")
    r = as_member.post(f"/action-items/{item.id}/done", data={"next": "/action-items/?mine=1"})
    assert r.headers["Location"] == "/action-items/?mine=1"


# --- Passwords: a minimum length wherever one is set ------------------------------------------------

def test_password_change(client, sample_org):
    login(client, sample_org.member)
    r = client.post("/profile/", data={"current": "wrong", "new": "new-password-1", "confirm": "new-password-1"})
    assert r.status_code == 400 and b"not your current password" in r.data
    r = client.post("/profile/", data={"current": PASSWORD, "new": "eleven-char", "confirm": "eleven-char"})
    assert r.status_code == 400
    # Beside the field it is about; the hint says the rule before anyone gets it wrong.
    assert b'<p class="error" id="new-error">Use at least 12 characters.</p>' in r.data
    assert b"At least 12 characters." in client.get("/profile/").data
    r = client.post("/profile/", data={"current": PASSWORD, "new": "new-password-1", "confirm": "new-password-1"})
    assert r.status_code == 302
    client.post("/logout")
    login(client, sample_org.member, password="new-password-1")


def test_a_new_password_ends_every_other_sign_in_but_this_one(app, sample_org):
    here, elsewhere, remembered = app.test_client(), app.test_client(), app.test_client()
    login(here, sample_org.member)
    login(elsewhere, sample_org.member)
    r = remembered.post("/login", data={"email": sample_org.member.email, "password": PASSWORD, "remember": "y"})
    assert r.status_code == 302
    # The remembered browser's session is gone (closed browser): only its cookie signs it in again.
    with remembered.session_transaction() as session:
        session.clear()
    assert remembered.get("/profile/").status_code == 200

    r = here.post("/profile/", data={"current": PASSWORD, "new": "new-password-1", "confirm": "new-password-1"},
                  follow_redirects=True)
    assert r.status_code == 200 and b"everywhere else you will be asked to sign in again" in r.data
    assert here.get("/profile/").status_code == 200
    assert elsewhere.get("/profile/").status_code == 302
    with remembered.session_transaction() as session:
        session.clear()
    assert remembered.get("/profile/").status_code == 302


def test_an_admin_setting_a_password_ends_the_persons_sign_ins(app, sample_org):
    member, admin = app.test_client(), app.test_client()
    login(member, sample_org.member)
    login(admin, sample_org.admin)
    assert member.get("/profile/").status_code == 200
    Person.update(password_hash=sample_org.member.password_hash + "x").where(
        Person.id == sample_org.member.id).execute()
    assert member.get("/profile/").status_code == 302
    assert admin.get("/profile/").status_code == 200


def test_a_session_from_before_fingerprints_is_signed_out(client, sample_org):
    login(client, sample_org.member)
    with client.session_transaction() as session:
        session["_user_id"] = str(sample_org.member.id)
    assert client.get("/profile/").status_code == 302


def test_the_demo_and_test_passwords_are_long_enough():
    from dualdash.demo.organization import DEMO_PASSWORD
    assert len(DEMO_PASSWORD) >= DEFAULT_MIN_LENGTH and len(PASSWORD) >= DEFAULT_MIN_LENGTH


class TestLongerMinimumPassword:
    """``PASSWORD_MIN_LENGTH`` applies wherever a password is set: profile, admin form, command line."""

    @pytest.fixture
    def app_config(self):
        return {"PASSWORD_MIN_LENGTH": 16}

    def test_profile(self, as_member):
        r = as_member.post("/profile/", data={"current": PASSWORD, "new": "fifteen-chars-x",
                                              "confirm": "fifteen-chars-x"})
        assert r.status_code == 400 and b"Use at least 16 characters." in r.data
        assert b"At least 16 characters." in r.data
        r = as_member.post("/profile/", data={"current": PASSWORD, "new": "sixteen-chars-xy",
                                              "confirm": "sixteen-chars-xy"})
        assert r.status_code == 302

    def test_admin_people_form(self, as_admin, sample_org):
        url = f"/admin/people/{sample_org.member.id}/edit"
        assert b"At least 16 characters." in as_admin.get(url).data
        assert b"At least 16 characters." in as_admin.get("/admin/people/new").data
        data = {"email": "member@example.com", "name": "Mo Member", "team": "", "role": "", "level": "",
                "manager": "", "start_date": "", "active": "y", "password": "fifteen-chars-x"}
        r = as_admin.post(url, data=data)
        assert r.status_code == 400
        assert b'<p class="error" id="password-error">Use at least 16 characters.</p>' in r.data
        assert check_password(Person.get_by_id(sample_org.member.id), PASSWORD)  # unchanged

    def test_command_line(self, runner, sample_org):
        result = runner.invoke(args=["create-user", "kim@example.com", "--password", "fifteen-chars-x"])
        assert result.exit_code != 0 and "at least 16 characters" in result.output
        assert Person.get_or_none(Person.email == "kim@example.com") is None
        result = runner.invoke(args=["create-user", "member@example.com", "--password", "fifteen-chars-x"])
        assert result.exit_code != 0
        assert check_password(Person.get_by_id(sample_org.member.id), PASSWORD)


# --- Cookies and HTTPS --------------------------------------------------------------------------------

def cookie_header(response, name):
    """The Set-Cookie header that sets ``name``."""
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header


def test_session_and_remember_cookies_are_http_only_and_same_site(client, sample_org):
    r = client.post("/login", data={"email": "member@example.com", "password": PASSWORD, "remember": "y"})
    for name in ("session", "remember_token"):
        header = cookie_header(r, name)
        assert "HttpOnly" in header and "SameSite=Lax" in header, header
        assert "Secure" not in header  # the site is not configured for HTTPS
    # The session ends with the browser; "Keep me signed in" lasts two weeks, not Flask-Login's year.
    assert "Expires=" not in cookie_header(r, "session")
    expires = cookie_header(r, "remember_token").split("Expires=")[1].split(";")[0]
    left = parsedate_to_datetime(expires) - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(days=13) < left <= datetime.timedelta(days=14)


class TestHttps:
    @pytest.fixture
    def app_config(self):
        return {"HTTPS": True}

    def test_cookies_are_secure_and_links_use_https(self, app, client, sample_org):
        r = client.post("/login", data={"email": "member@example.com", "password": PASSWORD, "remember": "y"},
                        base_url="https://localhost")
        for name in ("session", "remember_token"):
            assert "Secure" in cookie_header(r, name)
        assert app.config["PREFERRED_URL_SCHEME"] == "https"
        assert client.get("/", base_url="https://localhost").status_code == 200


def test_https_is_off_by_default_and_read_from_the_environment(tmp_path, monkeypatch):
    from dualdash.testing import make_app
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    plain = make_app(tmp_path, url)
    assert plain.config["HTTPS"] is False and not plain.config["SESSION_COOKIE_SECURE"]
    monkeypatch.setenv("DUALDASH_HTTPS", "true")
    app = make_app(tmp_path, url)
    assert app.config["HTTPS"] is True and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True and app.config["PREFERRED_URL_SCHEME"] == "https"


# --- Session expiry -----------------------------------------------------------------------------------

def age_session(client, seconds):
    """Make the client's sign-in ``seconds`` older than it is."""
    with client.session_transaction() as session:
        session[sessions.SIGNED_IN_AT] -= seconds


def test_a_sign_in_lasts_twelve_hours(app, client, sample_org):
    assert app.permanent_session_lifetime == datetime.timedelta(hours=12)
    login(client, sample_org.member)
    age_session(client, 12 * 3600 - 60)
    assert client.get("/").status_code == 200
    age_session(client, 61)
    r = client.get("/profile/")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/profile/"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Your session has expired. Please sign in again." in page
    assert "Please sign in to see that page." not in page
    assert client.get("/").status_code == 302  # and it stays signed out
    login(client, sample_org.member)
    assert client.get("/").status_code == 200


def test_a_session_cookie_kept_past_the_lifetime_signs_nobody_in(client, sample_org, monkeypatch):
    """Twelve hours later by the clock, however the browser kept the cookie."""
    login(client, sample_org.member)
    later = time.time() + 12 * 3600 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_a_session_without_a_sign_in_time_counts_as_expired(client, sample_org):
    login(client, sample_org.member)
    with client.session_transaction() as session:
        del session[sessions.SIGNED_IN_AT]
    assert client.get("/").status_code == 302


class TestShortSessions:
    @pytest.fixture
    def app_config(self):
        return {"PERMANENT_SESSION_LIFETIME": 60}

    def test_the_lifetime_is_configurable(self, client, sample_org):
        login(client, sample_org.member)
        age_session(client, 50)
        assert client.get("/").status_code == 200
        age_session(client, 10)
        assert client.get("/").status_code == 302


def test_keep_me_signed_in_starts_a_new_session_after_expiry(client, sample_org):
    client.post("/login", data={"email": "member@example.com", "password": PASSWORD, "remember": "y"})
    age_session(client, 12 * 3600)
    assert client.get("/").status_code == 200  # signed in again by the remember-me cookie
    with client.session_transaction() as session:
        assert time.time() - session[sessions.SIGNED_IN_AT] < 60  # for a fresh twelve hours
    client.post("/logout")
    assert client.get("/").status_code == 302  # signing out ends the remember-me cookie too


# --- The trusted SSO header ---------------------------------------------------------------------------

class TestTrustedHeader:
    @pytest.fixture
    def app_config(self):
        return {"REMOTE_USER_HEADER": "X-Remote-User"}

    def test_header_signs_in_an_active_person(self, client, sample_org):
        r = client.get("/", headers={"X-Remote-User": "manager@example.com"})
        assert r.status_code == 200 and b"Maria Manager" in r.data

    def test_unknown_or_inactive_is_not_signed_in(self, client, sample_org):
        assert client.get("/", headers={"X-Remote-User": "ghost@example.com"}).status_code == 302
        Person.update(active=False).where(Person.id == sample_org.manager.id).execute()
        assert client.get("/", headers={"X-Remote-User": "manager@example.com"}).status_code == 302

    def test_throttling_leaves_the_header_alone(self, client, sample_org):
        for _ in range(6):
            client.post("/login", data={"email": "manager@example.com", "password": "wrong-password"})
        r = client.get("/", headers={"X-Remote-User": "manager@example.com"})
        assert r.status_code == 200 and b"Maria Manager" in r.data


def test_trusted_header_is_off_by_default(client, sample_org):
    assert client.get("/", headers={"X-Remote-User": "admin@example.com"}).status_code == 302


def test_a_form_posted_after_the_session_ended_asks_to_sign_in_and_then_goes_home(client, sample_org):
    login(client, sample_org.member)
    age_session(client, 12 * 3600)
    r = client.post("/profile/tokens", data={"token-name": "Late"})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert "Your session has expired." in client.get("/login").get_data(as_text=True)
