"""Who may reach each page and API endpoint: how rules are declared, named and registered.

Every view declares the rule it follows, by name, with :func:`allow`::

    @bp.route("/people/<int:person_id>")
    @allow("view_person")
    def show(person_id):
        person = g.person          # loaded and checked by the gate

    @bp.route("/people/<int:person_id>/skills", methods=["GET", "POST"])
    @allow("view_person", POST="assess_person")     # a method may follow another rule
    def skills(person_id): ...

The rules themselves live with the pages they guard: each domain package defines its own in its
``access`` module and registers them with :func:`define_rules` (``dualdash.org.access``,
``dualdash.kpis.access``, ``dualdash.coaching.access``); a plugin may define rules of its own the same
way, before the views that name them. This module holds the three rules every package shares
(``public``, ``signed_in``, ``admin``) and the registry, :data:`RULES`.

The gate that applies them before any view runs is the shell's (:mod:`dualdash.web.gate`). It signs
the viewer in (the session; or, for a blueprint that registered its own way with :func:`sign_in_with`,
such as the JSON API and its bearer tokens), loads the objects a rule names from the URL once (404 when
there is none), checks that the viewer may reach them (403 when not), and puts them on
:data:`flask.g` for the view. It fails closed: an endpoint without a declared rule answers 403, and
:func:`check` makes the app refuse to start while one exists."""
from dataclasses import dataclass, field
from typing import Callable, Optional

#: The attribute of a view function that holds its declaration.
ATTRIBUTE = "dualdash_access"


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


#: Every rule, by the name views declare: the shared ones below, then each domain's and plugin's
#: (:func:`define_rules`). DESIGN.md's table, endpoint by endpoint.
RULES = {
    "public": Rule("anyone", "anyone, signed in or not"),
    "signed_in": Rule("signed_in", "anyone signed in"),
    "admin": Rule("admin", "admins only", denied="Only admins may open this page."),
}
#: Who defined each rule of :data:`RULES` (a module or plugin name), to name both sides of a clash.
DEFINED_BY = {name: __name__ for name in RULES}


def define_rules(rules, owner):
    """Register ``rules`` (``{name: Rule}``) under ``owner`` (a module or plugin name), so views may
    name them in :func:`allow`. A name another owner already defined is refused (``ValueError``): two
    packages must not guard pages with different rules of one name. Defining the same rules again
    for the same owner (a module imported twice) is harmless."""
    for name, rule in rules.items():
        if not isinstance(rule, Rule):
            raise ValueError(f"access rule {name!r} of {owner} is not a dualdash Rule")
        holder = DEFINED_BY.get(name)
        if holder is not None and holder != owner:
            raise ValueError(f"access rule {name!r} of {owner} is already defined by {holder}")
    for name, rule in rules.items():
        RULES[name] = rule
        DEFINED_BY[name] = owner
    return rules


def sign_in_with(app, blueprint, authenticate):
    """Sign the requests of ``blueprint``'s endpoints in with ``authenticate()`` instead of the session.

    ``authenticate()`` returns ``(person, None)``, or ``(None, response)`` to send when nobody may be
    signed in (say, a 401 for a missing token). The JSON API registers its bearer tokens this way, so
    that the gate never imports the API."""
    app.extensions.setdefault("dualdash.sign_in", {})[blueprint] = authenticate


def authenticator_for(app, endpoint):
    """The ``authenticate`` registered for the blueprint of ``endpoint``, or None (the session)."""
    blueprint = endpoint.rpartition(".")[0]
    return app.extensions.get("dualdash.sign_in", {}).get(blueprint)


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
    checked as they are registered: see :func:`dualdash.plugins.manager.install`)."""
    found = problems(app)
    if found:
        raise AccessUndeclared(found)
