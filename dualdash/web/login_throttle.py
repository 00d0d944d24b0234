"""Log-in throttling: after too many failed sign-ins for one account, or from one network address,
further attempts wait until the oldest of those failures leaves the window.

The failures are rows in the database (:class:`~dualdash.models.SignInFailure`), not process memory,
so every app process behind a load balancer sees the same count. Settings:

- ``SIGN_IN_ACCOUNT_LIMIT`` (5): failures for one email within the window before it must wait;
- ``SIGN_IN_ADDRESS_LIMIT`` (20): failures from one address within the window (many accounts tried
  from one machine);
- ``SIGN_IN_WINDOW_MINUTES`` (15): the window, which is also the longest wait.

A limit of 0 turns that check off. A success clears the account's failures (not the address's).

Checking and counting are one step (:func:`attempt`): in one write transaction (``BEGIN IMMEDIATE`` on
SQLite, a lock of the table on PostgreSQL) the wait is checked and, when there is none, the attempt is
recorded as a failure before the password is even looked at. Concurrent attempts queue for that lock,
so 30 parallel guesses for one account get the same 5 tries as 30 guesses one after the other; the
right password then clears the account's failures.

The same count guards the current-password check of the profile page (a password change): a stolen
session cannot be used to guess the password there either.
"""
import datetime
import math
from dataclasses import dataclass

from flask import current_app
from peewee import PostgresqlDatabase, SqliteDatabase

from dualdash.db import database, utcnow
from dualdash.web.models import SignInFailure

#: Longest email or address stored (the column is a VARCHAR(255)); longer input is cut.
MAX_TEXT = 255


@dataclass(frozen=True)
class Wait:
    """Sign-ins are refused for ``seconds`` more, because of the ``account`` or the ``address``."""

    reason: str
    seconds: int

    @property
    def minutes(self):
        """The wait in whole minutes, rounded up (never 0: "in 0 minutes" would be a lie)."""
        return max(1, math.ceil(self.seconds / 60))

    def __str__(self):
        who = "for this account" if self.reason == "account" else "from your network address"
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"Too many failed sign-ins {who}. Try again in {self.minutes} {unit}."


def _settings():
    config = current_app.config
    return (int(config["SIGN_IN_ACCOUNT_LIMIT"]), int(config["SIGN_IN_ADDRESS_LIMIT"]),
            datetime.timedelta(minutes=float(config["SIGN_IN_WINDOW_MINUTES"])))


def wait(email, address):
    """The :class:`Wait` before ``email`` may try to sign in from ``address`` again, or None.

    When both the account and the address are over their limits, the longer wait is given."""
    account_limit, address_limit, window = _settings()
    now = utcnow()
    waits = []
    for column, value, limit, reason in ((SignInFailure.email, _cut(email), account_limit, "account"),
                                         (SignInFailure.address, _cut(address), address_limit, "address")):
        if limit <= 0 or not value:
            continue
        # The limit-th most recent failure in the window: while it is in the window, so are
        # `limit` failures, and the wait ends when it leaves.
        row = (SignInFailure.select(SignInFailure.at)
               .where((column == value) & (SignInFailure.at > now - window))
               .order_by(SignInFailure.at.desc()).offset(limit - 1).limit(1).first())
        if row is not None:
            waits.append(Wait(reason, math.ceil((row.at + window - now).total_seconds())))
    return max(waits, key=lambda w: w.seconds, default=None)


@dataclass(frozen=True)
class Attempt:
    """What :func:`attempt` found: ``wait`` when this attempt is refused (nothing was recorded);
    otherwise it was counted, and ``wait_if_wrong`` is the wait its failure starts, or None while
    tries remain."""

    wait: Wait = None
    wait_if_wrong: Wait = None


def attempt(email, address):
    """Check the wait and, when there is none, record this attempt as a failure, atomically.

    Returns an :class:`Attempt`. When it may go on, check the password, and :func:`clear` the account
    when it is right; when it is wrong, answer with ``wait_if_wrong``. Both waits are decided inside
    the lock, so concurrent attempts are answered in the order they were counted (a count read after
    the password check would include failures recorded by others meanwhile)."""
    with _write_lock():
        found = wait(email, address)
        if found is not None:
            return Attempt(wait=found)
        record_failure(email, address)
        return Attempt(wait_if_wrong=wait(email, address))


def _write_lock():
    """A transaction that holds the database's write lock from its first statement, so that two
    attempts cannot both count before either records (a plain BEGIN on SQLite takes the lock only at
    the first write, after the count)."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    transaction = db.atomic()
    if isinstance(db, PostgresqlDatabase):
        return _LockedTable(transaction, db)
    return transaction


class _LockedTable:
    """PostgreSQL: the transaction, with the failures table locked against other writers (and
    other lockers) until it ends; readers are not blocked."""

    def __init__(self, transaction, db):
        self.transaction, self.db = transaction, db

    def __enter__(self):
        self.transaction.__enter__()
        table = SignInFailure._meta.table_name
        # Safe: the table name comes from the model, never from input.
        self.db.execute_sql(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
        return self

    def __exit__(self, *exc):
        return self.transaction.__exit__(*exc)


def record_failure(email, address):
    """Note a failed sign-in, and delete failures too old to count any more."""
    now = utcnow()
    window = _settings()[2]
    SignInFailure.delete().where(SignInFailure.at <= now - window).execute()
    SignInFailure.create(at=now, email=_cut(email), address=_cut(address))


def clear(email):
    """Forget the failed sign-ins of ``email`` (after it signed in with the right password)."""
    SignInFailure.delete().where(SignInFailure.email == _cut(email)).execute()


def _cut(text):
    return (text or "")[:MAX_TEXT]
