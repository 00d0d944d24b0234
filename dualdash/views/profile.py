"""The signed-in person's own profile: their details and password."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..forms.auth import PasswordChangeForm
from ..passwords import check_password, hash_password

bp = Blueprint("profile", __name__, url_prefix="/profile")


@bp.route("/", methods=["GET", "POST"])
@login_required
def show():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            current_user.password_hash = hash_password(form.new.data)
            current_user.save()
            flash("Your password is changed.", "success")
            return redirect(url_for("profile.show"))
    return render_template("profile.html", form=form), 400 if form.errors else 200
