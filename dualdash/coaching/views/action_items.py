"""Action items: my own and, for managers, my people's; marking them done or open again."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from dualdash.coaching import follow_through
from dualdash.db import utcnow
from dualdash.org import access, audit
from dualdash.shared.access import allow
from dualdash.shared.next_url import safe_next

bp = Blueprint("action_items", __name__)


@bp.route("/action-items/")
@allow("signed_in")
def index():
    below = access.my_subtree()
    return render_template(
        "coaching/action_items/index.html",
        mine=follow_through.open_action_items([current_user.id]),
        done=follow_through.done_action_items(current_user.id),
        people_items=follow_through.open_action_items(below),
        is_manager=bool(below),
        is_overdue=follow_through.is_overdue,
    )


def _back():
    target = request.form.get("next")
    return redirect(safe_next(target) if target else url_for("action_items.index"))


@bp.route("/action-items/<int:item_id>/done", methods=["POST"])
@allow("update_action_item")
def done(item_id):
    item = g.action_item
    if item.status == "done":
        flash("That action item was already done.", "success")
        return _back()
    before = audit.snapshot(item)
    item.status, item.completed_at = "done", utcnow()
    item.save()
    audit.record("update", item, before, audit.snapshot(item))
    flash(f"Marked done: {_short(item.description)}", "success")
    return _back()


@bp.route("/action-items/<int:item_id>/reopen", methods=["POST"])
@allow("update_action_item")
def reopen(item_id):
    item = g.action_item
    if item.status != "done":
        flash("That action item is already open.", "success")
        return _back()
    before = audit.snapshot(item)
    item.status, item.completed_at = "open", None
    item.save()
    audit.record("update", item, before, audit.snapshot(item))
    flash(f"Open again: {_short(item.description)}", "success")
    return _back()


def _short(text, length=80):
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "…"
