"""Log-in throttling: too many failed sign-ins for an account, or from an address, make it wait."""
import datetime

import pytest

from dualdash.db import utcnow
from dualdash.testing import PASSWORD
from dualdash.web import login_throttle
from dualdash.web.models import SignInFailure

ACCOUNT_WAIT = "Too many failed sign-ins for this account. Try again in"
ADDRESS_WAIT = "Too many failed sign-ins from your network address. Try again in"


def sign_in(client, email="member@example.com", password="wrong-password", **kw):
    return client.post("/login", data={"email": email, "password": password}, **kw)


def fail(client, times, email="member@example.com", **kw):
    return [sign_in(client, email, **kw).status_code for _ in range(times)]


def at_minutes_ago(minutes, email="member@example.com", address="127.0.0.1"):
    SignInFailure.create(at=utcnow() - datetime.timedelta(minutes=minutes), email=email, address=address)


def test_five_failures_for_an_account_make_it_wait(client, sample_org):
    assert fail(client, 4) == [400] * 4
    r = sign_in(client)
    # The failure that reaches the limit already says so.
    assert r.status_code == 429
    html = r.get_data(as_text=True)
    assert f"{ACCOUNT_WAIT} 15 minutes." in html
    assert 'value="member@example.com"' in html  # what was typed stays
    assert 840 < int(r.headers["Retry-After"]) <= 900


def test_the_right_password_is_refused_during_the_wait(client, sample_org):
    fail(client, 5)
    r = sign_in(client, password=PASSWORD)
    assert r.status_code == 429 and ACCOUNT_WAIT in r.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in
    # Attempts during the wait are not counted: the wait does not grow.
    assert SignInFailure.select().count() == 5


def test_the_wait_is_counted_from_the_failures_and_ends(client, sample_org):
    for minutes in (14, 10, 8, 3, 1):
        at_minutes_ago(minutes)
    r = sign_in(client, password=PASSWORD)
    assert r.status_code == 429
    # The oldest of the five leaves the window in a minute.
    assert f"{ACCOUNT_WAIT} 1 minute." in r.get_data(as_text=True)
    for failure in SignInFailure.select().where(SignInFailure.at < utcnow() - datetime.timedelta(minutes=13)):
        failure.at -= datetime.timedelta(minutes=2)
        failure.save()
    assert sign_in(client, password=PASSWORD).status_code == 302


def test_the_message_gives_whole_minutes_rounded_up(client, sample_org):
    for _ in range(5):
        at_minutes_ago(1.5)
    assert f"{ACCOUNT_WAIT} 14 minutes." in sign_in(client).get_data(as_text=True)


def test_other_accounts_are_not_held_up(client, sample_org):
    fail(client, 5)
    assert sign_in(client, "manager@example.com", PASSWORD).status_code == 302


def test_success_clears_the_accounts_failures(client, sample_org):
    fail(client, 4)
    assert sign_in(client, password=PASSWORD).status_code == 302
    client.post("/logout")
    assert fail(client, 4) == [400] * 4  # four more before the wait, not one
    assert SignInFailure.select().where(SignInFailure.email == "member@example.com").count() == 4


def test_unknown_emails_are_throttled_alike(client, sample_org):
    """Otherwise the wait would tell which emails belong to an account."""
    assert fail(client, 5, email="nobody@example.com")[-1] == 429


def test_old_failures_are_pruned(client, sample_org):
    at_minutes_ago(16, email="old@example.com")
    at_minutes_ago(60 * 24, email="older@example.com")
    sign_in(client)
    assert [f.email for f in SignInFailure.select()] == ["member@example.com"]


