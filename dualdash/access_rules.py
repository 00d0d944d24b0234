"""Who may reach each page and API endpoint: the rules, and the one gate every request goes through.

Every view declares the rule it follows, by name, with :func:`allow`::

    @bp.route("/people/<int:person_id>")
    @allow("view_person")
    def show(person_id):
        person = g.person          # loaded and checked by the gate

    @bp.route("/people/<int:person_id>/skills", methods=["GET", "POST"])
    @allow("view_person", POST="assess_person")     # a method may follow another rule
    def skills(person_id): ...

Before any view runs, :func:`gate` (a ``before_request`` hook, ahead of the CSRF check) finds the
rule of the endpoint in :data:`RULES`, signs the viewer in (the session for pages, the bearer token
for the JSON API), loads the objects the rule names from the URL once (404 when there is none),
checks that the viewer may reach them (403 when not), and puts them on :data:`flask.g` for the
view. Nobody signed in goes to the sign-in page, or gets 401 from the API. It fails closed: an
endpoint without a declared rule answers 403, and :func:`check` makes the app refuse to start while
one exists (a plugin's page without one is a plugin error naming the plugin).

What a page shows of the rows it lists (which people, which names in a rank stack, whose private
notes) is for the query helpers of :mod:`dualdash.access`: the gate decides whether the viewer
reaches the page at all, and every ``can_…`` it asks lives there too."""
from dataclasses import dataclass, field
from typing import Callable, Optional

from flask import abort, current_app, g, request
from peewee import JOIN

from . import access
from .models import KPI, ActionItem, AgendaItem, ApiToken, JobRole, Level, Meeting, Person, Team

#: The attribute of a view function that holds its declaration.
ATTRIBUTE = "dualdash_access"
#: Endpoints of this blueprint are the JSON API: bearer tokens instead of the session, JSON errors.
API_BLUEPRINT = "api"

NOT_ALLOWED_TO_ENTER = (
    "There is no one you may enter measurements for. Managers enter values for the people below them and "
    "admins for anyone; this organization does not allow self-reporting (entering your own values). Ask your "
    "manager or an admin to enter them.")


@dataclass(frozen=True)
class Need:
    """An object a rule loads and checks before the view runs.

    ``load(value, viewer, loaded)`` finds it from the URL argument ``arg`` (or, with ``query``, the
    query string, where it is optional) and returns None when there is none (404, ``missing``);
    ``check(obj, viewer, loaded)`` says whether the viewer may reach it (403, ``denied``). ``loaded``
    holds the objects loaded before it; the messages are formatted with them and ``value``. The
    object ends up as ``g.<name>`` (None when an optional query argument is not given)."""

    name: str
    arg: str
    load: Callable
    check: Optional[Callable] = None
    query: bool = False
    missing: Optional[str] = None
    denied: Optional[str] = None


@dataclass(frozen=True)
class Rule:
    """Who passes: ``who`` is "anyone", "signed_in" or "admin"; then ``check(viewer)`` if any, then
    each of ``needs`` in order. ``summary`` says it in words."""

    who: str
    summary: str
    check: Optional[Callable] = None
    needs: tuple = ()
    denied: Optional[str] = None

    def __post_init__(self):
        # A misspelt audience must not quietly let everyone signed in through.
        if self.who not in ("anyone", "signed_in", "admin"):
            raise ValueError(f"unknown audience {self.who!r}: use anyone, signed_in or admin")


@dataclass(frozen=True)
class Declaration:
    """The rule of a view, by name, and the rules of the methods that differ."""

    default: str
    by_method: dict = field(default_factory=dict)

    def rule_for(self, method):
        method = "GET" if method == "HEAD" else method
        return self.by_method.get(method, self.default)

    def names(self):
        return {self.default, *self.by_method.values()}


# --- loading the objects a rule names ------------------------------------------------------------

def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _person(value, viewer, loaded):
    """A person with their team, job role and level (one query)."""
    person_id = _int(value)
    if person_id is None:
        return None
    return (Person.select(Person, Team, JobRole, Level)
            .join_from(Person, Team, JOIN.LEFT_OUTER)
            .join_from(Person, JobRole, JOIN.LEFT_OUTER)
            .join_from(Person, Level, JOIN.LEFT_OUTER)
            .where(Person.id == person_id).first())


def _person_by_email(value, viewer, loaded):
    return Person.get_or_none(Person.email == str(value).strip().lower())


def _meeting(value, viewer, loaded):
    meeting_id = _int(value)
    return None if meeting_id is None else Meeting.get_or_none(Meeting.id == meeting_id)


