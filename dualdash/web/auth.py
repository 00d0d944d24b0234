"""Signing in and out: password sessions (Flask-Login) and the optional trusted SSO header.

Failed sign-ins are throttled (:mod:`dualdash.login_throttle`) and a sign-in lasts a limited time
(:mod:`dualdash.sessions`)."""
import hmac

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from dualdash.org.models import Person
from dualdash.org.passwords import check_password, min_length
from dualdash.shared.access import allow
from dualdash.shared.next_url import is_safe_next, safe_next  # noqa: F401 (is_safe_next: tests)
from dualdash.web import login_throttle, sessions
from dualdash.web.forms.auth import LoginForm

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."


def init_app(app):
    """Install the login manager, the session lifetime and the sign-in pages."""
    login_manager.init_app(app)
    sessions.init_app(app)
    app.register_blueprint(bp)
    # Pages that set a password say how long it must be.
    app.jinja_env.globals["password_min_length"] = min_length


@login_manager.user_loader
def _load_person(session_id):
    """The person a session or remember-me cookie names, unless their password changed since or they
    signed out since (the sign-in generation is checked on every request, against the database)."""
    person_id, _, rest = str(session_id).partition(":")
    fingerprint, _, generation = rest.partition(":")
    if not person_id.isdigit() or not generation.isdigit():
        return None
    person = Person.get_or_none((Person.id == int(person_id)) & (Person.active == True))  # noqa: E712
    if person is None or not hmac.compare_digest(person.password_fingerprint, fingerprint):
        return None
    if not hmac.compare_digest(str(person.sign_in_generation or 0), generation):
        return None
    return person


@login_manager.request_loader
def _person_from_trusted_header(req):
    """Sign in whoever the intranet SSO proxy names, when that is switched on (see README)."""
    header = current_app.config.get("REMOTE_USER_HEADER")
    if not header:
        return None
    email = (req.headers.get(header) or "").strip().lower()
    if not email:
        return None
    return Person.get_or_none((Person.email == email) & (Person.active == True))  # noqa: E712


@login_manager.unauthorized_handler
def _ask_to_sign_in():
    """A page that needs a sign-in: go to the sign-in page, and come back to the page afterwards.

    A form posted after the session ended cannot be replayed, and its URL may take POST only, so
    the sign-in then leads home."""
    flash(sessions.EXPIRED_MESSAGE if g.get("session_expired") else login_manager.login_message, "info")
    if request.method not in ("GET", "HEAD"):
        return redirect(url_for("auth.login"))
    here = request.script_root + (request.full_path if request.query_string else request.path)
    return redirect(url_for("auth.login", next=here))


@bp.route("/login", methods=["GET", "POST"])
@allow("public")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    wait = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or ""
        # Checked (and the attempt counted, in one step) before the password, so that guessing on
        # during the wait tells nothing, and parallel guesses cannot all pass the check.
        tried = login_throttle.attempt(email, address)
        wait = tried.wait
        if wait is None:
            person = Person.get_or_none(Person.email == email)
            if person and person.can_sign_in and check_password(person, form.password.data):
                login_throttle.clear(email)
                login_user(person, remember=form.remember.data)
                return redirect(safe_next(request.args.get("next")))
            # This failure may be the one that makes the next attempts wait: say so now.
            wait = tried.wait_if_wrong
            if wait is not None:
                # For whoever watches the logs: someone may be guessing passwords (never the password).
                current_app.logger.warning("Sign-ins wait %d s after too many failures (%s): %s from %s",
                                           wait.seconds, wait.reason, email, address)
            else:
                # One message for every failure: do not tell which emails exist.
                form.password.errors.append("That email and password do not match an active account.")
    if wait is not None:
        return (render_template("web/auth/login.html", form=form, wait=wait), 429,
                {"Retry-After": str(wait.seconds)})
    return render_template("web/auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["GET", "POST"])
@allow("public")
def logout():
    if request.method == "GET":
        # Signing out changes state, so it takes a POST (with its CSRF token); GET asks first.
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template("web/auth/logout.html")
    sign_out_everywhere()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def sign_out_everywhere():
    """Sign out here and end every other sign-in of the same person: the session and remember-me
    cookies name the person's sign-in generation, and this moves it on, so a cookie copied before
    (from this browser or any other) no longer signs anyone in."""
    if current_user.is_authenticated and isinstance(current_user._get_current_object(), Person):
        current_user.end_sign_ins()
    logout_user()
