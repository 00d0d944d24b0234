"""The pages, one blueprint per area."""
from flask import render_template
from flask_login import current_user

from .. import access, org_settings


def init_app(app):
    """Register every blueprint, the error pages and what every template may use."""
    from . import (action_items, admin_audit, admin_kpis, admin_people, admin_roles, admin_scorecards,
                   admin_settings, admin_skills, admin_teams, dashboard, driver_ratings, framework, home,
                   measurement_entry, meetings, people, profile, rank_stacks, results_drivers, scorecard_pages,
                   skills_pages, worksheet)
    for module in (home, people, profile, framework, scorecard_pages, measurement_entry, rank_stacks,
                   results_drivers, driver_ratings, skills_pages, meetings, action_items, dashboard, worksheet,
                   admin_teams, admin_roles, admin_people, admin_kpis, admin_scorecards, admin_settings,
                   admin_skills, admin_audit):
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
    # 413 (too large) has its own page: dualdash/uploads.py.


def _error_page(code, title):
    def handler(error):
        description = getattr(error, "description", "") if code != 500 else (
            "The server failed to finish this request. Nothing you typed was saved by this attempt; "
            "please go back and try again.")
        return render_template("error.html", code=code, title=title, description=description), code
    return handler