def _meeting_of_person(value, viewer, loaded):
    """A 1:1 of the person already loaded (and no one else's)."""
    meeting_id = _int(value)
    if meeting_id is None:
        return None
    return Meeting.get_or_none((Meeting.id == meeting_id) & (Meeting.report == loaded["person"].id))


def _agenda_item(value, viewer, loaded):
    """An agenda item of the meeting already loaded."""
    return AgendaItem.get_or_none((AgendaItem.id == value) & (AgendaItem.meeting == loaded["meeting"].id))


def _meeting_action_item(value, viewer, loaded):
    """An action item listed on the meeting already loaded: made in it, or one of its report's."""
    meeting = loaded["meeting"]
    return ActionItem.get_or_none((ActionItem.id == value) & (
        (ActionItem.meeting == meeting.id) | (ActionItem.owner == meeting.report_id)))


def _action_item(value, viewer, loaded):
    return ActionItem.get_or_none(ActionItem.id == value)


def _own_token(value, viewer, loaded):
    """Tokens are personal: someone else's is not found (404), not even said to exist."""
    return ApiToken.get_or_none((ApiToken.id == value) & (ApiToken.person == viewer.id))


def _team(value, viewer, loaded):
    return Team.get_or_none(Team.id == value)


def _kpi_by_key(value, viewer, loaded):
    return KPI.get_or_none(KPI.key == value)


def _person_need(check, arg="person_id", denied=None):
    return Need("person", arg, _person, check, missing="There is no such person.", denied=denied)


def _meeting_need(check=None, denied=None):
    return Need("meeting", "meeting_id", _meeting, check, missing="There is no such 1:1.", denied=denied)


def _sees_person(person, viewer, loaded):
    return access.can_view_person(person, viewer)


def _assesses_person(person, viewer, loaded):
    return access.can_assess_person(person, viewer)


def _manages_person(person, viewer, loaded):
    return access.can_manage_person(person, viewer)


def _sees_meeting(meeting, viewer, loaded):
    return access.can_view_meeting(meeting, viewer)


def _leads_meeting(meeting, viewer, loaded):
    return access.can_lead_meeting(meeting, viewer)


def _rates_in_meeting(meeting, viewer, loaded):
    """Ratings recorded in a 1:1 are a manager's who leads it: never the person's own self-rating."""
    person = loaded["person"]
    return (viewer.id != person.id and access.can_manage_person(person, viewer)
            and access.can_lead_meeting(meeting, viewer))


#: The ``?meeting=`` of the drivers page: the 1:1 the ratings are recorded in.
_RATING_MEETING = Need("meeting", "meeting", _meeting_of_person, _rates_in_meeting, query=True,
                       missing="There is no such 1:1 with {person.name}.",
                       denied="Only whoever leads this 1:1 may rate drivers in it.")
_EMAIL_DENIED = "You may not see {person.email}: only yourself and the people below you."

