"""Coaching: 1:1 meetings and their agenda, private notes, action items and follow-through, worksheets,
driver ratings, role skills, the results × drivers view, and their pages. Uses the KPIs
(``dualdash.kpis``) and the organization (``dualdash.org``)."""
from dualdash.coaching import access  # noqa: F401 (defines the access rules its pages name)
from dualdash.coaching.models import RoleSkill
from dualdash.org import uses


@uses.uses_of_role
def _role_uses(role, level_ids):
    return [(RoleSkill.select().where(RoleSkill.role == role.id).count(), "role skill", "role skills")]


def init_app(app):
    """Register the coaching pages."""
    from dualdash.coaching.views import (
        action_items,
        admin_skills,
        driver_ratings,
        meetings,
        results_drivers,
        skills_pages,
        worksheet,
    )
    for module in (results_drivers, driver_ratings, skills_pages, meetings, action_items, worksheet, admin_skills):
        app.register_blueprint(module.bp)
