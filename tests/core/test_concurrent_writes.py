"""Writers at the same time: every read-then-write transaction takes the write lock from the start
(``write_transaction``), a lock that stays taken is retried then answered 503, and reads never wait
for the token's last-use update."""
import datetime
import sqlite3
import threading

import pytest
from peewee import OperationalError

from dualdash import db as dbmod
from dualdash.db import DatabaseBusy, get_db, write_transaction
from dualdash.kpis.models import Measurement
from dualdash.testing import postgres_url
from dualdash.web.tokens import issue_token

WRITERS, REQUESTS = 8, 25
FIRST_WEEK = datetime.date(2020, 1, 6)


def _run_writers(app, tokens, people, kpi_key):
    """WRITERS threads, each posting REQUESTS batches of its own keys; returns (failures, acknowledged)."""
    failures, acknowledged = [], []
    start = threading.Barrier(len(tokens))

    def writer(number, token):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        start.wait()
        for request in range(REQUESTS):
            week = FIRST_WEEK + datetime.timedelta(weeks=number * REQUESTS + request)
            items = [{"person": email, "kpi": kpi_key, "period": week.isoformat(), "value": number + request}
                     for email in people]
            r = client.post("/api/v1/measurements", headers=headers, json={"measurements": items})
            if r.status_code != 200:
                failures.append((r.status_code, r.get_data(as_text=True)[:200]))
            else:
                acknowledged.extend((email, week, number + request) for email in people)

    threads = [threading.Thread(target=writer, args=(n, t)) for n, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return failures, acknowledged


def test_concurrent_api_writers_all_succeed_and_every_write_is_kept(app, sample_kpis, sample_org):
    # Eight writers at once on a file database (PostgreSQL too when the suite runs on it), each reading
    # (validation, existing values) then writing in one transaction: with deferred transactions on
    # SQLite about a third of them failed at once with "database is locked".
    tokens = [issue_token(sample_org.admin, f"writer {n}")[1] for n in range(WRITERS)]
    people = [sample_org.member.email, sample_org.member2.email]
    failures, acknowledged = _run_writers(app, tokens, people, "calls")
    assert failures == []
    assert len(acknowledged) == WRITERS * REQUESTS * len(people)
    stored = {(m.person.email, m.period_start, m.value)
              for m in Measurement.select().where(Measurement.kpi == sample_kpis.calls.id)}
    assert set(acknowledged) <= stored


def test_a_transaction_that_reads_then_writes_waits_for_another_writer(app, sample_kpis, sample_org):
    # The cause, without the web: a transaction reads, another connection writes and commits, then
    # the first writes. Deferred (plain atomic) on SQLite WAL, that write fails at once.
    if postgres_url():
        pytest.skip("SQLite locking")
    db = get_db(app)
    errors = []
    read_done, other_done = threading.Event(), threading.Event()

    def other():
        read_done.wait(5)
        db.connect(reuse_if_open=True)
        try:
            with write_transaction(db):
                Measurement.create(person=sample_org.member.id, kpi=sample_kpis.calls.id,
                                   period_start=FIRST_WEEK, value=1)
        except OperationalError as exc:
            errors.append(exc)
        finally:
            other_done.set()
            db.close()

    thread = threading.Thread(target=other)
    thread.start()
    with write_transaction(db):
        Measurement.select().count()
        read_done.set()
        other_done.wait(0.3)  # the other writer waits for this transaction's lock
        Measurement.create(person=sample_org.member2.id, kpi=sample_kpis.calls.id,
                           period_start=FIRST_WEEK, value=2)
    thread.join(10)
    assert errors == []
    assert Measurement.select().count() == 2


def test_a_database_that_stays_busy_is_retried_then_answered_503(app, client, sample_kpis, sample_org,
                                                               monkeypatch):
    if postgres_url():
        pytest.skip("SQLite locking")
    monkeypatch.setattr(dbmod, "WRITE_BACKOFF", 0.001)
    _, token = issue_token(sample_org.admin, "busy")
    attempts = []

    def busy_begin(self, lock_type=None):
        attempts.append(lock_type)
        raise OperationalError("database is locked")

    monkeypatch.setattr(type(get_db(app)), "begin", busy_begin)
    r = client.post("/api/v1/measurements", headers={"Authorization": f"Bearer {token}"}, json={
        "measurements": [{"person": sample_org.member.email, "kpi": "calls", "period": "2026-W10", "value": 3}]})
    assert r.status_code == 503
    assert r.headers["Retry-After"] == str(dbmod.RETRY_AFTER)
    assert "busy" in r.get_json()["message"]
    assert attempts == ["IMMEDIATE"] * dbmod.WRITE_ATTEMPTS
    with pytest.raises(DatabaseBusy):
        with write_transaction(get_db(app)):
            pass


def test_a_busy_database_answers_503_on_pages_too(app, as_admin, sample_org, monkeypatch):
    if postgres_url():
        pytest.skip("SQLite locking")
    monkeypatch.setattr(dbmod, "WRITE_BACKOFF", 0.001)

    def busy_begin(self, lock_type=None):
        raise OperationalError("database is locked")
    monkeypatch.setattr(type(get_db(app)), "begin", busy_begin)
    r = as_admin.post("/admin/people/new", data={"email": "busy@example.com", "name": "Bo Busy", "active": "y"})
    assert r.status_code == 503
    assert r.headers["Retry-After"] == str(dbmod.RETRY_AFTER)
    assert "nothing was changed" in r.get_data(as_text=True)


def test_rolling_back_after_sqlite_already_did_keeps_the_real_error(app, sample_kpis, sample_org):
    # A full disk: SQLite rolls the transaction back itself, and the error must stay "disk is full",
    # not "cannot rollback - no transaction is active".
    if postgres_url():
        pytest.skip("SQLite")
    db = get_db(app)
    with pytest.raises(OperationalError, match="disk is full"):
        with write_transaction(db):
            Measurement.create(person=sample_org.member.id, kpi=sample_kpis.calls.id,
                               period_start=FIRST_WEEK, value=1)
            db.execute_sql("ROLLBACK")
            raise OperationalError("database or disk is full")
    assert Measurement.select().count() == 0
    assert not db.in_transaction()


def test_postgres_uses_a_plain_transaction(monkeypatch):
    class Postgres:
        def transaction_depth(self):
            return 0

        def atomic(self):
            return sqlite3.connect(":memory:")  # any context manager: proves atomic() is what is used
    with write_transaction(Postgres()):
        pass


def _hold_write_lock(app):
    """Another connection that holds SQLite's write lock (as a long import would)."""
    path = app.config["DATABASE_URL"].split(":///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_an_api_read_does_not_wait_for_a_writer_and_records_use_once_a_minute(app, client, sample_kpis,
                                                                              sample_org):
    if postgres_url():
        pytest.skip("SQLite locking")
    from dualdash.web.models import ApiToken
    row, token = issue_token(sample_org.member, "reader")
    headers = {"Authorization": f"Bearer {token}"}
    url = "/api/v1/people/member@example.com/scorecard"
    other = _hold_write_lock(app)
    try:
        started = datetime.datetime.now()
        r = client.get(url, headers=headers)
        waited = (datetime.datetime.now() - started).total_seconds()
    finally:
        other.rollback()
        other.close()
    # Before: the read updated last_used_at, waited the whole busy_timeout (5 s), then failed with 500.
    assert r.status_code == 200
    assert waited < 2
    assert ApiToken.get_by_id(row.id).last_used_at is None  # skipped while busy
    assert client.get(url, headers=headers).status_code == 200
    first = ApiToken.get_by_id(row.id).last_used_at
    assert first is not None
    assert client.get(url, headers=headers).status_code == 200
    assert ApiToken.get_by_id(row.id).last_used_at == first  # at most once a minute
    ApiToken.update(last_used_at=first - datetime.timedelta(minutes=2)).where(ApiToken.id == row.id).execute()
    assert client.get(url, headers=headers).status_code == 200
    assert ApiToken.get_by_id(row.id).last_used_at > first - datetime.timedelta(minutes=1)