#: Every rule, by the name views declare. DESIGN.md's table, endpoint by endpoint.
RULES = {
    "public": Rule("anyone", "anyone, signed in or not"),
    "signed_in": Rule("signed_in", "anyone signed in"),
    "admin": Rule("admin", "admins only", denied="Only admins may open this page."),
    "managers": Rule(
        "signed_in", "admins, and managers (anyone with someone below them)",
        check=access.leads_people, denied="This page is for managers and admins."),
    "view_person": Rule(
        "signed_in", "whoever may see the person (`person_id`): themselves, anyone above them, admins",
        needs=(_person_need(_sees_person),)),
    "view_person_by_email": Rule(
        "signed_in", "whoever may see the person with that `email`: themselves, anyone above them, admins",
        needs=(Need("person", "email", _person_by_email, _sees_person, missing="Nobody has the email “{value}”.",
                    denied=_EMAIL_DENIED),)),
    "assess_person": Rule(
        "signed_in", "the person (`person_id`) themselves, anyone above them, admins",
        needs=(_person_need(_assesses_person),)),
    "manage_person": Rule(
        "signed_in", "anyone above the person (`person_id`), admins",
        needs=(_person_need(_manages_person),)),
    "view_drivers": Rule(
        "signed_in", "as view_person; with `?meeting=`, only a leader of that 1:1 of the person",
        needs=(_person_need(_sees_person), _RATING_MEETING)),
    "rate_drivers": Rule(
        "signed_in", "as assess_person; with `?meeting=`, only a leader of that 1:1 of the person",
        needs=(_person_need(_assesses_person), _RATING_MEETING)),
    "schedule_meeting": Rule(
        "signed_in", "managers and admins; with `?report=`, only someone below them (never themselves)",
        check=access.leads_people, denied="Only managers and admins schedule 1:1s.",
        needs=(Need("person", "report", _person,
                    lambda person, viewer, loaded: person.id != viewer.id and access.can_manage_person(person, viewer),
                    query=True, missing="There is no such person.",
                    denied="You may schedule 1:1s only with people below you."),)),
    "view_meeting": Rule(
        "signed_in", "the 1:1's (`meeting_id`) two people, anyone above the report, admins",
        needs=(_meeting_need(_sees_meeting),)),
    "lead_meeting": Rule(
        "signed_in", "whoever leads the 1:1 (`meeting_id`): its manager, anyone above the report, admins",
        needs=(_meeting_need(_leads_meeting),)),
    "write_private_note": Rule(
        "signed_in", "as lead_meeting, and never the report",
        needs=(_meeting_need(lambda meeting, viewer, loaded: access.can_write_private_note(meeting, viewer)),)),
    "add_to_agenda": Rule(
        "signed_in", "as lead_meeting; the report too while the 1:1 is planned (a talking point)",
        needs=(_meeting_need(lambda meeting, viewer, loaded: access.can_add_to_agenda(meeting, viewer)),)),
    "edit_agenda_item": Rule(
        "signed_in", "as lead_meeting, on an agenda item (`item_id`) of that 1:1",
        needs=(_meeting_need(_leads_meeting),
               Need("agenda_item", "item_id", _agenda_item, missing="This 1:1 has no such agenda item."))),
    "remove_agenda_item": Rule(
        "signed_in", "as lead_meeting; whoever added a talking point (`item_id`) while the 1:1 is planned",
        needs=(_meeting_need(_sees_meeting),
               Need("agenda_item", "item_id", _agenda_item,
                    lambda item, viewer, loaded: access.can_remove_agenda_item(loaded["meeting"], item, viewer),
                    missing="This 1:1 has no such agenda item."))),
    "update_meeting_action_item": Rule(
        "signed_in", "as lead_meeting, or the owner of the action item (`action_id`) listed on the 1:1",
        needs=(_meeting_need(_sees_meeting),
               Need("action_item", "action_id", _meeting_action_item,
                    lambda item, viewer, loaded: (access.can_lead_meeting(loaded["meeting"], viewer)
                                                  or item.owner_id == viewer.id),
                    missing="This 1:1 lists no such action item."))),
    "update_action_item": Rule(
        "signed_in", "the action item's (`item_id`) owner, anyone above them, admins",
        needs=(Need("action_item", "item_id", _action_item,
                    lambda item, viewer, loaded: access.can_update_action_item(item, viewer),
                    missing="There is no such action item."),)),
    "own_token": Rule(
        "signed_in", "the owner of the API token (`token_id`) alone (anyone else: not found)",
        needs=(Need("api_token", "token_id", _own_token, missing="You have no such API token."),)),
    "enter_measurements": Rule(
        "signed_in", "admins, managers, and everyone when the organization allows self-reporting",
        check=access.may_enter_measurements, denied=NOT_ALLOWED_TO_ENTER),
    "team_page": Rule(
        "signed_in", "admins and managers, on a team (`team_id`); the page lists only the people they may see",
        check=access.leads_people, denied="Team pages are for managers and admins.",
        needs=(Need("team", "team_id", _team, missing="There is no such team."),)),
    "team_results_drivers": Rule(
        "signed_in", "admins, and managers with someone below them in the team (`team_id`) or its sub-teams",
        check=access.leads_people, denied="The results × drivers view is for managers and admins.",
        needs=(Need("team", "team_id", _team,
                    lambda team, viewer, loaded: access.can_view_team_results(team, viewer),
                    missing="There is no such team.", denied="Nobody in this team reports to you."),)),
    "rank_stack": Rule(
        "signed_in", "anyone signed in, on a KPI (`kpi_key`); the organization's setting decides what a "
                     "member sees of the others",
        needs=(Need("kpi", "kpi_key", _kpi_by_key, missing="There is no KPI with the key “{value}”."),)),
}


# --- declaring ------------------------------------------------------------------------------------

