"""CSRF protection refuses forged posts (the other tests switch the check off)."""
import re

import pytest

from dualdash.testing import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def token(client, url):
    """The CSRF token of the form on ``url``."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_login_without_token_is_refused(client, sample_org):
    r = client.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/").status_code == 302  # not signed in


def test_login_with_token_works(client, sample_org):
    t = token(client, "/login")
    r = client.post("/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": t})
    assert r.status_code == 302


@pytest.mark.parametrize("url,data", [
    ("/logout", {}),
    ("/profile/", {"current": PASSWORD, "new": "forged-password", "confirm": "forged-password"}),
    ("/admin/teams/new", {"name": "Forged"}),
    ("/admin/roles/new", {"name": "Forged"}),
    ("/admin/people/new", {"email": "forged@example.com", "name": "Forged"}),
])
def test_forged_posts_are_refused(client, sample_org, url, data):
    t = token(client, "/login")
    client.post("/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": t})
    r = client.post(url, data=data)
    assert r.status_code == 400, url
    assert client.get("/").status_code == 200  # still signed in: the forged sign-out did nothing
