"""Who may see and change whom (DESIGN.md, "Who may see what"): the reporting line, the checks on
people, and the query helpers that narrow a page's rows to the people the viewer may see.

Whether a request reaches a page at all is decided once, before the view runs, by the rule the view
declares (:mod:`dualdash.shared.access`); the people rules are :data:`RULES` below, and they ask the
``can_…`` functions here. Pages then ask the query helpers which rows to show."""
from flask import g
from flask_login import current_user
from peewee import JOIN

from dualdash.db import database
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.shared.access import Need, Rule, define_rules


def subtree_ids(person_id):
    """Ids of everyone below ``person_id`` in the reporting line (direct and indirect), in one query."""
    # Only the driver's placeholder is formatted into the SQL; the id is a bound parameter.
    cursor = database.execute_sql(
        "WITH RECURSIVE below(id) AS ("  # nosec B608
        f" SELECT id FROM person WHERE manager_id = {database.param}"
        # UNION (not UNION ALL) ends the walk even if bad data ever made a cycle.
        " UNION SELECT p.id FROM person p JOIN below b ON p.manager_id = b.id"
        ") SELECT id FROM below",
        (person_id,),
    )
    return {row[0] for row in cursor.fetchall()}


def team_and_below_ids(team_id):
    """Ids of a team and of every team below it, in one query."""
    # Only the driver's placeholder is formatted into the SQL; the id is a bound parameter.
    cursor = database.execute_sql(
        "WITH RECURSIVE tree(id) AS ("  # nosec B608
        f" SELECT id FROM team WHERE id = {database.param}"
        " UNION SELECT t.id FROM team t JOIN tree ON t.parent_id = tree.id"
        ") SELECT id FROM tree",
        (team_id,),
    )
    return {row[0] for row in cursor.fetchall()}


def my_subtree(viewer=None):
    """Ids below ``viewer`` (default: the signed-in person), computed once per request."""
    viewer = current_user if viewer is None else viewer
    if not viewer.is_authenticated:
        return set()
    known = g.setdefault("subtree_ids", {})
    if viewer.id not in known:
        known[viewer.id] = subtree_ids(viewer.id)
    return known[viewer.id]


def is_manager(person=None):
    """A manager is anyone with at least one (active) report."""
    person = person or current_user
    if person is current_user or getattr(person, "id", None) == getattr(current_user, "id", None):
        return bool(my_subtree())
    return Person.select().where((Person.manager == person.id) & (Person.active == True)).exists()  # noqa: E712


def role_name(person=None):
    """"admin", "manager" or "member", as DESIGN.md names them."""
    person = person or current_user
    if person.is_admin:
        return "admin"
    return "manager" if is_manager(person) else "member"


def viewer_of(viewer):
    """``viewer``, or the signed-in person; None when nobody is signed in."""
    viewer = current_user if viewer is None else viewer
    return viewer if viewer.is_authenticated else None


def can_view_person(person, viewer=None):
    """Admins see everyone; others see themselves and everyone below them.

    ``viewer`` defaults to the signed-in person (the API passes the token's owner)."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    return viewer.is_admin or person.id == viewer.id or person.id in my_subtree(viewer)


def can_manage_person(person, viewer=None):
    """May change a person's measurements, ratings and meetings: an admin, or anyone above them."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    return viewer.is_admin or person.id in my_subtree(viewer)


def can_assess_person(person, viewer=None):
    """May rate a person's drivers and assess their skills: the person themselves (a self-rating),
    anyone above them, admins."""
    viewer = viewer_of(viewer)
    return viewer is not None and (person.id == viewer.id or can_manage_person(person, viewer))


def leads_people(viewer=None):
    """Admins, and managers (anyone with someone below them): the team pages and scheduling 1:1s."""
    viewer = viewer_of(viewer)
    return viewer is not None and (viewer.is_admin or bool(my_subtree(viewer)))