def allow(rule, **by_method):
    """Declare which rule of :data:`RULES` a view follows: ``@allow("view_person")``, or with another
    rule for some methods, ``@allow("view_person", POST="assess_person")``.

    Put it under ``@bp.route`` (or anywhere among the view's decorators: it only marks the function)."""
    declaration = Declaration(rule, {method.upper(): name for method, name in by_method.items()})
    unknown = sorted(declaration.names() - set(RULES))
    if unknown:
        raise ValueError(f"unknown access rule {', '.join(unknown)}: use one of {', '.join(RULES)}")

    def declare(view):
        setattr(view, ATTRIBUTE, declaration)
        return view
    return declare


def _is_static(endpoint):
    return endpoint == "static" or endpoint.endswith(".static")


def declaration_of(app, endpoint):
    """The :class:`Declaration` of an endpoint, or None when it has none."""
    if _is_static(endpoint):
        return Declaration("public")
    return getattr(app.view_functions.get(endpoint), ATTRIBUTE, None)


def problems(app, blueprint=None):
    """``{endpoint: what is wrong}`` for every endpoint (of ``blueprint``) whose access is not
    declared, or whose rule needs a URL argument its route does not have."""
    found = {}
    for url_rule in app.url_map.iter_rules():
        endpoint = url_rule.endpoint
        if blueprint is not None and not endpoint.startswith(blueprint + "."):
            continue
        declaration = declaration_of(app, endpoint)
        if declaration is None:
            found[endpoint] = "it does not say who may see it: decorate its view with @allow(…)"
            continue
        for name in sorted(declaration.names()):
            missing = [need.arg for need in RULES[name].needs
                       if not need.query and need.arg not in url_rule.arguments]
            if missing:
                found[endpoint] = f"its rule {name} needs the URL argument {', '.join(missing)}"
    return found


class AccessUndeclared(RuntimeError):
    """Raised by ``create_app`` when a page does not say who may see it."""

    def __init__(self, found):
        self.found = found
        lines = "\n".join(f"  - {endpoint}: {why}" for endpoint, why in sorted(found.items()))
        super().__init__(f"Dual Dash cannot start: {len(found)} page(s) without a valid access rule:\n{lines}")


def check(app):
    """Refuse to start while any page registered so far lacks a valid rule (plugin pages are
    checked as they are registered: see :func:`dualdash.plugins.install`)."""
    found = problems(app)
    if found:
        raise AccessUndeclared(found)


# --- enforcing ------------------------------------------------------------------------------------

def init_app(app):
    """Install :func:`gate`. Call it after the database hook and before CSRFProtect, so that a
    request is refused before its form is even looked at."""
    app.before_request(gate)


def gate():
    """Decide whether this request may reach its view, once, for every page and API endpoint."""
    if request.url_rule is None:
        return None  # no route matched: Flask answers 404 or 405 itself
    endpoint = request.endpoint
    declaration = declaration_of(current_app, endpoint)
    if declaration is None:
        current_app.logger.error("refused %s %s: %s declares no access rule", request.method, request.path,
                                 endpoint)
        abort(403, "This page does not say who may see it, so nobody may.")
    rule = RULES[declaration.rule_for(request.method)]
    viewer = None
    if rule.who != "anyone":
        viewer, refusal = _sign_in(endpoint)
        if viewer is None:
            return refusal
        if rule.who == "admin" and not viewer.is_admin:
            abort(403, rule.denied)
        if rule.check is not None and not rule.check(viewer):
            abort(403, rule.denied)
    loaded = {}
    for need in rule.needs:
        value = request.args.get(need.arg) if need.query else (request.view_args or {}).get(need.arg)
        if need.query and value in (None, ""):
            loaded[need.name] = None
            continue
        found = need.load(value, viewer, loaded)
        if found is None:
            abort(404, need.missing.format(value=value, **loaded) if need.missing else None)
        if need.check is not None and not need.check(found, viewer, loaded):
            message = need.denied or rule.denied
            abort(403, message.format(value=value, **loaded, **{need.name: found}) if message else None)
        loaded[need.name] = found
    for name, found in loaded.items():
        setattr(g, name, found)
    return None


def _sign_in(endpoint):
    """``(viewer, None)``, or ``(None, the response to send)`` when nobody is signed in: pages go to
    the sign-in page, the API answers 401. The API is signed in by its bearer token alone."""
    if endpoint.startswith(API_BLUEPRINT + "."):
        from .api import authenticate, unauthorized
        person, problem = authenticate()
        if person is None:
            return None, unauthorized(problem)
        g.api_person = person
        return person, None
    from flask_login import current_user

    from .auth import login_manager
    if current_user.is_authenticated:
        return current_user._get_current_object(), None
    return None, login_manager.unauthorized()
