"""The shell's own pages (home, search, profile, dashboard, audit trail, settings, the plugin framework), the
error pages, and what every template may use."""
from flask import render_template
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from dualdash.org import access
from dualdash.org import settings as org_settings


def init_app(app):
    """Register the shell's blueprints, the error pages and the template globals."""
    from dualdash.web.views import admin_audit, admin_settings, dashboard, framework, home, profile, search
    for module in (home, profile, framework, dashboard, admin_settings, admin_audit, search):
        app.register_blueprint(module.bp)

    @app.context_processor
    def _globals():
        if current_user.is_authenticated:
            role = access.role_name()
            return {"viewer_role": role,
                    "may_enter_values": role != "member" or org_settings.get().self_reporting}
        return {"viewer_role": None, "may_enter_values": False}

    for code, title in ((400, "Bad request"), (403, "Not allowed"), (404, "Not found"),
                        (405, "Not allowed here"), (500, "Something went wrong")):
        app.register_error_handler(code, _error_page(code, title))
    # 413 (too large) has its own page: dualdash/shared/uploads.py.


#: What a 403 says when the rule that refused it gave no reason of its own (never Werkzeug's text).
NOT_ALLOWED = ("You are not allowed to see this page or do this. Each person sees their own data and that "
               "of the people below them in the reporting line; admins see everything. If you think you "
               "should have access, ask your manager or an admin.")


def _error_page(code, title):
    def handler(error):
        description = getattr(error, "description", "") if code != 500 else (
            "The server failed to finish this request. Nothing you typed was saved by this attempt; "
            "please go back and try again.")
        if code == 403 and (not description or description == Forbidden.description):
            description = NOT_ALLOWED
        return render_template("error.html", code=code, title=title, description=description), code
    return handler
