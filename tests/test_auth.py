"""Signing in and out."""
import pytest

from dualdash.models import Person
from dualdash.testing import PASSWORD, login


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


@pytest.mark.parametrize("target,expected", [
    ("/people/", "/people/"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
])
def test_next_only_goes_to_this_site(client, sample_org, target, expected):
    r = client.post("/login", query_string={"next": target},
                    data={"email": "admin@example.com", "password": PASSWORD})
    assert r.headers["Location"] == expected


def test_password_change(client, sample_org):
    login(client, sample_org.member)
    r = client.post("/profile/", data={"current": "wrong", "new": "new-password-1", "confirm": "new-password-1"})
    assert r.status_code == 400 and b"not your current password" in r.data
    r = client.post("/profile/", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert r.status_code == 400 and b"at least 8" in r.data
    r = client.post("/profile/", data={"current": PASSWORD, "new": "new-password-1", "confirm": "new-password-1"})
    assert r.status_code == 302
    client.post("/logout")
    login(client, sample_org.member, password="new-password-1")


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


def test_trusted_header_is_off_by_default(client, sample_org):
    assert client.get("/", headers={"X-Remote-User": "admin@example.com"}).status_code == 302