def can_view_team_results(team, viewer=None):
    """The results × drivers view of a team: admins, and managers with someone below them in the
    team or its sub-teams (it shows nobody else)."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return False
    if viewer.is_admin:
        return True
    below = my_subtree(viewer)
    if not below:
        return False
    return (Person.select().where(Person.id.in_(sorted(below)) & (Person.active == True)  # noqa: E712
                                  & Person.team.in_(sorted(team_and_below_ids(team.id))))
            .exists())


def team_value_ids(viewer=None):
    """Ids of the teams whose own values (the KPIs on a team's scorecard) ``viewer`` may see and
    enter: None for an admin (every team); else each team, with the teams above it, that holds an
    active person below the viewer: "someone below them in the team or its sub-teams", as for
    :func:`can_view_team_results`. Two queries, remembered for the request."""
    viewer = viewer_of(viewer)
    if viewer is None:
        return set()
    if viewer.is_admin:
        return None
    known = g.setdefault("team_value_ids", {})
    if viewer.id not in known:
        below = my_subtree(viewer)
        ids = set()
        if below:
            holding = {team_id for (team_id,) in Person.select(Person.team)
                       .where(Person.id.in_(sorted(below)) & (Person.active == True)  # noqa: E712
                              & Person.team.is_null(False)).distinct().tuples()}
            parents = dict(Team.select(Team.id, Team.parent).tuples())
            for team_id in holding:
                while team_id is not None and team_id not in ids:
                    ids.add(team_id)
                    team_id = parents.get(team_id)
        known[viewer.id] = ids
    return known[viewer.id]


def can_manage_team_values(team, viewer=None):
    """May see and enter a team's own values: admins, and managers with someone below them in the
    team or its sub-teams."""
    allowed = team_value_ids(viewer)
    return allowed is None or getattr(team, "id", team) in allowed


def visible_people_query(viewer=None):
    """People ``viewer`` (default: the signed-in person) may see, as a query to refine."""
    viewer = current_user if viewer is None else viewer
    query = Person.select()
    if viewer.is_admin:
        return query
    ids = my_subtree(viewer) | {viewer.id}
    return query.where(Person.id.in_(list(ids)))


def admin_required(view):
    """The same as ``@allow("admin")`` (:func:`dualdash.shared.access.allow`), under its older name."""
    from dualdash.shared.access import allow
    return allow("admin")(view)


# --- the rules of the people pages ---------------------------------------------------------------

def int_or_none(value):
    """A URL argument as an id, or None when it is not a whole number (the gate then answers 404)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def load_person(value, viewer, loaded):
    """A person with their team, job role and level (one query)."""
    person_id = int_or_none(value)
    if person_id is None:
        return None
    return (Person.select(Person, Team, JobRole, Level)
            .join_from(Person, Team, JOIN.LEFT_OUTER)
            .join_from(Person, JobRole, JOIN.LEFT_OUTER)
            .join_from(Person, Level, JOIN.LEFT_OUTER)
            .where(Person.id == person_id).first())


def _person_by_email(value, viewer, loaded):
    return Person.get_or_none(Person.email == str(value).strip().lower())


def load_team(value, viewer, loaded):
    """The team of a URL argument (None when there is none)."""
    return Team.get_or_none(Team.id == value)


def sees_team(team, viewer, loaded):
    """A :class:`Need` check: the viewer is an admin, or has someone below them in the team or its
    sub-teams (a team page of anyone else's team would be empty: it is refused instead)."""
    return can_view_team_results(team, viewer)


def person_need(check, arg="person_id", denied=None):
    """The person of the URL argument ``arg``, checked by ``check(person, viewer, loaded)``."""
    return Need("person", arg, load_person, check, missing="There is no such person.", denied=denied)


def sees_person(person, viewer, loaded):
    """A :class:`Need` check: the viewer may see the person."""
    return can_view_person(person, viewer)


def assesses_person(person, viewer, loaded):
    """A :class:`Need` check: the viewer may rate and assess the person (themselves included)."""
    return can_assess_person(person, viewer)


def manages_person(person, viewer, loaded):
    """A :class:`Need` check: the viewer is above the person, or an admin."""
    return can_manage_person(person, viewer)


_EMAIL_DENIED = "You may not see {person.email}: only yourself and the people below you."
_PERSON_DENIED = "You may not see {person.name}: only yourself and the people below you in the reporting line."
_CHANGE_DENIED = "Only {person.name}’s managers (anyone above them) and admins may do this."
_TEAM_DENIED = ("Nobody in {team.name} (or its sub-teams) reports to you, so you may not see its page: "
                "you see the teams of the people below you.")

#: The access rules of the people and team pages, by name (:func:`dualdash.shared.access.allow`).
RULES = define_rules({
    "managers": Rule(
        "signed_in", "admins, and managers (anyone with someone below them)",
        check=leads_people, denied="This page is for managers and admins."),
    "view_person": Rule(
        "signed_in", "whoever may see the person (`person_id`): themselves, anyone above them, admins",
        needs=(person_need(sees_person, denied=_PERSON_DENIED),)),
    "view_person_by_email": Rule(
        "signed_in", "whoever may see the person with that `email`: themselves, anyone above them, admins",
        needs=(Need("person", "email", _person_by_email, sees_person, missing="Nobody has the email “{value}”.",
                    denied=_EMAIL_DENIED),)),
    "assess_person": Rule(
        "signed_in", "the person (`person_id`) themselves, anyone above them, admins",
        needs=(person_need(assesses_person, denied=_PERSON_DENIED),)),
    "manage_person": Rule(
        "signed_in", "anyone above the person (`person_id`), admins",
        needs=(person_need(manages_person, denied=_CHANGE_DENIED),)),
    "team_page": Rule(
        "signed_in", "admins, and managers with someone below them in the team (`team_id`) or its sub-teams; "
        "the page lists only the people they may see",
        check=leads_people, denied="Team pages are for managers and admins.",
        needs=(Need("team", "team_id", load_team, sees_team, missing="There is no such team.",
                    denied=_TEAM_DENIED),)),
    "team_values": Rule(
        "signed_in", "admins, and managers with someone below them in the team (`team_id`) or its sub-teams",
        check=leads_people, denied="A team's own values are for managers and admins.",
        needs=(Need("team", "team_id", load_team,
                    lambda team, viewer, loaded: can_manage_team_values(team, viewer),
                    missing="There is no such team.", denied="Nobody in this team reports to you."),)),
}, __name__)
