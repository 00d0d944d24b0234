"""How long a sign-in lasts: ``PERMANENT_SESSION_LIFETIME`` (12 hours) from the moment of signing in.

After that, the next page asks to sign in again and says why. "Keep me signed in" is Flask-Login's
remember-me cookie (``REMEMBER_COOKIE_DURATION``, 14 days): while it lasts, an expired session is
replaced by a new one without asking. The time of sign-in is kept in the signed session cookie, so
every app process agrees on it.
"""
import time

from flask import current_app, g, session
from flask_login import user_loaded_from_cookie, user_logged_in

#: Seconds since the epoch when this session's sign-in happened.
SIGNED_IN_AT = "signed_in_at"
#: What Flask-Login keeps in the session for a signed-in person (and ``_remember``, which is kept,
#: because it says whether the remember-me cookie must be cleared).
LOGIN_KEYS = ("_user_id", "_fresh", "_id", SIGNED_IN_AT)
EXPIRED_MESSAGE = "Your session has expired. Please sign in again."


def init_app(app):
    """Check each request's session age and start the clock at each sign-in."""
    # First of all hooks: whatever else runs before the view (the access gate, CSRF) must already
    # see an expired session as signed out. It reads only the session cookie, not the database.
    app.before_request_funcs.setdefault(None, []).insert(0, _end_expired_session)
    user_logged_in.connect(_start_clock)
    user_loaded_from_cookie.connect(_start_clock)


def _start_clock(sender, user=None, **extra):
    session[SIGNED_IN_AT] = int(time.time())


def lifetime_seconds():
    """How long a sign-in lasts, in seconds."""
    return int(current_app.permanent_session_lifetime.total_seconds())


def session_expired():
    """True when this request's session belongs to a sign-in older than the lifetime.

    A session with a person but no sign-in time comes from before the lifetime was kept: it counts
    as expired, so that every session has a known age."""
    if "_user_id" not in session:
        return False
    started = session.get(SIGNED_IN_AT)
    return not isinstance(started, int) or time.time() - started >= lifetime_seconds()


def _end_expired_session():
    if not session_expired():
        return
    for key in LOGIN_KEYS:
        session.pop(key, None)
    # In case something earlier in this request already asked who is signed in.
    g.pop("_login_user", None)
    g.session_expired = True
