"""The signed-in person's own profile: their details, password and personal API tokens."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from dualdash.db import utcnow
from dualdash.org.audit import record, snapshot
from dualdash.org.models import Person
from dualdash.org.passwords import check_password, hash_password
from dualdash.shared.access import allow
from dualdash.web import auth, login_throttle
from dualdash.web.forms.auth import PasswordChangeForm
from dualdash.web.forms.tokens import TokenForm
from dualdash.web.models import ApiToken
from dualdash.web.tokens import issue_token, token_label

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _page(form=None, token_form=None, new_token=None, status=200):
    """The profile page; ``new_token`` is shown on this response only and stored nowhere."""
    form = form or PasswordChangeForm(formdata=None)
    token_form = token_form or TokenForm(formdata=None, prefix="token")
    tokens = (ApiToken.select().where(ApiToken.person == current_user.id)
              .order_by(ApiToken.revoked_at.is_null(False), ApiToken.created_at.desc(), ApiToken.id.desc()))
    response = render_template("web/profile.html", form=form, token_form=token_form, tokens=list(tokens),
                               token_label=token_label, new_token=new_token)
    headers = {"Cache-Control": "no-store"} if new_token else {}
    return response, status, headers


@bp.route("/", methods=["GET", "POST"])
@allow("signed_in")
def show():
    form = PasswordChangeForm()
    wait = None
    if form.validate_on_submit():
        # The current password is guessed no more freely here than on the sign-in page: its failures
        # count with the account's failed sign-ins (checked and counted in one step, before the check).
        email, address = current_user.email, request.remote_addr or ""
        tried = login_throttle.attempt(email, address)
        wait = tried.wait
        if wait is None and not check_password(current_user, form.current.data):
            wait = tried.wait_if_wrong
            if wait is not None:
                current_app.logger.warning("Password changes wait %d s after too many failures (%s): %s "
                                           "from %s", wait.seconds, wait.reason, email, address)
            else:
                form.current.errors.append("That is not your current password.")
        elif wait is None:
            login_throttle.clear(email)
            current_user.password_hash = hash_password(form.new.data)
            current_user.save(only=[Person.password_hash])
            record("password", current_user._get_current_object(), None, {"password": "changed"})
            _keep_this_sign_in(current_user)
            flash("Your password is changed. You are still signed in here; everywhere else you will be "
                  "asked to sign in again.", "success")
            return redirect(url_for("profile.show"))
    if wait is not None:
        form.current.errors.append(f"{wait} Your password is not changed.")
        response, _, headers = _page(form=form)
        return response, 429, {**headers, "Retry-After": str(wait.seconds)}
    return _page(form=form, status=400 if form.errors else 200)


def _keep_this_sign_in(person):
    """A new password ends every sign-in made with the old one (the session names the password's
    fingerprint): this one is renewed, and its remember-me cookie too if it has one."""
    session["_user_id"] = person.get_id()
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        session["_remember"] = "set"


@bp.post("/sign-out-everywhere")
@allow("signed_in")
def sign_out_everywhere():
    """End every sign-in of the signed-in person (this one too): sessions and remember-me cookies made
    before, copied or not, stop working at once."""
    auth.sign_out_everywhere()
    flash("You are signed out everywhere: every browser and device must sign in again.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/tokens")
@allow("signed_in")
def create_token():
    """Create a token and show it on this response, once: it is not kept anywhere but as a hash, so
    it is neither flashed nor put in the session (the usual redirect after a POST would lose it)."""
    token_form = TokenForm(prefix="token")
    if not token_form.validate_on_submit():
        return _page(token_form=token_form, status=400)
    row, token = issue_token(current_user.id, token_form.name.data)
    record("create", row, None, snapshot(row))
    return _page(new_token={"name": row.name, "value": token}, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
@allow("own_token")
def revoke_token(token_id):
    """Revoke one of the signed-in person's tokens: it stops working at once."""
    row = g.api_token  # only ever one of the signed-in person's own (the rule: someone else's is not found)
    if row.revoked_at is not None:
        flash(f"The token “{row.name}” was already revoked.", "success")
    else:
        before = snapshot(row)
        row.revoked_at = utcnow()
        row.save(only=[ApiToken.revoked_at])
        record("revoke", row, before, snapshot(row))
        flash(f"The token “{row.name}” is revoked: it no longer works.", "success")
    return redirect(url_for("profile.show") + "#api-tokens")
