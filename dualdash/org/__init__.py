"""The organization: teams (a tree), job roles and their levels, people and their reporting line, the
people import, the organization's settings, the audit trail every change writes, and their admin
pages. Every other domain may use this one; it uses none of them."""
from dualdash.org import access  # noqa: F401 (defines the access rules its pages name)


def init_app(app):
    """Register the people, team and job role pages."""
    from dualdash.org.views import admin_people, admin_roles, admin_teams, people
    for module in (people, admin_teams, admin_roles, admin_people):
        app.register_blueprint(module.bp)
