"""The shell's own pages (home, profile, dashboard, audit trail, settings, the plugin framework), the
error pages, and what every template may use."""
from flask import render_template
from flask_login import current_user

from dualdash.org import access
from dualdash.org import settings as org_settings


def init_app(app):
    """Register the shell's blueprints, the error pages and the template globals."""
    from dualdash.web.views import admin_audit, admin_settings, dashboard, framework, home, profile
    for module in (home, profile, framework, dashboard, admin_settings, admin_audit):
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


def _error_page(code, title):
    def handler(error):
        description = getattr(error, "description", "") if code != 500 else (
            "The server failed to finish this request. Nothing you typed was saved by this attempt; "
            "please go back and try again.")
        return render_template("error.html", code=code, title=title, description=description), code
    return handler
