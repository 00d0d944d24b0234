"""Signing in and out: password sessions (Flask-Login) and the optional trusted SSO header."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from .forms.auth import LoginForm
from .models import Person
from .passwords import check_password

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."


def init_app(app):
    """Install the login manager and the sign-in pages."""
    login_manager.init_app(app)
    app.register_blueprint(bp)


@login_manager.user_loader
def _load_person(person_id):
    return Person.get_or_none((Person.id == int(person_id)) & (Person.active == True))  # noqa: E712


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


def safe_next(target):
    """Only a path on this site may follow a sign-in; anything else goes home."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        person = Person.get_or_none(Person.email == email)
        if person and person.can_sign_in and check_password(person, form.password.data):
            login_user(person, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        # One message for every failure: do not tell which emails exist.
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":
        # Signing out changes state, so it takes a POST (with its CSRF token); GET asks first.
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template("auth/logout.html")
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