def test_twenty_failures_from_one_address_make_it_wait(client, sample_org):
    # Guessing one password across many accounts, from one machine.
    for i in range(19):
        assert sign_in(client, f"guess{i}@example.com").status_code == 400
    r = sign_in(client, "guess19@example.com")
    assert r.status_code == 429 and f"{ADDRESS_WAIT} 15 minutes." in r.get_data(as_text=True)
    r = sign_in(client, "admin@example.com", PASSWORD)
    assert r.status_code == 429 and ADDRESS_WAIT in r.get_data(as_text=True)
    # Another address is not held up.
    other = sign_in(client, "admin@example.com", PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 302


def test_the_longer_wait_is_given_when_both_apply(client, sample_org):
    for minutes in range(20):
        at_minutes_ago(14 - minutes * 0.1, email=f"guess{minutes}@example.com")
    for minutes in (5, 4, 3, 2, 1):
        at_minutes_ago(minutes)
    html = sign_in(client).get_data(as_text=True)
    assert f"{ACCOUNT_WAIT} 10 minutes." in html


class TestSettings:
    @pytest.fixture
    def app_config(self):
        return {"SIGN_IN_ACCOUNT_LIMIT": 2, "SIGN_IN_ADDRESS_LIMIT": 0, "SIGN_IN_WINDOW_MINUTES": 60}

    def test_limits_and_window_are_configurable(self, client, sample_org):
        assert fail(client, 2) == [400, 429]
        assert f"{ACCOUNT_WAIT} 60 minutes." in sign_in(client).get_data(as_text=True)
        for i in range(30):  # no limit per address
            assert sign_in(client, f"guess{i}@example.com").status_code in (400, 429)
        assert sign_in(client, "admin@example.com", PASSWORD).status_code == 302


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {"TRUSTED_PROXIES": 1}

    def test_the_forwarded_address_counts_when_the_proxy_is_trusted(self, client, sample_org):
        sign_in(client, headers={"X-Forwarded-For": "192.0.2.44"})
        assert SignInFailure.get().address == "192.0.2.44"


def test_forwarded_addresses_are_ignored_by_default(client, sample_org):
    """Without a trusted proxy, a client could otherwise pick a new address for every guess."""
    sign_in(client, headers={"X-Forwarded-For": "192.0.2.44"})
    assert SignInFailure.get().address == "127.0.0.1"


def test_the_api_token_path_is_not_throttled(client, sample_org, sample_kpis):
    from dualdash.web.tokens import issue_token
    _, token = issue_token(sample_org.member, "sync")
    fail(client, 25)
    r = client.get("/api/v1/people/member@example.com/scorecard", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_the_wait_in_words():
    assert str(login_throttle.Wait("account", 61)) == f"{ACCOUNT_WAIT} 2 minutes."
    assert str(login_throttle.Wait("account", 60)) == f"{ACCOUNT_WAIT} 1 minute."
    assert str(login_throttle.Wait("address", 1)) == f"{ADDRESS_WAIT} 1 minute."


def test_the_start_of_a_wait_is_logged_without_the_password(client, sample_org, caplog):
    fail(client, 5)
    [record] = [r for r in caplog.records if "Sign-ins wait" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert "member@example.com" in record.getMessage() and "wrong-password" not in record.getMessage()


# --- Concurrency and the profile's current-password check --------------------------------------------

def test_parallel_wrong_sign_ins_cannot_overrun_the_limit(app, sample_org):
    """30 wrong sign-ins for one account at once: the check and the count are one step, so only the
    limit's worth get their password checked (before, every one of them was)."""
    import threading
    barrier = threading.Barrier(30)
    statuses, checked = [], []
    from dualdash.web import auth

    real_check = auth.check_password

    def counting_check(person, password):
        checked.append(1)
        return real_check(person, password)

    def one():
        client = app.test_client()
        barrier.wait()
        statuses.append(sign_in(client).status_code)

    auth.check_password = counting_check
    try:
        threads = [threading.Thread(target=one) for _ in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        auth.check_password = real_check
    assert len(statuses) == 30
    assert len(checked) == 5
    assert SignInFailure.select().where(SignInFailure.email == "member@example.com").count() == 5
    assert sorted(statuses) == [400] * 4 + [429] * 26


def change_password(client, current="wrong-password"):
    return client.post("/profile/", data={"current": current, "new": "new-password-1",
                                          "confirm": "new-password-1"})


def test_the_current_password_check_is_throttled(app, sample_org):
    from dualdash.testing import login
    client = login(app.test_client(), sample_org.member)
    assert [change_password(client).status_code for _ in range(4)] == [400] * 4
    r = change_password(client)
    assert r.status_code == 429
    html = r.get_data(as_text=True)
    assert f"{ACCOUNT_WAIT} 15 minutes." in html and "Your password is not changed." in html
    assert 840 < int(r.headers["Retry-After"]) <= 900
    # During the wait even the right password is refused, and nothing is changed.
    r = change_password(client, current=PASSWORD)
    assert r.status_code == 429
    from dualdash.org.models import Person
    from dualdash.org.passwords import check_password
    assert check_password(Person.get_by_id(sample_org.member.id), PASSWORD)


def test_profile_failures_count_with_sign_in_failures(app, sample_org):
    from dualdash.testing import login
    client = login(app.test_client(), sample_org.member)
    fail(app.test_client(), 3)
    assert [change_password(client).status_code for _ in range(2)] == [400, 429]
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 429


def test_the_right_current_password_clears_the_failures(app, sample_org):
    from dualdash.testing import login
    client = login(app.test_client(), sample_org.member)
    change_password(client)
    change_password(client)
    assert change_password(client, current=PASSWORD).status_code == 302
    assert SignInFailure.select().where(SignInFailure.email == "member@example.com").count() == 0
