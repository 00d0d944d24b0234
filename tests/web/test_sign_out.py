"""Signing out revokes on the server: a session or remember-me cookie copied before sign-out does not
work after it (the person's sign-in generation, migration 0009), and "Sign out everywhere"."""
from dualdash.org.models import Person
from dualdash.testing import PASSWORD


def sign_in(client, person, remember=False):
    data = {"email": person.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def copy_cookies(source, target, *names):
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)
    return target


def test_a_session_cookie_copied_before_sign_out_no_longer_works(app, sample_org):
    browser = sign_in(app.test_client(), sample_org.member)
    thief = copy_cookies(browser, app.test_client(), "session")
    assert thief.get("/profile/").status_code == 200
    assert browser.post("/logout").status_code == 302
    assert thief.get("/profile/").status_code == 302
    assert browser.get("/profile/").status_code == 302


def test_a_remember_me_cookie_copied_before_sign_out_no_longer_works(app, sample_org):
    browser = sign_in(app.test_client(), sample_org.member, remember=True)
    copied = browser.get_cookie("remember_token").value
    thief = app.test_client()
    thief.set_cookie("remember_token", copied)
    assert thief.get("/profile/").status_code == 200  # signed in from the remember-me cookie alone
    assert browser.post("/logout").status_code == 302
    stale = app.test_client()  # the copy, in a browser with no session yet
    stale.set_cookie("remember_token", copied)
    assert stale.get("/profile/").status_code == 302
    assert thief.get("/profile/").status_code == 302  # and the session it made ended too


def test_sign_out_everywhere_ends_every_sign_in(app, sample_org):
    here = sign_in(app.test_client(), sample_org.member)
    elsewhere = sign_in(app.test_client(), sample_org.member)
    remembered = sign_in(app.test_client(), sample_org.member, remember=True)
    remember_value = remembered.get_cookie("remember_token").value
    other_person = sign_in(app.test_client(), sample_org.manager)
    page = here.get("/profile/").get_data(as_text=True)
    assert "Sign out everywhere" in page and 'action="/profile/sign-out-everywhere"' in page
    before = Person.get_by_id(sample_org.member.id).sign_in_generation
    r = here.post("/profile/sign-out-everywhere", follow_redirects=True)
    assert r.status_code == 200 and "You are signed out everywhere" in r.get_data(as_text=True)
    assert Person.get_by_id(sample_org.member.id).sign_in_generation == before + 1
    for client in (here, elsewhere, remembered):
        assert client.get("/profile/").status_code == 302
    stale = app.test_client()
    stale.set_cookie("remember_token", remember_value)
    assert stale.get("/profile/").status_code == 302
    assert other_person.get("/profile/").status_code == 200  # someone else stays signed in
    # Signing in again works as before.
    assert sign_in(app.test_client(), sample_org.member).get("/profile/").status_code == 200


def test_a_session_from_before_generations_is_signed_out(client, sample_org):
    sign_in(client, sample_org.member)
    fingerprint = Person.get_by_id(sample_org.member.id).password_fingerprint
    with client.session_transaction() as session:
        session["_user_id"] = f"{sample_org.member.id}:{fingerprint}"
    assert client.get("/profile/").status_code == 302
